// Runs a VCardQuery over address books the way an inverted index would, fast enough for 20,000
// cards per keystroke: for each queried field of a book, sorted arrays of its normalised values
// and words (rebuilt only when the book changed) turn terms and prefixes into binary searches;
// runs of words (phrases) become substring scans of the field's concatenated text. Each query
// node yields a score per item (0 = no match; otherwise the number of matching values, our
// stand-in for relevance), and AND/OR/NOT combine them. Field globs, the every-field default and
// general wildcards fall back to matching item by item.
// Then sort (`Pertinance`: score, `FormatedName`: display name) and page (size −1 → 10 hits).
import type { VCardQuery } from "../../src/bluemind/models.ts";
import { escapeQueryText, parseQueryString } from "./query-string.ts";
import type { QueryNode, TermPart } from "./query-string.ts";
import { EMAIL_FIELD, EMAIL_INDEX_LENGTH, fieldValues, normalize, rawFieldValues, tokens } from "./search-index.ts";
import type { IndexedValue } from "./search-index.ts";
import type { Book, StoredItem } from "./state.ts";

const DEFAULT_SIZE = 10;
/** Separates values in a column's text: `\u0001<norm>\u0001<joined>` where joined is " tok1 tok2 ". */
const SEP = "\u0001";

/**
 * How a term is looked up. Value probes test the whole normalised value, token probes single
 * words, and `scan` a run of words (" jean pierre ") that needs a substring search.
 */
type Probe =
  | { kind: "valueExact" | "valuePrefix" | "tokenExact" | "tokenPrefix"; s: string }
  | { kind: "scan"; s: string };

/** One field of one book, in sorted arrays (like an inverted index) built when first queried. */
interface Column {
  /** Sorted normalised values, and the item index of each. */
  values: string[];
  valueItems: Int32Array;
  /** Sorted tokens, and the item index of each. */
  tokens: string[];
  tokenItems: Int32Array;
  /** Whether each item has at least one non-empty value. */
  present: Uint8Array;
  /** Concatenated segments and where each item's starts; built on the first `scan` probe. */
  text: { text: string; starts: Int32Array } | null;
  /** Probe results: autocompletion repeats the same clauses (kind, …) at every keystroke. */
  cache: Map<string, Float64Array>;
}

interface BookIndex {
  revision: number;
  items: StoredItem[];
  columns: Map<string, Column>;
}

const indexes = new WeakMap<Book, BookIndex>();
const MAX_CACHED_PROBES = 256;

function bookIndex(book: Book): BookIndex {
  const items = book.items; // may load a lazy book, which bumps the revision: read it first
  let index = indexes.get(book);
  if (!index || index.revision !== book.revision) {
    index = { revision: book.revision, items: [...items.values()], columns: new Map() };
    indexes.set(book, index);
  }
  return index;
}

function sortedPairs(pairs: [string, number][]): [string[], Int32Array] {
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  return [pairs.map((p) => p[0]), Int32Array.from(pairs, (p) => p[1])];
}

function column(index: BookIndex, field: string): Column {
  let col = index.columns.get(field);
  if (!col) {
    const values: [string, number][] = [];
    const tokenPairs: [string, number][] = [];
    const present = new Uint8Array(index.items.length);
    index.items.forEach((item, i) => {
      for (const v of fieldValues(item, field)) {
        if (v.norm === "") continue;
        present[i] = 1;
        values.push([v.norm, i]);
        for (const t of v.joined.split(" ")) if (t !== "") tokenPairs.push([t, i]);
      }
    });
    const [sortedValues, valueItems] = sortedPairs(values);
    const [sortedTokens, tokenItems] = sortedPairs(tokenPairs);
    col = { values: sortedValues, valueItems, tokens: sortedTokens, tokenItems, present, text: null, cache: new Map() };
    index.columns.set(field, col);
  }
  return col;
}

function columnText(index: BookIndex, field: string, col: Column): { text: string; starts: Int32Array } {
  if (!col.text) {
    const parts: string[] = [];
    const starts = new Int32Array(index.items.length);
    let offset = 0;
    index.items.forEach((item, i) => {
      starts[i] = offset;
      for (const v of fieldValues(item, field)) {
        const segment = `${SEP}${v.norm}${SEP}${v.joined}`;
        parts.push(segment);
        offset += segment.length;
      }
    });
    col.text = { text: parts.join(""), starts };
  }
  return col.text;
}

function lowerBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Per item, how many of its values (or words) the probe matches. */
function runProbe(index: BookIndex, field: string, col: Column, probe: Probe): Float64Array {
  const cacheKey = `${probe.kind}:${probe.s}`;
  let scores = col.cache.get(cacheKey);
  if (scores) return scores;
  scores = new Float64Array(index.items.length);
  if (probe.kind === "scan") {
    const { text, starts } = columnText(index, field, col);
    const last = starts.length - 1;
    // Occurrences come in increasing order, so the owning item is found by walking forward.
    let item = 0;
    for (let p = text.indexOf(probe.s); p !== -1; p = text.indexOf(probe.s, p + probe.s.length)) {
      while (item < last && (starts[item + 1] as number) <= p) item++;
      scores[item] += 1;
    }
  } else {
    const onTokens = probe.kind === "tokenExact" || probe.kind === "tokenPrefix";
    const sorted = onTokens ? col.tokens : col.values;
    const owners = onTokens ? col.tokenItems : col.valueItems;
    const prefix = probe.kind === "tokenPrefix" || probe.kind === "valuePrefix";
    for (let i = lowerBound(sorted, probe.s); i < sorted.length; i++) {
      const candidate = sorted[i] as string;
      if (prefix ? !candidate.startsWith(probe.s) : candidate !== probe.s) break;
      scores[owners[i] as number] += 1;
    }
  }
  if (col.cache.size >= MAX_CACHED_PROBES) col.cache.clear();
  col.cache.set(cacheKey, scores);
  return scores;
}

function wordsProbe(words: string[], prefix: boolean): Probe[] {
  if (words.length === 0) return [];
  if (words.length === 1) return [{ kind: prefix ? "tokenPrefix" : "tokenExact", s: words[0] as string }];
  return [{ kind: "scan", s: ` ${words.join(" ")}${prefix ? "" : " "}` }];
}

/** The probes of a term or phrase, or null when they cannot express it (general wildcards). */
function probesFor(node: QueryNode): Probe[] | null {
  if (node.type === "phrase") return wordsProbe(tokens(normalize(node.text)), false);
  if (node.type !== "term") return null;
  const parts = node.parts;
  const wildcards = parts.filter((p) => "wild" in p).length;
  const literal = normalize(parts.map((p) => ("lit" in p ? p.lit : "")).join("")).trim();
  const words = tokens(literal);
  // The whole value, or the words in sequence.
  if (wildcards === 0) return [{ kind: "valueExact", s: literal }, ...wordsProbe(words, false)];
  const last = parts[parts.length - 1] as TermPart;
  // Start of the value, or start of any word.
  if (wildcards === 1 && "wild" in last && last.wild === "*" && literal !== "") return [{ kind: "valuePrefix", s: literal }, ...wordsProbe(words, true)];
  return null;
}

function probeMatches(probe: Probe, v: IndexedValue): boolean {
  switch (probe.kind) {
    case "valueExact":
      return v.norm === probe.s && v.norm !== "";
    case "valuePrefix":
      return v.norm.startsWith(probe.s);
    case "tokenExact":
      return v.joined.includes(` ${probe.s} `);
    case "tokenPrefix":
      return v.joined.includes(` ${probe.s}`);
    case "scan":
      return `${SEP}${v.norm}${SEP}${v.joined}`.includes(probe.s);
  }
}

// ---- Per-item fallback (globs, every-field queries, general wildcards) ----

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function valueTest(node: QueryNode & { type: "term" | "phrase" }): (v: IndexedValue) => number {
  const probes = probesFor(node);
  if (probes) return (v) => probes.filter((p) => probeMatches(p, v)).length;
  const parts = (node as { parts: TermPart[] }).parts;
  const source = parts.map((p) => ("lit" in p ? escapeRegex(normalize(p.lit)) : p.wild === "*" ? ".*" : ".")).join("");
  const re = new RegExp(`^${source}$`, "u");
  return (v) => (re.test(v.norm) || v.joined.trim().split(" ").some((t) => re.test(t)) ? 1 : 0);
}

function perItem(index: BookIndex, score: (item: StoredItem) => number): Float64Array {
  const out = new Float64Array(index.items.length);
  index.items.forEach((item, i) => {
    out[i] = score(item);
  });
  return out;
}

function isColumnField(field: string | null): field is string {
  return field !== null && !field.includes("*");
}

/**
 * A full-text term or phrase is analysed like the field's values before it is looked up, so an
 * exact address is cut at 20 characters as its indexed form was (search-index.ts EMAIL_FIELD).
 * Wildcard terms (prefixes) are not analysed by Elasticsearch: a prefix longer than 20 characters
 * matches nothing.
 */
function emailAnalyzed(node: QueryNode & { type: "term" | "phrase" }): QueryNode & { type: "term" | "phrase" } {
  if (node.field !== EMAIL_FIELD) return node;
  if (node.type === "phrase") return { ...node, text: node.text.slice(0, EMAIL_INDEX_LENGTH) };
  if (node.parts.some((part) => "wild" in part)) return node;
  return { ...node, parts: [{ lit: node.parts.map((part) => ("lit" in part ? part.lit : "")).join("").slice(0, EMAIL_INDEX_LENGTH) }] };
}

function evaluate(node: QueryNode, index: BookIndex): Float64Array {
  const n = index.items.length;
  switch (node.type) {
    case "all":
      return new Float64Array(n).fill(1);
    case "exists": {
      if (isColumnField(node.field)) {
        const present = column(index, node.field).present;
        return Float64Array.from(present);
      }
      const field = node.field;
      return perItem(index, (item) => (rawFieldValues(item, field).some((v) => v !== "") ? 1 : 0));
    }
    case "term":
    case "phrase": {
      const probes = probesFor(emailAnalyzed(node));
      if (probes && isColumnField(node.field)) {
        const col = column(index, node.field);
        const scores = new Float64Array(n);
        for (const probe of probes) {
          const found = runProbe(index, node.field, col, probe);
          for (let i = 0; i < n; i++) scores[i] += found[i] as number;
        }
        return scores;
      }
      const test = valueTest(node);
      const field = node.field;
      return perItem(index, (item) => fieldValues(item, field).reduce((sum, v) => sum + test(v), 0));
    }
    case "not": {
      const child = evaluate(node.child, index);
      return child.map((s) => (s > 0 ? 0 : 1));
    }
    case "and": {
      const [first, ...rest] = node.children.map((c) => evaluate(c, index));
      const acc = first ?? new Float64Array(n);
      for (const scores of rest) for (let i = 0; i < n; i++) acc[i] = acc[i] === 0 || scores[i] === 0 ? 0 : (acc[i] as number) + (scores[i] as number);
      return acc;
    }
    case "or": {
      const acc = new Float64Array(n);
      for (const c of node.children) {
        const scores = evaluate(c, index);
        for (let i = 0; i < n; i++) acc[i] += scores[i] as number;
      }
      return acc;
    }
  }
}

export function parseVCardQuery(query: VCardQuery): QueryNode {
  const text = typeof query.query === "string" ? query.query : "";
  return parseQueryString(query.escapeQuery ? escapeQueryText(text) : text);
}

export interface Hit {
  book: Book;
  item: StoredItem;
  score: number;
}

/** Accent- and case-insensitive sort key, cached with the item's other indexed values. */
function nameKey(item: StoredItem): string {
  return fieldValues(item, "displayName")[0]?.norm ?? "";
}

/** Match every item of every book, sort, then page. */
export function runSearch(books: Book[], query: VCardQuery): { total: number; hits: Hit[] } {
  const ast = parseVCardQuery(query);
  const hits: Hit[] = [];
  for (const book of books) {
    const index = bookIndex(book);
    const scores = evaluate(ast, index);
    scores.forEach((score, i) => {
      if (score > 0) hits.push({ book, item: index.items[i] as StoredItem, score });
    });
  }
  const from = Number.isInteger(query.from) && query.from > 0 ? query.from : 0;
  const size = Number.isInteger(query.size) && query.size >= 0 ? query.size : DEFAULT_SIZE;
  const byName = (a: Keyed, b: Keyed): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const order = query.orderBy === "FormatedName" ? byName : (a: Keyed, b: Keyed) => b.hit.score - a.hit.score || byName(a, b);
  return { total: hits.length, hits: topK(hits, from + size, order).slice(from).map((k) => k.hit) };
}

interface Keyed {
  hit: Hit;
  key: string;
}

/** The first k hits in order, without sorting all of them (a broad query can match 20,000 cards). */
function topK(hits: Hit[], k: number, order: (a: Keyed, b: Keyed) => number): Keyed[] {
  if (k <= 0) return [];
  if (k * 4 >= hits.length) return hits.map((hit) => ({ hit, key: nameKey(hit.item) })).sort(order).slice(0, k);
  const best: Keyed[] = [];
  for (const hit of hits) {
    const candidate = { hit, key: nameKey(hit.item) };
    if (best.length === k && order(candidate, best[k - 1] as Keyed) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (order(best[mid] as Keyed, candidate) <= 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, candidate);
    if (best.length > k) best.pop();
  }
  return best;
}

// What Elasticsearch's analyzer would have indexed for a card: for each field path (`uid`,
// `displayName`, `value.communications.emails.value`… arrays flattened), the values lower-cased,
// accent-folded and split into word tokens. Values are computed per (item, field) on first use and
// cached on the item object (items are replaced on every write, so the cache never goes stale).
import type { StoredItem } from "./state.ts";

export interface IndexedValue {
  /** Normalised full value. */
  norm: string;
  /** Normalised tokens joined by single spaces, with a space at both ends: " jane doe ". */
  joined: string;
}

const LIGATURES: Record<string, string> = { œ: "oe", æ: "ae", ß: "ss", ø: "o", đ: "d", ł: "l", ı: "i", þ: "th" };

/** Lower-case and accent-fold, like an asciifolding analyzer. */
export function normalize(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[œæßøđłıþ]/g, (c) => LIGATURES[c] ?? c);
}

export function tokens(norm: string): string[] {
  return norm.split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0);
}

export function indexValue(raw: string): IndexedValue {
  // Control characters become spaces: the search columns use \u0001 as a separator.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  const norm = normalize(raw).replace(/[\u0000-\u001f]+/g, " ").trim();
  return { norm, joined: ` ${tokens(norm).join(" ")} ` };
}

type Primitive = string | number | boolean;

function collectLeaves(node: unknown, out: Primitive[]): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const child of node) collectLeaves(child, out);
  } else if (typeof node === "object") {
    for (const child of Object.values(node)) collectLeaves(child, out);
  } else if (typeof node === "string" || typeof node === "number" || typeof node === "boolean") {
    out.push(node);
  }
}

/** Values under a dotted path, walking through arrays; an object yields all its leaves. */
function valuesAt(node: unknown, segments: readonly string[], index: number, out: Primitive[]): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const child of node) valuesAt(child, segments, index, out);
    return;
  }
  if (index === segments.length) {
    collectLeaves(node, out);
    return;
  }
  if (typeof node !== "object") return;
  valuesAt((node as Record<string, unknown>)[segments[index] as string], segments, index + 1, out);
}

function walkPaths(node: unknown, path: string, visit: (path: string, value: Primitive) => void): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const child of node) walkPaths(child, path, visit);
  } else if (typeof node === "object") {
    for (const [k, child] of Object.entries(node)) walkPaths(child, path ? `${path}.${k}` : k, visit);
  } else if (typeof node === "string" || typeof node === "number" || typeof node === "boolean") {
    visit(path, node);
  }
}

/** Raw (un-normalised) values of a field; `null` field = every indexed field. */
export function rawFieldValues(item: StoredItem, field: string | null): Primitive[] {
  const out: Primitive[] = [];
  if (field === null) {
    out.push(item.uid);
    if (item.displayName) out.push(item.displayName);
    collectLeaves(item.value, out);
    return out;
  }
  if (field === "uid") return [item.uid];
  if (field === "displayName") return item.displayName ? [item.displayName] : [];
  if (field.includes("*")) {
    const re = new RegExp(`^${field.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    if (re.test("uid")) out.push(item.uid);
    if (re.test("displayName") && item.displayName) out.push(item.displayName);
    walkPaths(item.value, "value", (path, value) => {
      if (re.test(path)) out.push(value);
    });
    return out;
  }
  if (field === "value") {
    collectLeaves(item.value, out);
    return out;
  }
  if (!field.startsWith("value.")) return out;
  valuesAt(item.value, field.slice("value.".length).split("."), 0, out);
  return out;
}

/**
 * BlueMind's address-book mapping (`contact.json` in its address-book persistence) indexes an
 * email address through a `pattern_capture` filter that keeps the whole address and adds its
 * domain, then an `email_length` truncate filter: each is cut to 20 characters (its edge n-grams
 * stop at 20 as well). A prefix longer than 20 characters can therefore never match an address
 * on a real server, even when the address starts with it: reproduced here for the emails field.
 */
export const EMAIL_FIELD = "value.communications.emails.value";
export const EMAIL_INDEX_LENGTH = 20;

/** Domains are shared by thousands of cards: one indexed value each, not one per card. */
const domainValues = new Map<string, IndexedValue>();

function emailIndexValues(raw: string): IndexedValue[] {
  const full = raw.trim().toLowerCase();
  const at = full.lastIndexOf("@");
  const values = [indexValue(full.slice(0, EMAIL_INDEX_LENGTH))];
  if (at < 0 || at === full.length - 1) return values;
  const domain = full.slice(at + 1, at + 1 + EMAIL_INDEX_LENGTH);
  let value = domainValues.get(domain);
  if (value === undefined) {
    value = indexValue(domain);
    if (domainValues.size < 10_000) domainValues.set(domain, value);
  }
  values.push(value);
  return values;
}

function indexedValues(item: StoredItem, field: string): IndexedValue[] {
  if (field === EMAIL_FIELD) return rawFieldValues(item, field).flatMap((v) => emailIndexValues(String(v)));
  return rawFieldValues(item, field).map((v) => indexValue(String(v)));
}

const cache = new WeakMap<StoredItem, Map<string, IndexedValue[]>>();

export function fieldValues(item: StoredItem, field: string | null): IndexedValue[] {
  // Every-field values are not cached: too much memory on 20,000-card books for a rare query.
  if (field === null) return rawFieldValues(item, null).map((v) => indexValue(String(v)));
  let perItem = cache.get(item);
  if (!perItem) {
    perItem = new Map();
    cache.set(item, perItem);
  }
  let values = perItem.get(field);
  if (!values) {
    values = indexedValues(item, field);
    perItem.set(field, values);
  }
  return values;
}

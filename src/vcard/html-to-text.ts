// BlueMind notes may be HTML (its web editor writes rich text); Thunderbird shows NOTE as plain
// text. This turns HTML into readable text: block elements and <br> become line breaks, list
// items get a bullet or a number, character references are decoded, every tag is dropped, and
// the content of <script>/<style>/<head> is dropped with its tags.
//
// The input is a server string and may be hostile. Nothing here builds a DOM or evaluates
// anything: one linear scan over the characters (no backtracking regular expressions over the
// whole input), producing text only.

import { decodeEntities } from "./html-entities.ts";
import { cleanText } from "./text.ts";

const KNOWN_TAGS = new Set(
  ("a abbr address article aside b bdi bdo big blockquote body br caption center cite code col colgroup dd del " +
    "details dfn div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 h6 head header hr html i img ins kbd " +
    "label li link main mark meta nav ol p pre q s samp script section small span strike strong style sub summary " +
    "sup table tbody td tfoot th thead title tr tt u ul var").split(" "),
);

/** Elements whose content is not text to show. */
const HIDDEN_CONTENT = new Set(["script", "style", "head", "title", "template", "noscript"]);

/** Elements that end a line. */
const LINE_BLOCKS = new Set([
  "address", "article", "aside", "body", "caption", "center", "dd", "details", "div", "dl", "dt", "figcaption",
  "figure", "footer", "header", "hr", "html", "li", "main", "nav", "section", "summary", "tr",
]);

/** Elements separated from their neighbours by a blank line. */
const PARAGRAPH_BLOCKS = new Set(["blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ol", "p", "pre", "table", "ul"]);

// Private-use markers for block boundaries, resolved after the scan. Stripped from the input
// first so that a note cannot forge one.
const LINE_MARK = "\uE000";
const PARAGRAPH_MARK = "\uE001";
const MARKS = /[\uE000\uE001]/g;

const TAG_START = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)/y;
const OPENING_KNOWN_TAG = /<\/?([a-zA-Z][a-zA-Z0-9]*)[\s/>]/g;

/** True when a note contains at least one real HTML tag (so "x < y" or "<3" stay plain text). */
export function looksLikeHtml(text: string): boolean {
  if (text.includes("<!--")) return true;
  for (const match of text.matchAll(OPENING_KNOWN_TAG)) {
    if (KNOWN_TAGS.has((match[1] ?? "").toLowerCase())) return true;
  }
  return false;
}

export function htmlToText(html: string): string {
  const source = cleanText(html).replace(MARKS, "");
  const lower = source.toLowerCase();
  const lists: { ordered: boolean; count: number }[] = [];
  let out = "";
  let index = 0;
  while (index < source.length) {
    const lt = source.indexOf("<", index);
    if (lt < 0) {
      out += collapseWhitespace(source.slice(index));
      break;
    }
    out += collapseWhitespace(source.slice(index, lt));
    if (source.startsWith("<!--", lt)) {
      const end = source.indexOf("-->", lt + 4);
      index = end < 0 ? source.length : end + 3;
      continue;
    }
    TAG_START.lastIndex = lt;
    const tag = TAG_START.exec(source);
    if (!tag) {
      if (source[lt + 1] === "!" || source[lt + 1] === "?") {
        // <!DOCTYPE …>, <?xml …?>: skipped whole.
        const end = source.indexOf(">", lt);
        index = end < 0 ? source.length : end + 1;
      } else {
        out += "<";
        index = lt + 1;
      }
      continue;
    }
    const end = findTagEnd(source, lt + tag[0].length);
    if (end < 0) break; // an unfinished tag at the end is dropped, as browsers do
    const closing = tag[1] === "/";
    const name = (tag[2] ?? "").toLowerCase();
    index = end + 1;
    if (!closing && HIDDEN_CONTENT.has(name)) {
      const close = lower.indexOf(`</${name}`, index);
      const closeEnd = close < 0 ? -1 : source.indexOf(">", close);
      index = closeEnd < 0 ? source.length : closeEnd + 1;
      continue;
    }
    out += renderTag(name, closing, lists);
  }
  return cleanText(decodeEntities(resolveBreaks(out)));
}

function renderTag(name: string, closing: boolean, lists: { ordered: boolean; count: number }[]): string {
  if (name === "br") return "\n";
  if (name === "ol" || name === "ul") {
    if (closing) lists.pop();
    else lists.push({ ordered: name === "ol", count: 0 });
    return PARAGRAPH_MARK;
  }
  if (name === "li" && !closing) {
    const list = lists[lists.length - 1];
    if (list?.ordered) return `${LINE_MARK}${++list.count}. `;
    return `${LINE_MARK}• `;
  }
  if (name === "td" || name === "th") return closing ? " " : "";
  if (PARAGRAPH_BLOCKS.has(name)) return PARAGRAPH_MARK;
  if (LINE_BLOCKS.has(name)) return LINE_MARK;
  return "";
}

/** Index of the `>` closing a tag whose name ends at `from`, skipping quoted attribute values. */
function findTagEnd(source: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < source.length; i++) {
    const char = source[i];
    if (quote !== null) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === ">") {
      return i;
    }
  }
  return -1;
}

function collapseWhitespace(text: string): string {
  return text.replace(/[ \t\n\f]+/g, " ");
}

/**
 * Turns each run of spaces, <br> line breaks and block markers into what a browser shows: one
 * line break for a line block, a blank line for a paragraph, plus the explicit <br>s — except a
 * <br> that ends a block, which browsers do not show as an extra line. Runs at either end are
 * dropped. A hand-written loop rather than a regular expression, to stay linear on long runs.
 */
function resolveBreaks(text: string): string {
  let out = "";
  let index = 0;
  while (index < text.length) {
    let end = index;
    const inRun = isBreakChar(text.charAt(index));
    while (end < text.length && isBreakChar(text.charAt(end)) === inRun) end++;
    const chunk = text.slice(index, end);
    if (!inRun) out += chunk;
    else if (index > 0 && end < text.length) out += renderRun(chunk);
    index = end;
  }
  return out;
}

function renderRun(run: string): string {
  const firstMark = run.search(/[\uE000\uE001]/);
  if (firstMark < 0) return run.includes("\n") ? "\n".repeat(count(run, "\n")) : run;
  const breaksEndingBlock = count(run.slice(0, firstMark), "\n");
  const breaksAfter = count(run.slice(firstMark), "\n");
  const base = run.includes(PARAGRAPH_MARK) ? 2 : 1;
  return "\n".repeat(Math.max(base, 1 + Math.max(0, breaksEndingBlock - 1) + breaksAfter));
}

function isBreakChar(char: string): boolean {
  return char === " " || char === "\n" || char === LINE_MARK || char === PARAGRAPH_MARK;
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

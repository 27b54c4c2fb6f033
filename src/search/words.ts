// What the user typed, as a set of search words: each word is a prefix that some name, email or
// company word of a matching card starts with, and every word must match (AND).
//
// Thunderbird gives a provider book the raw text (`searchString`) and, from the address book's
// search box, also its own query language: `?(and(or(DisplayName,c,jan)(FirstName,c,jan)…)…)`.
// The raw text is what the user typed, so it wins; the query is parsed only when the text is
// missing.

const BRACKETS = [
  ["(", ")"],
  ["[", "]"],
  ["{", "}"],
] as const;

/**
 * Quotes and angle brackets around a word come from a pasted or edited address
 * (`"Jane Doe" <jane@example.com>`), brackets from a comment ("(ACME)"): they are not part of
 * any name or email. Brackets inside a word, balanced ("o(x)"), are kept.
 */
function trimWord(word: string): string {
  let trimmed = word.replace(/^["'<>]+|["'<>]+$/g, "");
  for (const [open, close] of BRACKETS) {
    while (trimmed.startsWith(open) && !trimmed.includes(close)) trimmed = trimmed.slice(1);
    while (trimmed.endsWith(close) && !trimmed.includes(open)) trimmed = trimmed.slice(0, -1);
    if (trimmed.startsWith(open) && trimmed.endsWith(close)) trimmed = trimmed.slice(1, -1);
  }
  return trimmed;
}

/** Words of a search text: split on white space and commas (Thunderbird's separators),
 * lower-cased, deduplicated, and without words implied by a longer one ("je jean" = "jean"). */
export function searchWords(text: string): string[] {
  const raw = text
    .split(/[\s,]+/u)
    .map((word) => trimWord(word).toLowerCase())
    .filter((word) => word !== "");
  return minimalWords(raw);
}

/** Sorted, unique, and without a word that is a prefix of another (it adds no condition). */
export function minimalWords(words: readonly string[]): string[] {
  const unique = [...new Set(words)];
  return unique.filter((word) => !unique.some((other) => other !== word && other.startsWith(word))).sort();
}

/** The cache key of a query: the same set of words in any order is the same query. */
export function wordsKey(words: readonly string[]): string {
  return words.join(" ");
}

// One condition of Thunderbird's query language: (Field,operator,value), value URI-encoded.
const CONDITION = /\(([A-Za-z0-9]+),([a-z!=]+),([^()]*)\)/g;

/** The words of a Thunderbird search-box query, in order of appearance. */
export function wordsFromThunderbirdQuery(query: string): string[] {
  const values: string[] = [];
  for (const match of query.matchAll(CONDITION)) {
    const [, field, , encoded] = match;
    if (field === "IsMailList" || encoded === undefined || encoded === "") continue;
    let value: string;
    try {
      value = decodeURIComponent(encoded);
    } catch {
      value = encoded;
    }
    values.push(value);
  }
  return searchWords(values.join(" "));
}

/** The words to search for: from the typed text, else from Thunderbird's query. */
export function queryWords(searchString: string | undefined, query: string | null): string[] {
  const typed = typeof searchString === "string" ? searchWords(searchString) : [];
  if (typed.length > 0 || query === null) return typed;
  return wordsFromThunderbirdQuery(query);
}

/** Whether a query is specific enough to send: one word at least `minLength` characters long. */
export function isSpecificEnough(words: readonly string[], minLength: number): boolean {
  return words.some((word) => [...word].length >= minLength);
}

/**
 * Whether every card matching `narrower` also matches `broader`: each broader word is a prefix
 * of some narrower word (a card word starting with "jean" starts with "je"). Compared as typed
 * (lower-cased, accents kept): the server may or may not fold accents, and only this exact
 * relation holds either way.
 */
export function covers(broader: readonly string[], narrower: readonly string[]): boolean {
  return broader.every((prefix) => narrower.some((word) => word.startsWith(prefix)));
}

/**
 * BlueMind indexes email addresses cut to 20 characters (the `email_length` truncate filter of
 * the `contact.json` mapping in its address-book persistence; its edge n-grams stop at 20 too):
 * a prefix longer than that can never match on the server, even when the address starts with
 * it. So the server is asked the first 20 characters of each word, and the answer is narrowed
 * here with the whole words (book-search.ts). 20 UTF-16 code units, as Java counts them.
 */
export const SERVER_PREFIX_LIMIT = 20;

/** The words to send to the server for `words`: each cut at SERVER_PREFIX_LIMIT (whole code points). */
export function serverWords(words: readonly string[]): string[] {
  const cut = words.map((word) => {
    if (word.length <= SERVER_PREFIX_LIMIT) return word;
    let kept = "";
    for (const character of word) {
      if (kept.length + character.length > SERVER_PREFIX_LIMIT) break;
      kept += character;
    }
    return kept;
  });
  return minimalWords(cut);
}

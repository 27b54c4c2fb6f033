// The Elasticsearch `query_string` sent to BlueMind's `POST /api/addressbooks/{uid}/_search`
// (bluemind-api.md §5): every word is a prefix over the fields a person is looked up by, and
// the words are ANDed.
//
// No `value.kind` clause, unlike BlueMind's legacy connector (`value.kind:'individual'`): a
// directory group or a meeting room with an address is a valid recipient, and what cannot be
// shown (a group without an email: provider books cannot hold mailing lists) is left out when
// the results are built (results.ts). One query shape for both callers also lets the search box
// and autocompletion share answers.
import type { VCardQuery } from "../bluemind/models.ts";

/** Display name, given and family names, every email, company (BlueMind VCard JSON paths). */
export const SEARCH_FIELDS = [
  "value.identification.formatedName.value",
  "value.identification.name.givenNames",
  "value.identification.name.familyNames",
  "value.communications.emails.value",
  "value.organizational.org.company",
] as const;

/** query_string's reserved characters (Elasticsearch documents `&&` and `||`: a single `&` or
 * `|` escaped is still the literal character), plus white space, which would split a term. */
const RESERVED = /[+\-=&|><!(){}[\]^"~*?:\\/\s]/gu;

/** The text as one literal query_string term. */
export function escapeQueryText(text: string): string {
  return text.replace(RESERVED, (c) => `\\${c}`);
}

/** One word: a prefix on any of the fields. Lower-case words never read as AND/OR/NOT. */
function wordClause(word: string): string {
  const term = `${escapeQueryText(word.toLowerCase())}*`;
  return `(${SEARCH_FIELDS.map((field) => `${field}:${term}`).join(" OR ")})`;
}

export function buildSearchQuery(words: readonly string[]): string {
  if (words.length === 0) throw new Error("a search needs at least one word");
  return words.map(wordClause).join(" AND ");
}

/**
 * `Pertinance` (sic, BlueMind's spelling): cards matching a word in several fields (given name
 * and email) come before those matching once (the company only). Thunderbird does not re-sort
 * a provider's results, so this order is what the popup shows, and it decides which hits a
 * too-large answer keeps.
 */
export function vCardQuery(words: readonly string[], size: number): VCardQuery {
  return { query: buildSearchQuery(words), from: 0, size, orderBy: "Pertinance", escapeQuery: false };
}

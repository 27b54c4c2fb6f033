// Who calls a provider book's listener, and how to tell them apart.
//
// Who calls, measured on Thunderbird 140.12 and 153.8 (test/e2e/provider-callers.test.ts, a
// provider book recording what its listener receives):
//  - compose autocompletion: `query` null, `searchString` the text as typed ("z", then
//    "zed mu" for two words), from the first letter on; after a complete answer Thunderbird
//    narrows the following key strokes itself and does not call again. Thunderbird's own
//    `mail.addr_book.autocompletequery.format` is never passed to a provider book (it is an
//    "async" directory to AbAutoCompleteSearch, which calls search(null, text));
//  - the address book's search box: `searchString` the text, `query` built from
//    `mail.addr_book.quicksearchquery.format`: "(and(or(DisplayName,c,zed)(FirstName,c,zed)…
//    (Company,c,zed)…))"; contacts.quickSearch (another extension): the same with a leading "?".
// So `query === null` tells autocompletion from the rest: it decides one card per address or per
// person (results.ts) and the per-book "Use in autocompletion" switch (book-search.ts). There is
// no other sign: the listener is not told which window asks.
import type { SearchPath } from "./results.ts";

/** Compose autocompletion (no query) or the address book's search box (and contacts.quickSearch). */
export function searchPath(query: string | null | undefined): SearchPath {
  return query === null || query === undefined ? "autocomplete" : "searchBox";
}

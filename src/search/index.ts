// Search-only (provider) books: what the background wires in. See provider-books.ts for the
// books' lifecycle and book-search.ts for how a search is answered.
export { ProviderBooks, PROVIDER_BOOKS_KEY, desiredProviderBooks, planProviderBooks } from "./provider-books.ts";
export type { ProviderBookSpec, ProviderBooksOptions, ProviderBooksPlan } from "./provider-books.ts";
export { BookSearch } from "./book-search.ts";
export type { BookSearchOptions } from "./book-search.ts";
export { consoleSearchLog } from "./ports.ts";
export type { SearchLog, SearchServer, SearchStats } from "./ports.ts";
export { providerBookId, providerCardUid } from "./book-id.ts";
export { DEFAULT_TUNING } from "./tuning.ts";
export type { SearchTuning } from "./tuning.ts";

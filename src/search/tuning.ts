// The numbers that make directory search fast for the person typing and quiet for the server.
// Each one says what fact set it; the bench (test/bench/search-bench.ts) and the fake server's
// datasets are where the measured ones come from.

export interface SearchTuning {
  /**
   * Hits asked of `_search` for a new query. Autocompletion uses at most 100 cards
   * (AbAutoCompleteSearch's MAX_ASYNC_RESULTS), so anything above 100 is bought only to make the
   * answer *complete* (the server's total fits), and a complete answer makes every following
   * keystroke free: it is narrowed locally, here and in Thunderbird. Measured on the fake
   * server's data (realistic two- and three-letter prefixes of names and emails): with 250 hits,
   * 83 % of two-letter and 100 % of three-letter queries are complete on a 2,000-person
   * directory, and 67 % of three-letter ones on 20,000 people. Typing a word letter by letter
   * (test/bench/search-bench.ts) then costs 2.1 requests on average on 2,000 people and 2.6 on
   * 20,000, against 2.2 and 3.0 when asking 100; the price is a larger `_mget` per complete
   * answer (a few milliseconds on loopback).
   */
  searchSize: number;
  /**
   * Ceiling for the adaptive size. When a shorter query already told us its total T (more than
   * `searchSize`), a longer one matches at most T people, so asking for T hits guarantees a
   * complete answer and ends the requests for that name. Above this ceiling the answer (and the
   * `_mget` of every hit that a complete answer needs) costs more than one more keystroke's
   * request: 500 cards are ≈ 0.75 MB of JSON.
   */
  maxSearchSize: number;
  /** Cards handed to Thunderbird: autocompletion keeps 100 and marks the rest incomplete itself. */
  resultLimit: number;
  /**
   * Thunderbird waits for the slowest book before it shows the autocompletion popup, for every
   * key stroke: past ~3 s the user sees a frozen field, so answer with what is known and let the
   * request fill the cache for the next key stroke.
   */
  answerWithinMs: number;
  /**
   * How long an answer is reused: long enough to cover a compose session's typing (several
   * recipients, backspaces, the same colleague typed again), short enough that a directory
   * change shows up within minutes (design.md: "recent queries (≈2 min)").
   */
  answerTtlMs: number;
  /** Recent queries kept (each holds at most `maxSearchSize` hits, referencing shared cards). */
  maxAnswers: number;
  /**
   * Full cards are reused across queries ("jean" then "dupont" find the same person) and serve
   * one-letter queries, which are never sent. Directory cards change rarely; ten minutes bounds
   * how long a server-side edit can show stale in autocompletion.
   */
  cardTtlMs: number;
  /** ≈ 2 KB each in memory: 5,000 cards stay well under 16 MB. */
  maxCards: number;
  /**
   * A one-letter prefix matches a large share of any directory (in the fake 20,000-person
   * directory: 8,182 people under "m", 2,275 under the median letter): such a query costs the
   * server a lot and tells the user nothing. Queries are sent once one word has this many
   * characters (design.md: "nothing sent under 2 characters").
   */
  minWordLength: number;
  /**
   * In the address book's search box, an incomplete answer shows the full cards of the people it
   * lists (a clicked row shows every detail) once a word has this many characters; below, the
   * summaries `_search` returns (name, default email, phone). Two letters are a step on the way to
   * a longer name: on a 20,000-person directory "je" matches 595 people, and fetching the 100
   * shown cards (an `_mget`) before the user types the next letter made typing "jeann" cost 4
   * requests instead of 3 (test/e2e/search-books.test.ts, the bench's search-box typing).
   */
  shownCardsMinLength: number;
  /**
   * How long compose autocompletion waits for the empty answer to a one-letter query (never sent,
   * nothing in memory) — long enough to outlast the pause before the next key stroke (typists
   * leave 0.1–0.5 s between keys; 1 s covers slow typing), so that Thunderbird drops this answer
   * and asks the book the longer text instead of leaving it out of the rest of the word
   * (book-search.ts `unsent`). Local books' entries show meanwhile: Thunderbird does not wait for
   * a provider book to show them.
   */
  shortQueryHoldMs: number;
  /**
   * After a failed request (server down, network lost), new requests wait this long: a burst of
   * key strokes against a failing server costs one failed request, and the next recipient field
   * typed a few seconds later tries again.
   */
  failureBackoffMs: number;
  /**
   * Per-attempt HTTP limit of the requests that keep running after the 3 s answer to fill the
   * cache. Longer than any healthy search; a request still hanging after this is abandoned.
   */
  requestTimeoutMs: number;
  /**
   * A query still unanswered after this long (the transport's three tries of `requestTimeoutMs`
   * plus back-off, or a connection that never comes) is abandoned and its request aborted, so
   * that the same text can be asked again instead of waiting on a dead request.
   */
  abandonAfterMs: number;
}

export const DEFAULT_TUNING: SearchTuning = {
  searchSize: 250,
  maxSearchSize: 500,
  resultLimit: 100,
  answerWithinMs: 3_000,
  answerTtlMs: 2 * 60_000,
  maxAnswers: 100,
  cardTtlMs: 10 * 60_000,
  maxCards: 5_000,
  minWordLength: 2,
  shownCardsMinLength: 3,
  shortQueryHoldMs: 1_000,
  failureBackoffMs: 10_000,
  requestTimeoutMs: 15_000,
  abandonAfterMs: 60_000,
};

// The search behind one provider (search-only) book: Thunderbird's listener for compose
// autocompletion and for the address book's search box.
//
// Per key stroke, cheapest first:
//  1. nothing to search, or not specific enough (one letter), or the account cannot ask the
//     server (signed out, needs sign-in, offline, backing off after a failure): what memory
//     holds, marked incomplete;
//  2. the same query answered in the last 2 minutes, or a shorter one whose complete answer can
//     be narrowed here: no request;
//  3. the same query in flight: wait for it; a shorter one in flight: wait for it and narrow
//     its answer if it turns out complete (typing "je", "jea", "jean" fast costs one search);
//  4. otherwise `_search`, then one `_mget` for the full cards of a complete answer.
// A word longer than BlueMind indexes (words.ts SERVER_PREFIX_LIMIT, 20 characters) is sent cut,
// and the answer narrowed here with the whole word.
// Whatever happens, Thunderbird gets an answer within `answerWithinMs` (what is known when the
// server is slow; the request goes on and fills the cache for the next key stroke), and this
// code never throws into Thunderbird: a thrown error would make the whole search show nothing.
//
// Costs (bench and integration tests): typing "j", "je", "jea", "jean", "jeann" costs two
// requests on a 2,000-person directory ("je" is complete) and three on 20,000 people ("je" has
// 595 matches, then "jea" is asked with a size that must be complete), in compose and in the
// address book's search box alike (tuning.ts `shownCardsMinLength`).
//
//
// Who calls with what: callers.ts (measured). Thunderbird's quirk to keep in mind
// (AbAutoCompleteSearch.sys.mjs): an async book that answers an EMPTY list is not asked again for
// the following key strokes of that recipient when other books found something; only a
// non-empty incomplete answer keeps it in. So a one-letter query, which is never sent, answers
// with the matching cards already in memory whenever there are any, and is held otherwise
// (`unsent`).
import type { ItemValue, VCard } from "../bluemind/models.ts";
import type { ProviderSearchHandler, ProviderSearchResult } from "../thunderbird/types.ts";
import { filterHits, isNarrowable, narrowAnswer, narrowToWholeWords } from "./answer.ts";
import type { Candidate, SearchAnswer } from "./answer.ts";
import { AnswerCache, CardCache, mostSpecific } from "./cache.ts";
import { systemClock, type Clock } from "../shared/clock.ts";
import { describeError } from "../shared/error-message.ts";
import { text, UserError } from "../shared/user-text.ts";
import { delay, TIMED_OUT, withDeadline } from "./clock.ts";
import { vCardQuery } from "./query.ts";
import { searchPath } from "./callers.ts";
import { Presenter } from "./presenter.ts";
import type { SearchPath } from "./results.ts";
import { DEFAULT_TUNING } from "./tuning.ts";
import type { SearchTuning } from "./tuning.ts";
import { isSpecificEnough, queryWords, serverWords, wordsKey } from "./words.ts";
import { consoleSearchLog } from "./ports.ts";
import type { SearchLog, SearchServer, SearchStats } from "./ports.ts";

export interface BookSearchOptions {
  containerUid: string;
  /** Thunderbird's id of the provider book (book-id.ts); result UIDs derive from it. */
  bookId: string;
  /** The book's content API, or null when there is no account. May wait for the connection. */
  server: () => SearchServer | null | Promise<SearchServer | null>;
  /** False while the account is signed out, needs sign-in, or Thunderbird is offline. */
  canQuery: () => boolean;
  /** The user's "Use in autocompletion" switch of this book (default: on). */
  useInAutocomplete?: () => boolean;
  clock?: Clock;
  tuning?: Partial<SearchTuning>;
  log?: SearchLog;
}

class SearchUnavailable extends Error {}

const NOTHING: ProviderSearchResult = { results: [], isCompleteResult: false };
/**
 * A book kept out of autocompletion answers nothing, and says it is complete: Thunderbird then
 * does not ask it again for the following key strokes of that recipient (thunderbird-api.md).
 */
const NOT_IN_AUTOCOMPLETION: ProviderSearchResult = { results: [], isCompleteResult: true };

export class BookSearch {
  /** The listener to register with Thunderbird. */
  readonly handler: ProviderSearchHandler = (searchString, query) => this.search(searchString, query);
  readonly tuning: SearchTuning;
  private readonly clock: Clock;
  private readonly log: SearchLog;
  private readonly answers: AnswerCache;
  private readonly cards: CardCache;
  private failedUntil = 0;
  private readonly presenter: Presenter;
  private readonly counters: SearchStats = { searches: 0, mgets: 0, narrowed: 0, timeouts: 0, failures: 0 };

  constructor(private readonly options: BookSearchOptions) {
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? consoleSearchLog;
    this.answers = new AnswerCache(this.clock, this.tuning.answerTtlMs, this.tuning.maxAnswers);
    this.cards = new CardCache(this.clock, this.tuning.cardTtlMs, this.tuning.maxCards);
    this.presenter = new Presenter(options.bookId, this.tuning);
  }

  get containerUid(): string {
    return this.options.containerUid;
  }

  stats(): SearchStats {
    return { ...this.counters };
  }

  async search(searchString: string | undefined, query: string | null): Promise<ProviderSearchResult> {
    const path = searchPath(query);
    if (path === "autocomplete" && !this.usedInAutocomplete()) return NOT_IN_AUTOCOMPLETION;
    let words: string[] = [];
    try {
      words = queryWords(searchString, query);
      if (words.length === 0) return NOTHING;
      const remembered = this.rememberedAnswer(words);
      if (remembered !== null && (!this.lacksShownCards(remembered, path) || !this.mayAsk())) return this.present(remembered, path);
      if (remembered === null && !isSpecificEnough(words, this.tuning.minWordLength)) return await this.unsent(words, path);
      if (remembered === null && !this.mayAsk()) return this.fromMemory(words, path);
      const answer = remembered === null ? this.answerFor(words) : Promise.resolve(remembered);
      const outcome = await withDeadline(this.presentWithCards(answer, path), this.tuning.answerWithinMs, this.clock);
      if (outcome !== TIMED_OUT) return outcome;
      this.counters.timeouts++;
      this.log("info", text("logSearchSlow", this.containerUid, String(this.tuning.answerWithinMs), words.join(" ")));
      return this.fromMemory(words, path);
    } catch (error) {
      if (!(error instanceof SearchUnavailable)) this.log("warning", text("logSearchFailed", this.containerUid, describeError(error)));
      try {
        return this.fromMemory(words, path);
      } catch (memoryError) {
        this.log("error", text("logSearchBroken", this.containerUid, describeError(memoryError)));
        return NOTHING;
      }
    }
  }

  // ───────────── answers ─────────────

  /**
   * A query too short to send (one letter): what memory knows. When that is nothing in compose
   * autocompletion, the empty answer is held for `shortQueryHoldMs`: an async book that answers
   * nothing is not asked again for the following key strokes of that recipient whenever a local
   * book matched the letter (AbAutoCompleteSearch.sys.mjs keeps only books that found something
   * in `asyncDirectories`, and reuses that list while the previous search succeeded). A search
   * still running when the next key comes is dropped instead, and the book is asked the longer
   * text. Measured on Thunderbird 153.8 (test/e2e/directory-autocompletion.test.ts): without the
   * hold, typing "gael" key by key offered the user's own Gaël Moreau but not the directory's
   * Gaël Lemoine ("g" matched local contacts, so the directory was never asked "ga"…); with it,
   * both. Once local matches run out Thunderbird asks every book again, so only names that
   * also match local contacts from the first letter were lost.
   */
  private async unsent(words: readonly string[], path: SearchPath): Promise<ProviderSearchResult> {
    const known = this.fromMemory(words, path);
    if (known.results.length > 0 || path !== "autocomplete") return known;
    await delay(this.tuning.shortQueryHoldMs, this.clock);
    return this.fromMemory(words, path);
  }

  /** An answer memory gives exactly: the same query, fresh, or a narrowable broader one. */
  private rememberedAnswer(words: readonly string[]): SearchAnswer | null {
    const exact = this.answers.get(words);
    if (exact?.answer) return exact.answer;
    let best: SearchAnswer | null = null;
    for (const entry of this.answers.coverers(words)) {
      const answer = entry.answer;
      if (answer?.narrowable && (best === null || answer.total < best.total)) best = answer;
    }
    if (best === null) return null;
    this.counters.narrowed++;
    return narrowAnswer(best, words);
  }

  private async presentWithCards(pending: Promise<SearchAnswer>, path: SearchPath): Promise<ProviderSearchResult> {
    const answer = await pending;
    if (this.lacksShownCards(answer, path)) await this.fetchShownCards(answer);
    return this.present(answer, path);
  }

  /** The shared answer for `words`: in flight, chained on a broader query in flight, or new. */
  private answerFor(words: readonly string[]): Promise<SearchAnswer> {
    const existing = this.answers.get(words);
    if (existing) return existing.promise;
    const broader = mostSpecific(this.answers.coverers(words).filter((entry) => entry.answer === null));
    const promise =
      broader === null
        ? this.fetch(words)
        : broader.promise.then(
            (answer) => (answer.narrowable ? this.narrowed(answer, words) : this.fetch(words)),
            () => this.fetch(words),
          );
    return this.answers.add(words, promise).promise;
  }

  private narrowed(answer: SearchAnswer, words: readonly string[]): SearchAnswer {
    this.counters.narrowed++;
    return narrowAnswer(answer, words);
  }

  /** `fetchFrom`, abandoned (and its requests aborted) if it outlives `abandonAfterMs`. */
  private async fetch(words: readonly string[]): Promise<SearchAnswer> {
    if (!this.mayAsk()) throw new SearchUnavailable("not asking the server now");
    const abort = new AbortController();
    const outcome = await withDeadline(this.fetchFrom(words, abort.signal), this.tuning.abandonAfterMs, this.clock);
    if (outcome !== TIMED_OUT) return outcome;
    abort.abort();
    throw new UserError(text("errorSearchAbandoned", String(this.tuning.abandonAfterMs)));
  }

  /** `_search`, then the full cards of a complete answer (needed to narrow it exactly). */
  private async fetchFrom(words: readonly string[], signal: AbortSignal): Promise<SearchAnswer> {
    const server = await this.options.server();
    if (server === null) throw new SearchUnavailable("no BlueMind account");
    if (signal.aborted) throw new SearchUnavailable("abandoned");
    const size = this.sizeFor(words);
    const options = { timeoutMs: this.tuning.requestTimeoutMs, signal };
    const sent = serverWords(words);
    const found = await this.request(() => server.search(vCardQuery(sent, size), options), "searches");
    let hits: Candidate[] = found.values.map((item) => ({ uid: item.uid, info: item.value, card: this.cards.get(item.uid) }));
    const complete = found.total <= hits.length;
    let total = found.total;
    if (complete) {
      const gone = await this.fetchCards(server, hits, signal);
      if (gone.size > 0) {
        // Deleted between the two requests: not a match any more.
        hits = hits.filter((hit) => !gone.has(hit.uid));
        total = hits.length;
      }
    }
    const answer: SearchAnswer = { words: sent, total, hits, complete, narrowable: isNarrowable(hits, complete) };
    return wordsKey(sent) === wordsKey(words) ? answer : narrowToWholeWords(answer, words);
  }

  /**
   * `searchSize`, or — when a broader query already said how many people it matches — that
   * many (up to `maxSearchSize`): the narrower query cannot match more, so its answer will be
   * complete and the following key strokes free.
   */
  private sizeFor(words: readonly string[]): number {
    let size = this.tuning.searchSize;
    for (const entry of this.answers.coverers(words)) {
      const total = entry.answer?.total;
      if (total !== undefined && total > size) size = Math.min(total, this.tuning.maxSearchSize);
    }
    return size;
  }

  // ───────────── cards ─────────────

  /**
   * Fills the missing full cards of `hits` with one `_mget`. Returns the uids the server no
   * longer has. A failed `_mget` leaves the summaries (the answer is then not narrowable).
   */
  private async fetchCards(server: SearchServer, hits: Candidate[], signal?: AbortSignal): Promise<Set<string>> {
    const gone = new Set<string>();
    for (const hit of hits) hit.card ??= this.cards.get(hit.uid);
    const missing = hits.filter((hit) => hit.card === null);
    if (missing.length === 0) return gone;
    let items: ItemValue<VCard>[];
    try {
      items = await this.request(() => server.mget(missing.map((hit) => hit.uid), { timeoutMs: this.tuning.requestTimeoutMs, signal }), "mgets");
    } catch (error) {
      this.log("warning", text("logSearchNoCards", this.containerUid, describeError(error)));
      return gone;
    }
    const byUid = new Map(items.map((item) => [item.uid, item.value]));
    for (const hit of missing) {
      const card = byUid.get(hit.uid);
      if (card === undefined) {
        gone.add(hit.uid);
      } else {
        hit.card = card;
        this.cards.put(hit.uid, card);
      }
    }
    return gone;
  }

  /**
   * The search box shows a card's details when clicked, so it needs the full cards of the hits
   * it shows — except for an incomplete answer to a query of short words only (tuning.ts
   * `shownCardsMinLength`), a step on the way to a longer name, shown from `_search`'s
   * summaries. A complete answer already has its full cards (fetchFrom). Autocompletion shows
   * "Name <email>" only, so an incomplete answer (which Thunderbird drops at the next key
   * stroke) is not worth a second request there: its people offer their default address, or
   * every address when their full card is already known.
   */
  private lacksShownCards(answer: SearchAnswer, path: SearchPath): boolean {
    if (path !== "searchBox" || !isSpecificEnough(answer.words, this.tuning.shownCardsMinLength)) return false;
    return this.presenter.shownHits(answer).some((hit) => (hit.card ??= this.cards.get(hit.uid)) === null);
  }

  private async fetchShownCards(answer: SearchAnswer): Promise<void> {
    const server = this.mayAsk() ? await this.options.server() : null;
    if (server !== null) await this.fetchCards(server, this.presenter.shownHits(answer));
  }

  // ───────────── memory ─────────────

  /** Everything memory knows that matches `words` (never complete: memory is partial). */
  private fromMemory(words: readonly string[], path: SearchPath): ProviderSearchResult {
    if (words.length === 0) return NOTHING;
    const seen = new Set<string>();
    const known: Candidate[] = [];
    const add = (candidates: readonly Candidate[]): void => {
      for (const candidate of candidates) {
        if (seen.has(candidate.uid)) continue;
        seen.add(candidate.uid);
        known.push(candidate);
      }
    };
    const exact = this.answers.get(words)?.answer;
    if (exact) add(exact.hits);
    for (const entry of this.answers.coverers(words)) if (entry.answer) add(filterHits(entry.answer.hits, words));
    add(filterHits(this.cards.candidates(), words));
    return this.presenter.results(known, path, false, words);
  }

  private present(answer: SearchAnswer, path: SearchPath): ProviderSearchResult {
    for (const hit of answer.hits) hit.card ??= this.cards.get(hit.uid);
    return this.presenter.results(answer.hits, path, answer.complete, answer.words);
  }

  private usedInAutocomplete(): boolean {
    try {
      return this.options.useInAutocomplete?.() ?? true;
    } catch (error) {
      // Never throw into Thunderbird; a broken switch leaves the book where it was by default.
      this.log("error", text("logSearchNoAutocompleteCheck", this.containerUid, describeError(error)));
      return true;
    }
  }

  // ───────────── politeness ─────────────

  private mayAsk(): boolean {
    if (this.clock.now() < this.failedUntil) return false;
    try {
      return this.options.canQuery();
    } catch (error) {
      this.log("error", text("logSearchNoPermissionCheck", this.containerUid, describeError(error)));
      return false;
    }
  }

  private async request<T>(send: () => Promise<T>, counter: "searches" | "mgets"): Promise<T> {
    this.counters[counter]++;
    try {
      return await send();
    } catch (error) {
      this.counters.failures++;
      this.failedUntil = this.clock.now() + this.tuning.failureBackoffMs;
      throw error;
    }
  }
}

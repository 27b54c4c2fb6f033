// Answers → what Thunderbird gets: the cards of results.ts in display order (order.ts), with
// their UIDs (book-id.ts), for one provider book.
import type { ProviderSearchResult } from "../thunderbird/types.ts";
import type { Candidate, SearchAnswer } from "./answer.ts";
import { providerAddressCardUid, providerCardUid } from "./book-id.ts";
import { orderCandidates } from "./order.ts";
import { buildResults, isUsable } from "./results.ts";
import type { SearchPath } from "./results.ts";
import type { SearchTuning } from "./tuning.ts";

export class Presenter {
  private readonly cardUids = new Map<string, string>();

  constructor(
    private readonly bookId: string,
    private readonly tuning: SearchTuning,
  ) {}

  results(candidates: readonly Candidate[], path: SearchPath, complete: boolean, words: readonly string[]): ProviderSearchResult {
    return buildResults(candidates, {
      path,
      limit: this.tuning.resultLimit,
      complete,
      words,
      cardUid: (itemUid, email) => this.cardUid(itemUid, email),
    }).result;
  }

  /** The hits the search box shows, in the order buildResults gives them. */
  shownHits(answer: SearchAnswer): Candidate[] {
    return orderCandidates(
      answer.hits.filter((hit) => isUsable(hit, "searchBox")),
      answer.words,
    ).slice(0, this.tuning.resultLimit);
  }


  /** Card UIDs are hashes asked for every card at every key stroke: kept, up to a bound. */
  private cardUid(itemUid: string, email: string | undefined): string {
    const key = email === undefined ? itemUid : `${itemUid}\u0000${email}`;
    let uid = this.cardUids.get(key);
    if (uid === undefined) {
      uid = email === undefined ? providerCardUid(this.bookId, itemUid) : providerAddressCardUid(this.bookId, itemUid, email);
      if (this.cardUids.size >= 4 * this.tuning.maxCards) this.cardUids.clear();
      this.cardUids.set(key, uid);
    }
    return uid;
  }
}

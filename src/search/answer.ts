// One server answer to a query, and what can be derived from it without the server.
import type { VCard, VCardInfo } from "../bluemind/models.ts";
import { foldWords, matcherFor } from "./match.ts";

/** A card found by a search: its summary from `_search`, and its full card once fetched. */
export interface Candidate {
  uid: string;
  info: VCardInfo | null;
  card: VCard | null;
}

export interface SearchAnswer {
  /** The query's words (words.ts). */
  words: string[];
  /** How many cards match on the server (for a narrowed answer: how many are left). */
  total: number;
  /** In the server's order. */
  hits: Candidate[];
  /**
   * The server's total fits in `hits`: these are all the matching cards. Only then may a
   * longer query be answered from this one, and only then may Thunderbird be told the result
   * is complete — it then narrows later key strokes itself and never asks again, so a wrong
   * "complete" hides people from the user until the recipient field is cleared.
   */
  complete: boolean;
  /**
   * Complete, and every hit has its full card: local narrowing then looks at every searched
   * field (given name, secondary email, company), not only what `_search` returns (display
   * name, default email), and misses nobody.
   */
  narrowable: boolean;
}

export function isNarrowable(hits: readonly Candidate[], complete: boolean): boolean {
  return complete && hits.every((hit) => hit.card !== null);
}

/** The hits of `answer` that match `words` (lenient: see match.ts), in the answer's order. */
export function filterHits(hits: readonly Candidate[], words: readonly string[]): Candidate[] {
  const folded = foldWords(words);
  return hits.filter((hit) => matcherFor(hit.card, hit.info).matches(folded));
}

/**
 * The answer to `words` derived from a narrowable answer to a query that covers them
 * (words.ts `covers`): complete and narrowable in turn.
 */
export function narrowAnswer(answer: SearchAnswer, words: readonly string[]): SearchAnswer {
  if (!answer.narrowable) throw new Error("only a complete answer with full cards can be narrowed");
  const hits = filterHits(answer.hits, words);
  return { words: [...words], total: hits.length, hits, complete: true, narrowable: true };
}

/**
 * The answer to the whole `words` from the answer to the words as sent (cut, words.ts
 * `serverWords`). A complete answer with full cards is narrowed exactly; otherwise the hits are
 * filtered on what is known of them, and the answer is not complete any more (a hit may match
 * through a field its summary lacks).
 */
export function narrowToWholeWords(answer: SearchAnswer, words: readonly string[]): SearchAnswer {
  if (answer.narrowable) return narrowAnswer(answer, words);
  return { words: [...words], total: answer.total, hits: filterHits(answer.hits, words), complete: false, narrowable: false };
}

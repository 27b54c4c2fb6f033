// The memory of one provider book: recent answers (shared while in flight, reused while fresh,
// narrowed for longer queries) and the full cards fetched for them. Nothing is stored on disk:
// a search-only book keeps no local copy (design.md §2).
import type { VCard } from "../bluemind/models.ts";
import type { Candidate, SearchAnswer } from "./answer.ts";
import type { Clock } from "../shared/clock.ts";
import { covers, wordsKey } from "./words.ts";

export interface AnswerEntry {
  readonly key: string;
  readonly words: readonly string[];
  /** Settles once; rejects when the request failed (the entry is then dropped). */
  readonly promise: Promise<SearchAnswer>;
  /** Set when the promise has resolved. */
  answer: SearchAnswer | null;
  settledAt: number | null;
}

/** Recent answers by query, least recently used first. */
export class AnswerCache {
  private readonly entries = new Map<string, AnswerEntry>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The in-flight or fresh entry for exactly these words. */
  get(words: readonly string[]): AnswerEntry | undefined {
    const key = wordsKey(words);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.isExpired(entry)) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** Registers a query whose answer is on its way; it is forgotten if the request fails. */
  add(words: readonly string[], promise: Promise<SearchAnswer>): AnswerEntry {
    const key = wordsKey(words);
    const entry: AnswerEntry = { key, words: [...words], promise, answer: null, settledAt: null };
    this.entries.delete(key);
    this.entries.set(key, entry);
    promise.then(
      (answer) => {
        entry.answer = answer;
        entry.settledAt = this.clock.now();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    this.evictOverflow();
    return entry;
  }

  /** In-flight and fresh entries of other queries whose matches include those of `words`. */
  coverers(words: readonly string[]): AnswerEntry[] {
    const key = wordsKey(words);
    const found: AnswerEntry[] = [];
    for (const entry of [...this.entries.values()]) {
      if (this.isExpired(entry)) {
        this.entries.delete(entry.key);
        continue;
      }
      if (entry.key !== key && covers(entry.words, words)) found.push(entry);
    }
    return found;
  }

  private isExpired(entry: AnswerEntry): boolean {
    return entry.settledAt !== null && this.clock.now() - entry.settledAt >= this.ttlMs;
  }

  private evictOverflow(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) return;
      this.entries.delete(key);
    }
  }
}

interface CachedCard {
  card: VCard;
  at: number;
}

/** Full cards by item uid, least recently stored first. */
export class CardCache {
  private readonly cards = new Map<string, CachedCard>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxCards: number,
  ) {}

  get(uid: string): VCard | null {
    const cached = this.cards.get(uid);
    if (cached === undefined) return null;
    if (this.clock.now() - cached.at >= this.ttlMs) {
      this.cards.delete(uid);
      return null;
    }
    return cached.card;
  }

  put(uid: string, card: VCard): void {
    this.cards.delete(uid);
    this.cards.set(uid, { card, at: this.clock.now() });
    for (const key of this.cards.keys()) {
      if (this.cards.size <= this.maxCards) break;
      this.cards.delete(key);
    }
  }

  /** Every fresh card, most recently stored first. */
  candidates(): Candidate[] {
    const now = this.clock.now();
    const found: Candidate[] = [];
    for (const [uid, cached] of this.cards) {
      if (now - cached.at >= this.ttlMs) this.cards.delete(uid);
      else found.push({ uid, info: null, card: cached.card });
    }
    return found.reverse();
  }
}

/** The entry among `entries` with the longest words: the narrowest query, closest to a new one. */
export function mostSpecific(entries: readonly AnswerEntry[]): AnswerEntry | null {
  let best: AnswerEntry | null = null;
  let bestLength = -1;
  for (const entry of entries) {
    const length = entry.words.reduce((sum, word) => sum + word.length, 0);
    if (length > bestLength) {
      best = entry;
      bestLength = length;
    }
  }
  return best;
}

// What one pull could not do, card by card: each failure is kept for a retry at the next pull
// (with an English note in the state for whoever reads it; the user reads the log line), logged
// up to a limit and then counted, so a book of 10,000 bad cards does not flood the activity log
// (it keeps 200 lines). Consecutive refused writes stop the book: Thunderbird itself is in trouble.
import { describeError } from "../../shared/error-message.ts";
import type { ActivityLevel } from "../../shared/status.ts";
import { inEnglish, listOf, text, UserError, type UserText } from "../../shared/user-text.ts";
import type { BookLedger } from "../state/book-ledger.ts";
import type { CardFailure } from "./fetch-cards.ts";

/** Consecutive refused writes after which the book stops: Thunderbird itself is in trouble. */
export const MAX_CONSECUTIVE_WRITE_FAILURES = 50;
/** Card failures logged one by one per pull; the rest are counted in a summary line. */
const LOGGED_FAILURES = 20;
/** Same for conversion warnings (data not carried over). */
const LOGGED_WARNINGS = 5;

export class PullFailures {
  readonly failures: CardFailure[] = [];
  private warnedCards = 0;
  private consecutiveWriteFailures = 0;

  constructor(
    private readonly ledger: BookLedger,
    private readonly log: (level: ActivityLevel, message: UserText) => void,
    private readonly maxConsecutiveWriteFailures = MAX_CONSECUTIVE_WRITE_FAILURES,
  ) {}

  /** A write Thunderbird accepted: the run of refusals is over. */
  written(): void {
    this.consecutiveWriteFailures = 0;
  }

  writeFailed(uid: string, error: unknown): void {
    this.consecutiveWriteFailures++;
    this.fail(uid, text("reasonThunderbirdRefused", describeError(error)));
    const limit = this.maxConsecutiveWriteFailures;
    if (this.consecutiveWriteFailures >= limit) {
      throw new UserError(text("errorWritesRefused", String(limit), describeError(error)));
    }
  }

  fail(uid: string, reason: UserText): void {
    this.ledger.retryLater(uid, inEnglish(reason));
    this.failures.push({ uid, reason });
    if (this.failures.length <= LOGGED_FAILURES) this.log("warning", text("logCardNotSynced", uid, reason));
  }

  noteWarnings(uid: string, warnings: UserText[]): void {
    this.warnedCards++;
    if (this.warnedCards <= LOGGED_WARNINGS) this.log("info", text("logCardWarnings", uid, listOf(warnings)));
  }

  summarise(): void {
    const unlogged = this.failures.length - LOGGED_FAILURES;
    if (unlogged > 0) this.log("warning", text("logMoreCardsNotSynced", String(unlogged)));
    const unwarned = this.warnedCards - LOGGED_WARNINGS;
    if (unwarned > 0) this.log("info", text("logMoreCardsWarned", String(unwarned)));
  }
}

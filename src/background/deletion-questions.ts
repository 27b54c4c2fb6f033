// The background's side of the mass-deletion guard (sync/deletion-guard.ts): the limits of the
// policy, the question a held book asks (one notification per book and count, a log line), and
// the user's answer until the pull that uses it.
//
// Answers live in memory: a Thunderbird restart before the next sync only means the question is
// asked again — the book is still held, nothing was deleted.
import { DEFAULT_DELETION_LIMITS, type DeletionLimits } from "../shared/settings.ts";
import { text, UserError, type UserText } from "../shared/user-text.ts";
import type { ActivityLevel } from "../shared/status.ts";
import type { DeletionAnswer, DeletionDecision, DeletionGuard } from "../sync/deletion-guard.ts";

export interface DeletionQuestionsDeps {
  notify(message: UserText): void;
  log(level: ActivityLevel, message: UserText, containerUid: string): void;
  /** The book's name as the user knows it. */
  bookName(containerUid: string): string;
}

export class DeletionQuestions implements DeletionGuard {
  private current: DeletionLimits = DEFAULT_DELETION_LIMITS;
  private readonly answers = new Map<string, DeletionAnswer>();
  /** Book → the count it last asked about (the notification is not repeated for the same). */
  private readonly asked = new Map<string, number>();

  constructor(private readonly deps: DeletionQuestionsDeps) {}

  setLimits(limits: DeletionLimits): void {
    this.current = limits;
  }

  limits(): DeletionLimits {
    return this.current;
  }

  answer(containerUid: string): DeletionAnswer | null {
    return this.answers.get(containerUid) ?? null;
  }

  answerUsed(containerUid: string): void {
    this.answers.delete(containerUid);
    this.asked.delete(containerUid);
  }

  held(containerUid: string, count: number): void {
    if (this.asked.get(containerUid) === count) return;
    this.asked.set(containerUid, count);
    const message = text("logDeletionsHeld", String(count), this.deps.bookName(containerUid));
    this.deps.log("warning", message, containerUid);
    this.deps.notify(message);
  }

  /**
   * The user answered the question the book asks; refused when it asks none. `shown`: the count
   * the page showed, for a question of the last session (no sync asked it again yet).
   */
  give(containerUid: string, decision: DeletionDecision, shown?: number): void {
    const count = this.asked.get(containerUid) ?? shown;
    if (count === undefined) throw new UserError(text("errorNoDeletionsHeld"));
    this.answers.set(containerUid, { decision, count });
  }
}

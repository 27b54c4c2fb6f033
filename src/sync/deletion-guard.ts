// The mass-deletion guard: a pull that would remove a large part of a book from Thunderbird stops
// before deleting anything and the user decides (the options page, one notification).
//
// Why: a wrong answer of BlueMind (an LDAP import gone bad, a colleague emptying a shared book by
// mistake, a restore from an old backup) looks exactly like real deletions, and a sync that
// applies it empties the user's address book on every desk at the next interval. Peers' users
// report this as the worst thing a connector did to them; a question costs one click.
//
// Decisions:
//  - "apply": the deletions go, like any other (the user confirmed them);
//  - "keep": nothing is deleted in Thunderbird. In a book the user may write to, the kept
//    contacts and lists are put back on BlueMind by the push that follows (ContactRecord.restore,
//    a list re-sent as new); in a read-only book they stay in Thunderbird, no longer linked to
//    BlueMind's cards (a card BlueMind creates again under the same uid takes its contact back).
// An answer covers as many deletions as the user saw: if more arrive before it is used, the book
// asks again with the new count.
//
// While a book waits for the answer its pull does not run at all (its version does not move), so
// no change of the same changeset is skipped and every later sync asks the same question.
//
// The limits (DEFAULT_DELETION_LIMITS, with their reasons) live with the settings: an administrator
// can set them by policy (massDeletionPercent, massDeletionMinContacts, massDeletionMaxContacts).
import type { DeletionLimits } from "../shared/settings.ts";
import { text, UserError } from "../shared/user-text.ts";

export type { DeletionLimits } from "../shared/settings.ts";

export type DeletionDecision = "apply" | "keep";

export interface DeletionAnswer {
  decision: DeletionDecision;
  /** How many deletions the user was shown. */
  count: number;
}

/** Whether removing `removing` of a book's `bookSize` items needs the user's answer first. */
export function deletionsNeedAnswer(bookSize: number, removing: number, limits: DeletionLimits): boolean {
  if (removing === 0) return false;
  if (removing > limits.maxCount) return true;
  return bookSize > limits.minBook && removing > bookSize * limits.maxShare;
}

/** The answer that covers `removing` deletions, if any. */
export function answerFor(answer: DeletionAnswer | null | undefined, removing: number): DeletionDecision | null {
  return answer !== null && answer !== undefined && removing <= answer.count ? answer.decision : null;
}

/** A pull stopped before its first deletion: the user has to answer (DeletionAnswer). */
export class DeletionsHeldError extends UserError {
  constructor(readonly count: number) {
    super(text("errorDeletionsHeld", String(count)));
  }
}

/** What the engine asks the caller (the background) about a book's deletions. */
export interface DeletionGuard {
  limits(): DeletionLimits;
  /** The user's answer for the book, if one waits to be used. */
  answer(containerUid: string): DeletionAnswer | null;
  /** The pull used the answer: it is spent. */
  answerUsed(containerUid: string): void;
  /** The book waits for an answer about `count` deletions. */
  held(containerUid: string, count: number): void;
}

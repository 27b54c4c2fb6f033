// The pull's side of the mass-deletion guard (deletion-guard.ts): before its first write, a pull
// whose deletions need the user's answer stops (DeletionsHeldError); with the answer "keep", each
// of those items is kept here instead of deleted.
import type { ActivityLevel } from "../../shared/status.ts";
import { text, type UserText } from "../../shared/user-text.ts";
import { answerFor, deletionsNeedAnswer, DeletionsHeldError } from "../deletion-guard.ts";
import type { BookLedger } from "../state/book-ledger.ts";
import type { PendingChanges, PullDeps } from "./pull-types.ts";

export interface GuardedDeletions {
  /** Items to keep instead of deleting them. */
  keep: ReadonlySet<string>;
  /** The user's answer was used (and is spent). */
  answerUsed: boolean;
}

/**
 * Throws DeletionsHeldError when the plan's deletions need the user's answer and none covers them.
 * Counted: the items this book holds that go for good (not one deleted and re-created).
 */
export function guardDeletions(
  ledger: BookLedger,
  guard: PullDeps["deletions"],
  plan: { deletions: readonly string[]; fetch: readonly string[] },
  log: (level: ActivityLevel, message: UserText) => void,
): GuardedDeletions {
  const none = { keep: new Set<string>(), answerUsed: false };
  if (guard === undefined || plan.deletions.length === 0) return none;
  const known = ledger.knownItems();
  const comingBack = new Set(plan.fetch);
  const removing = plan.deletions.filter((uid) => known.has(uid) && !comingBack.has(uid));
  if (!deletionsNeedAnswer(known.size, removing.length, guard.limits)) return none;
  const decision = answerFor(guard.answer, removing.length);
  if (decision === null) throw new DeletionsHeldError(removing.length);
  log("info", text(decision === "apply" ? "logDeletionsApplied" : "logDeletionsKept", String(removing.length)));
  return { keep: decision === "keep" ? new Set(removing) : new Set(), answerUsed: true };
}

/**
 * An item BlueMind deleted that the user kept: its contact or list stays in Thunderbird. With
 * `restore` (a book the user writes to) it goes back to BlueMind with the next push — a contact
 * under its uid (ContactRecord.restore), a list as new; without, it is no longer linked to
 * BlueMind's card (a card created again under the same uid takes the contact back: same id).
 */
export async function keepDeletedItem(uid: string, contactId: string, deps: { ledger: BookLedger; restore: PendingChanges | null }): Promise<void> {
  const { ledger, restore } = deps;
  const group = ledger.state.groups[uid];
  if (group !== undefined) {
    // Its bare-email member contacts stay with it (the pull removes unused ones).
    const elsewhere = new Set(Object.entries(ledger.state.groups).flatMap(([other, g]) => (other === uid ? [] : g.members)));
    for (const member of group.members) {
      if (ledger.state.contacts[member]?.item === null && !elsewhere.has(member)) await ledger.removeContact(member);
    }
    ledger.removeGroup(uid);
    if (restore !== null && group.list !== "") await restore.requeueList(group.list, uid);
  }
  if (ledger.state.contacts[contactId] !== undefined) {
    if (restore === null) {
      await ledger.removeContact(contactId);
    } else {
      ledger.markRestore(contactId);
      await restore.requeue(contactId, uid);
    }
  }
  ledger.retried(uid);
}

// "Remove copies" (options page): a book's local-only copies of synced contacts (local-copies.ts)
// deleted from Thunderbird. Run in the book's turn of a sync, after its pull, when the user asked:
// the sync is the one writer of the book's state, and the pull has brought the originals up to date.
//
// Invariants:
//  - only a copy goes, never its original and never anything on BlueMind (a copy was never there):
//    each copy is read again, with its original, right before its deletion, so a contact the user
//    edited meanwhile is no copy any more and stays;
//  - the deletion goes through the sync's marked books (own-writes.ts): it is not taken for the
//    user's, and the copy's held add is dropped from the queue here;
//  - one activity-log line per removed contact, with its name.
import { describeError } from "../shared/error-message.ts";
import { text } from "../shared/user-text.ts";
import type { AddressBooksApi, ContactInfo } from "../thunderbird/types.ts";
import { findLocalCopies, type LocalCopy, type QueuedOp } from "./local-copies.ts";
import type { PendingChanges } from "./pull/pull-types.ts";
import type { SyncReporter } from "./reporter.ts";
import type { BookLedger } from "./state/book-ledger.ts";
import { throwIfAborted } from "./sync-errors.ts";

export interface CopyRemovalTarget {
  containerUid: string;
  localBookId: string;
  bookName: string;
  ledger: BookLedger;
}

export interface CopyRemovalDeps {
  /** The sync's marked books: its deletions are not user edits. */
  books: AddressBooksApi;
  reporter: SyncReporter;
  /** The book's queue (without a two-way sync, nothing is queued). */
  changes?: PendingChanges;
  signal?: AbortSignal;
}

/** Deletes the book's copies; resolves with the names of those still there (a deletion refused). */
export async function removeLocalCopies(target: CopyRemovalTarget, deps: CopyRemovalDeps): Promise<string[]> {
  const { books, reporter, changes, signal } = deps;
  const queued: QueuedOp = (id) => changes?.pending(id) ?? null;
  const kept: string[] = [];
  for (const copy of findLocalCopies(target.ledger, await books.listContacts(target.localBookId), queued)) {
    throwIfAborted(signal);
    if (!(await stillACopy(copy, target, books, queued))) continue;
    try {
      await books.deleteContact(copy.id);
    } catch (error) {
      reporter.log("warning", text("logCopyNotRemoved", copy.name, describeError(error)), target.containerUid);
      kept.push(copy.name);
      continue;
    }
    await changes?.drop(copy.id);
    reporter.log("info", text("logCopyRemoved", copy.name, target.bookName), target.containerUid);
  }
  return kept;
}

/** The copy and its original as Thunderbird holds them now, judged again by the same rule. */
async function stillACopy(copy: LocalCopy, target: CopyRemovalTarget, books: AddressBooksApi, queued: QueuedOp): Promise<boolean> {
  const now = [await books.getContact(copy.id), await books.getContact(copy.original)].filter((c): c is ContactInfo => c?.parentId === target.localBookId);
  return findLocalCopies(target.ledger, now, queued).some((c) => c.id === copy.id);
}

// One synced book's turn in a run: its pending local changes pushed, its pull, what the user is
// told (the book's state, the activity log), when asked the removal of its local-only copies of
// synced contacts (copy-removal.ts), and when due its integrity check (integrity.ts).
// The engine (engine.ts) decides which books take a turn; this is what a turn does.
import { describeError } from "../shared/error-message.ts";
import { text } from "../shared/user-text.ts";
import type { AddressBooksApi } from "../thunderbird/types.ts";
import type { RemoteBook } from "../books/remote-books.ts";
import { bookProblems } from "./book-status.ts";
import { removeLocalCopies } from "./copy-removal.ts";
import { DeletionsHeldError } from "./deletion-guard.ts";
import type { BookRunResult, ListedBook, SyncEngineOptions } from "./engine-types.ts";
import { driftTotal, findDrift, IntegritySchedule, type Drift } from "./integrity.ts";
import { findLocalCopies } from "./local-copies.ts";
import { pullBook, type PendingChanges, type PullOutcome } from "./pull/book-pull.ts";
import type { ContentSource } from "./remote-content.ts";
import type { SyncReporter } from "./reporter.ts";
import type { BookLedger } from "./state/book-ledger.ts";
import { isRunFatal } from "./sync-errors.ts";

/** A book this run pulls, with its local copy (`fresh`: created by this run). */
export interface BookToPull {
  book: RemoteBook;
  localBookId: string;
  fresh: boolean;
}

export interface BookRunDeps {
  books: AddressBooksApi;
  reporter: SyncReporter;
  options: SyncEngineOptions;
  now(): number;
  /** The book as the last listing of subscriptions described it (with its `_itemCount`). */
  listed(containerUid: string): ListedBook | undefined;
  /** Work a pull left for after its book was complete: the engine waits for it at sign-out. */
  finishing(work: Promise<void>): void;
}

/** What the integrity check found in a book. */
interface IntegrityFindings {
  drift: Drift;
  /** Names of its local-only copies of synced contacts (local-copies.ts). */
  copies: string[];
}

export class BookRunner {
  private readonly integrity = new IntegritySchedule();
  /** Books whose copies the user asked to remove (in memory: after a restart, the page asks again). */
  private readonly copyRemovals = new Set<string>();

  constructor(private readonly deps: BookRunDeps) {}

  async run({ book, localBookId, fresh }: BookToPull, ledger: BookLedger, source: ContentSource, signal?: AbortSignal): Promise<BookRunResult> {
    const { containerUid } = book;
    const { reporter, options } = this.deps;
    reporter.bookState(containerUid, { state: "syncing" });
    try {
      const content = source.addressBook(containerUid);
      const pushed = options.pushPending ? await options.pushPending({ book, localBookId, ledger, content, signal }) : undefined;
      const changes = await options.pendingChanges?.(containerUid);
      const guard = options.deletionGuard;
      const deletions = guard === undefined ? undefined : { limits: guard.limits(), answer: guard.answer(containerUid) };
      const listed = this.deps.listed(containerUid);
      const outcome = await pullBook(
        { containerUid, localBookId, freshBook: fresh, internalId: book.internalId, itemCount: listed !== undefined && "itemCount" in listed ? listed.itemCount : null, ledger, readOnly: book.readOnly },
        { books: this.deps.books, content, changes, reporter, now: this.deps.now, signal, deletions },
        options,
      );
      if (outcome.deletionAnswerUsed) guard?.answerUsed(containerUid);
      this.reportOutcome(book, outcome);
      this.deps.finishing(outcome.finishing);
      reporter.progress(containerUid, null);
      const kept = await this.removeCopiesIfAsked(book, localBookId, ledger, changes, signal);
      const found = await this.checkIntegrity(book, localBookId, ledger, outcome, fresh, changes);
      // The latest look wins: the check's listing, the removal's, then what the push held back.
      const copies = found?.copies ?? kept ?? pushed?.copies;
      reporter.bookState(containerUid, {
        state: "synced",
        lastSuccess: ledger.state.lastSuccess ?? this.deps.now(),
        lastError: bookProblems(pushed ?? undefined, outcome),
        contactCount: Object.keys(ledger.state.contacts).length,
        ...(found === null ? {} : { drift: driftTotal(found.drift) }),
        ...(copies === undefined ? {} : { copies }),
      });
      return { containerUid, localBookId, ok: true, error: null, outcome };
    } catch (error) {
      reporter.progress(containerUid, null);
      // Waiting for the user is no failure: nothing was written, the book asks (deletion-guard.ts).
      if (error instanceof DeletionsHeldError) {
        reporter.bookState(containerUid, { state: "held", heldDeletions: error.count, lastError: describeError(error) });
        options.deletionGuard?.held(containerUid, error.count);
        return { containerUid, localBookId, ok: true, error: describeError(error), outcome: null };
      }
      // Stopped (Stop, a sign-out) is no failure: the book waits for the next sync.
      reporter.bookState(containerUid, signal?.aborted === true ? { state: "pending" } : { state: "error", lastError: describeError(error) });
      if (isRunFatal(error, signal)) throw error;
      reporter.log("error", text("logBookSyncFailed", book.displayName, describeError(error)), containerUid);
      return { containerUid, localBookId, ok: false, error: describeError(error), outcome: null };
    }
  }

  /** "Remove copies": the book's copies go at its next turn (the engine's only writer is the run). */
  removeCopiesAtNextTurn(containerUid: string): void {
    this.copyRemovals.add(containerUid);
  }

  /** The names of the copies left after a removal the user asked for (null: none asked). */
  private async removeCopiesIfAsked(book: RemoteBook, localBookId: string, ledger: BookLedger, changes: PendingChanges | undefined, signal?: AbortSignal): Promise<string[] | null> {
    if (!this.copyRemovals.has(book.containerUid)) return null;
    // Asked before a read-only book's rights were known: nothing of its own to remove (read-only.ts).
    const kept = book.readOnly ? [] : await removeLocalCopies({ containerUid: book.containerUid, localBookId, bookName: book.displayName, ledger }, { books: this.deps.books, reporter: this.deps.reporter, changes, signal });
    this.copyRemovals.delete(book.containerUid);
    return kept;
  }

  /** The integrity check when due (null: not run). A book just created cannot have drifted: its
   * first sync counts as the session's check. */
  private async checkIntegrity(book: RemoteBook, localBookId: string, ledger: BookLedger, outcome: PullOutcome, fresh: boolean, changes: PendingChanges | undefined): Promise<IntegrityFindings | null> {
    const due = this.integrity.due(book.containerUid, outcome.fullCheck || outcome.repair === true);
    // Not waiting for the pull's hash work (outcome.finishing): ledger.hashOf computes what it lacks.
    if (fresh || !due) return null;
    const contacts = await this.deps.books.listContacts(localBookId);
    const queued = (id: string) => changes?.pending(id) ?? null;
    const drift = findDrift(ledger, contacts, queued);
    if (driftTotal(drift) > 0) {
      const counts = [String(drift.missing), String(drift.changed), String(drift.extra)];
      this.deps.reporter.log("warning", text("logBookDrift", book.displayName, ...counts), book.containerUid);
    }
    // A read-only book has no copies of its own: what is made there is undone (read-only.ts).
    const copies = book.readOnly ? [] : findLocalCopies(ledger, contacts, queued).map((c) => c.name);
    if (copies.length > 0) this.deps.reporter.log("warning", text("logBookCopies", book.displayName, String(copies.length)), book.containerUid);
    return { drift, copies };
  }

  private reportOutcome(book: RemoteBook, outcome: PullOutcome): void {
    const { created, updated, deleted, lists } = outcome.counts;
    if (created + updated + deleted + lists === 0) return;
    const counts = [String(created), String(updated), String(deleted)];
    const line = lists > 0 ? text("logBookPulledLists", book.displayName, ...counts, String(lists)) : text("logBookPulled", book.displayName, ...counts);
    this.deps.reporter.log("info", line, book.containerUid);
  }
}

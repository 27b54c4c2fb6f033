// The end of a synced book's life as the add-on's: its pending changes pushed first, then its
// local copy deleted, or detached keeping only what BlueMind does not have (detach-book.ts), or
// kept whole (Disconnect with "keep"); its index entry, state and bases go in every case. A
// release is marked in the index before anything is deleted, so one a crash cut short is finished
// by the next run (finishCutReleases) instead of being read as the user's deletions.
import { BlueMindError } from "../bluemind/errors.ts";
import type { RemoteBook } from "../books/remote-books.ts";
import { describeError } from "../shared/error-message.ts";
import { text } from "../shared/user-text.ts";
import type { AddressBooksApi } from "../thunderbird/types.ts";
import { detachedBookMessage, detachedBookName, keepOnlyUnsent } from "./detach-book.ts";
import type { ReleasedBook, SyncEngineOptions } from "./engine-types.ts";
import type { ContentSource } from "./remote-content.ts";
import type { SyncReporter } from "./reporter.ts";
import type { BookLedgers } from "./state/book-ledgers.ts";
import type { SyncIndex } from "./state/sync-state.ts";
import { isRunFatal } from "./sync-errors.ts";

export interface BookReleaseDeps {
  books: AddressBooksApi;
  ledgers: BookLedgers;
  reporter: SyncReporter;
  options: Pick<SyncEngineOptions, "pushPending" | "render" | "onBookReleased">;
  /** Removes the book from the index and forgets its state. */
  forget(containerUid: string, index: SyncIndex): Promise<void>;
  saveIndex(index: SyncIndex): Promise<void>;
}

export class BookRelease {
  constructor(private readonly deps: BookReleaseDeps) {}

  /**
   * Sends what is pending before a book's local copy goes. At sign-out (`final`) a failure is logged
   * and the release goes on: what was not sent is kept. Otherwise only a refusal for good does so
   * (the container is gone, the right withdrawn); anything that may pass (offline, not connected)
   * is thrown, and the removal waits for the next sync.
   */
  async pushFirst(book: RemoteBook | undefined, localBookId: string, source: ContentSource, signal: AbortSignal | undefined, final: boolean, queuedOnly = false): Promise<void> {
    const ledger = book === undefined ? undefined : this.deps.ledgers.get(book.containerUid);
    if (book === undefined || ledger === undefined || this.deps.options.pushPending === undefined) return;
    try {
      await this.deps.options.pushPending({ book, localBookId, ledger, content: source.addressBook(book.containerUid), signal, queuedOnly });
    } catch (error) {
      const forGood = error instanceof BlueMindError && !error.retryable && !isRunFatal(error, signal);
      if (signal?.aborted === true || !(final || forGood)) throw error;
      this.deps.reporter.log("warning", text("logChangesNotSent", book.displayName, describeError(error)), book.containerUid);
    }
  }

  /**
   * Ends the engine's hold on a synced book. With `remove`, its local copy (if still there) is
   * deleted, or keeps only what BlueMind does not have and is renamed (detach-book.ts); without,
   * it stays whole. Its index entry and state go either way.
   */
  async release(containerUid: string, localBookId: string, book: RemoteBook | undefined, index: SyncIndex, remove: boolean): Promise<ReleasedBook> {
    const local = (await this.deps.books.listBooks()).find((b) => b.id === localBookId);
    const released: ReleasedBook = { containerUid, localBookId, bookName: book?.displayName ?? local?.name ?? containerUid, keptIn: null, deleted: false };
    if (local !== undefined && remove) {
      await this.markReleasing(containerUid, index);
      // Changes in a read-only book are undone, never sent: nothing of it can be waiting.
      const kept = book?.readOnly === true ? { contacts: 0, lists: 0 } : await keepOnlyUnsent(this.deps.books, local.id, this.deps.ledgers.get(containerUid));
      if (kept.contacts + kept.lists === 0) {
        await this.deps.books.deleteBook(local.id);
        released.deleted = true;
      } else {
        released.keptIn = detachedBookName(local.name, this.deps.options.render);
      }
    }
    // Its queue goes before its index entry: a crash in between leaves an entry the next run or
    // sign-out finishes, never a queue no entry points to.
    await this.deps.options.onBookReleased?.(released);
    await this.deps.forget(containerUid, index);
    if (local !== undefined && released.keptIn !== null) {
      // After the index lost it: the rename is the add-on's, never one to send to BlueMind.
      await this.deps.books.renameBook(local.id, released.keptIn);
      const message = detachedBookMessage(released.bookName, released.keptIn);
      this.deps.reporter.log("warning", message, containerUid);
      this.deps.reporter.bookState(containerUid, { state: "error", lastError: message });
    }
    return released;
  }

  /**
   * Releases that a crash cut short, finished before anything else of a run: the push must not
   * see contacts the release deleted as deletions of the user's, nor the run a missing local copy
   * as a book the user deleted. What the user changed since is pushed first (the queue only: the
   * release's own deletions raised no event anyone heard), and what cannot be sent is kept.
   */
  async finishCutReleases(index: SyncIndex, source: ContentSource, known: (containerUid: string) => RemoteBook | undefined, signal?: AbortSignal): Promise<void> {
    const existing = new Set((await this.deps.books.listBooks()).map((b) => b.id));
    for (const [containerUid, entry] of Object.entries(index.books)) {
      if (entry.releasing !== true) continue;
      const book = known(containerUid);
      if (existing.has(entry.localBookId)) await this.pushFirst(book, entry.localBookId, source, signal, true, true);
      await this.release(containerUid, entry.localBookId, book, index, true);
    }
  }

  private async markReleasing(containerUid: string, index: SyncIndex): Promise<void> {
    const entry = index.books[containerUid];
    if (entry === undefined || entry.releasing === true) return;
    index.books[containerUid] = { ...entry, releasing: true };
    await this.deps.saveIndex(index);
  }
}

// One sync run over every book: reconcile the set of local books with the subscriptions
// (book-plan.ts), then for each synced book push its pending local changes (pushPending, given
// by two-way.ts) and pull (pull/book-pull.ts). Books are synced one after the other: they share
// Thunderbird's main thread, so running them side by side would not finish sooner.
//
// Failure scope: a book whose pull fails is reported and the others go on; the run itself stops
// only when cancelled or when BlueMind no longer accepts the credential (isRunFatal), and then
// rejects so the caller can back off or ask the user to sign in.
//
// Lifecycle of a local book (design.md §2):
//  - created when a subscription has sync on; its id is stored in the index at once, so a crash
//    right after cannot leave an unknown twin behind;
//  - renamed when the server's name changes;
//  - deleted when sync goes off, when unsubscribed, or when the container is gone (after its
//    pending changes are pushed) — never anything on the server because of a local event; what the
//    push could not send stays in Thunderbird, in the book detached and renamed (detach-book.ts);
//  - at sign-out, released (releaseAllLocalBooks): removed the same way, or kept whole, and no
//    longer the add-on's either way;
//  - deleted by the user in Thunderbird: `onLocalBookMissing` decides (default: re-create).
import type { Thunderbird, AddressBooksApi } from "../thunderbird/types.ts";
import { describeError } from "../shared/error-message.ts";
import { text, UserError } from "../shared/user-text.ts";
import { planBooks, type BookOperation } from "./book-plan.ts";
import type {
  ListedBook,
  ReleasedBook,
  SyncEngineDeps,
  SyncEngineOptions,
  SyncRunResult,
} from "./engine-types.ts";
import type { BookLedger, ReadonlyBookState } from "./state/book-ledger.ts";
import { BookLedgers } from "./state/book-ledgers.ts";
import { BookRelease } from "./book-release.ts";
import type { ContentSource } from "./remote-content.ts";
import type { RemoteBook } from "../books/remote-books.ts";
import { silentReporter, type SyncReporter } from "./reporter.ts";
import { isRunFatal, SyncCancelledError, throwIfAborted } from "./sync-errors.ts";
import { BookRunner, type BookToPull } from "./book-run.ts";
import type { SyncIndex } from "./state/sync-state.ts";

export class SyncEngine {
  private readonly books: AddressBooksApi;
  private readonly ledgers: BookLedgers;
  private readonly release: BookRelease;
  private readonly reporter: SyncReporter;
  private readonly now: () => number;
  /** Each book as the last listing of subscriptions that named it described it (with its count). */
  private readonly listed = new Map<string, ListedBook>();
  /** Synced books the last run's listing did not name: a second listing without them confirms. */
  private unlistedBefore: ReadonlySet<string> = new Set();
  private running = false;
  private readonly finishing = new Set<Promise<void>>();
  private readonly runner: BookRunner;

  constructor(
    deps: SyncEngineDeps,
    private readonly options: SyncEngineOptions = {},
  ) {
    this.books = deps.books;
    this.ledgers = new BookLedgers(deps.store);
    this.reporter = deps.reporter ?? silentReporter;
    this.release = new BookRelease({ books: deps.books, ledgers: this.ledgers, reporter: this.reporter, options, forget: (uid, index) => this.forgetBook(uid, index), saveIndex: (index) => this.ledgers.saveIndex(index) });
    this.now = options.now ?? Date.now;
    this.runner = new BookRunner({
      books: deps.books,
      reporter: this.reporter,
      options,
      now: this.now,
      listed: (containerUid) => this.listed.get(containerUid),
      finishing: (work) => {
        this.finishing.add(work);
        void work.finally(() => this.finishing.delete(work));
      },
    });
  }

  static forThunderbird(tb: Pick<Thunderbird, "addressBooks" | "localStore">, reporter?: SyncReporter, options?: SyncEngineOptions): SyncEngine {
    return new SyncEngine({ books: tb.addressBooks, store: tb.localStore, reporter }, options);
  }

  /**
   * One sync of every book. `source` is the account's BlueMindClient (any ContentSource);
   * `remote` the current list of subscriptions (fetchRemoteBooks). Resolves with per-book results
   * (`ok` false when a book failed); rejects when cancelled or when BlueMind refuses the
   * credential. Not re-entrant: the scheduler never runs two at once.
   */
  async syncAll(source: ContentSource, remote: readonly ListedBook[], signal?: AbortSignal): Promise<SyncRunResult> {
    if (this.running) throw new Error("A sync is already running.");
    this.running = true;
    try {
      return await this.run(source, remote, signal);
    } catch (error) {
      // Whatever call noticed the cancellation first, the caller sees one kind of error for it.
      if (signal?.aborted && !(error instanceof SyncCancelledError)) throw new SyncCancelledError();
      throw error;
    } finally {
      this.running = false;
    }
  }

  /** Resolves once the work the last syncs left for after their books were complete is saved. */
  async settled(): Promise<void> {
    await Promise.all([...this.finishing]);
  }

  /** Loads the stored states, so isOwnWrite answers before the first sync of this session. */
  async loadStates(): Promise<void> {
    const index = await this.ledgers.loadIndex();
    await this.ledgers.load(index);
  }

  /**
   * Whether `vCard`, as Thunderbird reports it for `contactId`, is what this add-on last wrote
   * there (compared by vCardContentHash, which ignores PHOTO and Thunderbird's re-serialising).
   * ChangeTracker uses it: an onContactCreated/onContactUpdated whose vCard is an own write is an
   * echo, not a user edit. Contacts of books not loaded yet answer false.
   */
  isOwnWrite(contactId: string, vCard: string): boolean {
    return this.ledgers.isOwnWrite(contactId, vCard);
  }

  /** Container uids of the synced books whose state is loaded. */
  syncedContainers(): string[] {
    return this.ledgers.containers();
  }

  /** The loaded state of a synced book (live: pulls and pushes change it). */
  stateOf(containerUid: string): ReadonlyBookState | undefined {
    return this.ledgers.stateOf(containerUid);
  }

  /** The owner of a synced book's state, for those that change it (the read-only guard). */
  ledgerOf(containerUid: string): BookLedger | undefined {
    return this.ledgers.get(containerUid);
  }

  /**
   * Makes an existing Thunderbird book the local copy of `book` (a book the user created in
   * Thunderbird and that was just published to BlueMind): its index entry and an empty state are
   * stored, and the next sync treats it like any synced book. Not while a sync runs.
   */
  async adoptLocalBook(book: RemoteBook, localBookId: string): Promise<void> {
    if (this.running) throw new Error("A sync is running.");
    const index = await this.ledgers.loadIndex();
    await this.ledgers.start(book.containerUid, book.internalId);
    index.books[book.containerUid] = { localBookId };
    await this.ledgers.saveIndex(index);
  }

  /** Repair: the book's next pull re-reads it whole and reconciles it (integrity.ts). */
  async requestRepair(containerUid: string): Promise<void> {
    const ledger = this.ledgers.get(containerUid);
    if (ledger === undefined) throw new UserError(text("errorBookNotSynced"));
    await ledger.requestRepair();
  }

  /** "Remove copies": the book's local-only copies of synced contacts go at its next turn (copy-removal.ts). */
  requestCopiesRemoval(containerUid: string): void {
    if (this.ledgers.get(containerUid) === undefined) throw new UserError(text("errorBookNotSynced"));
    this.runner.removeCopiesAtNextTurn(containerUid);
  }

  /** The container uid of the synced book a Thunderbird book id belongs to, if any. */
  async containerOfLocalBook(localBookId: string): Promise<string | null> {
    const index = await this.ledgers.loadIndex();
    const found = Object.entries(index.books).find(([, entry]) => entry.localBookId === localBookId);
    return found ? found[0] : null;
  }

  /**
   * Sign-out: every synced book stops being the add-on's. While BlueMind can be reached (`source`)
   * pending changes are pushed first; then with `remove` each local copy goes, or keeps only what
   * BlueMind does not have (renamed), and without it each stays whole. No index entry, state or
   * queue is left, so a later sign-in (with any account) never takes these books for its own.
   * Not while a sync runs: the caller cancels it and waits first. `listing`: the subscriptions as
   * BlueMind lists them now, when the caller could read them — the push needs each book's
   * description, and right after a start no run of this session has listed them yet.
   */
  async releaseAllLocalBooks(source: ContentSource | null, remove: boolean, listing: readonly ListedBook[] = []): Promise<ReleasedBook[]> {
    if (this.running) throw new Error("A sync is running.");
    this.running = true;
    try {
      for (const book of listing) this.listed.set(book.containerUid, book);
      const index = await this.ledgers.loadIndex();
      await this.ledgers.load(index);
      const existing = new Set((await this.books.listBooks()).map((b) => b.id));
      const released: ReleasedBook[] = [];
      for (const [containerUid, { localBookId, releasing }] of Object.entries(index.books)) {
        const book = this.listed.get(containerUid);
        // A release a crash cut short deleted contacts unobserved: only its queue is sent.
        if (existing.has(localBookId) && source !== null) await this.release.pushFirst(book, localBookId, source, undefined, true, releasing === true);
        released.push(await this.release.release(containerUid, localBookId, book, index, remove));
      }
      this.listed.clear();
      this.unlistedBefore = new Set();
      return released;
    } finally {
      this.running = false;
    }
  }

  private async run(source: ContentSource, remote: readonly ListedBook[], signal?: AbortSignal): Promise<SyncRunResult> {
    const index = await this.ledgers.loadIndex();
    await this.ledgers.load(index);
    for (const book of remote) this.listed.set(book.containerUid, book);
    await this.release.finishCutReleases(index, source, (uid) => this.listed.get(uid), signal);
    const localBooks = await this.books.listBooks();
    const plan = planBooks(remote, index, localBooks, this.unlistedBefore);
    for (const containerUid of plan.unlisted) {
      if (!this.unlistedBefore.has(containerUid)) {
        this.reporter.log("info", text("logBookNotListed"), containerUid);
      }
    }
    this.unlistedBefore = new Set(plan.unlisted);
    const result: SyncRunResult = { ok: true, books: [], unsynced: plan.unsynced, removed: [] };

    const synced: BookToPull[] = [];
    for (const operation of plan.operations) {
      throwIfAborted(signal);
      try {
        const book = await this.applyBookOperation(operation, index, result, source, signal);
        if (book !== null) synced.push(book);
      } catch (error) {
        if (isRunFatal(error, signal)) throw error;
        const containerUid = containerUidOf(operation);
        result.ok = false;
        this.reporter.bookState(containerUid, { state: "error", lastError: describeError(error) });
        this.reporter.log("error", text("logBookSetupFailed", describeError(error)), containerUid);
      }
    }

    for (const book of synced) {
      throwIfAborted(signal);
      const bookResult = await this.runner.run(book, this.ledgers.getOrCreate(book.book.containerUid, book.book.internalId), source, signal);
      result.books.push(bookResult);
      if (!bookResult.ok) result.ok = false;
    }
    return result;
  }

  /** Applies one book operation; returns the book to pull, if any. */
  private async applyBookOperation(
    operation: BookOperation,
    index: SyncIndex,
    result: SyncRunResult,
    source: ContentSource,
    signal?: AbortSignal,
  ): Promise<BookToPull | null> {
    switch (operation.kind) {
      case "create":
        return this.createLocalBook(operation.book, index);
      case "keep": {
        if (operation.rename !== null) {
          await this.books.renameBook(operation.localBookId, operation.rename);
          this.reporter.log("info", text("logBookRenamed", operation.rename), operation.book.containerUid);
        }
        return { book: operation.book, localBookId: operation.localBookId, fresh: false };
      }
      case "missing": {
        const decision = (await this.options.onLocalBookMissing?.(operation.book)) ?? "recreate";
        if (decision === "recreate") {
          this.reporter.log("warning", text("logBookRecreated", operation.book.displayName), operation.book.containerUid);
          await this.forgetBook(operation.book.containerUid, index);
          return this.createLocalBook(operation.book, index);
        }
        await this.forgetBook(operation.book.containerUid, index);
        return null;
      }
      case "remove": {
        const { containerUid, localBookId, reason } = operation;
        const book = operation.book ?? this.listed.get(containerUid);
        await this.release.pushFirst(book, localBookId, source, signal, false);
        const released = await this.release.release(containerUid, localBookId, book, index, true);
        result.removed.push({ containerUid, reason });
        if (released.deleted) {
          this.reporter.log("info", text(reason === "sync-off" ? "logSyncOffRemoved" : "logUnsubscribedRemoved"), containerUid);
        }
        return null;
      }
      case "forget":
        await this.forgetBook(operation.containerUid, index);
        return null;
    }
  }

  private async createLocalBook(book: RemoteBook, index: SyncIndex): Promise<BookToPull> {
    const localBookId = await this.books.createBook(book.displayName);
    index.books[book.containerUid] = { localBookId };
    await this.ledgers.saveIndex(index);
    await this.ledgers.start(book.containerUid, book.internalId);
    this.reporter.log("info", text("logBookCreated", book.displayName), book.containerUid);
    return { book, localBookId, fresh: true };
  }

  /**
   * State first, index entry last: a crash in between leaves an entry a later run or sign-out
   * finishes, never state no entry points to (a released book's state would outlive Disconnect).
   */
  private async forgetBook(containerUid: string, index: SyncIndex): Promise<void> {
    await this.ledgers.forget(containerUid);
    delete index.books[containerUid];
    await this.ledgers.saveIndex(index);
  }

}

function containerUidOf(operation: BookOperation): string {
  return operation.kind === "remove" || operation.kind === "forget" ? operation.containerUid : operation.book.containerUid;
}

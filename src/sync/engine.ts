// One sync run over every book: reconcile the set of local books with the subscriptions
// (book-plan.ts), then for each synced book push its pending local changes (pushPending, given
// by two-way.ts) and pull (pull.ts). Books are synced one after the other: they share
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
import type { Thunderbird, AddressBooksApi, KeyValueStore } from "../thunderbird/types.ts";
import { vCardContentHash } from "../vcard/index.ts";
import { BlueMindError } from "../bluemind/errors.ts";
import { describeError } from "../shared/error-message.ts";
import { text, type UserText } from "../shared/user-text.ts";
import { planBooks, type BookOperation, type RemovalReason } from "./book-plan.ts";
import { BaseCopies } from "./base-copies.ts";
import { detachedBookMessage, detachedBookName, keepOnlyUnsent } from "./detach-book.ts";
import { pullBook, type PendingChanges, type PullOptions, type PullOutcome, recordHash } from "./pull.ts";
import type { BookContent, ContentSource } from "./remote-content.ts";
import type { RemoteBook } from "../books/remote-books.ts";
import type { RemoteBookWithCount } from "../books/fetch-remote-books.ts";
import { silentReporter, type SyncReporter } from "./reporter.ts";
import { isRunFatal, SyncCancelledError, throwIfAborted } from "./sync-errors.ts";
import { emptyBookState, SyncStateStore, type BookSyncState, type SyncIndex } from "./sync-state.ts";

/** What to do with a synced book whose local copy the user deleted. */
export type MissingBookDecision = "recreate" | "forget";

export interface PushContext {
  book: RemoteBook;
  localBookId: string;
  /** The book's sync state (records of what the add-on wrote): read it, do not replace it. */
  state: BookSyncState;
  content: BookContent;
  /** The merge bases of the book's contacts. */
  bases: BaseCopies;
  signal?: AbortSignal;
}

/** What a push tells the engine: problems to show on the book's status (with the pull's own). */
export interface PushReport {
  /** One line per change BlueMind refused, e.g. `“Jane Doe”: Email invalid: 'x'`. */
  problems: UserText[];
}

export interface SyncEngineOptions extends PullOptions {
  now?: () => number;
  /** Default: "recreate". The background passes TwoWaySync's, which switches sync off on BlueMind. */
  onLocalBookMissing?: (book: RemoteBook) => MissingBookDecision | Promise<MissingBookDecision>;
  /**
   * Runs before each synced book's pull, and before a book whose sync was switched off is
   * removed: the place where pending local changes go to BlueMind (TwoWaySync). A rejection
   * fails that book for this run (its pull is skipped, so local changes are never overwritten
   * before they were sent). Resolving with a report puts its problems on the book's status.
   */
  pushPending?: (context: PushContext) => Promise<PushReport | void>;
  /** The queue of local changes of a book (TwoWaySync's), so a pull never overwrites one. */
  pendingChanges?: (containerUid: string) => Promise<PendingChanges>;
  /**
   * A synced book stopped being synced (sync off, unsubscribed, sign-out), its index entry and
   * state are gone: forget what was queued for it, and when `keptIn` names the book that now holds
   * what BlueMind does not have, tell the user (TwoWaySync).
   */
  onBookReleased?: (released: ReleasedBook) => Promise<void>;
  /** Renders what the engine writes into Thunderbird's own data (a detached book's name) in
   * Thunderbird's language; English when not given. */
  render?: (value: UserText) => string;
}

export interface ReleasedBook {
  containerUid: string;
  /** The name the user knew the book by. */
  bookName: string;
  /** The plain Thunderbird book now holding what BlueMind does not have; null when there is none. */
  keptIn: string | null;
  /** The local copy was deleted. */
  deleted: boolean;
}

export interface SyncEngineDeps {
  books: AddressBooksApi;
  store: KeyValueStore;
  reporter?: SyncReporter;
}

export interface BookRunResult {
  containerUid: string;
  localBookId: string;
  ok: boolean;
  error: UserText | null;
  outcome: PullOutcome | null;
}

export interface SyncRunResult {
  /** Every synced book pulled without error. */
  ok: boolean;
  books: BookRunResult[];
  /** Subscribed books with sync off: register their search-only (provider) books. */
  unsynced: RemoteBook[];
  /** Local books removed by this run. */
  removed: { containerUid: string; reason: RemovalReason }[];
}

/** A book this run pulls, with its local copy (`fresh`: created by this run). */
interface BookToPull {
  book: RemoteBook;
  localBookId: string;
  fresh: boolean;
}

export class SyncEngine {
  private readonly books: AddressBooksApi;
  private readonly store: KeyValueStore;
  private readonly stateStore: SyncStateStore;
  private readonly reporter: SyncReporter;
  private readonly now: () => number;
  /** States of the synced books, shared with running pulls (which update them in place). */
  private readonly states = new Map<string, BookSyncState>();
  /** Merge bases per synced book (loaded shard by shard on demand). */
  private readonly bases = new Map<string, BaseCopies>();
  /** Each book as the last listing of subscriptions that named it described it (with its count). */
  private readonly listed = new Map<string, ListedBook>();
  /** Synced books the last run's listing did not name: a second listing without them confirms. */
  private unlistedBefore: ReadonlySet<string> = new Set();
  private running = false;
  private readonly finishing = new Set<Promise<void>>();

  constructor(
    deps: SyncEngineDeps,
    private readonly options: SyncEngineOptions = {},
  ) {
    this.books = deps.books;
    this.store = deps.store;
    this.stateStore = new SyncStateStore(deps.store);
    this.reporter = deps.reporter ?? silentReporter;
    this.now = options.now ?? Date.now;
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
    const index = await this.stateStore.loadIndex();
    await this.loadStatesOf(index);
  }

  /**
   * Whether `vCard`, as Thunderbird reports it for `contactId`, is what this add-on last wrote
   * there (compared by vCardContentHash, which ignores PHOTO and Thunderbird's re-serialising).
   * ChangeTracker uses it: an onContactCreated/onContactUpdated whose vCard is an own write is an
   * echo, not a user edit. Contacts of books not loaded yet answer false.
   */
  isOwnWrite(contactId: string, vCard: string): boolean {
    for (const state of this.states.values()) {
      const record = state.contacts[contactId];
      if (record === undefined) continue;
      const written = recordHash(record);
      return written !== null && vCardContentHash(vCard) === written;
    }
    return false;
  }

  /** Container uids of the synced books whose state is loaded. */
  syncedContainers(): string[] {
    return [...this.states.keys()];
  }

  /** The loaded sync state of a synced book (the live object pulls update): read, or mutate and save. */
  stateOf(containerUid: string): BookSyncState | undefined {
    return this.states.get(containerUid);
  }

  /**
   * Makes an existing Thunderbird book the local copy of `book` (a book the user created in
   * Thunderbird and that was just published to BlueMind): its index entry and an empty state are
   * stored, and the next sync treats it like any synced book. Not while a sync runs.
   */
  async adoptLocalBook(book: RemoteBook, localBookId: string): Promise<void> {
    if (this.running) throw new Error("A sync is running.");
    const index = await this.stateStore.loadIndex();
    const state = emptyBookState(book.containerUid, book.internalId);
    this.states.set(book.containerUid, state);
    await this.stateStore.saveBook(state);
    index.books[book.containerUid] = { localBookId };
    await this.stateStore.saveIndex(index);
  }

  /** The container uid of the synced book a Thunderbird book id belongs to, if any. */
  async containerOfLocalBook(localBookId: string): Promise<string | null> {
    const index = await this.stateStore.loadIndex();
    const found = Object.entries(index.books).find(([, entry]) => entry.localBookId === localBookId);
    return found ? found[0] : null;
  }

  /**
   * Sign-out: every synced book stops being the add-on's. While BlueMind can be reached (`source`)
   * pending changes are pushed first; then with `remove` each local copy goes, or keeps only what
   * BlueMind does not have (renamed), and without it each stays whole. No index entry, state or
   * queue is left, so a later sign-in (with any account) never takes these books for its own.
   * Not while a sync runs: the caller cancels it and waits first.
   */
  async releaseAllLocalBooks(source: ContentSource | null, remove: boolean): Promise<ReleasedBook[]> {
    if (this.running) throw new Error("A sync is running.");
    this.running = true;
    try {
      const index = await this.stateStore.loadIndex();
      await this.loadStatesOf(index);
      const existing = new Set((await this.books.listBooks()).map((b) => b.id));
      const released: ReleasedBook[] = [];
      for (const [containerUid, { localBookId }] of Object.entries(index.books)) {
        const book = this.listed.get(containerUid);
        if (existing.has(localBookId) && source !== null) await this.pushBeforeRelease(book, localBookId, source, undefined, true);
        released.push(await this.releaseLocalCopy(containerUid, localBookId, book, index, remove));
      }
      this.listed.clear();
      this.unlistedBefore = new Set();
      return released;
    } finally {
      this.running = false;
    }
  }

  private async run(source: ContentSource, remote: readonly ListedBook[], signal?: AbortSignal): Promise<SyncRunResult> {
    const index = await this.stateStore.loadIndex();
    await this.loadStatesOf(index);
    const localBooks = await this.books.listBooks();
    for (const book of remote) this.listed.set(book.containerUid, book);
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
      const bookResult = await this.syncBook(book, source, signal);
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
        await this.pushBeforeRelease(book, localBookId, source, signal, false);
        const released = await this.releaseLocalCopy(containerUid, localBookId, book, index, true);
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

  /**
   * Sends what is pending before a book's local copy goes. At sign-out (`final`) a failure is logged
   * and the release goes on: what was not sent is kept. Otherwise only a refusal for good does so
   * (the container is gone, the right withdrawn); anything that may pass (offline, not connected)
   * is thrown, and the removal waits for the next sync.
   */
  private async pushBeforeRelease(book: RemoteBook | undefined, localBookId: string, source: ContentSource, signal: AbortSignal | undefined, final: boolean): Promise<void> {
    const state = book === undefined ? undefined : this.states.get(book.containerUid);
    if (book === undefined || state === undefined || this.options.pushPending === undefined) return;
    try {
      await this.options.pushPending({ book, localBookId, state, content: source.addressBook(book.containerUid), bases: this.basesOf(book.containerUid), signal });
    } catch (error) {
      const forGood = error instanceof BlueMindError && !error.retryable && !isRunFatal(error, signal);
      if (signal?.aborted === true || !(final || forGood)) throw error;
      this.reporter.log("warning", text("logChangesNotSent", book.displayName, describeError(error)), book.containerUid);
    }
  }

  /**
   * Ends the engine's hold on a synced book. With `remove`, its local copy (if still there) is
   * deleted, or keeps only what BlueMind does not have and is renamed (detach-book.ts); without,
   * it stays whole. Its index entry and state go either way.
   */
  private async releaseLocalCopy(containerUid: string, localBookId: string, book: RemoteBook | undefined, index: SyncIndex, remove: boolean): Promise<ReleasedBook> {
    const local = (await this.books.listBooks()).find((b) => b.id === localBookId);
    const released: ReleasedBook = { containerUid, bookName: book?.displayName ?? local?.name ?? containerUid, keptIn: null, deleted: false };
    if (local !== undefined && remove) {
      // Changes in a read-only book are undone, never sent: nothing of it can be waiting.
      const kept = book?.readOnly === true ? { contacts: 0, lists: 0 } : await keepOnlyUnsent(this.books, local.id, this.states.get(containerUid));
      if (kept.contacts + kept.lists === 0) {
        await this.books.deleteBook(local.id);
        released.deleted = true;
      } else {
        released.keptIn = detachedBookName(local.name, this.options.render);
      }
    }
    await this.forgetBook(containerUid, index);
    if (local !== undefined && released.keptIn !== null) {
      // After the index lost it: the rename is the add-on's, never one to send to BlueMind.
      await this.books.renameBook(local.id, released.keptIn);
      const message = detachedBookMessage(released.bookName, released.keptIn);
      this.reporter.log("warning", message, containerUid);
      this.reporter.bookState(containerUid, { state: "error", lastError: message });
    }
    await this.options.onBookReleased?.(released);
    return released;
  }

  private async createLocalBook(book: RemoteBook, index: SyncIndex): Promise<BookToPull> {
    const localBookId = await this.books.createBook(book.displayName);
    index.books[book.containerUid] = { localBookId };
    await this.stateStore.saveIndex(index);
    const state = emptyBookState(book.containerUid, book.internalId);
    this.states.set(book.containerUid, state);
    await this.stateStore.saveBook(state);
    this.reporter.log("info", text("logBookCreated", book.displayName), book.containerUid);
    return { book, localBookId, fresh: true };
  }

  private async forgetBook(containerUid: string, index: SyncIndex): Promise<void> {
    delete index.books[containerUid];
    await this.stateStore.saveIndex(index);
    await this.stateStore.removeBook(containerUid);
    await this.basesOf(containerUid).drop();
    this.bases.delete(containerUid);
    this.states.delete(containerUid);
  }

  /** The merge bases of a synced book. */
  basesOf(containerUid: string): BaseCopies {
    let bases = this.bases.get(containerUid);
    if (bases === undefined) {
      bases = new BaseCopies(this.store, containerUid);
      this.bases.set(containerUid, bases);
    }
    return bases;
  }

  private async syncBook({ book, localBookId, fresh }: BookToPull, source: ContentSource, signal?: AbortSignal): Promise<BookRunResult> {
    const { containerUid } = book;
    let state = this.states.get(containerUid);
    if (state === undefined) {
      state = emptyBookState(containerUid, book.internalId);
      this.states.set(containerUid, state);
    }
    this.reporter.bookState(containerUid, { state: "syncing" });
    try {
      const content = source.addressBook(containerUid);
      const bases = this.basesOf(containerUid);
      const pushed = this.options.pushPending ? await this.options.pushPending({ book, localBookId, state, content, bases, signal }) : undefined;
      const changes = await this.options.pendingChanges?.(containerUid);
      const outcome = await pullBook(
        { containerUid, localBookId, freshBook: fresh, internalId: book.internalId, itemCount: itemCountOf(this.listed.get(containerUid)), state, readOnly: book.readOnly },
        { books: this.books, content, bases, changes, reporter: this.reporter, save: (s) => this.stateStore.saveBook(s), now: this.now, signal },
        this.options,
      );
      this.reportOutcome(book, outcome);
      this.finishing.add(outcome.finishing);
      void outcome.finishing.finally(() => this.finishing.delete(outcome.finishing));
      this.reporter.progress(containerUid, null);
      this.reporter.bookState(containerUid, {
        state: "synced",
        lastSuccess: state.lastSuccess ?? this.now(),
        lastError: bookProblems(pushed ?? undefined, outcome),
        contactCount: Object.keys(state.contacts).length,
      });
      return { containerUid, localBookId, ok: true, error: null, outcome };
    } catch (error) {
      this.reporter.progress(containerUid, null);
      this.reporter.bookState(containerUid, { state: "error", lastError: describeError(error) });
      if (isRunFatal(error, signal)) throw error;
      this.reporter.log("error", text("logBookSyncFailed", book.displayName, describeError(error)), containerUid);
      return { containerUid, localBookId, ok: false, error: describeError(error), outcome: null };
    }
  }

  private reportOutcome(book: RemoteBook, outcome: PullOutcome): void {
    const { created, updated, deleted, lists } = outcome.counts;
    if (created + updated + deleted + lists === 0) return;
    const counts = [String(created), String(updated), String(deleted)];
    const line = lists > 0 ? text("logBookPulledLists", book.displayName, ...counts, String(lists)) : text("logBookPulled", book.displayName, ...counts);
    this.reporter.log("info", line, book.containerUid);
  }

  private async loadStatesOf(index: SyncIndex): Promise<void> {
    for (const containerUid of Object.keys(index.books)) {
      if (this.states.has(containerUid)) continue;
      const state = await this.stateStore.loadBook(containerUid);
      if (state !== null) this.states.set(containerUid, state);
    }
  }
}

/** The status line of a synced book: what BlueMind refused of the push, then what the pull missed. */
function bookProblems(pushed: PushReport | undefined, outcome: PullOutcome): UserText | null {
  const parts: UserText[] = [];
  const [first, ...others] = pushed?.problems ?? [];
  if (first !== undefined) parts.push(others.length > 0 ? text("bookNotSavedMore", first, String(others.length)) : text("bookNotSaved", first));
  if (outcome.failures.length > 0) parts.push(text("bookCardsNotSynced", String(outcome.failures.length)));
  const [refusedPart, failedPart] = parts;
  if (refusedPart === undefined) return null;
  return failedPart === undefined ? refusedPart : text("twoSentences", refusedPart, failedPart);
}

/** A book as the caller lists it: the background's listing also carries `_itemCount`. */
export type ListedBook = RemoteBook | RemoteBookWithCount;

function itemCountOf(book: ListedBook | undefined): number | null {
  return book !== undefined && "itemCount" in book ? book.itemCount : null;
}

function containerUidOf(operation: BookOperation): string {
  return operation.kind === "remove" || operation.kind === "forget" ? operation.containerUid : operation.book.containerUid;
}

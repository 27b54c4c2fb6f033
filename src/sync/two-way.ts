// The Thunderbird → BlueMind direction, as one object for the background to wire (design.md §2,
// "Local changes"):
//
//   Thunderbird events → ChangeTracker → ChangeQueue (storage)      → pushPending → pushBook → _mupdates
//                                      → ReadOnlyGuard (undo now)
//                                      → LocalBooks (publish, rename) → beforeSync
//
// Timing: a queued change asks for a sync a few seconds later (the scheduler debounces), and every
// sync pushes a book's queue right before pulling it (SyncEngineOptions.pushPending), so a pull
// never overwrites a change that was not sent.
//
// Nothing is ever deleted on BlueMind because of a local event other than the user deleting a
// contact or a mailing list in a writable synced book: book deletions turn sync off, and
// publishing and full pushes only add and update.
import type { BlueMindClient } from "../bluemind/client.ts";
import type { AuthUser } from "../bluemind/models.ts";
import type { AddressBooksApi, ImagesApi, KeyValueStore, NotificationsApi, Unsubscribe } from "../thunderbird/types.ts";
import { describeError } from "../shared/error-message.ts";
import { text, UserError } from "../shared/user-text.ts";
import { FULL_CHECK_INTERVAL_MS } from "./pull/changeset-plan.ts";
import { ChangeQueue, isEmptyQueue } from "./state/change-queue.ts";
import { ChangeTracker } from "./change-tracker.ts";
import type { PendingChanges } from "./pull/book-pull.ts";
import { detachedBookMessage } from "./detach-book.ts";
import type { SyncEngine } from "./engine.ts";
import type { MissingBookDecision, PushContext, PushReport, ReleasedBook, SyncEngineOptions } from "./engine-types.ts";
import type { RemoteBookWithCount } from "../books/fetch-remote-books.ts";
import { LocalBooks } from "./local-books.ts";
import { OwnWrites } from "./own-writes.ts";
import { pushBook } from "./push/book-push.ts";
import { ReadOnlyGuard, REVERT_REASON } from "./read-only.ts";
import type { RemoteBook } from "../books/remote-books.ts";
import type { SyncReporter } from "./reporter.ts";
import type { ReadonlyBookState } from "./state/book-ledger.ts";

export interface TwoWayDeps {
  /** Thunderbird's address books, unmarked: TwoWaySync.books is the marked one to write with. */
  books: AddressBooksApi;
  images: ImagesApi;
  store: KeyValueStore;
  notifications: NotificationsApi;
  reporter: SyncReporter;
  engine(): SyncEngine;
  client(): BlueMindClient | null;
  publishLocalBooks(): Promise<boolean>;
  /** A local change waits: `urgent` for a revert (sync now), otherwise after the usual delay. */
  onLocalChange(urgent: boolean): void;
  notifyDelayMs?: number;
  now?: () => number;
}

export class TwoWaySync {
  readonly ownWrites: OwnWrites;
  /** Give this one to the engine: its writes are recognised as the add-on's own. */
  readonly books: AddressBooksApi;
  readonly queue: ChangeQueue;
  readonly localBooks: LocalBooks;
  readonly readOnly: ReadOnlyGuard;
  private readonly tracker: ChangeTracker;
  /** Books whose unobserved edits were looked for in this session. */
  private readonly caughtUp = new Set<string>();

  constructor(private readonly deps: TwoWayDeps) {
    this.ownWrites = new OwnWrites(deps.now);
    this.books = this.ownWrites.wrap(deps.books);
    this.queue = new ChangeQueue(deps.store);
    const engine = {
      isOwnWrite: (id: string, vCard: string) => deps.engine().isOwnWrite(id, vCard),
      stateOf: (uid: string) => deps.engine().stateOf(uid),
      containerOfLocalBook: (id: string) => deps.engine().containerOfLocalBook(id),
      syncedContainers: () => deps.engine().syncedContainers(),
      adoptLocalBook: (book: RemoteBook, id: string) => deps.engine().adoptLocalBook(book, id),
    };
    this.readOnly = new ReadOnlyGuard({
      books: this.books,
      notifications: deps.notifications,
      reporter: deps.reporter,
      ledgerOf: (uid: string) => deps.engine().ledgerOf(uid),
      requestSync: () => deps.onLocalChange(true),
      notifyDelayMs: deps.notifyDelayMs,
    });
    this.localBooks = new LocalBooks({
      books: this.books,
      store: deps.store,
      engine,
      queue: this.queue,
      notifications: deps.notifications,
      reporter: deps.reporter,
      client: deps.client,
      publishLocalBooks: deps.publishLocalBooks,
      requestSync: () => deps.onLocalChange(false),
    });
    this.tracker = new ChangeTracker({
      events: deps.books,
      ownWrites: this.ownWrites,
      engine,
      queue: this.queue,
      readOnly: this.readOnly,
      localBooks: this.localBooks,
      onLocalChange: () => deps.onLocalChange(false),
      onError: (error) => deps.reporter.log("error", text("logLocalChangeNotRecorded", describeError(error))),
    });
  }

  /** The engine's hooks: push before each pull, the queue the pull respects, sync off for a book deleted here, a book let go. */
  engineOptions(): Pick<SyncEngineOptions, "pushPending" | "onLocalBookMissing" | "pendingChanges" | "onBookReleased"> {
    return {
      pushPending: (context) => this.pushPending(context),
      onLocalBookMissing: (book) => this.onLocalBookMissing(book),
      pendingChanges: (containerUid) => this.pendingChanges(containerUid),
      onBookReleased: (released) => this.bookReleased(released),
    };
  }

  /** One book's queue as a pull reads and settles it. */
  async pendingChanges(containerUid: string): Promise<PendingChanges> {
    // Events received before the pull are in the queue before it reads it.
    await this.tracker.idle();
    const queue = await this.queue.get(containerUid);
    return {
      pending: (contactId) => queue.contacts[contactId]?.op ?? null,
      listPending: (listId) => queue.lists[listId]?.op ?? null,
      requeue: async (contactId, item) => {
        if (queue.contacts[contactId]?.op === "upsert") return;
        await this.queue.recordContact(containerUid, contactId, { op: "upsert", uid: item });
        // A merged contact BlueMind lacks part of: pushed a few seconds later, not at the next interval.
        this.deps.onLocalChange(false);
      },
      requeueList: async (listId, groupUid) => {
        if (queue.lists[listId]?.op === "upsert") return;
        await this.queue.recordList(containerUid, listId, { op: "upsert", uid: groupUid });
        this.deps.onLocalChange(false);
      },
      drop: (contactId) => this.queue.dropContact(containerUid, contactId),
    };
  }

  /** Starts listening to Thunderbird (after the engine loaded its states). */
  start(): Unsubscribe {
    return this.tracker.start();
  }

  /** Resolves once the events received so far are handled and the queue is in storage. */
  async idle(): Promise<void> {
    await this.tracker.idle();
    await this.queue.flush();
  }

  /** Before each sync run, with the fresh list of subscriptions (see LocalBooks.beforeSync). */
  beforeSync(user: AuthUser, books: readonly RemoteBookWithCount[]): Promise<RemoteBookWithCount[]> {
    return this.localBooks.beforeSync(user, books);
  }

  /** A book is no longer synced: nothing of it stays queued; where its unsent content went is said. */
  private async bookReleased({ containerUid, localBookId, bookName, keptIn }: ReleasedBook): Promise<void> {
    await this.tracker.idle();
    this.tracker.released(localBookId);
    await this.queue.drop(containerUid);
    await this.queue.flush();
    await this.localBooks.forget(containerUid);
    if (keptIn !== null) await this.deps.notifications.notify(detachedBookMessage(bookName, keptIn)).catch(() => undefined);
  }

  onLocalBookMissing(book: RemoteBook): Promise<MissingBookDecision> {
    return this.localBooks.localBookMissing(book);
  }

  async pushPending(context: PushContext): Promise<PushReport> {
    const { book, localBookId, ledger, signal } = context;
    await this.tracker.idle();
    if (!book.readOnly && context.queuedOnly !== true && this.catchUpDue(book.containerUid, ledger.state)) await this.queue.requestFullPush(book.containerUid);
    const queue = await this.queue.get(book.containerUid);
    if (isEmptyQueue(queue)) return { problems: [], copies: [] };
    if (book.readOnly) {
      await this.undoQueued(book, localBookId, context);
      return { problems: [], copies: [] };
    }
    const client = this.deps.client();
    if (client === null) throw new UserError(text("errorLocalChangesWait"));
    const outcome = await pushBook(
      { containerUid: book.containerUid, localBookId, bookName: book.displayName, ledger },
      {
        books: this.books,
        images: this.deps.images,
        server: client.addressBook(book.containerUid),
        queue: this.queue,
        reporter: this.deps.reporter,
        signal,
      },
    );
    if (outcome.sent > 0) this.deps.reporter.log("info", text("logLocalChangesSaved", book.displayName, String(outcome.sent)), book.containerUid);
    return { problems: outcome.problems, copies: outcome.copies };
  }

  /**
   * Edits made while the add-on was not listening (Thunderbird starting, the add-on updated or
   * disabled) raise no event: once per session and at each daily full check, the push compares
   * the whole book with the sync state (a full push) and sends what changed unobserved.
   */
  private catchUpDue(containerUid: string, state: ReadonlyBookState): boolean {
    const now = (this.deps.now ?? Date.now)();
    const due = !this.caughtUp.has(containerUid) || state.lastFullCheck === null || now - state.lastFullCheck >= FULL_CHECK_INTERVAL_MS;
    this.caughtUp.add(containerUid);
    return due && state.lastSuccess !== null;
  }

  /**
   * Changes queued in a book that turned out read-only (its rights changed, or it was not known
   * yet when they were made): undone like any change in a read-only book — the pull that follows
   * restores the synced ones, the new contacts and lists go.
   */
  private async undoQueued(book: RemoteBook, localBookId: string, { ledger }: PushContext): Promise<void> {
    const queue = await this.queue.get(book.containerUid);
    const target = { containerUid: book.containerUid, name: book.displayName };
    let restored = 0;
    for (const [id, change] of Object.entries(queue.contacts)) {
      const record = ledger.state.contacts[id];
      if (record?.item) {
        ledger.refetchItem(record.item, REVERT_REASON);
        restored++;
      } else if (change.op === "upsert") {
        const contact = await this.books.getContact(id);
        if (contact !== null && contact.parentId === localBookId) await this.readOnly.contactCreated(target, contact);
      }
    }
    for (const [listId, change] of Object.entries(queue.lists)) {
      const groupUid = ledger.groupOfList(listId) ?? change.group;
      const record = groupUid === null ? undefined : ledger.state.groups[groupUid];
      if (groupUid !== null && record !== undefined) {
        ledger.refetchItem(groupUid, REVERT_REASON);
        restored++;
      } else if (change.op === "upsert") {
        const list = (await this.books.listLists(localBookId)).find((l) => l.id === listId);
        if (list !== undefined) await this.readOnly.listCreated(target, list);
      }
    }
    await ledger.checkpoint();
    await this.queue.drop(book.containerUid);
    if (restored > 0) {
      this.deps.reporter.log("info", text("logLocalChangesUndone", String(restored), book.displayName), book.containerUid);
      await this.deps.notifications.notify(text("notifyReadOnlyUndone", book.displayName)).catch(() => undefined);
    }
  }
}

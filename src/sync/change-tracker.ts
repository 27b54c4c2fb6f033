// Listens to Thunderbird's address-book events and sorts them: the add-on's own writes and
// Thunderbird's internal updates are dropped; the user's changes in writable synced books are
// queued for the push (state/change-queue.ts); those in read-only books are undone (read-only.ts); book
// creations, renames and deletions go to local-books.ts.
//
// Two filters, because each alone has a gap:
//  - own-write marks (own-writes.ts), set before each write, catch an echo even when its event
//    overtakes the write's promise — before the sync state knows what was written;
//  - content: an update whose vCard hashes like what the add-on last wrote (SyncEngine.isOwnWrite)
//    changes nothing BlueMind holds — a popularity bump, an edit of a field BlueMind cannot keep,
//    an echo that outlived its mark. The push checks content again before sending anything.
//
// Events are handled one at a time, in order, so "created then deleted" queues as nothing.
import type { AddressBookEvents, AddressBookInfo, ContactInfo, MailingListInfo, Unsubscribe } from "../thunderbird/types.ts";
import type { ChangeQueue } from "./state/change-queue.ts";
import type { SyncEngine } from "./engine.ts";
import type { KnownBook, LocalBooks } from "./local-books.ts";
import type { OwnWrites } from "./own-writes.ts";
import { cardSummary } from "./push/book-push.ts";
import type { ReadOnlyGuard } from "./read-only.ts";
import { groupOfList, type ReadonlyBookState } from "./state/book-ledger.ts";
import { text } from "../shared/user-text.ts";

export interface ChangeTrackerDeps {
  events: AddressBookEvents;
  ownWrites: OwnWrites;
  engine: Pick<SyncEngine, "isOwnWrite" | "stateOf" | "containerOfLocalBook" | "syncedContainers">;
  queue: ChangeQueue;
  readOnly: ReadOnlyGuard;
  localBooks: LocalBooks;
  /** A change was queued: push it soon. */
  onLocalChange(): void;
  /** A handler failed (never thrown into Thunderbird). */
  onError(error: unknown): void;
}

/** The synced book a local event happened in, as the tracker judges the event. */
interface TrackedBook {
  containerUid: string;
  name: string;
  readOnly: boolean;
  state: ReadonlyBookState | undefined;
}

export class ChangeTracker {
  private chain: Promise<void> = Promise.resolve();
  private readonly containers = new Map<string, string>();
  /** Thunderbird book ids of books released (ids are never reused: a book synced again is new). */
  private readonly releasedBooks = new Set<string>();

  constructor(private readonly deps: ChangeTrackerDeps) {}

  start(): Unsubscribe {
    const { events } = this.deps;
    const subscriptions = [
      events.onContactCreated((contact) => this.handle(() => this.contactCreated(contact))),
      events.onContactUpdated((contact) => this.handle(() => this.contactUpdated(contact))),
      events.onContactDeleted((bookId, id) => this.handle(() => this.contactDeleted(bookId, id))),
      events.onListCreated((list) => this.handle(() => this.listCreated(list))),
      events.onListUpdated((list) => this.handle(() => this.listUpdated(list))),
      events.onListDeleted((bookId, listId) => this.handle(() => this.listDeleted(bookId, listId))),
      events.onListMemberAdded((listId, contactId) => this.handle(() => this.memberChanged(listId, contactId, false))),
      events.onListMemberRemoved((listId, contactId) => this.handle(() => this.memberChanged(listId, contactId, true))),
      events.onBookCreated((book) => this.handle(() => this.bookCreated(book))),
      events.onBookUpdated((book) => this.handle(() => this.bookUpdated(book))),
      events.onBookDeleted((bookId) => this.handle(() => this.bookDeleted(bookId))),
    ];
    return () => {
      for (const unsubscribe of subscriptions) unsubscribe();
    };
  }

  /** Resolves once every event received so far has been handled. */
  async idle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.chain;
      await current;
    } while (current !== this.chain);
  }

  private handle(task: () => Promise<void>): void {
    this.chain = this.chain.then(task).catch((error: unknown) => this.deps.onError(error));
  }

  // ───────────── contacts ─────────────

  private async contactCreated(contact: ContactInfo): Promise<void> {
    if (this.deps.ownWrites.consume(`contact:${contact.id}`)) return;
    const book = await this.syncedBook(contact.parentId);
    if (book === null || this.deps.engine.isOwnWrite(contact.id, contact.vCard)) return;
    if (book.readOnly) return this.deps.readOnly.contactCreated(book, contact);
    await this.queueContact(book, contact.id, "upsert");
  }

  private async contactUpdated(contact: ContactInfo): Promise<void> {
    if (this.deps.ownWrites.consume(`contact:${contact.id}`)) return;
    const book = await this.syncedBook(contact.parentId);
    if (book === null) return;
    const record = book.state?.contacts[contact.id];
    // Same content as last written: Thunderbird's own bookkeeping, or an echo.
    if (record !== undefined && this.deps.engine.isOwnWrite(contact.id, contact.vCard)) return;
    if (book.readOnly) {
      if (record?.item) await this.deps.readOnly.contactChanged(book, record.item, text("whatContact", cardSummary(contact.vCard).name));
      return;
    }
    await this.queueContact(book, contact.id, "upsert");
  }

  private async contactDeleted(bookId: string, contactId: string): Promise<void> {
    if (this.deps.ownWrites.consume(`contact-delete:${contactId}`)) return;
    const book = await this.syncedBook(bookId);
    if (book === null) return;
    if (book.readOnly) {
      const item = book.state?.contacts[contactId]?.item;
      if (item) await this.deps.readOnly.contactChanged(book, item, text("whatSomeContact"));
      return;
    }
    await this.queueContact(book, contactId, "delete");
  }

  private async queueContact(book: TrackedBook, contactId: string, op: "upsert" | "delete"): Promise<void> {
    const item = book.state?.contacts[contactId]?.item ?? null;
    await this.deps.queue.recordContact(book.containerUid, contactId, { op, uid: item });
    this.deps.onLocalChange();
  }

  // ───────────── mailing lists ─────────────

  private async listCreated(list: MailingListInfo): Promise<void> {
    if (this.deps.ownWrites.consume(`list-create:${list.parentId}:${list.name}`)) return;
    const book = await this.syncedBook(list.parentId);
    if (book === null) return;
    if (book.readOnly) return this.deps.readOnly.listCreated(book, list);
    await this.queueList(book, list.id, "upsert");
  }

  private async listUpdated(list: MailingListInfo): Promise<void> {
    if (this.deps.ownWrites.consume(`list:${list.id}`)) return;
    const book = await this.syncedBook(list.parentId);
    if (book !== null) await this.listChanged(book, list.id, "upsert");
  }

  private async listDeleted(bookId: string, listId: string): Promise<void> {
    if (this.deps.ownWrites.consume(`list-delete:${listId}`)) return;
    const book = await this.syncedBook(bookId);
    if (book !== null) await this.listChanged(book, listId, "delete");
  }

  private async memberChanged(listId: string, contactId: string, removed: boolean): Promise<void> {
    if (this.deps.ownWrites.consume(`member:${listId}:${contactId}`)) return;
    // Thunderbird takes a contact the add-on deletes out of its lists too, with events.
    if (removed && this.deps.ownWrites.removedWithContact(contactId)) return;
    const book = await this.bookOfList(listId);
    if (book !== null) await this.listChanged(book, listId, "upsert");
  }

  private async listChanged(book: TrackedBook, listId: string, op: "upsert" | "delete"): Promise<void> {
    if (book.readOnly) {
      const groupUid = groupOfList(book.state, listId);
      if (groupUid !== null) await this.deps.readOnly.listChanged(book, groupUid);
      return;
    }
    await this.queueList(book, listId, op);
  }

  private async queueList(book: TrackedBook, listId: string, op: "upsert" | "delete"): Promise<void> {
    await this.deps.queue.recordList(book.containerUid, listId, { op, uid: groupOfList(book.state, listId) });
    this.deps.onLocalChange();
  }

  /** Member events do not say which book the list is in: the sync state or the queue knows. */
  private async bookOfList(listId: string): Promise<TrackedBook | null> {
    for (const containerUid of this.deps.engine.syncedContainers()) {
      const state = this.deps.engine.stateOf(containerUid);
      const known = groupOfList(state, listId) !== null || (await this.deps.queue.get(containerUid)).lists[listId] !== undefined;
      if (known) return this.describe(containerUid, await this.deps.localBooks.known(containerUid));
    }
    return null;
  }

  // ───────────── books ─────────────

  private async bookCreated(book: AddressBookInfo): Promise<void> {
    if (this.deps.ownWrites.consume(`book-create:${book.name}`)) return;
    await this.deps.localBooks.bookCreated(book);
  }

  private async bookUpdated(book: AddressBookInfo): Promise<void> {
    if (this.deps.ownWrites.consume(`book:${book.id}`)) return;
    await this.deps.localBooks.bookRenamed(book);
  }

  private async bookDeleted(bookId: string): Promise<void> {
    if (this.deps.ownWrites.consume(`book-delete:${bookId}`)) return;
    await this.deps.localBooks.bookDeleted(bookId);
    this.containers.delete(bookId);
  }

  // ───────────── which synced book ─────────────

  /**
   * A synced book was let go: an event of it handled from now on (Thunderbird's may come late) is
   * none of the add-on's business, and must not queue a change for a book no longer synced — its
   * queue would outlive it, and a deletion in it could reach BlueMind once the book is synced again.
   */
  released(localBookId: string): void {
    this.releasedBooks.add(localBookId);
    this.containers.delete(localBookId);
  }

  private async syncedBook(bookId: string): Promise<TrackedBook | null> {
    if (this.releasedBooks.has(bookId)) return null;
    let containerUid = this.containers.get(bookId);
    if (containerUid === undefined) {
      const found = await this.deps.engine.containerOfLocalBook(bookId);
      if (found === null) return null;
      containerUid = found;
      this.containers.set(bookId, found);
    }
    return this.describe(containerUid, await this.deps.localBooks.known(containerUid));
  }

  /**
   * A book not known yet (synced for the first time in this profile) counts as writable: its
   * changes are queued, and the push undoes them if the book turns out read-only.
   */
  private describe(containerUid: string, known: KnownBook | undefined): TrackedBook {
    return { containerUid, name: known?.displayName ?? containerUid, readOnly: known?.readOnly ?? false, state: this.deps.engine.stateOf(containerUid) };
  }
}

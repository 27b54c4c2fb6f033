// The add-on's own address-book writes, told apart from the user's.
//
// Thunderbird fires contacts/lists/books events for every write, the add-on's included, and the
// event may reach the background before or after the write's promise resolves (it crosses a
// process boundary). Echo suppression by content (SyncEngine.isOwnWrite compares a hash with the
// sync state) only works once the state has been updated, i.e. after the promise resolved. So
// every write made through `wrap(books)` leaves a mark *before* it is sent, and the first matching
// event consumes it. A mark that no event consumes (Thunderbird fires none for a no-op, such as
// adding a member without an email) expires after GRACE_MS.
//
// What a wrong answer costs: an own write taken for the user's means a pointless push (caught later
// by the content check, so no echo reaches BlueMind) or, in a read-only book, a needless revert; a
// user edit taken for an own write would be lost — which is why marks are per object and short-lived.
import type { AddressBooksApi } from "../thunderbird/types.ts";

/** Long enough for an event to follow its write even on a busy main thread. */
export const GRACE_MS = 60_000;

export type OwnWriteKey =
  | `contact:${string}`
  | `contact-delete:${string}`
  | `list:${string}`
  | `list-create:${string}`
  | `list-delete:${string}`
  | `member:${string}`
  | `book:${string}`
  | `book-create:${string}`
  | `book-delete:${string}`;

interface Mark {
  count: number;
  until: number;
}

/** The contact id Thunderbird will use for a created vCard: its UID (unfolded, unescaped enough for ids). */
export function uidOfVCard(vCard: string): string | null {
  const unfolded = vCard.replace(/\r?\n[ \t]/g, "");
  const match = /^UID(?:;[^:\r\n]*)?:(.*)$/im.exec(unfolded);
  const uid = match?.[1]?.trim() ?? "";
  return uid === "" ? null : uid;
}

export class OwnWrites {
  private readonly marks = new Map<OwnWriteKey, Mark>();
  /** Contacts the add-on deleted: Thunderbird also removes them from their lists, with events. */
  private readonly deletedContacts = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly graceMs = GRACE_MS,
  ) {}

  /** True (and the mark is used up) when an event with this key follows one of our writes. */
  consume(key: OwnWriteKey): boolean {
    const mark = this.marks.get(key);
    if (mark === undefined) return false;
    if (mark.until < this.now()) {
      this.marks.delete(key);
      return false;
    }
    if (--mark.count <= 0) this.marks.delete(key);
    return true;
  }

  /** A member-removed event caused by our deletion of that contact. */
  removedWithContact(contactId: string): boolean {
    const until = this.deletedContacts.get(contactId);
    return until !== undefined && until >= this.now();
  }

  /** The same address-book interface, with every write marked. */
  wrap(books: AddressBooksApi): AddressBooksApi {
    const marked = <T>(keys: (OwnWriteKey | null)[], call: () => Promise<T>): Promise<T> => this.marked(keys, call);
    return {
      ...books,
      createContact: (bookId, vCard) => {
        const uid = uidOfVCard(vCard);
        // The contact lives again (a stray copy moved here): removing it from a list is the user's
        // doing again; the old copy's lists were in the book it left.
        if (uid !== null) this.deletedContacts.delete(uid);
        return marked([uid === null ? null : `contact:${uid}`], () => books.createContact(bookId, vCard));
      },
      updateContact: (id, vCard) => marked([`contact:${id}`], () => books.updateContact(id, vCard)),
      setContactPhoto: (id, bytes, type) => marked([`contact:${id}`], () => books.setContactPhoto(id, bytes, type)),
      deleteContact: (id) => {
        this.deletedContacts.set(id, this.now() + this.graceMs);
        return marked([`contact-delete:${id}`], () => books.deleteContact(id));
      },
      createList: (bookId, fields) => marked([`list-create:${bookId}:${fields.name}`], () => books.createList(bookId, fields)),
      updateList: (id, fields) => marked([`list:${id}`], () => books.updateList(id, fields)),
      deleteList: (id) => marked([`list-delete:${id}`], () => books.deleteList(id)),
      addMember: (listId, contactId) => marked([`member:${listId}:${contactId}`], () => books.addMember(listId, contactId)),
      removeMember: (listId, contactId) => marked([`member:${listId}:${contactId}`], () => books.removeMember(listId, contactId)),
      createBook: (name) => marked([`book-create:${name}`], () => books.createBook(name)),
      renameBook: (id, name) => marked([`book:${id}`], () => books.renameBook(id, name)),
      deleteBook: (id) => marked([`book-delete:${id}`], () => books.deleteBook(id)),
    };
  }

  private async marked<T>(keys: (OwnWriteKey | null)[], call: () => Promise<T>): Promise<T> {
    const used = keys.filter((k): k is OwnWriteKey => k !== null);
    for (const key of used) this.add(key);
    try {
      const result = await call();
      // The grace period counts from the end of the call: the event cannot be earlier than that.
      for (const key of used) this.refresh(key);
      return result;
    } catch (error) {
      // A refused write fires no event.
      for (const key of used) this.consume(key);
      throw error;
    } finally {
      this.sweep();
    }
  }

  private add(key: OwnWriteKey): void {
    const mark = this.marks.get(key);
    const until = this.now() + this.graceMs;
    if (mark === undefined || mark.until < this.now()) this.marks.set(key, { count: 1, until });
    else {
      mark.count++;
      mark.until = until;
    }
  }

  private refresh(key: OwnWriteKey): void {
    const mark = this.marks.get(key);
    if (mark !== undefined) mark.until = Math.max(mark.until, this.now() + this.graceMs);
  }

  private sweepCountdown = 0;

  /** Drops expired marks now and then, so a long sync does not keep every mark it made. */
  private sweep(): void {
    if (++this.sweepCountdown < 500) return;
    this.sweepCountdown = 0;
    const now = this.now();
    for (const [key, mark] of this.marks) if (mark.until < now) this.marks.delete(key);
    for (const [id, until] of this.deletedContacts) if (until < now) this.deletedContacts.delete(id);
  }
}

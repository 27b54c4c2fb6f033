// Local changes in a book that is read-only on BlueMind (RemoteBook.readOnly: `readOnly ||
// !writable`) are undone at once, and the user is told why (design.md §2). Thunderbird cannot
// mark an add-on's local book read-only, so the user can type into it; what they typed must not
// silently survive until the next server change either.
//
// How each change is undone:
//  - a contact or mailing list the user created there: deleted now (its values go to the activity
//    log, so nothing disappears without a trace);
//  - a synced contact or list edited or deleted: its record is marked stale (version −1) and its
//    uid put in the state's retry set, then a sync is asked for at once: the pull fetches the
//    server copy and writes it back (re-creating it if it was deleted). No server copy is kept
//    locally, so the server is the only place to restore from — while offline the revert waits
//    for the connection, like any pull.
// One notification per book and burst (NOTIFY_DELAY_MS), not one per contact of a multi-select.
import type { AddressBooksApi, ContactInfo, MailingListInfo, NotificationsApi } from "../thunderbird/types.ts";
import { describeError } from "../shared/error-message.ts";
import { text, type UserText } from "../shared/user-text.ts";
import { isDerivedContactId } from "./contact-uid.ts";
import { cardSummary } from "./push/book-push.ts";
import { vCardValueLines } from "./conflict-report.ts";
import type { SyncReporter } from "./reporter.ts";
import type { BookLedger } from "./state/book-ledger.ts";

/** Gathers a multi-select delete into one notification. */
export const NOTIFY_DELAY_MS = 1_000;
export const REVERT_REASON = "a local change in a read-only book is undone";

export interface ReadOnlyDeps {
  /** The add-on's (marked) address-book interface: the reverts are own writes. */
  books: AddressBooksApi;
  notifications: NotificationsApi;
  reporter: SyncReporter;
  ledgerOf(containerUid: string): BookLedger | undefined;
  /** Asks for a sync now (the pull does the restoring). */
  requestSync(): void;
  notifyDelayMs?: number;
}

export interface ReadOnlyBook {
  containerUid: string;
  name: string;
}

export class ReadOnlyGuard {
  private readonly pending = new Map<string, { name: string; changes: UserText[] }>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly deps: ReadOnlyDeps) {}

  /** A contact the user created in a read-only book: removed again. */
  async contactCreated(book: ReadOnlyBook, contact: ContactInfo): Promise<void> {
    // Derived ids are the add-on's own (contact-uid.ts): never undo the pull's writes.
    if (isDerivedContactId(contact.id)) return;
    const { name } = cardSummary(contact.vCard);
    try {
      await this.deps.books.deleteContact(contact.id);
    } catch (error) {
      this.deps.reporter.log("warning", text("logReadOnlyContactKept", name, book.name, describeError(error)), book.containerUid);
      return;
    }
    this.deps.reporter.log("warning", text("logReadOnlyContactRemoved", name, book.name, vCardValueLines(contact.vCard).join("; ")), book.containerUid);
    this.tell(book, text("whatContact", name));
  }

  /** A synced contact edited or deleted in a read-only book: the pull restores it. */
  async contactChanged(book: ReadOnlyBook, itemUid: string, name: UserText): Promise<void> {
    const ledger = this.deps.ledgerOf(book.containerUid);
    if (ledger === undefined) return;
    await this.restore(book, ledger, itemUid, name);
  }

  /** A mailing list the user created in a read-only book: removed again. */
  async listCreated(book: ReadOnlyBook, list: MailingListInfo): Promise<void> {
    try {
      await this.deps.books.deleteList(list.id);
    } catch (error) {
      this.deps.reporter.log("warning", text("logReadOnlyListKept", list.name, book.name, describeError(error)), book.containerUid);
      return;
    }
    this.deps.reporter.log("warning", text("logReadOnlyListRemoved", list.name, book.name), book.containerUid);
    this.tell(book, text("whatList", list.name));
  }

  /** A synced mailing list changed or deleted in a read-only book: the pull restores it. */
  async listChanged(book: ReadOnlyBook, groupUid: string): Promise<void> {
    const ledger = this.deps.ledgerOf(book.containerUid);
    const record = ledger?.state.groups[groupUid];
    if (ledger === undefined || record === undefined) return;
    await this.restore(book, ledger, groupUid, text("whatList", record.name));
  }

  /** The next pull rewrites item `uid` from the server, whatever its version. */
  private async restore(book: ReadOnlyBook, ledger: BookLedger, uid: string, what: UserText): Promise<void> {
    ledger.refetchItem(uid, REVERT_REASON);
    await ledger.checkpoint();
    this.deps.reporter.log("info", text("logReadOnlyChangeUndone", what, book.name), book.containerUid);
    this.tell(book, what);
    this.deps.requestSync();
  }

  private tell(book: ReadOnlyBook, what: UserText): void {
    const entry = this.pending.get(book.containerUid) ?? { name: book.name, changes: [] };
    entry.changes.push(what);
    this.pending.set(book.containerUid, entry);
    this.timer ??= setTimeout(() => this.flush(), this.deps.notifyDelayMs ?? NOTIFY_DELAY_MS);
  }

  /** Sends the gathered notifications now. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const { name, changes } of this.pending.values()) {
      const [only] = changes;
      const message = changes.length === 1 && only !== undefined ? text("notifyReadOnlyChange", name, only) : text("notifyReadOnlyChanges", name, String(changes.length));
      void this.deps.notifications.notify(message).catch(() => undefined);
    }
    this.pending.clear();
  }
}

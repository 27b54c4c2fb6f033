// Every synced book's ledger, and the index of which Thunderbird book holds which container: the
// engine's one door to the stored sync state. A book's ledger is created here when the book is
// adopted or loaded, and forgotten here with its stored state and bases when the book stops being
// synced, so no caller keeps a state object of its own.
import type { KeyValueStore } from "../../thunderbird/types.ts";
import { BaseCopies } from "./base-copies.ts";
import { BookLedger, type ReadonlyBookState } from "./book-ledger.ts";
import { emptyBookState, SyncStateStore, type SyncIndex } from "./sync-state.ts";

export class BookLedgers {
  private readonly ledgers = new Map<string, BookLedger>();
  private readonly stateStore: SyncStateStore;

  constructor(private readonly store: KeyValueStore) {
    this.stateStore = new SyncStateStore(store);
  }

  loadIndex(): Promise<SyncIndex> {
    return this.stateStore.loadIndex();
  }

  saveIndex(index: SyncIndex): Promise<void> {
    return this.stateStore.saveIndex(index);
  }

  /** Loads the stored state of every book of the index not loaded yet (unreadable: starts over). */
  async load(index: SyncIndex): Promise<void> {
    for (const containerUid of Object.keys(index.books)) {
      if (this.ledgers.has(containerUid)) continue;
      const state = await this.stateStore.loadBook(containerUid);
      if (state !== null) this.adoptState(state);
    }
  }

  get(containerUid: string): BookLedger | undefined {
    return this.ledgers.get(containerUid);
  }

  /** The book's ledger; a new, empty one (not stored yet) when the book has none. */
  getOrCreate(containerUid: string, internalId: number | null): BookLedger {
    return this.ledgers.get(containerUid) ?? this.adoptState(emptyBookState(containerUid, internalId));
  }

  /** A new, empty, stored state for a book that starts being synced. */
  async start(containerUid: string, internalId: number | null): Promise<BookLedger> {
    const ledger = this.adoptState(emptyBookState(containerUid, internalId));
    await ledger.checkpoint();
    return ledger;
  }

  /** The book is no longer synced: its ledger, stored state and bases go. */
  async forget(containerUid: string): Promise<void> {
    await this.stateStore.removeBook(containerUid);
    await this.getOrCreate(containerUid, null).drop();
    this.ledgers.delete(containerUid);
  }

  containers(): string[] {
    return [...this.ledgers.keys()];
  }

  stateOf(containerUid: string): ReadonlyBookState | undefined {
    return this.ledgers.get(containerUid)?.state;
  }

  /**
   * Whether `vCard`, as Thunderbird reports it for `contactId`, is what the add-on last wrote or
   * sent (by vCardContentHash, which ignores Thunderbird's re-serialising, and by its photo).
   * Contacts of books not loaded yet answer false.
   */
  isOwnWrite(contactId: string, vCard: string): boolean {
    for (const ledger of this.ledgers.values()) {
      if (ledger.state.contacts[contactId] === undefined) continue;
      return ledger.holdsAsSynced(contactId, vCard);
    }
    return false;
  }

  private adoptState(state: ReturnType<typeof emptyBookState>): BookLedger {
    const ledger = new BookLedger(state, new BaseCopies(this.store, state.containerUid), (s) => this.stateStore.saveBook(s), this.stateStore.pullWrites(state.containerUid));
    this.ledgers.set(state.containerUid, ledger);
    return ledger;
  }
}

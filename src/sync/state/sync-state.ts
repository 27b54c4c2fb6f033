// What the sync engine remembers between runs, in storage.local (through KeyValueStore).
//
// Keys:
//  - SYNC_INDEX_KEY ("sync.index"): the books this add-on created, container uid → local book id.
//    Small, written whenever a book is created or removed. It is also the list to clean up on
//    sign-out, since Thunderbird keeps books created by an add-on after it is uninstalled.
//  - bookStateKey(containerUid) ("sync.book.<containerUid>"): one book's progress (changeset
//    version, per-contact records, group → list mapping, cards to retry). One key per book, so a
//    checkpoint of a 10,000-contact book does not rewrite the state of the others.
//
// Invariants:
//  - `version` is the changeset version the local book fully reflects. It only moves forward once
//    every change up to it was applied (or recorded in `retry`); checkpoints written during a pull
//    keep the old version, so a crash can only make the next pull redo work, never skip some.
//  - `contacts` holds what the add-on last wrote for each contact: the server item version and a
//    content hash of the vCard (vCardContentHash, which ignores PHOTO). The hash is what echo
//    suppression and the push side compare Thunderbird's copy with.
//  - Anything unreadable (older schema, hand-edited storage) is dropped and the book resyncs from
//    0; thanks to derived contact ids that costs time, never duplicates.
import { arrayOf, isFiniteNumber, isRecord, isRecordOf, isString, nullable, optional } from "../../shared/parse.ts";
import type { KeyValueStore } from "../../thunderbird/types.ts";

export const SYNC_INDEX_KEY = "sync.index";
export const BOOK_STATE_PREFIX = "sync.book.";
const SCHEMA = 1;

export function bookStateKey(containerUid: string): string {
  return `${BOOK_STATE_PREFIX}${containerUid}`;
}

export interface IndexEntry {
  localBookId: string;
  /**
   * Set before the add-on starts deleting the book's local copy (sync off, unsubscribed,
   * Disconnect): a run that finds it finishes that release first, so a crash half-way is never
   * taken for the user deleting the book or its contacts (which would be sent to BlueMind).
   */
  releasing?: true;
}

export interface SyncIndex {
  schema: number;
  books: Record<string, IndexEntry>;
}

export interface ContactRecord {
  /** BlueMind item uid; null for a contact made for a bare-email group member. */
  item: string | null;
  /** Server item version written (0 for bare-email member contacts). */
  v: number;
  /** vCardContentHash of the vCard written; null if it could not be computed. */
  h: string | null;
  /** Photo state (photo-state.ts): the fingerprint of the photo here, or what is known of it. */
  p?: string;
  /**
   * The fingerprint of BlueMind's bytes of the same photo, when they are not Thunderbird's: a photo
   * sent from here, which BlueMind stored re-encoded. The pull takes them for the photo here.
   */
  q?: string;
  /** The address, for bare-email member contacts. */
  email?: string;
  /**
   * An add sent to BlueMind whose answer was not recorded yet (the record is stored before
   * `_mupdates`, v -1, h and base what was sent): the container's version just before the batch,
   * and the number of changes the batch held. While it is there, nobody knows whether BlueMind
   * has the card: the next push finds out (push-contacts.ts) before anything else is decided.
   */
  sent?: SentAdd;
  /**
   * BlueMind deleted the card and the user chose to keep it (deletion-guard.ts, "keep"): the push
   * sends it again as new under the same uid, and until then no pull removes it.
   */
  restore?: true;
  /**
   * The add-on is writing the contact anew (photo-removal.ts: deleted, then created under the same
   * id): missing here meanwhile (a crash in between), it is no deletion of the user's — the next
   * pull creates it again.
   */
  rewrite?: true;
}

export interface SentAdd {
  since: number;
  changes: number;
}

export interface GroupRecord {
  /** Thunderbird mailing list id; "" while the pull creates it (BookLedger.listBeingCreated). */
  list: string;
  v: number;
  name: string;
  description: string;
  /** Contact ids the list should hold (same-book members and bare-email member contacts). */
  members: string[];
  /**
   * While a pull writes the members (v -1): the members it is writing. The list then holds
   * `members`, these, or something in between, all of it BlueMind's.
   */
  writing?: string[];
}

export interface BookSyncState {
  schema: number;
  containerUid: string;
  /** The container's internalId when last synced: a different one means it was re-created. */
  internalId: number | null;
  version: number;
  /** When the last full comparison with the server's list of uids ran (epoch ms). */
  lastFullCheck: number | null;
  lastSuccess: number | null;
  /**
   * Set while a first pull (since 0) runs: the container version it writes from, saved before its
   * first write. A run cut short leaves contacts written unrecorded and without a base; a card
   * whose version is not above this one is unchanged since, so its server copy is their base.
   */
  firstPullFrom?: number;
  /**
   * The user asked for a repair (integrity.ts): the next pull re-reads the whole book and
   * reconciles it with the local contacts, through the merge. Kept until a repairing pull ends.
   */
  repair?: true;
  /** Thunderbird contact id → record. */
  contacts: Record<string, ContactRecord>;
  /** BlueMind group uid → record. */
  groups: Record<string, GroupRecord>;
  /** Item uids to fetch again at the next pull (a card that failed, a photo not downloaded) → why. */
  retry: Record<string, string>;
  /**
   * Address → contact id of the cards the push deleted, until a push of the book's lists ran to its
   * end: BlueMind turns a deleted card's group members into addresses, and such a member is still
   * that contact, not one added on BlueMind (push-lists.ts). Kept here, not in the run, because a
   * run stopped between the two pushes (Stop, a crash) leaves the lists to the next one.
   */
  deletedCards?: Record<string, string>;
}

export function emptyIndex(): SyncIndex {
  return { schema: SCHEMA, books: {} };
}

export function emptyBookState(containerUid: string, internalId: number | null): BookSyncState {
  return { schema: SCHEMA, containerUid, internalId, version: 0, lastFullCheck: null, lastSuccess: null, contacts: {}, groups: {}, retry: {} };
}

const isNumberOrNull = nullable(isFiniteNumber);
const isStrings = arrayOf(isString);

function isContactRecord(value: unknown): value is ContactRecord {
  return (
    isRecord(value) &&
    (value.item === null || typeof value.item === "string") &&
    typeof value.v === "number" &&
    (value.h === null || typeof value.h === "string") &&
    (value.p === undefined || typeof value.p === "string") &&
    (value.q === undefined || typeof value.q === "string") &&
    (value.email === undefined || typeof value.email === "string") &&
    (value.sent === undefined || (isRecord(value.sent) && isFiniteNumber(value.sent.since) && isFiniteNumber(value.sent.changes))) &&
    (value.restore === undefined || value.restore === true) &&
    (value.rewrite === undefined || value.rewrite === true)
  );
}

function isGroupRecord(value: unknown): value is GroupRecord {
  return (
    isRecord(value) &&
    typeof value.list === "string" &&
    typeof value.v === "number" &&
    typeof value.name === "string" &&
    typeof value.description === "string" &&
    isStrings(value.members) &&
    optional(isStrings)(value.writing)
  );
}

export function parseIndex(value: unknown): SyncIndex {
  if (!isRecord(value) || value.schema !== SCHEMA || !isRecord(value.books)) return emptyIndex();
  const books: Record<string, IndexEntry> = {};
  for (const [uid, entry] of Object.entries(value.books)) {
    if (isRecord(entry) && typeof entry.localBookId === "string") books[uid] = { localBookId: entry.localBookId, ...(entry.releasing === true ? { releasing: true } : {}) };
  }
  return { schema: SCHEMA, books };
}

/** The stored state if it is readable and belongs to `containerUid`, else null. */
export function parseBookState(value: unknown, containerUid: string): BookSyncState | null {
  if (!isRecord(value) || value.schema !== SCHEMA || value.containerUid !== containerUid) return null;
  const { internalId, version, lastFullCheck, lastSuccess, contacts, groups, retry } = value;
  if (!isNumberOrNull(internalId) || typeof version !== "number" || version < 0) return null;
  if (!isNumberOrNull(lastFullCheck) || !isNumberOrNull(lastSuccess)) return null;
  if (!isRecordOf(contacts, isContactRecord) || !isRecordOf(groups, isGroupRecord)) return null;
  if (!isRecordOf(retry, (v): v is string => typeof v === "string")) return null;
  const { firstPullFrom, repair, deletedCards } = value;
  if (!optional(isFiniteNumber)(firstPullFrom) || !(repair === undefined || repair === true)) return null;
  if (deletedCards !== undefined && !isRecordOf(deletedCards, isString)) return null;
  const state: BookSyncState = { schema: SCHEMA, containerUid, internalId, version, lastFullCheck, lastSuccess, contacts, groups, retry };
  if (firstPullFrom !== undefined) state.firstPullFrom = firstPullFrom;
  if (repair === true) state.repair = true;
  if (deletedCards !== undefined) state.deletedCards = deletedCards;
  return state;
}

/** Reads and writes the sync state; never throws on unreadable data (it starts over instead). */
export class SyncStateStore {
  constructor(private readonly store: KeyValueStore) {}

  async loadIndex(): Promise<SyncIndex> {
    return parseIndex(await this.store.get(SYNC_INDEX_KEY));
  }

  saveIndex(index: SyncIndex): Promise<void> {
    return this.store.set(SYNC_INDEX_KEY, index);
  }

  async loadBook(containerUid: string): Promise<BookSyncState | null> {
    return parseBookState(await this.store.get(bookStateKey(containerUid)), containerUid);
  }

  saveBook(state: BookSyncState): Promise<void> {
    return this.store.set(bookStateKey(state.containerUid), state);
  }

  async removeBook(containerUid: string): Promise<void> {
    await this.store.remove(bookStateKey(containerUid));
    await this.store.remove(pullWritesKey(containerUid));
  }

  pullWrites(containerUid: string): PullWritesStore {
    const key = pullWritesKey(containerUid);
    return {
      load: async () => {
        const value = await this.store.get(key);
        return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
      },
      save: (items) => this.store.set(key, items),
      clear: () => this.store.remove(key),
    };
  }
}

/**
 * The items a pull (after the first) is about to write, stored before it writes any: a crash
 * before its checkpoint leaves contacts written but not recorded, which the next pull's changeset
 * may not name again (a card created and deleted meanwhile). A small key of its own, so a pull of
 * ten changes does not rewrite a 10,000-contact state first.
 */
export interface PullWritesStore {
  load(): Promise<string[]>;
  save(items: readonly string[]): Promise<void>;
  clear(): Promise<void>;
}

export const PULL_WRITES_PREFIX = "sync.pulling.";

function pullWritesKey(containerUid: string): string {
  return `${PULL_WRITES_PREFIX}${containerUid}`;
}

/** For a ledger that is not stored (tests, a book being set up). */
export function memoryPullWrites(): PullWritesStore {
  let items: string[] = [];
  return {
    load: async () => [...items],
    save: async (next) => void (items = [...next]),
    clear: async () => void (items = []),
  };
}

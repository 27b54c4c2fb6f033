// The single owner of one synced book's state: the records of what the add-on wrote or sent for
// each contact and list, their merge bases, the content hashes still being computed, the
// changeset version and the uids to fetch again. Pull, push, the read-only guard and the engine
// all read it through `state` (read-only to the compiler) and change it only through the methods
// below, so each rule about the state holds in one place:
//
//  - A record and its base change together (putContact, removeContact); a base is never older
//    than its record once stored, because checkpoint() writes the bases before the records: a
//    crash in between leaves a base without its record (harmless), never the reverse.
//  - A record's hash can be left to compute later (putContactHashLater: the initial sync does not
//    pay for 10,000 hashes on the path the user waits on); hashOf() computes a pending one on the
//    spot, so no reader ever sees a stale "unknown" where a hash was due. The pending hashes live
//    here, per book, not in a module-level map.
//  - `version` moves forward only through completePull(), once every change up to it was applied
//    or recorded in `retry`; every checkpoint before that keeps the old version, so a crash can
//    only make the next pull redo work, never skip some.
//  - Checkpoints are serialised: each is a full snapshot, and a failed one does not stop the next.
//
// The queue of local changes is the other half of a book's state, owned by ChangeQueue (same room,
// same store): records are always saved before the queue forgets an entry (see push).
import { vCardContentHash } from "../../vcard/index.ts";
import { startInSlices, type SliceOptions } from "../pacing.ts";
import { localPhotoChange } from "../photo-state.ts";
import type { BaseCopies } from "./base-copies.ts";
import { memoryPullWrites, type BookSyncState, type ContactRecord, type GroupRecord, type PullWritesStore, type SentAdd } from "./sync-state.ts";

export type ReadonlyGroupRecord = Readonly<Omit<GroupRecord, "members" | "writing">> & { readonly members: readonly string[]; readonly writing?: readonly string[] };

/** The state as everyone but the ledger sees it. */
export type ReadonlyBookState = Readonly<Omit<BookSyncState, "contacts" | "groups" | "retry">> & {
  readonly contacts: Readonly<Record<string, Readonly<ContactRecord>>>;
  readonly groups: Readonly<Record<string, ReadonlyGroupRecord>>;
  readonly retry: Readonly<Record<string, string>>;
};

export class BookLedger {
  /** Contact id → the vCard written, for records whose hash is still to be computed. */
  private readonly pendingHashes = new Map<string, string>();
  private saving: Promise<void> = Promise.resolve();

  /** Whether a pull's writes are noted in storage (PullWritesStore), to clear once recorded. */
  private pullWritesNoted = false;

  constructor(
    private readonly book: BookSyncState,
    private readonly bases: BaseCopies,
    private readonly persist: (state: BookSyncState) => Promise<void>,
    private readonly pullWrites: PullWritesStore = memoryPullWrites(),
  ) {}

  get state(): ReadonlyBookState {
    return this.book;
  }

  get containerUid(): string {
    return this.book.containerUid;
  }

  // ───────────── contacts ─────────────

  /** What the add-on last wrote or sent for the contact, as a content hash (null: unknown). */
  hashOf(contactId: string): string | null {
    const record = this.book.contacts[contactId];
    if (record === undefined) return null;
    if (record.h === null) {
      const written = this.pendingHashes.get(contactId);
      if (written !== undefined) {
        record.h = vCardContentHash(written);
        this.pendingHashes.delete(contactId);
      }
    }
    return record.h;
  }

  /** Thunderbird's vCard of the contact is what the last sync left there: same content, same photo. */
  holdsAsSynced(contactId: string, vCard: string): boolean {
    const written = this.hashOf(contactId);
    return written !== null && vCardContentHash(vCard) === written && localPhotoChange(this.book.contacts[contactId]?.p, vCard) === null;
  }

  /** The vCard both sides last agreed on for the contact (the merge base). */
  base(contactId: string): Promise<string | null> {
    return this.bases.get(contactId);
  }

  /** Records what both sides now hold for the contact; `base` is that content (null: no card of its own). */
  async putContact(contactId: string, record: ContactRecord, base: string | null): Promise<void> {
    this.pendingHashes.delete(contactId);
    // Both sides now hold it: an unconfirmed add (a spread of the old record) is confirmed.
    const { sent: _confirmed, ...agreed } = record;
    this.book.contacts[contactId] = agreed;
    if (base !== null) await this.bases.set(contactId, base);
  }

  /** Same, with the hash of `vCard` computed later (fillPendingHashes) or when first asked. */
  async putContactHashLater(contactId: string, record: Omit<ContactRecord, "h">, vCard: string): Promise<void> {
    const { sent: _confirmed, ...agreed } = record;
    this.book.contacts[contactId] = { ...agreed, h: null };
    this.pendingHashes.set(contactId, vCard);
    await this.bases.set(contactId, vCard);
  }

  /**
   * An add is about to be sent (see ContactRecord.sent): recorded, to be checkpointed by the caller
   * before `_mupdates`, so a crash after BlueMind took it still leaves a trace. The push replaces
   * it with a plain record once the answer is read (putContact), or removes it if refused.
   */
  async addSent(contactId: string, item: string, hash: string | null, vCard: string, sent: SentAdd): Promise<void> {
    await this.putContact(contactId, { item, v: -1, h: hash }, vCard);
    const record = this.book.contacts[contactId];
    if (record !== undefined) record.sent = { ...sent };
  }

  /** Whether the contact's record is an add whose landing on BlueMind is not known (addSent). */
  isUnconfirmedAdd(contactId: string): boolean {
    return this.book.contacts[contactId]?.sent !== undefined;
  }

  async removeContact(contactId: string): Promise<void> {
    this.pendingHashes.delete(contactId);
    delete this.book.contacts[contactId];
    await this.bases.delete(contactId);
  }

  /** The push deleted the card of `contactId`, whose address is `email` (BookSyncState.deletedCards). */
  noteDeletedCard(email: string, contactId: string): void {
    this.book.deletedCards = { ...this.book.deletedCards, [email.toLowerCase()]: contactId };
  }

  /** The contact whose card the push deleted, by its address (lower case); undefined if none. */
  deletedCard(email: string): string | undefined {
    return this.book.deletedCards?.[email];
  }

  /** A push of the book's lists ran to its end: no address member is one of those cards any more. */
  forgetDeletedCards(): void {
    delete this.book.deletedCards;
  }

  /** The user kept a contact BlueMind deleted (deletion-guard.ts): the push puts it back there. */
  markRestore(contactId: string): void {
    const record = this.book.contacts[contactId];
    if (record !== undefined) record.restore = true;
  }

  /** The contact is being written anew (ContactRecord.rewrite), or is again. */
  markRewrite(contactId: string, rewriting: boolean): void {
    const record = this.book.contacts[contactId];
    if (record === undefined) return;
    if (rewriting) record.rewrite = true;
    else delete record.rewrite;
  }

  /** The photo state of a contact (ContactRecord.p, and .q for BlueMind's bytes of a photo sent
   * from here); undefined forgets it. */
  setPhoto(contactId: string, photo: string | undefined, storedThere?: string): void {
    const record = this.book.contacts[contactId];
    if (record === undefined) return;
    if (photo === undefined) delete record.p;
    else record.p = photo;
    if (storedThere === undefined) delete record.q;
    else record.q = storedThere;
  }

  /** The next pull rewrites the contact of item `itemUid` from the server, whatever its version. */
  refetchItem(itemUid: string, reason: string): void {
    for (const record of Object.values(this.book.contacts)) if (record.item === itemUid) record.v = -1;
    const group = this.book.groups[itemUid];
    if (group !== undefined) group.v = -1;
    this.book.retry[itemUid] = reason;
  }

  /** The server items the book holds: its groups and its contacts' cards (not unconfirmed adds:
   * a listing that lacks one says nothing about the contact, which may never have reached BlueMind;
   * nor contacts kept to be put back there, which a listing lacks until the push did). */
  knownItems(): Set<string> {
    const known = new Set<string>(Object.keys(this.book.groups));
    for (const record of Object.values(this.book.contacts)) if (record.item !== null && record.sent === undefined && record.restore === undefined) known.add(record.item);
    return known;
  }

  /**
   * Items whose record holds a version after `version` (written by the push after the last
   * completed pull): the pull checks that a changeset from `version` does not hide their deletion.
   */
  itemsRecordedAfter(version: number): string[] {
    const items: string[] = [];
    for (const record of Object.values(this.book.contacts)) if (record.item !== null && record.sent === undefined && record.v > version) items.push(record.item);
    for (const [uid, record] of Object.entries(this.book.groups)) if (record.v > version) items.push(uid);
    return items;
  }

  // ───────────── groups ─────────────

  putGroup(groupUid: string, record: ReadonlyGroupRecord): void {
    const { writing, ...rest } = record;
    this.book.groups[groupUid] = { ...rest, members: [...record.members], ...(writing === undefined ? {} : { writing: [...writing] }) };
  }

  removeGroup(groupUid: string): void {
    delete this.book.groups[groupUid];
  }

  groupOfList(listId: string): string | null {
    return groupOfList(this.book, listId);
  }

  /**
   * The pull is about to create the list of group `groupUid`: recorded (and checkpointed by the
   * caller) before Thunderbird's createList, with no list id yet. After a crash between the two,
   * the record says a list of this name may already exist unrecorded: the next pull re-links it
   * instead of creating a twin, and the push does not send it as a new group (awaitedList).
   */
  listBeingCreated(groupUid: string, fields: { name: string; description: string }): void {
    this.book.groups[groupUid] = { list: LIST_BEING_CREATED, v: -1, name: fields.name, description: fields.description, members: [] };
  }

  /** The group whose list of this name is being created by the pull (listBeingCreated), if any. */
  awaitedList(name: string): string | null {
    for (const [uid, record] of Object.entries(this.book.groups)) if (record.list === LIST_BEING_CREATED && record.name === name) return uid;
    return null;
  }

  // ───────────── retries, versions ─────────────

  retryLater(itemUid: string, reason: string): void {
    this.book.retry[itemUid] = reason;
  }

  retried(itemUid: string): void {
    delete this.book.retry[itemUid];
  }

  /** The container was re-created: forget its previous life's versions and records, keep the
   * group → list mapping so the lists are reused (their versions are forgotten). */
  startOver(internalId: number | null): void {
    Object.assign(this.book, { version: 0, lastFullCheck: null, lastSuccess: null, contacts: {}, retry: {}, internalId });
    delete this.book.firstPullFrom;
    this.pendingHashes.clear();
    for (const group of Object.values(this.book.groups)) group.v = -1;
  }

  setInternalId(internalId: number | null): void {
    this.book.internalId = internalId;
  }

  /** The book fully reflects `version` (every change up to it applied or kept for a retry). */
  /** Items the last pull meant to write when it was cut short: maybe written, maybe unrecorded. */
  async cutPullWrites(): Promise<string[]> {
    const items = await this.pullWrites.load();
    this.pullWritesNoted = items.length > 0;
    return items;
  }

  /** Stored before a pull writes `items` (PullWritesStore); cleared by pullRecorded(). */
  async notePullWrites(items: readonly string[]): Promise<void> {
    if (items.length === 0) return;
    await this.pullWrites.save(items);
    this.pullWritesNoted = true;
  }

  /** After the checkpoint that follows completePull: every write of the pull is recorded. */
  async pullRecorded(): Promise<void> {
    if (!this.pullWritesNoted) return;
    await this.pullWrites.clear();
    this.pullWritesNoted = false;
  }

  /** A first pull is about to write from the container at `version`: noted and saved once (BookSyncState.firstPullFrom). */
  async noteFirstPull(version: number): Promise<void> {
    if (this.book.firstPullFrom !== undefined) return;
    this.book.firstPullFrom = version;
    await this.checkpoint();
  }

  /**
   * The merge base of a contact; for one a cut first pull wrote without a base, the server's card
   * (`serverVCard`, at `version`) when it has not changed since that pull read it.
   */
  async baseOrUnchanged(contactId: string, version: number, serverVCard: string): Promise<string | null> {
    const base = await this.bases.get(contactId);
    if (base !== null) return base;
    const from = this.book.firstPullFrom;
    return from !== undefined && version <= from ? serverVCard : null;
  }

  /** The next pull re-reads the whole book and reconciles it (BookSyncState.repair); saved now. */
  requestRepair(): Promise<void> {
    this.book.repair = true;
    return this.checkpoint();
  }

  /** `repaired`: this pull was the repair asked for (one asked while it ran waits for the next). */
  completePull(version: number, at: number, fullCheck: boolean, repaired = false): void {
    delete this.book.firstPullFrom;
    if (repaired) delete this.book.repair;
    this.book.version = version;
    this.book.lastSuccess = at;
    if (fullCheck) this.book.lastFullCheck = at;
  }

  // ───────────── persistence ─────────────

  /** Bases, then records: a base without its record is harmless, a record without its base is not. */
  checkpoint(): Promise<void> {
    this.saving = this.saving
      .catch(() => undefined)
      .then(async () => {
        await this.bases.flush();
        await this.persist(this.book);
      });
    return this.saving;
  }

  /**
   * Computes the hashes left for later, then checkpoints. A record replaced meanwhile keeps its own
   * hash. In slices of SLICE_MS (startInSlices): a hash costs about 0.6 ms, so the 50,000 of a big
   * first sync are 30 s of the page's time, and a directory search answered meanwhile waits one
   * slice at each of its steps. With 200 hashes between two yields it waited 120 ms at each, and
   * the scale bench's searches right after a 50,000-contact sync took 730 ms (p50) instead of 60.
   */
  async fillPendingHashes(slicing?: SliceOptions): Promise<void> {
    if (this.pendingHashes.size === 0) return;
    // Not one hash before the pull has returned: its caller goes on first.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await startInSlices([...this.pendingHashes.keys()], async (id) => void this.hashOf(id), slicing);
    await this.checkpoint().catch(() => undefined);
  }

  /** The book is no longer synced: its bases go (the engine removes the state and index entry). */
  async drop(): Promise<void> {
    this.pendingHashes.clear();
    await this.bases.drop();
    await this.pullWrites.clear();
  }
}

/** The list id of a group record whose list the pull was creating when it last stopped. */
export const LIST_BEING_CREATED = "";

/** The group uid a Thunderbird list is the copy of, if any. */
export function groupOfList(state: ReadonlyBookState | undefined, listId: string): string | null {
  if (state === undefined) return null;
  for (const [uid, record] of Object.entries(state.groups)) if (record.list === listId) return uid;
  return null;
}

// One book's pull: BlueMind → its local Thunderbird book.
//
//   changeset(since) [+ _all when a full check is due]
//   → plan (changeset-plan.ts)
//   → [list the local book, when starting from 0 on a book that already has contacts]
//   → deletions
//   → _mget batches (FETCH_CONCURRENCY in flight) pipelined into contact writes (one shared
//     Limiter of WRITE_CONCURRENCY Thunderbird calls), photos alongside
//   → groups as mailing lists, then the reconciliation of extra local contacts
//   → version stored.
//
// Crash safety: contact ids are derived (contact-uid.ts), records are written only after
// Thunderbird accepted a write, the state is checkpointed every CHECKPOINT_EVERY cards with the
// old version, and the new version is stored last. A run cut anywhere is redone from the old
// version; cards already written at the same version and content are skipped (decideContactWrite),
// and when the state lost track of them, a listing of the book finds them instead.
//
// A full listing (since 0, or the daily _all) that contradicts the book's `_itemCount` and would
// remove something is not applied (changeset-plan.ts, listingContradictsCount): the pull fails
// before any write, the book is reported, and the next sync asks again.
//
// One bad card never blocks a book: a card the converter rejects, an _mget value that is not a
// card, or a contact Thunderbird refuses is logged with its uid and reason and kept in
// state.retry, and the version still moves on — otherwise the book would be stuck re-reading the
// same changeset for ever. Retried uids are fetched again at every pull until they pass or the
// server drops them.
import type { ItemValue, VCard } from "../bluemind/models.ts";
import type { ActivityLevel } from "../shared/status.ts";
import type { AddressBooksApi } from "../thunderbird/types.ts";
import { blueMindToVCard, describeFieldConflict, vCardContentHash, type ConversionResult } from "../vcard/index.ts";
import { describeError } from "../shared/error-message.ts";
import { inEnglish, listOf, text, UserError, type UserText } from "../shared/user-text.ts";
import { FULL_CHECK_INTERVAL_MS, listingContradictsCount, planPull, planPullStart, versionOf, type ContactWrite } from "./changeset-plan.ts";
import { allSettledOrThrow, chunk, Limiter, runWorkers } from "./concurrency.ts";
import { startInSlices } from "./pacing.ts";
import { contactIdsFor, isDerivedContactId } from "./contact-uid.ts";
import type { BaseCopies } from "./base-copies.ts";
import { vCardValueLines } from "./conflict-report.ts";
import { ContactWriter } from "./contact-writer.ts";
import { decideIncoming, type IncomingAction } from "./incoming-card.ts";
import { fetchCards, MGET_BATCH_SIZE, type CardFailure } from "./fetch-cards.ts";
import { fingerprintBytes } from "./fingerprint.ts";
import { dropList, removeUnusedMemberContacts, syncLists, type ListSyncDeps } from "./list-sync.ts";
import { contactIdOfItem, localContactId } from "./item-ids.ts";
import { hasPhotoFlag, imageTypeOf, needsPhotoDownload, NO_PHOTO } from "./photos.ts";
import type { BookContent } from "./remote-content.ts";
import { ProgressTicker, type SyncReporter } from "./reporter.ts";
import { isRunFatal, throwIfAborted } from "./sync-errors.ts";
import type { BookSyncState, ContactRecord } from "./sync-state.ts";

/** BlueMind's own connector reads 100 cards per _mget: small bodies, few round-trips. */
export const FETCH_CONCURRENCY = 2;
/** Measured on Thunderbird 153: creates cost 2.3 ms one at a time, 1.5 ms with 16 in flight. */
export const WRITE_CONCURRENCY = 16;
/** Photos are small; a few downloads at once keep pace with the writes without crowding them. */
export const PHOTO_CONCURRENCY = 4;
/** Records whose hash is still to be computed, with the vCard written: a pull that meets one
 * before the filling reached it computes it on the spot. */
const hashPending = new WeakMap<ContactRecord, string>();

/** The record's content hash, computed now if the filling has not reached it yet. */
export function recordHash(record: ContactRecord): string | null {
  if (record.h === null) {
    const written = hashPending.get(record);
    if (written !== undefined) {
      record.h = vCardContentHash(written);
      hashPending.delete(record);
    }
  }
  return record.h;
}

/** Contacts hashed between two yields to the event loop when filling deferred hashes. */
const HASH_SLICE = 200;

/** Cards between checkpoints: a crash redoes at most this many writes' worth of bookkeeping. */
export const CHECKPOINT_EVERY = 1_000;
/** Consecutive refused writes after which the book stops: Thunderbird itself is in trouble. */
export const MAX_CONSECUTIVE_WRITE_FAILURES = 50;
/** Card failures logged one by one per pull; the rest are counted in a summary line. */
const LOGGED_FAILURES = 20;
/** Same for conversion warnings (data not carried over): the activity log keeps 200 lines. */
const LOGGED_WARNINGS = 5;

export interface PullOptions {
  batchSize?: number;
  fetchConcurrency?: number;
  writeConcurrency?: number;
  photoConcurrency?: number;
  checkpointEvery?: number;
  fullCheckIntervalMs?: number;
  maxConsecutiveWriteFailures?: number;
  /** The BlueMind → vCard conversion (tests inject failures). */
  convert?: (card: VCard, contactId: string) => ConversionResult<string>;
}

export interface PullTarget {
  containerUid: string;
  localBookId: string;
  /** Created empty by this run: nothing to look up in it. */
  freshBook: boolean;
  /** The container's current internalId (RemoteBook.internalId). */
  internalId: number | null;
  /** The book's `_itemCount` as listed at the start of the run; null or absent when unknown. */
  itemCount?: number | null;
  /** Mutated in place as the pull goes, so readers of it (echo suppression) stay current. */
  state: BookSyncState;
  /** Local edits are undone rather than merged. */
  readOnly: boolean;
}

/** The book's queue of local changes, as far as a pull needs it (ChangeQueue, book-bound). */
export interface PendingChanges {
  pending(contactId: string): "upsert" | "delete" | null;
  /** Keeps (or puts) an upsert queued: Thunderbird holds something BlueMind lacks. */
  requeue(contactId: string, item: string): Promise<void>;
  /** Drops whatever is queued: the server's side won. */
  drop(contactId: string): Promise<void>;
}

export interface PullDeps {
  books: AddressBooksApi;
  content: BookContent;
  /** The merge bases of the book's contacts. */
  bases: BaseCopies;
  /** Without it (a book with no two-way), only Thunderbird's content tells a local change. */
  changes?: PendingChanges;
  reporter: SyncReporter;
  save(state: BookSyncState): Promise<void>;
  now(): number;
  signal?: AbortSignal;
}

export interface PullCounts {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
  lists: number;
}

export interface PullOutcome {
  since: number;
  version: number;
  recreated: boolean;
  fullCheck: boolean;
  listedLocalBook: boolean;
  counts: PullCounts;
  failures: CardFailure[];
  /** Work left after the book is complete (hashes for echo suppression), then saved. */
  finishing: Promise<void>;
}

export async function pullBook(target: PullTarget, deps: PullDeps, options: PullOptions = {}): Promise<PullOutcome> {
  return new BookPull(target, deps, options).run();
}

class BookPull {
  private readonly state: BookSyncState;
  private readonly writer: ContactWriter;
  private readonly photoLimiter: Limiter;
  private readonly convert: (card: VCard, contactId: string) => ConversionResult<string>;
  private readonly ids = new Map<string, string>();
  private readonly groups: ItemValue<VCard>[] = [];
  private readonly failures: CardFailure[] = [];
  private warnedCards = 0;
  private readonly counts: PullCounts = { created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0, lists: 0 };
  private listing: Map<string, string> | null = null;
  private ticker: ProgressTicker | null = null;
  private consecutiveWriteFailures = 0;
  private sinceCheckpoint = 0;
  private saving: Promise<void> = Promise.resolve();
  private readonly deferredHashes: { record: ContactRecord; vCard: string }[] = [];

  constructor(
    private readonly target: PullTarget,
    private readonly deps: PullDeps,
    private readonly options: PullOptions,
  ) {
    this.state = target.state;
    this.writer = new ContactWriter(deps.books, target.localBookId, new Limiter(options.writeConcurrency ?? WRITE_CONCURRENCY), deps.signal);
    this.photoLimiter = new Limiter(options.photoConcurrency ?? PHOTO_CONCURRENCY);
    this.convert = options.convert ?? blueMindToVCard;
  }

  async run(): Promise<PullOutcome> {
    const { containerUid } = this.target;
    const { content, signal } = this.deps;
    const start = planPullStart(this.state, this.target.internalId, this.deps.now(), this.options.fullCheckIntervalMs ?? FULL_CHECK_INTERVAL_MS);
    if (start.recreated) {
      this.log("info", text("logBookReloaded"));
      this.startOver();
    }
    this.state.internalId = this.target.internalId;
    const versionBefore = this.state.version;

    try {
      const changeset = await content.changeset(start.since, { signal });
      const allUids = start.fullCheck ? await content.allUids({ signal }) : null;
      const plan = planPull({
        since: start.since,
        changeset,
        allUids,
        knownItems: this.knownItems(),
        retry: Object.keys(this.state.retry),
      });

      // Only a book that may hold contacts the state does not know is listed: a first sync cut
      // short (lastSuccess null) or a re-created container. A synced book that is merely empty
      // (version 0) has nothing to find.
      const completedBefore = this.state.lastSuccess !== null && !start.recreated;
      if (start.since === 0 && !this.target.freshBook && !completedBefore) await this.listLocalBook();
      if (plan.serverUids !== null) this.checkListing(plan.serverUids.size, plan.deletions.length + (this.listing?.size ?? 0));
      for (const uid of plan.droppedRetries) delete this.state.retry[uid];
      for (const [uid, id] of await contactIdsFor(containerUid, [...plan.deletions, ...plan.fetch])) {
        this.ids.set(uid, localContactId(uid, this.state.contacts, this.listing) ?? id);
      }
      this.ticker = new ProgressTicker((p) => this.deps.reporter.progress(containerUid, p), plan.deletions.length + plan.fetch.length);

      await allSettledOrThrow(plan.deletions.map((uid) => this.deleteItem(uid)));
      await runWorkers(chunk(plan.fetch, this.options.batchSize ?? MGET_BATCH_SIZE), this.options.fetchConcurrency ?? FETCH_CONCURRENCY, (batch) =>
        this.fetchAndApply(batch),
      );
      const lists = await syncLists(this.groups, this.listDeps());
      this.counts.lists = lists.created + lists.updated;
      if (plan.serverUids !== null && this.listing !== null) await this.removeExtraContacts(plan.serverUids);
      const removedMembers = await removeUnusedMemberContacts(this.listDeps());
      // Nothing moved: rewriting the state of a 10,000-contact book costs more than the rest of
      // the sync. Only lastSuccess would differ, and the in-memory copy carries it.
      const untouched =
        start.since !== 0 &&
        !start.fullCheck &&
        changeset.version === versionBefore &&
        plan.droppedRetries.length === 0 &&
        plan.deletions.length === 0 &&
        plan.fetch.length === 0 &&
        lists.created + lists.updated === 0 &&
        removedMembers === 0 &&
        this.listing === null;

      throwIfAborted(signal);
      this.state.version = changeset.version;
      this.state.lastSuccess = this.deps.now();
      if (start.since === 0 || start.fullCheck) this.state.lastFullCheck = this.state.lastSuccess;
      this.summariseFailures();
      // Bases first: a base without its record is harmless, a record without its base is not.
      await this.deps.bases.flush();
      if (!untouched) await this.checkpoint();
      const finishing = this.deferredHashes.length > 0 ? this.fillDeferredHashes() : Promise.resolve();
      return {
        finishing,
        since: start.since,
        version: changeset.version,
        recreated: start.recreated,
        fullCheck: start.fullCheck,
        listedLocalBook: this.listing !== null,
        counts: this.counts,
        failures: this.failures,
      };
    } catch (error) {
      // Keep what was written so far (with the old version): a re-run skips it.
      await this.deps.bases.flush().catch(() => undefined);
      await this.checkpoint().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Hashes of the contacts this pull created, computed in slices once the book is complete: about
   * 0.6 ms each, a sixth of a 10,000-contact first sync if done inline, where it would compete with
   * Thunderbird's own work for the CPU. Until a contact's hash is there, an unmarked event about it
   * counts as a local change, which the push then finds identical to the server and drops.
   */
  private async fillDeferredHashes(): Promise<void> {
    const pending = this.deferredHashes.splice(0);
    for (let i = 0; i < pending.length; i += HASH_SLICE) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      for (const { record, vCard } of pending.slice(i, i + HASH_SLICE)) {
        // A later sync may have replaced the record: its own hash then stands.
        if (record.h === null) record.h = vCardContentHash(vCard);
        hashPending.delete(record);
      }
    }
    await this.checkpoint().catch(() => undefined);
  }

  /** Forget versions from the container's previous life; keep the group → list mapping so the
   * lists are reused, and let the listing of the book tell which contacts exist. */
  private startOver(): void {
    this.state.version = 0;
    this.state.lastFullCheck = null;
    this.state.lastSuccess = null;
    this.state.contacts = {};
    this.state.retry = {};
    for (const group of Object.values(this.state.groups)) group.v = -1;
  }

  /** Throws, before anything is written, when the server's full listing contradicts its count. */
  private checkListing(listed: number, atRisk: number): void {
    const itemCount = this.target.itemCount ?? null;
    if (!listingContradictsCount({ listed, itemCount, atRisk })) return;
    throw new UserError(itemCount === null ? text("errorListingUncounted", String(listed)) : text("errorListingContradictsCount", String(listed), String(itemCount)));
  }

  private knownItems(): Set<string> {
    const known = new Set<string>(Object.keys(this.state.groups));
    for (const record of Object.values(this.state.contacts)) if (record.item !== null) known.add(record.item);
    return known;
  }

  private async listLocalBook(): Promise<void> {
    const contacts = await this.writer.call(() => this.deps.books.listContacts(this.target.localBookId));
    this.listing = new Map(contacts.map((c) => [c.id, c.vCard]));
  }

  private async idOf(uid: string): Promise<string> {
    let id = this.ids.get(uid);
    if (id === undefined) {
      id = await contactIdOfItem(this.target.containerUid, uid, this.state.contacts, this.listing);
      this.ids.set(uid, id);
    }
    return id;
  }

  private async deleteItem(uid: string): Promise<void> {
    try {
      if (this.state.groups[uid] !== undefined) {
        await dropList(uid, this.listDeps());
        this.counts.deleted++;
      }
      const id = await this.idOf(uid);
      if (this.state.contacts[id] !== undefined) await this.reportLostEdit(id);
      if (this.state.contacts[id] !== undefined || this.listing?.has(id)) {
        await this.writer.remove(id);
        this.counts.deleted++;
      }
      delete this.state.contacts[id];
      await this.deps.bases.delete(id);
      this.listing?.delete(id);
      delete this.state.retry[uid];
    } catch (error) {
      if (isRunFatal(error, this.deps.signal)) throw error;
      // The record stays: the next full check against _all deletes it again.
      this.log("warning", text("logRemovedContactKept", uid, describeError(error)));
    } finally {
      this.ticker?.advance();
    }
  }

  private async fetchAndApply(batch: string[]): Promise<void> {
    const fetched = await fetchCards(this.deps.content, batch, this.deps.signal);
    for (const failure of fetched.failures) this.fail(failure.uid, failure.reason);
    const returned = new Set(fetched.cards.map((c) => c.uid));
    for (const uid of batch) {
      if (returned.has(uid) || fetched.failures.some((f) => f.uid === uid)) continue;
      // Deleted on the server since the changeset: its deletion comes with the next one.
      delete this.state.retry[uid];
      this.ticker?.advance();
    }
    this.ticker?.advance(fetched.failures.length);
    await startInSlices(fetched.cards, (card) => this.applyCard(card));
    this.sinceCheckpoint += batch.length;
    if (this.sinceCheckpoint >= (this.options.checkpointEvery ?? CHECKPOINT_EVERY)) {
      this.sinceCheckpoint = 0;
      await this.checkpoint();
    }
  }

  private async applyCard(item: ItemValue<VCard>): Promise<void> {
    const uid = item.uid;
    try {
      if (item.value.kind === "group") {
        await this.forgetContactOf(uid);
        this.groups.push(item);
        return;
      }
      if (this.state.groups[uid] !== undefined) await dropList(uid, this.listDeps());
      const contactId = await this.idOf(uid);
      const converted = this.convert(item.value, contactId);
      if (!converted.ok) {
        this.fail(uid, text("reasonNotConverted", converted.reason));
        return;
      }
      if (converted.warnings.length > 0) this.noteWarnings(uid, converted.warnings);
      const vCard = converted.value;
      const record = this.state.contacts[contactId];
      if (record !== undefined) recordHash(record);
      // A plain create decides nothing by hash: its hash (for echo suppression) is computed after
      // the book is complete, off the path the user waits on (see fillDeferredHashes).
      const needsHash = record !== undefined || this.listing !== null;
      const hash = needsHash ? vCardContentHash(vCard) : null;
      const version = versionOf(item);
      const action = await decideIncoming(
        {
          contactId,
          card: item.value,
          version,
          serverVCard: vCard,
          hash,
          record,
          listed: this.listing === null ? null : { vCard: this.listing.get(contactId) },
          readOnly: this.target.readOnly,
          pending: this.deps.changes?.pending(contactId) ?? null,
        },
        { readLocal: (id) => this.readLocal(id), readBase: (id) => this.deps.bases.get(id) },
      );
      const decision = await this.applyIncoming(action, contactId, item);
      const next: ContactRecord = { item: uid, v: version, h: hash };
      if (!needsHash) {
        this.deferredHashes.push({ record: next, vCard });
        hashPending.set(next, vCard);
      }
      if (record?.p !== undefined && decision !== "create") next.p = record.p;
      this.state.contacts[contactId] = next;
      await this.deps.bases.set(contactId, vCard);
      delete this.state.retry[uid];
      this.consecutiveWriteFailures = 0;
      await this.syncPhoto(item, contactId, next, decision);
    } catch (error) {
      if (isRunFatal(error, this.deps.signal)) throw error;
      this.writeFailed(uid, error);
    } finally {
      this.ticker?.advance();
    }
  }

  /** Writes what decideIncoming chose; says what happened, for the photo step. */
  private async applyIncoming(action: IncomingAction, contactId: string, item: ItemValue<VCard>): Promise<ContactWrite> {
    switch (action.kind) {
      case "skip":
        this.counts.unchanged++;
        return "skip";
      case "merge": {
        const name = cardName(item);
        for (const conflict of action.conflicts) {
          this.log("warning", text("logFieldConflict", name, describeFieldConflict(conflict)));
        }
        if (action.push) await this.deps.changes?.requeue(contactId, item.uid);
        if (action.vCard === null) {
          this.counts.unchanged++;
          return "skip";
        }
        await this.writer.write(contactId, action.vCard, "update");
        this.counts.updated++;
        return "update";
      }
      default: {
        const result = await this.writer.write(contactId, action.vCard, action.kind === "update" ? "update" : "create");
        this.counts[result === "updated" ? "updated" : "created"]++;
        if (action.kind === "comes-back") {
          await this.deps.changes?.drop(contactId);
          this.log("warning", text("logDeletedContactComesBack", cardName(item)));
        }
        return result === "updated" ? "update" : "create";
      }
    }
  }

  /** Thunderbird's current vCard of a contact, read right before it is written. */
  private async readLocal(contactId: string): Promise<string | null> {
    const contact = await this.writer.call(() => this.deps.books.getContact(contactId));
    return contact !== null && contact.parentId === this.target.localBookId ? contact.vCard : null;
  }

  /**
   * A contact the server deleted while it was changed here and not sent: BlueMind's deletion wins
   * (design.md: the server wins a conflict), and what the user had typed goes to the activity log.
   */
  private async reportLostEdit(contactId: string): Promise<void> {
    const record = this.state.contacts[contactId];
    if (record === undefined || record.item === null || this.target.readOnly) return;
    const local = this.listing !== null ? (this.listing.get(contactId) ?? null) : await this.readLocal(contactId);
    if (local === null || record.h === null || vCardContentHash(local) === record.h) return;
    await this.deps.changes?.drop(contactId);
    this.log("warning", text("logChangedContactDeleted", vCardValueLines(local).join("; ")));
  }

  /** A card that became a group: its contact goes (the list replaces it). */
  private async forgetContactOf(uid: string): Promise<void> {
    const id = await this.idOf(uid);
    if (this.state.contacts[id] === undefined) return;
    await this.writer.remove(id);
    delete this.state.contacts[id];
  }

  private async syncPhoto(item: ItemValue<VCard>, contactId: string, record: ContactRecord, decision: ContactWrite): Promise<void> {
    if (!hasPhotoFlag(item.value)) {
      // Thunderbird's interface cannot remove a photo; forget it so a new one is downloaded.
      delete record.p;
      return;
    }
    if (!needsPhotoDownload(item.value, record, decision !== "skip")) return;
    let bytes: Uint8Array | null;
    try {
      bytes = await this.photoLimiter.run(() => this.deps.content.getPhoto(item.uid, { signal: this.deps.signal }));
    } catch (error) {
      if (isRunFatal(error, this.deps.signal)) throw error;
      // No photo on record: the retry of the card (unchanged, so not rewritten) downloads it.
      delete record.p;
      this.state.retry[item.uid] = `photo not downloaded: ${inEnglish(describeError(error))}`;
      this.log("warning", text("logPhotoNotDownloaded", item.uid, describeError(error)));
      return;
    }
    if (bytes === null || bytes.length === 0) {
      record.p = NO_PHOTO;
      return;
    }
    const fingerprint = fingerprintBytes(bytes);
    if (decision !== "create" && record.p === fingerprint) return;
    const type = imageTypeOf(bytes);
    if (type === null) {
      this.log("warning", text("logPhotoSkipped", item.uid));
      record.p = fingerprint;
      return;
    }
    try {
      await this.writer.setPhoto(contactId, bytes, type);
      record.p = fingerprint;
    } catch (error) {
      if (isRunFatal(error, this.deps.signal)) throw error;
      delete record.p;
      this.state.retry[item.uid] = `photo not stored: ${inEnglish(describeError(error))}`;
      this.log("warning", text("logPhotoNotStored", item.uid, describeError(error)));
    }
  }

  /** Contacts of this book with a derived id the server no longer has (full reconciliation). */
  private async removeExtraContacts(serverUids: ReadonlySet<string>): Promise<void> {
    if (this.listing === null) return;
    const expected = new Set(Object.keys(this.state.contacts));
    for (const uid of serverUids) expected.add(await this.idOf(uid));
    const extras = [...this.listing.keys()].filter((id) => isDerivedContactId(id) && !expected.has(id));
    await allSettledOrThrow(
      extras.map(async (id) => {
        try {
          if (await this.writer.remove(id)) this.counts.deleted++;
        } catch (error) {
          if (isRunFatal(error, this.deps.signal)) throw error;
          this.log("warning", text("logStaleContactKept", id, describeError(error)));
        }
      }),
    );
  }

  private writeFailed(uid: string, error: unknown): void {
    this.consecutiveWriteFailures++;
    this.fail(uid, text("reasonThunderbirdRefused", describeError(error)));
    const limit = this.options.maxConsecutiveWriteFailures ?? MAX_CONSECUTIVE_WRITE_FAILURES;
    if (this.consecutiveWriteFailures >= limit) {
      throw new UserError(text("errorWritesRefused", String(limit), describeError(error)));
    }
  }

  private fail(uid: string, reason: UserText): void {
    // The sync state keeps an English note for whoever reads it; the user reads the log line.
    this.state.retry[uid] = inEnglish(reason);
    this.failures.push({ uid, reason });
    this.counts.failed++;
    if (this.failures.length <= LOGGED_FAILURES) this.log("warning", text("logCardNotSynced", uid, reason));
  }

  private noteWarnings(uid: string, warnings: UserText[]): void {
    this.warnedCards++;
    if (this.warnedCards <= LOGGED_WARNINGS) this.log("info", text("logCardWarnings", uid, listOf(warnings)));
  }

  private summariseFailures(): void {
    const unlogged = this.failures.length - LOGGED_FAILURES;
    if (unlogged > 0) this.log("warning", text("logMoreCardsNotSynced", String(unlogged)));
    const unwarned = this.warnedCards - LOGGED_WARNINGS;
    if (unwarned > 0) this.log("info", text("logMoreCardsWarned", String(unwarned)));
  }

  private checkpoint(): Promise<void> {
    // A failed save must not poison the later ones: each checkpoint is a full snapshot.
    this.saving = this.saving.catch(() => undefined).then(() => this.deps.save(this.state));
    return this.saving;
  }

  private listDeps(): ListSyncDeps {
    return {
      books: this.deps.books,
      writer: this.writer,
      state: this.state,
      containerUid: this.target.containerUid,
      convert: this.convert,
      hash: vCardContentHash,
      listing: this.listing,
      freshBook: this.target.freshBook,
      onFailure: (uid, reason) => this.fail(uid, reason),
      log: (level, message) => this.log(level, message),
      signal: this.deps.signal,
    };
  }

  private log(level: ActivityLevel, message: UserText): void {
    this.deps.reporter.log(level, message, this.target.containerUid);
  }
}

/** The card's name as the user knows it, for messages. */
function cardName(item: ItemValue<VCard>): string {
  return item.value.identification?.formatedName?.value?.trim() || item.displayName || item.uid;
}

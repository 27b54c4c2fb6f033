// One book's pull: BlueMind → its local Thunderbird book.
//
//   changeset(since) [+ _all when a full check is due] → plan (changeset-plan.ts)
//   → [list the local book, when starting from 0 on a book that may hold contacts]
//   → deletions → _mget batches pipelined into contact writes (one shared Limiter), photos
//     alongside (photo-step.ts) → groups as mailing lists (list-sync.ts) → version stored.
//
// Invariants:
//  - A pull never overwrites an unpushed local change: before a contact is updated or deleted,
//    the queue and Thunderbird's current copy (read right before the write) are compared with its
//    record, and a changed contact is merged three-way (incoming-card.ts, apply-incoming.ts).
//  - Crash safety: contact ids are derived (contact-uid.ts), a record is written only after
//    Thunderbird accepted the write, checkpoints keep the old version and the new one is stored
//    last (BookLedger): a run cut anywhere is redone, and what it already wrote is skipped.
//  - A listing or changeset contradicting `_itemCount` is not applied (throwIfImplausible): retried.
//  - One bad card never blocks a book: logged, kept for a retry (pull-failures.ts), version moves on.
//  - A server deletion of a contact changed here logs what the user typed (reportLostEdit).
//  - Deletions of much of the book wait for the user's answer, before any write (deletion-guard.ts).
import type { ItemValue, VCard } from "../../bluemind/models.ts";
import type { ActivityLevel } from "../../shared/status.ts";
import { blueMindToVCard, vCardContentHash, type ConversionResult } from "../../vcard/index.ts";
import { describeError } from "../../shared/error-message.ts";
import { text, type UserText } from "../../shared/user-text.ts";
import { FULL_CHECK_INTERVAL_MS, planPull, planPullStart, pullMovedNothing, throwIfImplausible } from "./changeset-plan.ts";
import { allSettledOrThrow, chunk, Limiter, runWorkers } from "../concurrency.ts";
import { contactIdsFor, isDerivedContactId } from "../contact-uid.ts";
import { vCardValueLines } from "../conflict-report.ts";
import { ContactWriter } from "./contact-writer.ts";
import { decideIncoming } from "./incoming-card.ts";
import { fetchCards, MGET_BATCH_SIZE } from "./fetch-cards.ts";
import { dropList, removeUnusedMemberContacts, syncLists, type ListSyncDeps } from "./list-sync.ts";
import { contactIdOfItem, localContactId, versionOf } from "../item-ids.ts";
import { applyIncoming, type IncomingStep } from "./apply-incoming.ts";
import { PhotoStep } from "./photo-step.ts";
import { photoStateOf } from "../photo-state.ts";
import { startInSlices } from "../pacing.ts";
import { PullFailures } from "./pull-failures.ts";
import { ProgressTicker } from "../reporter.ts";
import { isRunFatal, throwIfAborted } from "../sync-errors.ts";
import { guardDeletions, keepDeletedItem } from "./held-deletions.ts";
import type { BookLedger } from "../state/book-ledger.ts";
import { checkpointInterval, FETCH_CONCURRENCY, PHOTO_CONCURRENCY, WRITE_CONCURRENCY, type PullCounts, type PullDeps, type PullOptions, type PullOutcome, type PullTarget } from "./pull-types.ts";
import type { ContactRecord } from "../state/sync-state.ts";

export type { PendingChanges, PullCounts, PullDeps, PullOptions, PullOutcome, PullTarget } from "./pull-types.ts";

export async function pullBook(target: PullTarget, deps: PullDeps, options: PullOptions = {}): Promise<PullOutcome> {
  return new BookPull(target, deps, options).run();
}

class BookPull {
  private readonly ledger: BookLedger;
  private readonly writer: ContactWriter;
  private readonly photos: PhotoStep;
  private readonly convert: (card: VCard, contactId: string) => ConversionResult<string>;
  private readonly ids = new Map<string, string>();
  private readonly groups: ItemValue<VCard>[] = [];
  private readonly failures: PullFailures;
  private readonly counts: PullCounts = { created: 0, updated: 0, unchanged: 0, deleted: 0, kept: 0, failed: 0, lists: 0 };
  private listing: Map<string, string> | null = null;
  private confirmGone = new Set<string>();
  private repairing = false; // A repair asked for (BookSyncState.repair): see incoming-card.ts.
  private ticker: ProgressTicker | null = null;
  private readonly checkpoints = { every: 0, since: 0 };

  constructor(
    private readonly target: PullTarget,
    private readonly deps: PullDeps,
    private readonly options: PullOptions,
  ) {
    this.ledger = target.ledger;
    this.failures = new PullFailures(this.ledger, (level, message) => this.log(level, message), options.maxConsecutiveWriteFailures);
    this.writer = new ContactWriter(deps.books, target.localBookId, new Limiter(options.writeConcurrency ?? WRITE_CONCURRENCY), deps.signal);
    const log = (level: ActivityLevel, message: UserText): void => this.log(level, message);
    this.photos = new PhotoStep({ ledger: this.ledger, content: deps.content, writer: this.writer, limiter: new Limiter(options.photoConcurrency ?? PHOTO_CONCURRENCY), log, signal: deps.signal, readOnly: target.readOnly });
    this.convert = options.convert ?? blueMindToVCard;
  }

  async run(): Promise<PullOutcome> {
    const { containerUid } = this.target;
    const { content, signal } = this.deps;
    const start = planPullStart(this.ledger.state, this.target.internalId, this.deps.now(), this.options.fullCheckIntervalMs ?? FULL_CHECK_INTERVAL_MS);
    this.repairing = start.repair === true;
    if (start.recreated) {
      this.log("info", text("logBookReloaded"));
      this.ledger.startOver(this.target.internalId);
    }
    this.ledger.setInternalId(this.target.internalId);
    const versionBefore = this.ledger.state.version;

    try {
      const changeset = await content.changeset(start.since, { signal });
      const allUids = start.fullCheck ? await content.allUids({ signal }) : null;
      const plan = planPull({
        since: start.since,
        changeset,
        allUids,
        knownItems: this.ledger.knownItems(),
        retry: Object.keys(this.ledger.state.retry),
        recordedAfter: start.since > 0 ? [...this.ledger.itemsRecordedAfter(start.since), ...(await this.ledger.cutPullWrites())] : [],
      });
      this.confirmGone = new Set(plan.confirmGone);

      // Listed when it may hold what the state does not know: a first sync cut short, a re-created container, a repair.
      const completedBefore = this.ledger.state.lastSuccess !== null && !start.recreated;
      if (start.since === 0 && !this.target.freshBook && (!completedBefore || this.repairing)) await this.listLocalBook();
      if (plan.serverUids !== null) throwIfImplausible({ listed: plan.serverUids.size, itemCount: this.target.itemCount ?? null, atRisk: plan.deletions.length + (this.listing?.size ?? 0) });
      const guarded = guardDeletions(this.ledger, this.deps.deletions, plan, (level, message) => this.log(level, message));
      for (const uid of plan.droppedRetries) this.ledger.retried(uid);
      for (const [uid, id] of await contactIdsFor(containerUid, [...plan.deletions, ...plan.fetch])) {
        this.ids.set(uid, localContactId(uid, this.ledger.state.contacts, this.listing) ?? id);
      }
      this.checkpoints.every = this.options.checkpointEvery ?? checkpointInterval(plan.fetch.length);
      this.ticker = new ProgressTicker((p) => this.deps.reporter.progress(containerUid, p), plan.deletions.length + plan.fetch.length);
      await (start.since > 0 ? this.ledger.notePullWrites(plan.fetch) : this.ledger.noteFirstPull(changeset.version));
      await allSettledOrThrow(plan.deletions.map((uid) => (guarded.keep.has(uid) ? this.keepItem(uid) : this.deleteItem(uid))));
      await runWorkers(chunk(plan.fetch, this.options.batchSize ?? MGET_BATCH_SIZE), this.options.fetchConcurrency ?? FETCH_CONCURRENCY, (batch) =>
        this.fetchAndApply(batch),
      );
      const lists = await syncLists(this.groups, this.listDeps());
      this.counts.lists = lists.created + lists.updated;
      if (plan.serverUids !== null && this.listing !== null) await this.removeExtraContacts(plan.serverUids);
      const removedMembers = await removeUnusedMemberContacts(this.listDeps());
      // Nothing moved: rewriting a 10,000-contact state costs more than the rest of the sync.
      const untouched = pullMovedNothing(start, plan, { versionBefore, version: changeset.version, listsWritten: lists.created + lists.updated, removedMembers, listed: this.listing !== null });
      throwIfAborted(signal);
      this.ledger.completePull(changeset.version, this.deps.now(), start.since === 0 || start.fullCheck, this.repairing);
      this.failures.summarise();
      if (!untouched) await this.ledger.checkpoint();
      await this.ledger.pullRecorded();
      const finishing = this.ledger.fillPendingHashes();
      return {
        finishing,
        ...start,
        version: changeset.version,
        listedLocalBook: this.listing !== null,
        counts: this.counts,
        failures: this.failures.failures,
        deletionAnswerUsed: guarded.answerUsed,
      };
    } catch (error) {
      // Keep what was written so far (with the old version): a re-run skips it.
      await this.ledger.checkpoint().catch(() => undefined);
      throw error;
    }
  }

  /** A deletion the user chose not to apply (held-deletions.ts). */
  private async keepItem(uid: string): Promise<void> {
    await keepDeletedItem(uid, await this.idOf(uid), { ledger: this.ledger, restore: this.target.readOnly ? null : (this.deps.changes ?? null) }).finally(() => this.ticker?.advance());
    this.counts.kept++;
  }

  private async listLocalBook(): Promise<void> {
    const contacts = await this.writer.call(() => this.deps.books.listContacts(this.target.localBookId));
    this.listing = new Map(contacts.map((c) => [c.id, c.vCard]));
  }

  private async idOf(uid: string): Promise<string> {
    let id = this.ids.get(uid);
    if (id === undefined) {
      id = await contactIdOfItem(this.target.containerUid, uid, this.ledger.state.contacts, this.listing);
      this.ids.set(uid, id);
    }
    return id;
  }

  private async deleteItem(uid: string): Promise<void> {
    try {
      const id = await this.idOf(uid);
      if (this.ledger.state.contacts[id]?.restore === true) return; // Kept by the user, not back on BlueMind yet.
      if (this.ledger.state.groups[uid] !== undefined) {
        await dropList(uid, this.listDeps());
        this.counts.deleted++;
      }
      await this.reportLostEdit(id);
      // Unrecorded, yet in this book: a cut pull wrote it. (A kept book's copy is the user's.)
      const here = this.ledger.state.contacts[id] !== undefined || this.listing?.has(id) === true || (await this.readLocal(id)) !== null;
      if (here && (await this.writer.remove(id))) this.counts.deleted++;
      await this.ledger.removeContact(id);
      // Deleted on both sides (the push keeps one of a derived id without a record for the pull).
      if (this.deps.changes?.pending(id) === "delete") await this.deps.changes.drop(id);
      this.listing?.delete(id);
      this.ledger.retried(uid);
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
      // Created and deleted after `since`: no changeset will name it. Else deleted since the
      // changeset: its deletion comes with the next one.
      if (this.confirmGone.has(uid)) {
        await this.deleteItem(uid);
      } else {
        this.ledger.retried(uid);
        this.ticker?.advance();
      }
    }
    this.ticker?.advance(fetched.failures.length);
    await startInSlices(fetched.cards, (card) => this.applyCard(card));
    this.checkpoints.since += batch.length;
    if (this.checkpoints.since >= this.checkpoints.every) {
      this.checkpoints.since = 0;
      await this.ledger.checkpoint();
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
      if (this.ledger.state.groups[uid] !== undefined) await dropList(uid, this.listDeps());
      const contactId = await this.idOf(uid);
      const converted = this.convert(item.value, contactId);
      if (!converted.ok) {
        this.fail(uid, text("reasonNotConverted", converted.reason));
        return;
      }
      if (converted.warnings.length > 0) this.failures.noteWarnings(uid, converted.warnings);
      const vCard = converted.value;
      const record = this.ledger.state.contacts[contactId];
      if (record !== undefined) this.ledger.hashOf(contactId);
      // A plain create decides nothing by hash: its hash (for echo suppression) is computed after
      // the book is complete, off the path the user waits on (BookLedger.fillPendingHashes).
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
          repair: this.repairing,
        },
        { readLocal: (id) => this.readLocal(id), readBase: (id) => this.ledger.baseOrUnchanged(id, version, vCard) },
      );
      const decision = await applyIncoming(action, contactId, item, this.incomingStep());
      const next: Omit<ContactRecord, "h"> = { item: uid, v: version, ...(decision === "create" ? {} : photoStateOf(record)) };
      if (hash === null) await this.ledger.putContactHashLater(contactId, next, vCard);
      else await this.ledger.putContact(contactId, { ...next, h: hash }, vCard);
      this.ledger.retried(uid);
      this.failures.written();
      await this.photos.sync(item, contactId, decision, record !== undefined && record.v !== version);
    } catch (error) {
      if (isRunFatal(error, this.deps.signal)) throw error;
      this.counts.failed++;
      this.failures.writeFailed(uid, error);
    } finally {
      this.ticker?.advance();
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
    const record = this.ledger.state.contacts[contactId];
    // Unrecorded (a cut pull wrote it): changed here if its change is queued.
    if (record?.item === null || this.target.readOnly || (record === undefined && this.deps.changes?.pending(contactId) !== "upsert")) return;
    const local = this.listing !== null ? (this.listing.get(contactId) ?? null) : await this.readLocal(contactId);
    const written = this.ledger.hashOf(contactId);
    if (local === null || (record !== undefined && (written === null || vCardContentHash(local) === written))) return;
    await this.deps.changes?.drop(contactId);
    this.log("warning", text("logChangedContactDeleted", vCardValueLines(local).join("; ")));
  }

  /** A card that became a group: its contact goes (the list replaces it). */
  private async forgetContactOf(uid: string): Promise<void> {
    const id = await this.idOf(uid);
    if (this.ledger.state.contacts[id] === undefined) return;
    await this.writer.remove(id);
    await this.ledger.removeContact(id);
  }

  /** Contacts of this book with a derived id the server no longer has (full reconciliation). */
  private async removeExtraContacts(serverUids: ReadonlySet<string>): Promise<void> {
    if (this.listing === null) return;
    const expected = new Set(Object.keys(this.ledger.state.contacts));
    for (const uid of serverUids) expected.add(await this.idOf(uid));
    const extras = [...this.listing.keys()].filter((id) => isDerivedContactId(id) && !expected.has(id));
    await allSettledOrThrow(
      extras.map(async (id) => {
        try {
          await this.reportLostEdit(id);
          if (await this.writer.remove(id)) this.counts.deleted++;
        } catch (error) {
          if (isRunFatal(error, this.deps.signal)) throw error;
          this.log("warning", text("logStaleContactKept", id, describeError(error)));
        }
      }),
    );
  }

  private fail(uid: string, reason: UserText): void {
    this.failures.fail(uid, reason);
    this.counts.failed++;
  }

  private incomingStep(): IncomingStep {
    return { writer: this.writer, changes: this.deps.changes, counts: this.counts, log: (level, message) => this.log(level, message) };
  }

  private listDeps(): ListSyncDeps {
    return {
      books: this.deps.books,
      writer: this.writer,
      ledger: this.ledger,
      containerUid: this.target.containerUid,
      convert: this.convert,
      hash: vCardContentHash,
      listing: this.listing,
      freshBook: this.target.freshBook,
      changes: this.deps.changes,
      onFailure: (uid, reason) => this.fail(uid, reason),
      log: (level, message) => this.log(level, message),
      signal: this.deps.signal,
    };
  }

  private log(level: ActivityLevel, message: UserText): void {
    this.deps.reporter.log(level, message, this.target.containerUid);
  }
}

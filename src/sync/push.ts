// One book's push: the queued local changes (change-queue.ts) → BlueMind, with `_mupdates`.
//
//   [full push requested → compare the whole book with the sync state, queue what differs]
//   → contacts: read each changed contact's current vCard from Thunderbird; drop what is unchanged
//     (an echo of the add-on's own write, Thunderbird's internal updates)
//   → batches of PUSH_BATCH_SIZE: _mget the server copies of the changed items (conflicts, and the
//     copy the vCard is merged onto), decide (push-plan.ts), one _mupdates
//   → mailing lists the same way, after the contacts (a new member must exist on BlueMind first)
//   → sync state saved, then the queue settled.
//
// Why the server copy is fetched rather than stored: a conflict can only be seen on the server's
// current version anyway, and when there is none the fetched copy is exactly the last one pulled
// — so the merge base costs one _mget per 50 changes instead of a copy of every card in storage.
//
// Contacts born in Thunderbird get their Thunderbird id as item uid (item-ids.ts). A contact under
// a derived id (contact-uid.ts) but without a record is never sent as new: it waits for the pull
// to re-link it, or BlueMind would get its twin.
//
// _mupdates is not transactional: a card BlueMind refuses (INVALID_EMAIL…) is reported with the
// contact's name and the server's message, stays queued with the refused content's hash (not sent
// again until the user changes it), and the rest of the batch lands. A batch refused whole because
// of the book's item limit is sent again without its adds, which are refused like such a card
// (item-limit.ts); any other batch-wide refusal (uid null) stops this book's push, all queued.
//
// Crash safety: records are saved before the queue forgets an entry, so a crash can only make a
// change be sent twice — harmless: `_mupdates` applies "make it so", and a re-sent change whose
// copy BlueMind already holds is recognised as in sync, not as a conflict.
import { recordHash } from "./pull.ts";
import type { ContainerUpdatesResult, GroupMember, ItemValue, VCard, VCardChanges } from "../bluemind/models.ts";
import type { CallOptions } from "../bluemind/transport.ts";
import type { ActivityLevel } from "../shared/status.ts";
import { text, type TextArg, type UserText } from "../shared/user-text.ts";
import type { AddressBooksApi, ContactInfo, MailingListInfo } from "../thunderbird/types.ts";
import { blueMindToVCard, describeFieldConflict, mergeContacts, vCardContentHash, vCardToBlueMind } from "../vcard/index.ts";
import type { BaseCopies } from "./base-copies.ts";
import { versionOf } from "./changeset-plan.ts";
import { emptySettlement, type BookQueue, type ChangeQueue, type ContactChange, type ListChange, type LocalEvent, type QueueSettlement } from "./change-queue.ts";
import { chunk } from "./concurrency.ts";
import { isDerivedContactId, memberContactIdFor } from "./contact-uid.ts";
import { listFieldsOf } from "./groups.ts";
import { contactIdOfItem } from "./item-ids.ts";
import { mupdatesWithinItemLimit } from "./item-limit.ts";
import {
  decideContactDelete,
  decideContactUpsert,
  decideListDelete,
  decideListUpsert,
  describeListOverwritten,
  sameList,
  type ListSnapshot,
  type ServerCopy,
} from "./push-plan.ts";
import type { SyncReporter } from "./reporter.ts";
import { describeOverwritten } from "./conflict-report.ts";
import { describeError } from "../shared/error-message.ts";
import { throwIfAborted } from "./sync-errors.ts";
import type { BookSyncState, ContactRecord, GroupRecord } from "./sync-state.ts";

/** BlueMind's own Thunderbird connector pushes 50 changes per _mupdates. */
export const PUSH_BATCH_SIZE = 50;
/** Above this many changed contacts, one listing of the book is cheaper than one get each. */
const LISTING_THRESHOLD = 20;
/**
 * Missing contacts above which a catch-up deletes nothing when they are also more than half the
 * book: a user deletes a few contacts while the add-on is off, not most of a book.
 */
const MISSING_DELETION_LIMIT = 10;
/** Batches between saves of the state and the queue: a big push (a published book) stays cheap. */
const CHECKPOINT_BATCHES = 10;

/** The part of BlueMind a push needs (BlueMindClient.addressBook(uid) has it). */
export interface PushServer {
  mget(uids: readonly string[], options?: CallOptions): Promise<ItemValue<VCard>[]>;
  mupdates(changes: VCardChanges, options?: CallOptions): Promise<ContainerUpdatesResult>;
}

export interface PushTarget {
  containerUid: string;
  localBookId: string;
  /** The name the user sees, for messages. */
  bookName: string;
  /** The engine's live state of the book: updated in place, then saved. */
  state: BookSyncState;
}

export interface PushDeps {
  books: AddressBooksApi;
  server: PushServer;
  queue: ChangeQueue;
  /** The merge bases of the book's contacts: read for a merge, written for what BlueMind accepted. */
  bases: BaseCopies;
  saveState(state: BookSyncState): Promise<void>;
  reporter: SyncReporter;
  signal?: AbortSignal;
  batchSize?: number;
}

export interface PushOutcome {
  /** Changes BlueMind accepted. */
  sent: number;
  conflicts: number;
  /** `“name”: message` per change BlueMind refused (for the book's status). */
  problems: UserText[];
}

export async function pushBook(target: PushTarget, deps: PushDeps): Promise<PushOutcome> {
  const { server } = deps;
  const withinLimit: PushServer = { mget: (uids, options) => server.mget(uids, options), mupdates: (changes, options) => mupdatesWithinItemLimit(server, changes, options) };
  return new BookPush(target, { ...deps, server: withinLimit }).run();
}

/** Name and default email of a vCard as BlueMind would read them. */
export function cardSummary(vCard: string): { name: string; email: string | null } {
  const converted = vCardToBlueMind(vCard);
  if (!converted.ok) return { name: "a contact", email: null };
  const card = converted.value;
  const emails = card.communications?.emails ?? [];
  const preferred = emails.find((e) => (e.parameters ?? []).some((p) => p.label === "DEFAULT" && p.value === "true")) ?? emails[0];
  const email = preferred?.value?.trim() || null;
  const name = card.identification?.formatedName?.value?.trim() || email || "a contact";
  return { name, email };
}

interface PendingContactFields {
  id: string;
  rev: number;
  item: string;
  hash: string | null;
  name: string;
}

/** A contact to send: its vCard, or for a deletion the record of what the last sync wrote. */
type PendingContact = PendingContactFields &
  (
    | {
        kind: "add" | "modify";
        record: ContactRecord | undefined;
        /** Thunderbird's vCard, or after a merge with the server's changes the merged one. */
        vCard: string;
        /** The merged vCard is not what Thunderbird holds: write it there once BlueMind took it. */
        writeHere?: boolean;
      }
    | { kind: "delete"; record: ContactRecord; vCard: null }
  );

interface PendingListFields {
  listId: string;
  groupUid: string;
  rev: number;
  members: ContactInfo[];
  fingerprint: string;
}

/** A list to send: its local snapshot, or for a deletion the record of what the last sync wrote. */
type PendingList = PendingListFields &
  ({ kind: "add" | "modify"; record: GroupRecord | undefined; local: ListSnapshot } | { kind: "delete"; record: GroupRecord; local: null });

function listFingerprint(snapshot: ListSnapshot): string {
  return JSON.stringify([snapshot.name, snapshot.description, [...snapshot.members].sort()]);
}

class BookPush {
  private readonly state: BookSyncState;
  private readonly outcome: PushOutcome = { sent: 0, conflicts: 0, problems: [] };
  private settlement: QueueSettlement = emptySettlement();
  private localContacts: Map<string, ContactInfo> | null = null;
  private localLists: MailingListInfo[] | null = null;
  private readonly listMembers = new Map<string, ContactInfo[]>();
  private batchesSinceCheckpoint = 0;
  /** A batch-wide refusal: the rest of this book waits for the next sync. */
  private stopped = false;

  constructor(
    private readonly target: PushTarget,
    private readonly deps: PushDeps,
  ) {
    this.state = target.state;
  }

  async run(): Promise<PushOutcome> {
    const { containerUid } = this.target;
    const queue = await this.deps.queue.get(containerUid);
    try {
      if (queue.full) await this.expandFullPush();
      await this.pushContacts(queue);
      if (!this.stopped) await this.pushLists(queue);
    } finally {
      await this.checkpoint();
    }
    return this.outcome;
  }

  // ───────────── full push (a book published from Thunderbird) ─────────────

  private async expandFullPush(): Promise<void> {
    const { books } = this.deps;
    const contacts = await books.listContacts(this.target.localBookId);
    this.localContacts = new Map(contacts.map((c) => [c.id, c]));
    const changedContacts: Record<string, LocalEvent> = {};
    for (const contact of contacts) {
      const record = this.state.contacts[contact.id];
      if (record !== undefined && (record.item === null || recordHash(record) === vCardContentHash(contact.vCard))) continue;
      changedContacts[contact.id] = { op: "upsert", uid: record?.item ?? null };
    }
    this.queueMissingContacts(changedContacts);
    const changedLists: Record<string, LocalEvent> = {};
    for (const list of await this.lists()) {
      const groupUid = this.groupOfList(list.id);
      const record = groupUid === null ? undefined : this.state.groups[groupUid];
      if (record !== undefined && sameList(record, await this.snapshotOf(list))) continue;
      changedLists[list.id] = { op: "upsert", uid: groupUid };
    }
    await this.deps.queue.expandFullPush(this.target.containerUid, changedContacts, changedLists);
  }

  /**
   * Synced contacts no longer in Thunderbird, deleted while the add-on was not listening: their
   * deletion is queued like one the user just made. Unless too many are gone at once (a book
   * emptied by something else than a user, say): then nothing is deleted on BlueMind and the next
   * pull brings them back.
   */
  private queueMissingContacts(changed: Record<string, LocalEvent>): void {
    const local = this.localContacts;
    if (local === null) return;
    const synced = Object.entries(this.state.contacts).filter(([, record]) => record.item !== null);
    const missing = synced.filter(([id]) => !local.has(id));
    if (missing.length === 0) return;
    if (missing.length > MISSING_DELETION_LIMIT && missing.length * 2 > synced.length) {
      for (const [, record] of missing) {
        if (record.item === null) continue;
        record.v = -1;
        this.state.retry[record.item] = "missing in Thunderbird";
      }
      this.log("warning", text("logContactsMissingHere", String(missing.length), this.target.bookName));
      return;
    }
    for (const [id, record] of missing) changed[id] = { op: "delete", uid: record.item };
  }

  // ───────────── contacts ─────────────

  private async pushContacts(queue: BookQueue): Promise<void> {
    const entries = Object.entries(queue.contacts).map(([id, change]): [string, ContactChange] => [id, { ...change }]);
    if (entries.length === 0) return;
    const local = await this.readContacts(entries.filter(([, c]) => c.op === "upsert").map(([id]) => id));
    const pending: PendingContact[] = [];
    for (const [id, change] of entries) {
      const record = this.state.contacts[id];
      if (change.op === "delete") {
        // No record: the pull removed it meanwhile, or BlueMind never had it.
        if (record === undefined || record.item === null) this.done(id, change.rev);
        else pending.push({ kind: "delete", id, rev: change.rev, item: record.item, record, vCard: null, hash: recordHash(record), name: "a deleted contact" });
        continue;
      }
      const contact = local.get(id);
      // Gone (its deletion is queued too) or moved to another book: nothing to send from here.
      // A contact made for a group member known only by an address has no card of its own.
      if (contact === undefined || contact.parentId !== this.target.localBookId || (record !== undefined && record.item === null)) {
        this.done(id, change.rev);
        continue;
      }
      // A derived id is a BlueMind card's: without a record (first sync cut short, state lost,
      // container re-created) an add would make its twin on BlueMind. It stays queued until the
      // pull re-links it; then it is compared with its record like any other.
      if (record === undefined && isDerivedContactId(id)) continue;
      const hash = vCardContentHash(contact.vCard);
      if (record !== undefined && hash !== null && recordHash(record) === hash) {
        this.done(id, change.rev);
        continue;
      }
      const name = cardSummary(contact.vCard).name;
      if (change.refused !== undefined && change.refused.hash === hash) {
        this.outcome.problems.push(text("problemNamed", name, change.refused.message));
        continue;
      }
      const item = record?.item ?? id;
      pending.push({ kind: record === undefined ? "add" : "modify", id, rev: change.rev, item, record, vCard: contact.vCard, hash, name });
    }
    for (const batch of chunk(pending, this.deps.batchSize ?? PUSH_BATCH_SIZE)) {
      throwIfAborted(this.deps.signal);
      await this.sendContacts(batch);
      if (this.stopped) return;
      await this.maybeCheckpoint();
    }
  }

  private async readContacts(ids: string[]): Promise<Map<string, ContactInfo>> {
    if (this.localContacts === null && ids.length > LISTING_THRESHOLD) {
      const all = await this.deps.books.listContacts(this.target.localBookId);
      this.localContacts = new Map(all.map((c) => [c.id, c]));
    }
    if (this.localContacts !== null) return this.localContacts;
    const found = new Map<string, ContactInfo>();
    for (const id of ids) {
      const contact = await this.deps.books.getContact(id);
      if (contact !== null) found.set(id, contact);
    }
    return found;
  }

  private async sendContacts(batch: PendingContact[]): Promise<void> {
    const server = await this.serverCopies(batch.filter((p) => p.kind !== "add").map((p) => p.item));
    const changes: Required<VCardChanges> = { add: [], modify: [], delete: [] };
    const sent = new Map<string, PendingContact>();
    for (const p of batch) {
      const item = p.kind === "add" ? undefined : (server.get(p.item) ?? null);
      const serverVCard = item ? this.serverVCard(item, p.id) : null;
      const copy: ServerCopy<string | null> | null | undefined =
        item === undefined ? undefined : item === null ? null : { version: versionOf(item), content: serverVCard === null ? null : vCardContentHash(serverVCard) };
      if (p.kind === "delete") {
        const decision = decideContactDelete({ record: p.record, server: copy ?? null });
        if (decision === "delete") {
          changes.delete.push({ uid: p.item });
          sent.set(p.item, p);
        } else {
          if (decision === "conflict") {
            this.outcome.conflicts++;
            this.log("warning", text("logDeletedContactChanged", copy?.content === null ? p.item : this.nameOnServer(item)));
          }
          this.done(p.id, p.rev);
        }
        continue;
      }
      const vCard = p.vCard;
      const decision = decideContactUpsert({ record: p.record, localHash: p.hash, server: copy });
      if (decision === "in-sync" && item) {
        this.state.contacts[p.id] = { ...p.record, item: p.item, v: versionOf(item), h: p.hash };
        await this.deps.bases.set(p.id, vCard);
        this.done(p.id, p.rev);
      } else if (decision === "conflict" && item) {
        const merged = await this.mergeWithServer(p, item);
        if (merged === null) continue;
        const converted = vCardToBlueMind(merged.vCard, item.value);
        if (!converted.ok) {
          this.refuseContact(p, `the contact cannot be read: ${converted.reason}`);
          continue;
        }
        changes.modify.push({ uid: p.item, value: converted.value });
        sent.set(p.item, { ...p, vCard: merged.vCard, hash: vCardContentHash(merged.vCard), writeHere: merged.writeHere });
      } else if (decision === "conflict" || decision === "gone") {
        this.outcome.conflicts++;
        this.log("warning", text(decision === "gone" ? "logConflictGone" : "logConflictChanged", p.name, describeOverwritten(vCard, serverVCard)));
        this.done(p.id, p.rev);
      } else {
        const converted = vCardToBlueMind(vCard, item ? item.value : null);
        if (!converted.ok) {
          this.refuseContact(p, text("reasonContactUnreadable", converted.reason));
          continue;
        }
        (p.kind === "add" ? changes.add : changes.modify).push({ uid: p.item, value: converted.value });
        sent.set(p.item, p);
      }
    }
    if (sent.size === 0) return;
    const result = await this.deps.server.mupdates(changes, { signal: this.deps.signal });
    const accepted: PendingContact[] = [];
    this.applyResult(result, sent, (p) => accepted.push(p), (p, message) => this.refuseContact(p, message));
    for (const p of accepted) await this.contactSent(p, result.version);
  }

  private async contactSent(p: PendingContact, version: number): Promise<void> {
    if (p.kind === "delete") {
      delete this.state.contacts[p.id];
      await this.deps.bases.delete(p.id);
    } else {
      // The container's version after the batch bounds this card's new version from above: a
      // later change by someone else is newer, which is what conflict detection needs.
      const record: ContactRecord = { item: p.item, v: version, h: p.hash };
      if (p.record?.p !== undefined) record.p = p.record.p;
      this.state.contacts[p.id] = record;
      await this.deps.bases.set(p.id, p.vCard);
      delete this.state.retry[p.item];
      if (p.writeHere === true) await this.writeMerged(p.id, p.vCard);
    }
    this.done(p.id, p.rev);
  }

  /**
   * Both sides changed the contact since the last sync: three-way merge with the stored base
   * (vcard/contact-merge.ts). Fields changed on one side come from that side; a field changed on
   * both is the server's, and the user's value goes to the activity log. Null when nothing is left
   * to send (the record then follows the server, and Thunderbird gets the merged contact).
   */
  private async mergeWithServer(p: PendingContact & { kind: "add" | "modify" }, item: ItemValue<VCard>): Promise<{ vCard: string; writeHere: boolean } | null> {
    const server = blueMindToVCard(item.value, p.id, { thunderbirdVCard: p.vCard });
    const merged = server.ok ? mergeContacts({ base: await this.deps.bases.get(p.id), local: p.vCard, server: server.value }) : null;
    if (!server.ok || merged === null || !merged.ok) {
      // Unreadable on one side: the server's copy wins whole, as before the merge existed.
      this.outcome.conflicts++;
      this.log("warning", text("logConflictChanged", p.name, describeOverwritten(p.vCard, server.ok ? server.value : null)));
      this.done(p.id, p.rev);
      return null;
    }
    const { conflicts, merged: vCard, serverOutdated, thunderbirdOutdated } = merged.value;
    if (conflicts.length > 0) this.outcome.conflicts++;
    for (const conflict of conflicts) {
      this.log("warning", text("logFieldConflict", p.name, describeFieldConflict(conflict)));
    }
    if (serverOutdated) return { vCard, writeHere: thunderbirdOutdated };
    this.state.contacts[p.id] = { ...p.record, item: p.item, v: versionOf(item), h: vCardContentHash(server.value) };
    await this.deps.bases.set(p.id, server.value);
    if (thunderbirdOutdated) await this.writeMerged(p.id, vCard);
    this.done(p.id, p.rev);
    return null;
  }

  /** Thunderbird gets the merged contact (an own write: it does not bounce back). */
  private async writeMerged(contactId: string, vCard: string): Promise<void> {
    try {
      await this.deps.books.updateContact(contactId, vCard);
    } catch (error) {
      this.log("warning", text("logMergedNotWritten", describeError(error)));
    }
  }

  private refuseContact(p: PendingContact, message: TextArg): void {
    this.settlement.refusedContacts.push({ id: p.id, rev: p.rev, refused: { hash: p.hash, message } });
    this.refused(p.name, message);
  }

  // ───────────── mailing lists → groups ─────────────

  private async pushLists(queue: BookQueue): Promise<void> {
    const entries = Object.entries(queue.lists).map(([id, change]): [string, ListChange] => [id, { ...change }]);
    if (entries.length === 0) return;
    const pending: PendingList[] = [];
    for (const [listId, change] of entries) {
      const groupUid = this.groupOfList(listId) ?? change.group;
      const record = groupUid === null ? undefined : this.state.groups[groupUid];
      if (change.op === "delete") {
        if (groupUid === null || record === undefined) this.done(listId, change.rev, "list");
        else pending.push({ kind: "delete", listId, groupUid, rev: change.rev, record, local: null, members: [], fingerprint: "" });
        continue;
      }
      const list = (await this.lists()).find((l) => l.id === listId);
      if (list === undefined) {
        this.done(listId, change.rev, "list");
        continue;
      }
      const local = await this.snapshotOf(list);
      if (record !== undefined && sameList(record, local)) {
        this.done(listId, change.rev, "list");
        continue;
      }
      // Only members whose contacts BlueMind does not have differ: nothing to send, the list
      // waits queued until they are there (groupMembersOf).
      if (record !== undefined && sameList(record, { ...local, members: local.members.filter((id) => this.isOnBlueMind(id)) })) continue;
      const fingerprint = listFingerprint(local);
      if (change.refused !== undefined && change.refused.hash === fingerprint) {
        this.outcome.problems.push(text("problemNamed", list.name, change.refused.message));
        continue;
      }
      const members = this.listMembers.get(listId) ?? [];
      pending.push({ kind: record === undefined ? "add" : "modify", listId, groupUid: groupUid ?? listId, rev: change.rev, record, local, members, fingerprint });
    }
    for (const batch of chunk(pending, this.deps.batchSize ?? PUSH_BATCH_SIZE)) {
      throwIfAborted(this.deps.signal);
      await this.sendLists(batch);
      if (this.stopped) return;
      await this.maybeCheckpoint();
    }
  }

  private async sendLists(batch: PendingList[]): Promise<void> {
    const server = await this.serverCopies(batch.filter((p) => p.kind !== "add").map((p) => p.groupUid));
    const changes: Required<VCardChanges> = { add: [], modify: [], delete: [] };
    const sent = new Map<string, PendingList & { sentMembers: string[] }>();
    for (const p of batch) {
      const item = p.kind === "add" ? undefined : (server.get(p.groupUid) ?? null);
      const copy = item === undefined ? undefined : item === null ? null : { version: versionOf(item), content: await this.serverSnapshot(item) };
      if (p.kind === "delete") {
        const decision = decideListDelete({ record: p.record, server: copy ?? null });
        if (decision === "delete") {
          changes.delete.push({ uid: p.groupUid });
          sent.set(p.groupUid, { ...p, sentMembers: [] });
        } else {
          if (decision === "conflict") {
            this.outcome.conflicts++;
            this.log("warning", text("logDeletedListChanged", p.record.name));
          }
          this.done(p.listId, p.rev, "list");
        }
        continue;
      }
      const local = p.local;
      const decision = decideListUpsert({ record: p.record, local, server: copy });
      if (decision === "in-sync" && item) {
        this.state.groups[p.groupUid] = { list: p.listId, v: versionOf(item), name: local.name, description: local.description, members: [...local.members] };
        this.done(p.listId, p.rev, "list");
      } else if (decision === "conflict" || decision === "gone") {
        this.outcome.conflicts++;
        const names = new Map(p.members.map((c) => [c.id, cardSummary(c.vCard).name]));
        this.log("warning", text(decision === "gone" ? "logListConflictGone" : "logListConflictChanged", local.name, describeListOverwritten(local, names)));
        this.done(p.listId, p.rev, "list");
      } else {
        const { members, ids } = await this.groupMembersOf(p, item ?? null);
        const value = groupCard(item?.value ?? null, local, members);
        (p.kind === "add" ? changes.add : changes.modify).push({ uid: p.groupUid, value });
        sent.set(p.groupUid, { ...p, sentMembers: ids });
      }
    }
    if (sent.size === 0) return;
    const result = await this.deps.server.mupdates(changes, { signal: this.deps.signal });
    this.applyResult(
      result,
      sent,
      (p) => {
        if (p.kind === "delete") delete this.state.groups[p.groupUid];
        else {
          const { local } = p;
          this.state.groups[p.groupUid] = { list: p.listId, v: result.version, name: local.name, description: local.description, members: p.sentMembers };
        }
        // A member left out keeps the list queued: a later push adds it once its contact is there.
        if (p.sentMembers.length === p.members.length) this.done(p.listId, p.rev, "list");
      },
      (p, message) => {
        this.settlement.refusedLists.push({ id: p.listId, rev: p.rev, refused: { hash: p.fingerprint, message } });
        this.refused(p.local?.name ?? p.record?.name ?? text("aMailingList"), message);
      },
    );
  }

  /**
   * BlueMind members for the list's contacts: a member already in the server's group keeps its
   * entry as is; a contact synced from this book becomes a reference to its card; a contact made
   * for an address-only member stays address-only. A contact BlueMind does not have (its own push
   * was refused, or waits) cannot be referenced: it is left out, and said so; the list stays queued.
   */
  private async groupMembersOf(p: PendingList, server: ItemValue<VCard> | null): Promise<{ members: GroupMember[]; ids: string[] }> {
    const existing = new Map<string, GroupMember>();
    for (const member of server?.value.organizational?.member ?? []) {
      const id = await this.memberIdOf(member);
      if (id !== null) existing.set(id, member);
    }
    const members: GroupMember[] = [];
    const ids: string[] = [];
    for (const contact of p.members) {
      const record = this.state.contacts[contact.id];
      const kept = existing.get(contact.id);
      const { name, email } = cardSummary(contact.vCard);
      let member: GroupMember | null = null;
      if (kept !== undefined) member = kept;
      else if (record?.item) member = { containerUid: this.target.containerUid, itemUid: record.item, commonName: name, mailto: email };
      else if (record?.email) member = { containerUid: null, itemUid: null, commonName: name, mailto: record.email };
      if (member === null) {
        this.log("warning", text("logMemberNotOnServer", name, p.local?.name ?? ""));
        continue;
      }
      members.push(member);
      ids.push(contact.id);
    }
    return { members, ids };
  }

  /** Whether a group can reference the contact: a card of this book, or an address-only member. */
  private isOnBlueMind(contactId: string): boolean {
    const record = this.state.contacts[contactId];
    return Boolean(record?.item) || Boolean(record?.email);
  }

  /** The contact a server member stands for, read as the pull reads it (groups.ts). */
  private async memberIdOf(member: GroupMember): Promise<string | null> {
    const { containerUid } = this.target;
    const itemUid = typeof member.itemUid === "string" && member.itemUid !== "" ? member.itemUid : null;
    if (itemUid !== null && (member.containerUid === containerUid || member.containerUid === null)) {
      const id = await contactIdOfItem(containerUid, itemUid, this.state.contacts);
      if (this.state.contacts[id] !== undefined) return id;
      // Without a containerUid, an item this book does not have is an address.
      if (member.containerUid === containerUid || this.state.retry[itemUid] !== undefined) return null;
    }
    const email = typeof member.mailto === "string" ? member.mailto.trim().toLowerCase() : "";
    return email === "" ? null : memberContactIdFor(containerUid, email);
  }

  /** A server group as the pull would record it (list-sync.ts): same names, same member ids. */
  private async serverSnapshot(item: ItemValue<VCard>): Promise<ListSnapshot> {
    const fields = listFieldsOf(item);
    const members: string[] = [];
    for (const member of item.value.organizational?.member ?? []) {
      if (typeof member !== "object" || member === null) continue;
      const id = await this.memberIdOf(member);
      if (id !== null && !members.includes(id)) members.push(id);
    }
    return { name: fields.name, description: fields.description, members };
  }

  private async lists(): Promise<MailingListInfo[]> {
    this.localLists ??= await this.deps.books.listLists(this.target.localBookId);
    return this.localLists;
  }

  private async snapshotOf(list: MailingListInfo): Promise<ListSnapshot> {
    let members = this.listMembers.get(list.id);
    if (members === undefined) {
      members = await this.deps.books.listMembers(list.id);
      this.listMembers.set(list.id, members);
    }
    return { name: list.name, description: list.description, members: members.map((m) => m.id) };
  }

  private groupOfList(listId: string): string | null {
    for (const [uid, record] of Object.entries(this.state.groups)) if (record.list === listId) return uid;
    return null;
  }

  // ───────────── shared ─────────────

  private async serverCopies(uids: string[]): Promise<Map<string, ItemValue<VCard>>> {
    if (uids.length === 0) return new Map();
    const items = await this.deps.server.mget(uids, { signal: this.deps.signal });
    return new Map(items.map((i) => [i.uid, i]));
  }

  /** The server's card as the pull would write it, to compare contents by hash. */
  private serverVCard(item: ItemValue<VCard>, contactId: string): string | null {
    const converted = blueMindToVCard(item.value, contactId);
    return converted.ok ? converted.value : null;
  }

  private nameOnServer(item: ItemValue<VCard> | null | undefined): string {
    return item?.value.identification?.formatedName?.value ?? item?.displayName ?? item?.uid ?? "?";
  }

  private applyResult<P>(result: ContainerUpdatesResult, sent: Map<string, P>, onSent: (p: P) => void, onRefused: (p: P, message: string) => void): void {
    const batchWide = result.errors.find((e) => e.uid === null);
    if (batchWide !== undefined) {
      this.stopped = true;
      this.outcome.problems.push(text("serverSaid", batchWide.message));
      this.log("error", text("logChangesRefused", this.target.bookName, batchWide.message));
      return;
    }
    const errors = new Map(result.errors.map((e) => [e.uid, e.message]));
    const accepted = new Set([...result.added, ...result.updated, ...result.removed]);
    for (const [uid, p] of sent) {
      const message = errors.get(uid);
      if (message !== undefined) onRefused(p, message);
      else if (accepted.has(uid)) {
        this.outcome.sent++;
        onSent(p);
      }
      // Neither accepted nor refused ("unhandled"): it stays queued for the next push.
    }
  }

  private refused(name: TextArg, message: TextArg): void {
    this.outcome.problems.push(text("problemNamed", name, message));
    this.log("warning", text("logNotSavedOnServer", name, message));
  }

  private done(id: string, rev: number, kind: "contact" | "list" = "contact"): void {
    (kind === "contact" ? this.settlement.doneContacts : this.settlement.doneLists).push({ id, rev });
  }

  private async maybeCheckpoint(): Promise<void> {
    if (++this.batchesSinceCheckpoint < CHECKPOINT_BATCHES) return;
    this.batchesSinceCheckpoint = 0;
    await this.checkpoint();
  }

  /** The state first, then the queue: an entry is never forgotten before its record is stored. */
  private async checkpoint(): Promise<void> {
    const settlement = this.settlement;
    this.settlement = emptySettlement();
    await this.deps.bases.flush();
    await this.deps.saveState(this.state);
    await this.deps.queue.settle(this.target.containerUid, settlement);
  }

  private log(level: ActivityLevel, message: UserText): void {
    this.deps.reporter.log(level, message, this.target.containerUid);
  }
}

/** The group card for a list: the server copy (if any) with the list's name, note and members. */
export function groupCard(base: VCard | null, local: ListSnapshot, members: GroupMember[]): VCard {
  const card: VCard = base === null ? { kind: "group" } : structuredClone(base);
  card.kind = "group";
  card.identification = { ...card.identification, formatedName: { value: local.name, parameters: card.identification?.formatedName?.parameters ?? [] } };
  const note = card.explanatory?.note;
  // An HTML note whose text is the list's description is the same note: keep BlueMind's form.
  const sameNote = base !== null && listFieldsOf({ uid: "", version: 0, value: base }).description === local.description && typeof note === "string";
  card.explanatory = { ...card.explanatory, note: sameNote ? note : local.description };
  card.organizational = { ...card.organizational, member: members };
  return card;
}

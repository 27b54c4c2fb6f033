// Applies fetched BlueMind groups to Thunderbird mailing lists, after the book's contacts (a list
// can only hold contacts that exist). Keeps state.groups (group uid → list id, members) and the
// contacts made for bare-email members, and removes those contacts once no group lists them.
//
// A group whose same-book member is a card that failed this time is marked for retry, so the
// member joins the list once its card gets through; a member that simply is not in the book
// (deleted, never synced) is left out without retry.
//
// A list is never created twice: every group whose list is to be created is recorded as such
// (BookLedger.listBeingCreated) and checkpointed, once per pull, before the first createList. A run
// cut between a createList and the next checkpoint leaves that record; the next pull re-links the
// list of that name no group owns instead of creating a twin (and the push meanwhile does not send
// it as a new group).
import type { ItemValue, VCard } from "../../bluemind/models.ts";
import type { ActivityLevel } from "../../shared/status.ts";
import type { AddressBooksApi, MailingListInfo } from "../../thunderbird/types.ts";
import type { ConversionResult } from "../../vcard/index.ts";
import { describeError } from "../../shared/error-message.ts";
import { text, type UserText } from "../../shared/user-text.ts";
import { allSettledOrThrow } from "../concurrency.ts";
import { memberContactIdFor } from "../contact-uid.ts";
import type { ContactWriter } from "./contact-writer.ts";
import { contactIdOfItem } from "../item-ids.ts";
import { bareMemberCard, groupMembers, listFieldsOf, memberChanges, type BareMember } from "../groups.ts";
import { decideContactWrite } from "./changeset-plan.ts";
import { versionOf } from "../item-ids.ts";
import { isRunFatal } from "../sync-errors.ts";
import { LIST_BEING_CREATED, type BookLedger } from "../state/book-ledger.ts";
import { mergeMembers } from "../list-merge.ts";
import type { PendingChanges } from "./pull-types.ts";

export interface ListSyncDeps {
  books: AddressBooksApi;
  writer: ContactWriter;
  ledger: BookLedger;
  containerUid: string;
  convert: (card: VCard, contactId: string) => ConversionResult<string>;
  hash: (vCard: string) => string | null;
  /** The book's contacts (id → vCard) when the pull listed them, else null. */
  listing: ReadonlyMap<string, string> | null;
  /** The local book was created empty by this run: no list to look up. */
  freshBook: boolean;
  /** The book's queue of local changes: a list merged with local members goes back to it. */
  changes?: PendingChanges;
  onFailure(uid: string, reason: UserText): void;
  log(level: ActivityLevel, message: UserText): void;
  signal?: AbortSignal;
}

export interface ListCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export async function syncLists(groups: readonly ItemValue<VCard>[], deps: ListSyncDeps): Promise<ListCounts> {
  const counts: ListCounts = { created: 0, updated: 0, unchanged: 0 };
  if (groups.length === 0) return counts;
  const lists = deps.freshBook ? [] : await deps.writer.call(() => deps.books.listLists(deps.writer.bookId));
  const existing = new Map(lists.map((l) => [l.id, l]));
  await recordListsToCreate(groups, existing, deps.ledger);
  // The book's cards (written, or failed this time): what a member without a containerUid may name.
  const items = new Set<string>();
  const { state } = deps.ledger;
  for (const record of Object.values(state.contacts)) if (record.item !== null) items.add(record.item);
  const isCardOfBook = (itemUid: string): boolean => items.has(itemUid) || state.retry[itemUid] !== undefined;
  // One group at a time: groups are few, and their member calls already fill the limiter.
  for (const group of groups) {
    try {
      const result = await syncList(group, existing, isCardOfBook, deps);
      counts[result]++;
    } catch (error) {
      if (isRunFatal(error, deps.signal)) throw error;
      // Not "unchanged" next time, whatever got written: the retry applies the group again.
      deps.ledger.refetchItem(group.uid, "list not written");
      deps.onFailure(group.uid, text("reasonListNotWritten", describeError(error)));
    }
  }
  return counts;
}

/** Groups without a list here are recorded as being created, in one checkpoint before any createList. */
async function recordListsToCreate(groups: readonly ItemValue<VCard>[], existing: ReadonlyMap<string, MailingListInfo>, ledger: BookLedger): Promise<void> {
  let recorded = 0;
  for (const group of groups) {
    const record = ledger.state.groups[group.uid];
    if (record !== undefined && (record.list === LIST_BEING_CREATED || existing.has(record.list))) continue;
    ledger.listBeingCreated(group.uid, listFieldsOf(group));
    recorded++;
  }
  if (recorded > 0) await ledger.checkpoint();
}

/** The list a cut run created for group `uid` before recording it: that name, owned by no group. */
function listLeftByCutRun(uid: string, existing: ReadonlyMap<string, MailingListInfo>, ledger: BookLedger): MailingListInfo | undefined {
  const record = ledger.state.groups[uid];
  if (record?.list !== LIST_BEING_CREATED) return undefined;
  return [...existing.values()].find((l) => l.name === record.name && ledger.groupOfList(l.id) === null);
}

async function syncList(group: ItemValue<VCard>, existing: ReadonlyMap<string, MailingListInfo>, isCardOfBook: (itemUid: string) => boolean, deps: ListSyncDeps): Promise<keyof ListCounts> {
  const { ledger, writer, books, containerUid } = deps;
  const { state } = ledger;
  const fields = listFieldsOf(group);
  const members = groupMembers(group.value, containerUid, isCardOfBook);
  const desired: string[] = [];
  for (const itemUid of members.sameBook) {
    const id = await contactIdOfItem(containerUid, itemUid, state.contacts, deps.listing);
    if (state.contacts[id] !== undefined) desired.push(id);
  }
  for (const member of members.bare) {
    const id = await ensureMemberContact(member, deps);
    if (id !== null) desired.push(id);
  }
  const waiting = members.sameBook.filter((uid) => state.retry[uid] !== undefined);

  const record = state.groups[group.uid];
  const listExists = record !== undefined && existing.has(record.list);
  let result: keyof ListCounts;
  if (listExists && record.v >= 0 && record.v === versionOf(group) && sameMembers(record.members, desired) && record.name === fields.name && record.description === fields.description) {
    result = "unchanged";
  } else {
    let listId: string;
    let current: string[];
    const leftOver = listExists ? undefined : listLeftByCutRun(group.uid, existing, ledger);
    const found = listExists ? existing.get(record.list) : leftOver;
    if (found !== undefined) {
      listId = found.id;
      // An existing list is compared with what the last pull wrote (a local rename waits for the
      // push); one left by a cut run holds whatever that run wrote.
      const was = leftOver ?? record;
      if (was === undefined || was.name !== fields.name || was.description !== fields.description) {
        await writer.call(() => books.updateList(listId, fields));
      }
      current = (await writer.call(() => books.listMembers(listId))).map((c) => c.id);
      result = leftOver === undefined ? "updated" : "created";
    } else {
      listId = await writer.call(() => books.createList(writer.bookId, fields));
      current = [];
      result = "created";
    }
    // The members both sides last agreed on. A list a cut run was writing (no version yet, or
    // created unrecorded) holds that run's writes: untouched by the user since (nothing queued),
    // it is all base — else a member that run wrote and BlueMind removed since would pass for one
    // the user added.
    const cutRun = leftOver !== undefined || (listExists && record.v < 0);
    const base = cutRun && deps.changes !== undefined && deps.changes.listPending(listId) === null ? current : listExists ? record.members : [];
    // Recorded before the members, so a list is never orphaned by a failure below; with no
    // version, so a run cut before the members are written applies the group again.
    // Members changed here and not sent yet are merged in, as sets, never overwritten.
    const target = sameMembers(current, base) ? desired : mergeMembers(base, current, desired);
    ledger.putGroup(group.uid, { list: listId, v: -1, name: fields.name, description: fields.description, members: base, writing: target });
    const changes = memberChanges(current, target);
    await allSettledOrThrow([
      ...changes.add.map((id) => writer.call(() => books.addMember(listId, id))),
      ...changes.remove.map((id) => writer.call(() => books.removeMember(listId, id))),
    ]);
    ledger.putGroup(group.uid, { list: listId, v: versionOf(group), name: fields.name, description: fields.description, members: desired });
    if (!sameMembers(target, desired)) await deps.changes?.requeueList(listId, group.uid);
  }
  if (waiting.length > 0) ledger.retryLater(group.uid, `waiting for member card ${waiting[0]}`);
  else ledger.retried(group.uid);
  return result;
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

/** The contact of a bare-email member, created if needed; null when it could not be written. */
async function ensureMemberContact(member: BareMember, deps: ListSyncDeps): Promise<string | null> {
  const { ledger, writer, listing } = deps;
  const id = await memberContactIdFor(deps.containerUid, member.email);
  const record = ledger.state.contacts[id];
  const local = listing?.get(id);
  if (record !== undefined && (listing === null || local !== undefined)) return id;
  const converted = deps.convert(bareMemberCard(member), id);
  if (!converted.ok) {
    deps.log("warning", text("logMemberLeftOut", member.email, converted.reason));
    return null;
  }
  const hash = deps.hash(converted.value);
  const decision = decideContactWrite({
    record,
    version: 0,
    hash,
    listing: listing === null ? undefined : { exists: local !== undefined, localHash: () => (local === undefined ? null : deps.hash(local)) },
  });
  try {
    if (decision !== "skip") await writer.write(id, converted.value, decision);
  } catch (error) {
    if (isRunFatal(error, deps.signal)) throw error;
    deps.log("warning", text("logMemberLeftOut", member.email, text("reasonThunderbirdRefused", describeError(error))));
    return null;
  }
  await ledger.putContact(id, { item: null, v: 0, h: hash, email: member.email }, null);
  return id;
}

/** Deletes the list of group `uid` (a group deleted on the server, or no longer a group). */
export async function dropList(uid: string, deps: Pick<ListSyncDeps, "ledger" | "writer" | "books" | "log" | "signal">): Promise<void> {
  const record = deps.ledger.state.groups[uid];
  if (record === undefined) return;
  try {
    let listId: string | undefined = record.list;
    if (listId === LIST_BEING_CREATED) {
      // A cut run may have created it unrecorded: the list of that name no group owns.
      const lists = await deps.writer.call(() => deps.books.listLists(deps.writer.bookId));
      listId = listLeftByCutRun(uid, new Map(lists.map((l) => [l.id, l])), deps.ledger)?.id;
    }
    if (listId !== undefined) await deps.writer.call(() => deps.books.deleteList(listId));
  } catch (error) {
    if (isRunFatal(error, deps.signal)) throw error;
    // Most likely the user deleted it already; either way the group is gone on the server.
    deps.log("info", text("logListNotDeleted", uid, describeError(error)));
  }
  deps.ledger.removeGroup(uid);
}

/** Removes the contacts made for bare-email members that no group lists any more. */
export async function removeUnusedMemberContacts(deps: Pick<ListSyncDeps, "ledger" | "writer" | "log" | "signal">): Promise<number> {
  const { state } = deps.ledger;
  const listed = new Set(Object.values(state.groups).flatMap((g) => g.members));
  const unused = Object.entries(state.contacts).filter(([id, record]) => record.item === null && !listed.has(id));
  let removed = 0;
  await allSettledOrThrow(
    unused.map(async ([id, record]) => {
      try {
        await deps.writer.remove(id);
        await deps.ledger.removeContact(id);
        removed++;
      } catch (error) {
        if (isRunFatal(error, deps.signal)) throw error;
        deps.log("warning", text("logMemberContactKept", record.email ?? id, describeError(error)));
      }
    }),
  );
  return removed;
}

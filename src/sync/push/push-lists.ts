// The mailing-list half of a book's push: each queued list read from Thunderbird, compared with
// the ledger's group record, merged as sets with BlueMind's group when both changed (list-merge.ts),
// and sent as a BlueMind group after the contacts (a new member must exist on BlueMind first);
// Thunderbird's list then gets what came from BlueMind. A member BlueMind cannot reference yet (its contact's own push was
// refused, or waits) is left out and said so; the list stays queued until it can be sent whole.
import type { GroupMember, ItemValue, VCard, VCardChanges } from "../../bluemind/models.ts";
import { describeError } from "../../shared/error-message.ts";
import { text } from "../../shared/user-text.ts";
import type { ContactInfo } from "../../thunderbird/types.ts";
import { chunk } from "../concurrency.ts";
import { memberContactIdFor } from "../contact-uid.ts";
import { listFieldsOf, memberChanges } from "../groups.ts";
import { mergeLists } from "../list-merge.ts";
import { contactIdOfItem, versionOf } from "../item-ids.ts";
import type { ReadonlyGroupRecord } from "../state/book-ledger.ts";
import type { BookQueue, ListChange } from "../state/change-queue.ts";
import { throwIfAborted } from "../sync-errors.ts";
import { cardSummary } from "./card-summary.ts";
import { decideListDelete, describeListOverwritten, sameList, type ListSnapshot } from "./push-plan.ts";
import type { PushRun } from "./push-run.ts";

interface PendingListFields {
  listId: string;
  groupUid: string;
  rev: number;
  members: ContactInfo[];
  fingerprint: string;
}

/** A list to send: its local snapshot, or for a deletion the record of what the last sync wrote. */
type PendingList = PendingListFields &
  ({ kind: "add" | "modify"; record: ReadonlyGroupRecord | undefined; local: ListSnapshot } | { kind: "delete"; record: ReadonlyGroupRecord; local: null });

function listFingerprint(snapshot: ListSnapshot): string {
  return JSON.stringify([snapshot.name, snapshot.description, [...snapshot.members].sort()]);
}

export class ListPush {
  constructor(private readonly run: PushRun) {}

  async push(queue: BookQueue): Promise<void> {
    const entries = Object.entries(queue.lists).map(([id, change]): [string, ListChange] => [id, { ...change }]);
    if (entries.length === 0) return;
    const pending: PendingList[] = [];
    for (const [listId, change] of entries) {
      const groupUid = this.run.ledger.groupOfList(listId) ?? change.group;
      const record = groupUid === null ? undefined : this.run.ledger.state.groups[groupUid];
      if (change.op === "delete") {
        if (groupUid === null || record === undefined) this.run.done(listId, change.rev, "list");
        else pending.push({ kind: "delete", listId, groupUid, rev: change.rev, record, local: null, members: [], fingerprint: "" });
        continue;
      }
      const list = (await this.run.lists()).find((l) => l.id === listId);
      if (list === undefined) {
        this.run.done(listId, change.rev, "list");
        continue;
      }
      const local = await this.run.snapshotOf(list);
      // A list of the name of a group whose list a cut pull was creating: most likely that very
      // list. Sent as new, it would be the group's twin; it waits for the pull to re-link it.
      if (record === undefined && this.run.ledger.awaitedList(local.name) !== null) continue;
      if (record !== undefined && sameList(record, local)) {
        this.run.done(listId, change.rev, "list");
        continue;
      }
      // Only members whose contacts BlueMind does not have differ: nothing to send, the list
      // waits queued until they are there (groupMembersOf).
      if (record !== undefined && sameList(record, { ...local, members: local.members.filter((id) => this.isOnBlueMind(id)) })) continue;
      const fingerprint = listFingerprint(local);
      if (change.refused !== undefined && change.refused.hash === fingerprint) {
        this.run.outcome.problems.push(text("problemNamed", list.name, change.refused.message));
        continue;
      }
      const members = await this.run.membersOf(listId);
      pending.push({ kind: record === undefined ? "add" : "modify", listId, groupUid: groupUid ?? listId, rev: change.rev, record, local, members, fingerprint });
    }
    for (const batch of chunk(pending, this.run.batchSize)) {
      throwIfAborted(this.run.deps.signal);
      await this.sendLists(batch);
      if (this.run.stopped) return;
      await this.run.maybeCheckpoint();
    }
  }

  private async sendLists(batch: PendingList[]): Promise<void> {
    // New lists are looked up too: a push cut after its _mupdates may have sent one already, and
    // another client may have changed the group since: sent again as new, that change is lost.
    const server = await this.run.serverCopies(batch.map((p) => p.groupUid));
    const changes: Required<VCardChanges> = { add: [], modify: [], delete: [] };
    const sent = new Map<string, PendingList & { target: ListSnapshot; sentMembers: string[] }>();
    for (const p of batch) {
      const found = server.get(p.groupUid) ?? null;
      const item = p.kind === "add" && found === null ? undefined : found;
      const copy = item === undefined ? undefined : item === null ? null : { version: versionOf(item), content: await this.serverSnapshot(item) };
      if (p.kind === "delete") {
        const decision = decideListDelete({ record: p.record, server: copy ?? null });
        if (decision === "delete") {
          changes.delete.push({ uid: p.groupUid });
          sent.set(p.groupUid, { ...p, target: p.record, sentMembers: [] });
        } else {
          if (decision === "conflict") {
            this.run.outcome.conflicts++;
            this.run.log("warning", text("logDeletedListChanged", p.record.name));
          }
          this.run.done(p.listId, p.rev, "list");
        }
        continue;
      }
      const local = p.local;
      if (item === null) {
        // Deleted on BlueMind while changed here: the deletion wins, the list's content is logged.
        this.run.outcome.conflicts++;
        const names = new Map(p.members.map((c) => [c.id, cardSummary(c.vCard).name]));
        this.run.log("warning", text("logListConflictGone", local.name, describeListOverwritten(local, names)));
        this.run.done(p.listId, p.rev, "list");
        continue;
      }
      const target = item === undefined ? local : this.merged(p, local, copy?.content ?? local);
      if (item !== undefined && sameList(target, copy?.content ?? target)) {
        // BlueMind already holds the merged list: only Thunderbird may have to follow.
        this.run.ledger.putGroup(p.groupUid, { list: p.listId, v: versionOf(item), ...target });
        await this.writeLocal(p.listId, local, target);
        this.run.done(p.listId, p.rev, "list");
        continue;
      }
      const { members, ids } = await this.groupMembersOf(p, target, item ?? null);
      const value = groupCard(item?.value ?? null, target, members);
      (item === undefined ? changes.add : changes.modify).push({ uid: p.groupUid, value });
      sent.set(p.groupUid, { ...p, target, sentMembers: ids });
    }
    if (sent.size === 0) return;
    await this.run.send(
      changes,
      sent,
      async (p, version) => {
        if (p.kind === "delete") {
          this.run.ledger.removeGroup(p.groupUid);
          this.run.done(p.listId, p.rev, "list");
          return;
        }
        const { target } = p;
        this.run.ledger.putGroup(p.groupUid, { list: p.listId, v: version, name: target.name, description: target.description, members: p.sentMembers });
        await this.writeLocal(p.listId, p.local, target);
        // A member left out keeps the list queued: a later push adds it once its contact is there.
        if (p.sentMembers.length === target.members.length) this.run.done(p.listId, p.rev, "list");
      },
      (p, message) => this.run.refusedChange("list", p.listId, p.rev, { hash: p.fingerprint, message }, p.local?.name ?? p.record?.name ?? text("aMailingList")),
    );
  }

  /**
   * BlueMind members for the merged list: a member already in the server's group keeps its entry as
   * is; a contact synced from this book becomes a reference to its card; a contact made for an
   * address-only member stays address-only. A contact BlueMind does not have (its own push was
   * refused, or waits) cannot be referenced: it is left out, and said so; the list stays queued.
   * Server members this book cannot place (a card not pulled yet, another book's card) were never
   * seen here, so nothing here removed them: they stay as they are.
   */
  private async groupMembersOf(p: PendingList, target: ListSnapshot, server: ItemValue<VCard> | null): Promise<{ members: GroupMember[]; ids: string[] }> {
    const existing = new Map<string, GroupMember>();
    const members: GroupMember[] = [];
    for (const member of server?.value.organizational?.member ?? []) {
      const id = await this.memberIdOf(member);
      if (id !== null) existing.set(id, member);
      else members.push(member);
    }
    const contacts = new Map(p.members.map((c) => [c.id, c]));
    const ids: string[] = [];
    for (const id of target.members) {
      const record = this.run.ledger.state.contacts[id];
      const contact = contacts.get(id);
      const { name, email } = contact === undefined ? { name: id, email: null } : cardSummary(contact.vCard);
      let member: GroupMember | null = existing.get(id) ?? null;
      if (member === null && record?.item) member = { containerUid: this.run.target.containerUid, itemUid: record.item, commonName: name, mailto: email };
      else if (member === null && record?.email) member = { containerUid: null, itemUid: null, commonName: name, mailto: record.email };
      // The contact of an address-only member that a pull cut short wrote without recording it.
      else if (member === null && record === undefined && email !== null && id === (await memberContactIdFor(this.run.target.containerUid, email))) {
        member = { containerUid: null, itemUid: null, commonName: name, mailto: email };
      }
      if (member === null) {
        this.run.log("warning", text("logMemberNotOnServer", name, target.name));
        continue;
      }
      members.push(member);
      ids.push(id);
    }
    return { members, ids };
  }

  /** The list both sides should hold: merged as sets from the record, Thunderbird's and BlueMind's. */
  private merged(p: PendingList & { local: ListSnapshot }, local: ListSnapshot, server: ListSnapshot): ListSnapshot {
    const { merged, lostLocal } = mergeLists(p.record ?? null, local, server);
    if (lostLocal.length > 0) this.run.outcome.conflicts++;
    for (const lost of lostLocal) {
      const key = lost.field === "name" ? "logListNameConflict" : "logListDescriptionConflict";
      this.run.log("warning", text(key, server.name, lost.server, lost.local));
    }
    return merged;
  }

  /** Thunderbird's list gets what was merged in from BlueMind (own writes: they do not bounce). */
  private async writeLocal(listId: string, local: ListSnapshot, target: ListSnapshot): Promise<void> {
    const { books } = this.run.deps;
    try {
      if (local.name !== target.name || local.description !== target.description) await books.updateList(listId, { name: target.name, description: target.description });
      const changes = memberChanges(local.members, target.members);
      for (const id of changes.add) await books.addMember(listId, id);
      for (const id of changes.remove) await books.removeMember(listId, id);
    } catch (error) {
      this.run.log("warning", text("logMergedNotWritten", describeError(error)));
    }
  }

  /** Whether a group can reference the contact: a card of this book, or an address-only member. */
  private isOnBlueMind(contactId: string): boolean {
    const record = this.run.ledger.state.contacts[contactId];
    return Boolean(record?.item) || Boolean(record?.email);
  }

  /** The contact a server member stands for, read as the pull reads it (groups.ts). */
  private async memberIdOf(member: GroupMember): Promise<string | null> {
    const { containerUid } = this.run.target;
    const itemUid = typeof member.itemUid === "string" && member.itemUid !== "" ? member.itemUid : null;
    if (itemUid !== null && (member.containerUid === containerUid || member.containerUid === null)) {
      const id = await contactIdOfItem(containerUid, itemUid, this.run.ledger.state.contacts);
      if (this.run.ledger.state.contacts[id] !== undefined) return id;
      // Without a containerUid, an item this book does not have is an address.
      if (member.containerUid === containerUid || this.run.ledger.state.retry[itemUid] !== undefined) return null;
    }
    const email = typeof member.mailto === "string" ? member.mailto.trim().toLowerCase() : "";
    if (email === "") return null;
    // BlueMind turns a member whose card was deleted into an address: a card the push deleted
    // (this run or one stopped before its lists: BookSyncState.deletedCards) is still that member,
    // not one added on BlueMind.
    return this.run.ledger.deletedCard(email) ?? memberContactIdFor(containerUid, email);
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

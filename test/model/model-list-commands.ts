// Mailing lists as the user edits them in Thunderbird and groups as another client edits them on
// BlueMind.
import type { GroupMember, VCard } from "../../src/bluemind/models.ts";
import type { History } from "./model-history.ts";
import { keyOfEmail, markerOf, vCardProperties } from "./model-view.ts";
import type { ModelBook, ModelWorld } from "./model-world.ts";
import { listOf, localContacts, ModelCommand, pickOf, serverContacts, serverGroups, type Outcome } from "./model-command.ts";

// ───────────── mailing lists ─────────────

export class LocalListCreate extends ModelCommand {
  constructor(
    readonly book: ModelBook,
    readonly picks: number[],
  ) {
    super();
  }
  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    const local = await localContacts(world, this.book);
    if (local === null) return { note: "no local book" };
    const name = history.newListName("ML");
    const listId = await world.tb.asUser.createList(local.bookId, { name });
    const list = history.addList(name, this.book, "local");
    const added = new Set<string>();
    for (const pick of this.picks) {
      const target = pickOf(local.contacts, pick);
      if (target === undefined || added.has(target.key)) continue;
      await world.tb.asUser.addMember(listId, target.id);
      history.member(list, target.key).write("local", true, history.step);
      added.add(target.key);
    }
    return { note: `${name} [${[...added].join(" ")}]` };
  }
  toString(): string {
    return `LocalListCreate(${this.book}, [${this.picks.join(", ")}])`;
  }
}

export class LocalListMember extends ModelCommand {
  constructor(
    readonly book: ModelBook,
    readonly listPick: number,
    readonly pick: number,
    readonly add: boolean,
  ) {
    super();
  }
  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    const local = await localContacts(world, this.book);
    if (local === null) return { note: "no local book" };
    const lists = (await world.tb.asUser.listLists(local.bookId)).sort((a, b) => a.name.localeCompare(b.name));
    const target = pickOf(lists, this.listPick);
    const list = target === undefined ? undefined : listOf(history, target.name);
    if (target === undefined || list === undefined) return { note: "no list" };
    const members = await world.tb.asUser.listMembers(target.id);
    const memberKey = (vCard: string): string | null => (vCardProperties(vCard).get("EMAIL") ?? []).map(keyOfEmail).find((k) => k !== null) ?? null;
    if (this.add) {
      const contact = pickOf(local.contacts, this.pick);
      if (contact === undefined || members.some((m) => m.id === contact.id)) return { note: "nothing to add" };
      await world.tb.asUser.addMember(target.id, contact.id);
      history.member(list, contact.key).write("local", true, history.step);
      return { note: `${target.name} + ${contact.key}` };
    }
    const member = pickOf(members.sort((a, b) => a.id.localeCompare(b.id)), this.pick);
    const key = member === undefined ? null : memberKey(member.vCard);
    if (member === undefined || key === null) return { note: "nothing to remove" };
    await world.tb.asUser.removeMember(target.id, member.id);
    history.member(list, key).write("local", false, history.step);
    return { note: `${target.name} - ${key}` };
  }
  toString(): string {
    return `LocalList${this.add ? "Add" : "Remove"}(${this.book}, ${String(this.listPick)}, ${String(this.pick)})`;
  }
}

function memberOf(book: ModelBook, card: { uid: string; key: string; value: VCard }): GroupMember {
  return { containerUid: book, itemUid: card.uid, commonName: card.value.identification?.formatedName?.value ?? null, mailto: markerOf(card.key) };
}

export class ServerGroupCreate extends ModelCommand {
  constructor(
    readonly book: ModelBook,
    readonly picks: number[],
  ) {
    super();
  }
  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    const cards = serverContacts(world, this.book);
    const name = history.newListName("SG");
    const list = history.addList(name, this.book, "server");
    const members: GroupMember[] = [];
    for (const pick of this.picks) {
      const card = pickOf(cards, pick);
      if (card === undefined || members.some((m) => m.itemUid === card.uid)) continue;
      members.push(memberOf(this.book, card));
      history.member(list, card.key).write("server", true, history.step);
    }
    world.fake.control.createCard(this.book, `group-${name}`, { kind: "group", identification: { formatedName: { value: name, parameters: [] } }, organizational: { member: members } });
    return { note: `${name} [${members.map((m) => keyOfEmail(m.mailto)).join(" ")}]` };
  }
  toString(): string {
    return `ServerGroupCreate(${this.book}, [${this.picks.join(", ")}])`;
  }
}

export class ServerGroupMember extends ModelCommand {
  constructor(
    readonly book: ModelBook,
    readonly listPick: number,
    readonly pick: number,
    readonly add: boolean,
  ) {
    super();
  }
  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    const group = pickOf(serverGroups(world, this.book), this.listPick);
    const list = group === undefined ? undefined : listOf(history, group.name);
    if (group === undefined || list === undefined) return { note: "no group" };
    const members = group.value.organizational?.member ?? [];
    let next: GroupMember[];
    let key: string | null;
    if (this.add) {
      const card = pickOf(serverContacts(world, this.book), this.pick);
      if (card === undefined || members.some((m) => keyOfEmail(m.mailto) === card.key)) return { note: "nothing to add" };
      next = [...members, memberOf(this.book, card)];
      key = card.key;
    } else {
      const member = pickOf(members, this.pick);
      key = keyOfEmail(member?.mailto);
      if (member === undefined || key === null) return { note: "nothing to remove" };
      next = members.filter((m) => m !== member);
    }
    world.fake.control.updateCard(this.book, group.uid, { ...group.value, organizational: { ...group.value.organizational, member: next } });
    history.member(list, key).write("server", this.add, history.step);
    return { note: `${group.name} ${this.add ? "+" : "-"} ${key}` };
  }
  toString(): string {
    return `ServerGroup${this.add ? "Add" : "Remove"}(${this.book}, ${String(this.listPick)}, ${String(this.pick)})`;
  }
}


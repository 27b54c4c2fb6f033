// Contacts as the user edits them in Thunderbird and as another client edits them on BlueMind.
import type { VCard } from "../../src/bluemind/models.ts";
import { setProperty } from "../integration/twoway-fixtures.ts";
import type { ContactModel, History } from "./model-history.ts";
import { FIELDS, markerOf, serverFields, VCARD_PROPERTY, CUSTOM1, type Field } from "./model-view.ts";
import type { ModelBook, ModelWorld } from "./model-world.ts";
import { listOf, localContacts, ModelCommand, pickOf, serverContacts, type Outcome } from "./model-command.ts";
import { notePhotoDeletedHere } from "./model-photo-commands.ts";

// ───────────── contacts ─────────────

function initialFields(history: History, key: string): Record<Field, string> {
  return { title: history.value("title", key), note: history.value("note", key), role: history.value("role", key), nickname: history.value("nickname", key) };
}

export function serverCard(key: string, fields: Record<Field, string>): VCard {
  const family = key.toUpperCase();
  return {
    kind: "individual",
    identification: { formatedName: { value: `Model ${family}`, parameters: [] }, name: { givenNames: "Model", familyNames: family, parameters: [] }, nickname: { value: fields.nickname, parameters: [] } },
    communications: { emails: [{ value: markerOf(key), parameters: [{ label: "TYPE", value: "work" }] }] },
    organizational: { title: fields.title, role: fields.role },
    explanatory: { note: fields.note },
  };
}

function setServerField(card: VCard, field: Field, value: string): VCard {
  const next = structuredClone(card);
  if (field === "title") next.organizational = { ...next.organizational, title: value };
  else if (field === "role") next.organizational = { ...next.organizational, role: value };
  else if (field === "note") next.explanatory = { ...next.explanatory, note: value };
  else next.identification = { ...next.identification, nickname: { value, parameters: [] } };
  return next;
}

/**
 * A contact born here that reached BlueMind before both sides were ever seen holding it (deleted
 * here while its add was on its way, seed 31415): what the push sent is the agreement a later
 * edit on BlueMind is made against — its creation is no longer a local change, a deletion since is.
 */
function adoptSentCard(contact: ContactModel, card: VCard): void {
  contact.exists.base = true;
  contact.exists.writes = contact.exists.writes.filter((w) => !(w.side === "local" && w.value));
  const sent = serverFields(card);
  for (const field of FIELDS) {
    const track = contact.fields[field];
    track.base = sent[field];
    track.writes = track.writes.filter((w) => !(w.side === "local" && w.value === sent[field]));
  }
}

/** An address BlueMind refuses (INVALID_EMAIL), as a user may type it. */
export const REFUSED_EMAIL = "not an address";

export class LocalCreate extends ModelCommand {
  /** `refused`: with a second address BlueMind refuses, so the contact never gets there. */
  constructor(
    readonly book: ModelBook,
    readonly refused = false,
  ) {
    super();
  }
  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    const bookId = await world.localBookOf(this.book);
    if (bookId === null) return { note: "no local book" };
    const key = history.newKey("c");
    const fields = initialFields(history, key);
    const family = key.toUpperCase();
    const vCard = ["BEGIN:VCARD", "VERSION:4.0", `FN:Model ${family}`, `N:${family};Model;;;`, `EMAIL;TYPE=work:${markerOf(key)}`, ...(this.refused ? [`EMAIL;TYPE=home:${REFUSED_EMAIL}`] : []), ...FIELDS.map((f) => `${VCARD_PROPERTY[f]}:${fields[f]}`), "END:VCARD"].join("\r\n");
    await world.tb.asUser.createContact(bookId, vCard);
    history.addContact(key, this.book, "local", fields);
    if (this.refused) {
      const contact = history.contacts.get(key);
      if (contact !== undefined) contact.refused = true;
    }
    return { note: key };
  }
  toString(): string {
    return `LocalCreate(${this.book}${this.refused ? ", refused address" : ""})`;
  }
}

export class LocalEdit extends ModelCommand {
  constructor(
    readonly book: ModelBook,
    readonly pick: number,
    readonly field: Field | "custom1",
  ) {
    super();
  }
  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    const target = pickOf((await localContacts(world, this.book))?.contacts ?? [], this.pick);
    const contact = target === undefined ? undefined : history.contacts.get(target.key);
    if (target === undefined || contact === undefined) return { note: "nothing to edit" };
    const value = history.value(this.field, target.key);
    const property = this.field === "custom1" ? CUSTOM1 : VCARD_PROPERTY[this.field];
    await world.tb.asUser.updateContact(target.id, setProperty(target.vCard, property, value));
    if (this.field === "custom1") contact.custom1 = value;
    else contact.fields[this.field].write("local", value, history.step);
    return { note: `${target.key}.${this.field} = ${value}` };
  }
  toString(): string {
    return `LocalEdit(${this.book}, ${String(this.pick)}, ${this.field})`;
  }
}

export class LocalDelete extends ModelCommand {
  constructor(
    readonly book: ModelBook,
    readonly pick: number,
  ) {
    super();
  }
  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    const target = pickOf((await localContacts(world, this.book))?.contacts ?? [], this.pick);
    const contact = target === undefined ? undefined : history.contacts.get(target.key);
    if (target === undefined || contact === undefined) return { note: "nothing to delete" };
    // Thunderbird takes a deleted contact out of its lists too.
    for (const list of await world.tb.asUser.listLists((await world.localBookOf(this.book)) ?? "")) {
      const model = listOf(history, list.name);
      if (model !== undefined && (await world.tb.asUser.listMembers(list.id)).some((m) => m.id === target.id)) history.member(model, target.key).write("local", false, history.step, true);
    }
    await world.tb.asUser.deleteContact(target.id);
    contact.exists.write("local", false, history.step);
    notePhotoDeletedHere(history, target.key);
    return { note: target.key };
  }
  toString(): string {
    return `LocalDelete(${this.book}, ${String(this.pick)})`;
  }
}

export class ServerCreate extends ModelCommand {
  constructor(readonly book: ModelBook) {
    super();
  }
  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    const key = history.newKey("s");
    const fields = initialFields(history, key);
    world.fake.control.createCard(this.book, `card-${key}`, serverCard(key, fields));
    history.addContact(key, this.book, "server", fields);
    return { note: key };
  }
  toString(): string {
    return `ServerCreate(${this.book})`;
  }
}

export class ServerEdit extends ModelCommand {
  constructor(
    readonly book: ModelBook,
    readonly pick: number,
    readonly field: Field,
  ) {
    super();
  }
  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    const target = pickOf(serverContacts(world, this.book), this.pick);
    const contact = target === undefined ? undefined : history.contacts.get(target.key);
    if (target === undefined || contact === undefined) return { note: "nothing to edit" };
    if (!contact.exists.base && contact.createdBy === "local") adoptSentCard(contact, target.value);
    const value = history.value(this.field, target.key);
    world.fake.control.updateCard(this.book, target.uid, setServerField(target.value, this.field, value));
    contact.fields[this.field].write("server", value, history.step);
    return { note: `${target.key}.${this.field} = ${value}` };
  }
  toString(): string {
    return `ServerEdit(${this.book}, ${String(this.pick)}, ${this.field})`;
  }
}

export class ServerDelete extends ModelCommand {
  constructor(
    readonly book: ModelBook,
    readonly pick: number,
  ) {
    super();
  }
  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    const target = pickOf(serverContacts(world, this.book), this.pick);
    const contact = target === undefined ? undefined : history.contacts.get(target.key);
    if (target === undefined || contact === undefined) return { note: "nothing to delete" };
    world.fake.control.deleteCard(this.book, target.uid);
    contact.exists.write("server", false, history.step);
    return { note: target.key };
  }
  toString(): string {
    return `ServerDelete(${this.book}, ${String(this.pick)})`;
  }
}


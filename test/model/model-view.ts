// What each side holds, as the model reads it: per model book, the server's cards and groups
// (read straight from the fake's store) and the local book's contacts and lists (read as the user
// sees them). Every model contact carries a marker address `<key>@model.test` that nobody edits,
// so a contact is recognised on either side by content, whatever its uid or Thunderbird id.
import type { VCard } from "../../src/bluemind/models.ts";
import { memberContactIdFor } from "../../src/sync/contact-uid.ts";
import { noteForThunderbird } from "../../src/vcard/notes.ts";
import { MODEL_BOOKS, type ModelBook, type ModelWorld } from "./model-world.ts";

/** The BlueMind fields the model edits (scalars: a conflict on them has one winner). */
export const FIELDS = ["title", "note", "role", "nickname"] as const;
export type Field = (typeof FIELDS)[number];
const VCARD_PROPERTY: Record<Field, string> = { title: "TITLE", note: "NOTE", role: "ROLE", nickname: "NICKNAME" };
export const CUSTOM1 = "X-CUSTOM1";

export const MARKER_DOMAIN = "model.test";
const MARKER = /^([a-z]+\d+)@model\.test$/;

export function markerOf(key: string): string {
  return `${key}@${MARKER_DOMAIN}`;
}

export function keyOfEmail(email: string | null | undefined): string | null {
  const match = MARKER.exec((email ?? "").trim().toLowerCase());
  return match?.[1] ?? null;
}

export interface ContactCopy {
  id: string;
  fn: string | null;
  fields: Record<Field, string | null>;
  /** Thunderbird only. */
  custom1: string | null;
}

export interface ListCopy {
  id: string;
  /** Model keys of the members (a member known only by its address counts by that address). */
  members: string[];
}

export interface SideView {
  contacts: Map<string, ContactCopy[]>;
  lists: Map<string, ListCopy[]>;
  /** Contacts or cards that are no model contact (nor a group member's address contact). */
  strays: string[];
}

export interface BookView {
  server: SideView;
  /** null while the book has no synced local copy. */
  local: SideView | null;
}

export type WorldView = Record<ModelBook, BookView>;

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Properties of a vCard as NAME (upper case, no parameters) → values. */
export function vCardProperties(vCard: string): Map<string, string[]> {
  const properties = new Map<string, string[]>();
  for (const line of vCard.replace(/\r?\n[ \t]/g, "").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).split(";")[0]?.split(".").pop()?.toUpperCase() ?? "";
    push(properties, name, line.slice(colon + 1));
  }
  return properties;
}

export function serverFields(card: VCard): Record<Field, string | null> {
  return {
    title: card.organizational?.title ?? null,
    note: noteForThunderbird(card.explanatory?.note),
    role: card.organizational?.role ?? null,
    nickname: card.identification?.nickname?.value ?? null,
  };
}

function serverSide(world: ModelWorld, book: ModelBook): SideView {
  const side: SideView = { contacts: new Map(), lists: new Map(), strays: [] };
  const cards = world.serverCards(book);
  const uids = new Set(cards.map((c) => c.uid));
  for (const { uid, value } of cards) {
    if (value.kind === "group") {
      // A reference to a card of this book that is not there (deleted as it was added) names nobody:
      // the pull leaves it out (list-sync.ts), so does the model.
      const members = (value.organizational?.member ?? [])
        .filter((m) => !(m.containerUid === book && typeof m.itemUid === "string" && !uids.has(m.itemUid)))
        .map((m) => keyOfEmail(m.mailto))
        .filter((k): k is string => k !== null);
      push(side.lists, value.identification?.formatedName?.value ?? "", { id: uid, members });
      continue;
    }
    const key = (value.communications?.emails ?? []).map((e) => keyOfEmail(e.value)).find((k) => k !== null) ?? null;
    if (key === null) {
      side.strays.push(uid);
      continue;
    }
    push(side.contacts, key, { id: uid, fn: value.identification?.formatedName?.value ?? null, fields: serverFields(value), custom1: null });
  }
  return side;
}

export async function localSide(world: ModelWorld, book: ModelBook, bookId: string): Promise<SideView> {
  const side: SideView = { contacts: new Map(), lists: new Map(), strays: [] };
  const tb = world.tb.asUser;
  for (const contact of await tb.listContacts(bookId)) {
    const properties = vCardProperties(contact.vCard);
    const key = (properties.get("EMAIL") ?? []).map(keyOfEmail).find((k) => k !== null) ?? null;
    if (key === null) {
      side.strays.push(contact.id);
      continue;
    }
    // The contact made for a group member known only by its address is no model contact.
    if (contact.id === (await memberContactIdFor(book, markerOf(key)))) continue;
    const one = (name: string): string | null => properties.get(name)?.[0] ?? null;
    const fields = Object.fromEntries(FIELDS.map((f) => [f, one(VCARD_PROPERTY[f])])) as Record<Field, string | null>;
    push(side.contacts, key, { id: contact.id, fn: one("FN"), fields, custom1: one(CUSTOM1) });
  }
  for (const list of await tb.listLists(bookId)) {
    const members: string[] = [];
    for (const member of await tb.listMembers(list.id)) {
      const key = (vCardProperties(member.vCard).get("EMAIL") ?? []).map(keyOfEmail).find((k) => k !== null) ?? null;
      if (key !== null) members.push(key);
    }
    push(side.lists, list.name, { id: list.id, members });
  }
  return side;
}

export async function readView(world: ModelWorld): Promise<WorldView> {
  const view: Partial<WorldView> = {};
  for (const book of MODEL_BOOKS) {
    const localId = await world.localBookOf(book);
    view[book] = { server: serverSide(world, book), local: localId === null ? null : await localSide(world, book, localId) };
  }
  return view as WorldView;
}

export { VCARD_PROPERTY };

// Writes to an address book, with BlueMind's side effects: each create/update/delete takes the
// container's next version and a changelog entry; a non-domain book holds at most 15,000 items
// (fewer when a test gives it `maxItems`);
// groups of the same book are rewritten when a member's display name or default email changes,
// or when the member is deleted (the member then loses its containerUid, as BlueMind does).
// Used alike by the REST routes and the control API, so both produce identical changesets.
import type {
  ContainerUpdatesError,
  ContainerUpdatesResult,
  GroupMember,
  ItemValue,
  VCard,
  VCardChanges,
} from "../../src/bluemind/models.ts";
import { notFound, ServerFault } from "./errors.ts";
import { sanitizeCard } from "./sanitize.ts";
import type { Book, FakeState, StoredItem } from "./state.ts";
import { defaultMail, formatedNameOf } from "./vcard-utils.ts";

export const MAX_ITEMS = 15_000;

function itemLimitOf(book: Book): number {
  return book.itemLimit ?? MAX_ITEMS;
}

/** BlueMind reports the batch-wide MAX_ITEM_COUNT error with a null uid. */
export type UpdatesResult = Omit<ContainerUpdatesResult, "errors"> & {
  errors: (Omit<ContainerUpdatesError, "uid"> & { uid: string | null })[];
};

export interface CardChange {
  uid: string;
  /** null when the card was deleted. */
  card: VCard | null;
}

function store(book: Book, item: StoredItem): void {
  book.items.set(item.uid, item);
  book.revision += 1;
  if (item.value.kind === "group") book.groupUids.add(item.uid);
  else book.groupUids.delete(item.uid);
}

function setPhotoBytes(book: Book, uid: string, photo: Buffer | null): void {
  if (photo && photo.length > 0) book.photos.set(uid, photo);
  else book.photos.delete(uid);
  const item = book.items.get(uid);
  if (item) {
    const identification = { ...item.value.identification, photo: book.photos.has(uid) };
    // Photo changes alone do not bump the version (bluemind-api.md §5).
    store(book, { ...item, value: { ...item.value, identification } });
  }
}

/** Insert an already valid card (dataset loading): no sanitising, no limit. */
export function insertTrusted(state: FakeState, book: Book, uid: string, card: VCard, actor: string): StoredItem {
  const version = book.nextVersion();
  const now = state.now();
  const item: StoredItem = {
    uid,
    internalId: state.nextItemId(),
    version,
    displayName: formatedNameOf(card),
    created: now,
    updated: now,
    createdBy: actor,
    updatedBy: actor,
    value: card,
  };
  store(book, item);
  book.changelog.record(version, uid, "created");
  return item;
}

export function createCard(state: FakeState, book: Book, uid: string, input: unknown, actor: string, photo?: Buffer | null): StoredItem {
  if (!uid) throw new ServerFault("INVALID_PARAMETER", "uid must not be empty");
  if (!book.isDomainBook && book.items.size >= itemLimitOf(book)) {
    throw new ServerFault("MAX_ITEM_COUNT", "Max items count in addressbook exceeded");
  }
  const card = sanitizeCard(input);
  if (book.items.has(uid)) throw new ServerFault("ALREADY_EXISTS", `VCard uid:${uid} already exists`);
  card.identification = { ...card.identification, photo: false };
  const item = insertTrusted(state, book, uid, card, actor);
  if (photo !== undefined) setPhotoBytes(book, uid, photo);
  return book.items.get(uid) ?? item;
}

/** Returns whether the display name or default email changed (which triggers a group rewrite). */
export function updateCard(state: FakeState, book: Book, uid: string, input: unknown, actor: string, photo?: Buffer | null): boolean {
  const previous = book.items.get(uid);
  if (!previous) throw notFound(`VCard uid:${uid} doesn't exist !`);
  const card = sanitizeCard(input);
  // The photo flag reflects the stored bytes, not what the client sent.
  card.identification = { ...card.identification, photo: book.photos.has(uid) };
  const version = book.nextVersion();
  store(book, {
    ...previous,
    version,
    displayName: formatedNameOf(card),
    updated: state.now(),
    updatedBy: actor,
    value: card,
  });
  book.changelog.record(version, uid, "updated");
  if (photo !== undefined) setPhotoBytes(book, uid, photo);
  return formatedNameOf(card) !== formatedNameOf(previous.value) || defaultMail(card) !== defaultMail(previous.value);
}

/** Returns whether the card existed (deleting a missing card is not an error). */
export function deleteCard(book: Book, uid: string): boolean {
  const existing = book.items.get(uid);
  if (!existing) return false;
  book.items.delete(uid);
  book.revision += 1;
  book.groupUids.delete(uid);
  book.photos.delete(uid);
  book.changelog.record(book.nextVersion(), uid, "deleted");
  return true;
}

export function setPhoto(book: Book, uid: string, photo: Buffer | null): void {
  if (!book.items.has(uid)) throw notFound("item doesnt exists");
  setPhotoBytes(book, uid, photo);
}

/** Rewrite the groups of `book` that reference the changed cards. */
export function refreshGroups(state: FakeState, book: Book, changes: CardChange[]): void {
  if (changes.length === 0 || book.groupUids.size === 0) return;
  const byUid = new Map(changes.map((c) => [c.uid, c.card]));
  for (const groupUid of [...book.groupUids]) {
    const group = book.items.get(groupUid);
    const members = group?.value.organizational?.member ?? [];
    const touched = (m: GroupMember): boolean =>
      m.itemUid !== null && byUid.has(m.itemUid) && (m.containerUid === null || m.containerUid === book.uid);
    if (!group || !members.some(touched)) continue;
    const rewritten = members.map((m) => {
      if (!touched(m)) return m;
      const card = byUid.get(m.itemUid as string) ?? null;
      return card === null
        ? { ...m, containerUid: null }
        : { ...m, commonName: formatedNameOf(card), mailto: defaultMail(card) };
    });
    const value: VCard = { ...group.value, organizational: { ...group.value.organizational, member: rewritten } };
    const version = book.nextVersion();
    store(book, { ...group, version, updated: state.now(), updatedBy: "system", value });
    book.changelog.record(version, groupUid, "updated");
  }
}

function faultOf(e: unknown): { errorCode: string; message: string } {
  if (e instanceof ServerFault) return { errorCode: e.errorCode, message: e.message };
  return { errorCode: "UNKNOWN", message: e instanceof Error ? e.message : String(e) };
}

function decodePhoto(photo: unknown): Buffer | null | undefined {
  if (photo === undefined || photo === null) return undefined;
  if (typeof photo !== "string") throw new ServerFault("INVALID_PARAMETER", "photo must be base64");
  return Buffer.from(photo, "base64");
}

function isGroupChange(c: { value?: unknown }): boolean {
  return typeof c.value === "object" && c.value !== null && (c.value as { kind?: unknown }).kind === "group";
}

/**
 * `PUT _mupdates`: not transactional; an `add` of an existing uid updates it, a `modify` of a
 * missing uid creates it, a `delete` of a missing uid counts as removed. Non-group adds go
 * before group adds so that groups can reference cards of the same batch.
 */
export function applyUpdates(state: FakeState, book: Book, changes: VCardChanges, actor: string): UpdatesResult {
  const add = Array.isArray(changes.add) ? changes.add : [];
  const modify = Array.isArray(changes.modify) ? changes.modify : [];
  const del = Array.isArray(changes.delete) ? changes.delete : [];
  const result: UpdatesResult = { added: [], updated: [], removed: [], unhandled: [], errors: [], version: 0 };

  // BlueMind estimates the final size from the request alone and refuses the whole batch.
  if (!book.isDomainBook && book.items.size + add.length - del.length > itemLimitOf(book)) {
    result.errors.push({ uid: null, errorCode: "MAX_ITEM_COUNT", message: "Max items count in addressbook exceeded" });
    result.version = book.version;
    return result;
  }

  const dnChanged: CardChange[] = [];
  const attempt = (uid: string, fn: () => void): boolean => {
    try {
      fn();
      return true;
    } catch (e) {
      result.errors.push({ uid, ...faultOf(e) });
      return false;
    }
  };

  const orderedAdds = [...add.filter((a) => !isGroupChange(a)), ...add.filter(isGroupChange)];
  for (const a of orderedAdds) {
    const ok = attempt(a.uid, () => {
      const photo = decodePhoto(a.photo);
      if (book.items.has(a.uid)) {
        if (updateCard(state, book, a.uid, a.value, actor, photo)) dnChanged.push({ uid: a.uid, card: book.items.get(a.uid)?.value ?? null });
      } else createCard(state, book, a.uid, a.value, actor, photo);
    });
    if (ok) result.added.push(a.uid);
  }
  for (const m of modify) {
    const ok = attempt(m.uid, () => {
      const photo = decodePhoto((m as { photo?: unknown }).photo);
      if (book.items.has(m.uid)) {
        if (updateCard(state, book, m.uid, m.value, actor, photo)) dnChanged.push({ uid: m.uid, card: book.items.get(m.uid)?.value ?? null });
      } else createCard(state, book, m.uid, m.value, actor, photo);
    });
    if (ok) result.updated.push(m.uid);
  }
  for (const d of del) {
    const ok = attempt(d.uid, () => {
      deleteCard(book, d.uid);
      dnChanged.push({ uid: d.uid, card: null });
    });
    if (ok) result.removed.push(d.uid);
  }
  refreshGroups(state, book, dnChanged);
  result.version = book.version;
  return result;
}

export function toItemValue(item: StoredItem): ItemValue<VCard> {
  return {
    uid: item.uid,
    internalId: item.internalId,
    version: item.version,
    displayName: item.displayName,
    externalId: null,
    createdBy: item.createdBy,
    updatedBy: item.updatedBy,
    created: item.created,
    updated: item.updated,
    flags: [],
    value: item.value,
  };
}

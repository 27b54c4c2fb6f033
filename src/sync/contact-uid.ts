// Thunderbird contact ids of synced contacts, derived from where the card lives on BlueMind.
//
// Why derived: a contact's id is its vCard UID and Thunderbird refuses a UID that any book already
// holds. An id computed from (container uid, item uid) makes every write of a sync repeatable: a
// sync interrupted at any point (crash, restart, network loss) and run again finds the contacts
// it already wrote instead of creating twins. The raw BlueMind item uid cannot be used: it is
// unique only within its container (copies keep their uid), so two synced books would collide.
//
// How: a name-based UUID version 5 (RFC 9562 §5.5: SHA-1 of namespace + name), computed with
// WebCrypto, which both Node 20 and Thunderbird's background page provide.
//
// NEVER change NAMESPACE or the name layout: every synced contact would get a new id, and the next
// sync would replace each contact by a twin (losing list memberships and local photos).

/** Fixed namespace of this add-on's contact ids (a random v4 UUID chosen once). */
export const CONTACT_ID_NAMESPACE = "4c0b7f1e-5a9d-4f2b-9e3c-7d1a2b6c8e05";

const encoder = new TextEncoder();

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** RFC 9562 UUID version 5 of `name` (UTF-8) in `namespace`. */
export async function uuidV5(namespace: string, name: string): Promise<string> {
  const ns = uuidBytes(namespace);
  const nameBytes = encoder.encode(name);
  const input = new Uint8Array(ns.length + nameBytes.length);
  input.set(ns, 0);
  input.set(nameBytes, ns.length);
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-1", input));
  const bytes = digest.slice(0, 16);
  const view = new DataView(bytes.buffer);
  view.setUint8(6, (view.getUint8(6) & 0x0f) | 0x50);
  view.setUint8(8, (view.getUint8(8) & 0x3f) | 0x80);
  return formatUuid(bytes);
}

/** The Thunderbird id of BlueMind item `itemUid` of container `containerUid`. */
export function contactIdFor(containerUid: string, itemUid: string): Promise<string> {
  // A JSON array keeps the two parts apart whatever characters the uids hold.
  return uuidV5(CONTACT_ID_NAMESPACE, JSON.stringify([containerUid, itemUid]));
}

/**
 * The Thunderbird id of the contact made for a group member that is only an email address (no
 * card in this book). Three parts, so it can never equal an item's two-part name.
 */
export function memberContactIdFor(containerUid: string, email: string): Promise<string> {
  return uuidV5(CONTACT_ID_NAMESPACE, JSON.stringify([containerUid, "mailto", email.trim().toLowerCase()]));
}

/** Ids for many item uids of one container, as a map item uid → contact id. */
export async function contactIdsFor(containerUid: string, itemUids: Iterable<string>): Promise<Map<string, string>> {
  const uids = [...new Set(itemUids)];
  return new Map(await Promise.all(uids.map(async (uid): Promise<[string, string]> => [uid, await contactIdFor(containerUid, uid)])));
}

const V5_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Whether a contact id has the shape of an id made by this module. Thunderbird gives the contacts
 * a user creates random (version 4) UUIDs, so a full reconciliation may delete a version-5 contact
 * that the server no longer has, and must leave any other one alone: it is the user's own new
 * contact, which the push side (not the pull) takes to BlueMind.
 */
export function isDerivedContactId(id: string): boolean {
  return V5_UUID.test(id);
}

/**
 * The id a contact with derived id `id` takes when its book is detached from BlueMind
 * (detach-book.ts). Computed, so a detach cut by a crash and run again finds the copy it made; a
 * version-4 shape, so nothing takes it for a synced card's id.
 */
export async function detachedContactIdFor(id: string): Promise<string> {
  const v5 = await uuidV5(CONTACT_ID_NAMESPACE, JSON.stringify(["detached", id]));
  return `${v5.slice(0, 14)}4${v5.slice(15)}`;
}

// Which Thunderbird contact holds a BlueMind item of a synced book.
//
// Cards that came from BlueMind live under a derived id (contact-uid.ts). Cards born in
// Thunderbird — a contact the user adds to a synced book, the contacts of a book published from
// Thunderbird — keep their Thunderbird id, and the push gives them that very id as their BlueMind
// item uid. So the mapping needs no table: an item whose uid is the id of a contact of this book
// (in the sync state, or in a listing of the book) is that contact. Getting this wrong costs a
// twin: the pull would create the card again under its derived id next to the user's contact.
import type { ItemValue } from "../bluemind/models.ts";
import { contactIdFor } from "./contact-uid.ts";
import type { ContactRecord } from "./state/sync-state.ts";

/** The id of the Thunderbird-born contact that is item `itemUid`, or null if there is none. */
export function localContactId(
  itemUid: string,
  contacts: Readonly<Record<string, ContactRecord>>,
  listing?: ReadonlyMap<string, unknown> | null,
): string | null {
  if (contacts[itemUid]?.item === itemUid) return itemUid;
  return listing?.has(itemUid) === true ? itemUid : null;
}

/** The Thunderbird id of item `itemUid`: its Thunderbird-born contact, else the derived id. */
export async function contactIdOfItem(
  containerUid: string,
  itemUid: string,
  contacts: Readonly<Record<string, ContactRecord>>,
  listing?: ReadonlyMap<string, unknown> | null,
): Promise<string> {
  return localContactId(itemUid, contacts, listing) ?? (await contactIdFor(containerUid, itemUid));
}

/** The client does not check an item's `version`; a card without one (-1) is never "unchanged". */
export function versionOf(item: ItemValue<unknown>): number {
  return typeof item.version === "number" && Number.isFinite(item.version) ? item.version : -1;
}

// What stays in Thunderbird when a synced book stops being synced (sync switched off, unsubscribed
// on BlueMind, Disconnect with "remove local copies") while it holds something BlueMind does not
// have: the push ran first, and what it could not send — never sent, refused by BlueMind, edited
// while the add-on was not listening — must not go with the book.
//
// Invariants:
//  - judged by content, not by the queue: a contact goes only when the sync state records it and
//    Thunderbird's copy still hashes as what the add-on last wrote or sent (recordHash); anything
//    else — no record, a different hash, a hash never computed — stays;
//  - a mailing list goes only when it is recorded and unchanged (name, note, members) or holds
//    only what a stopped pull was writing (GroupRecord.writing); a list that stays keeps its
//    members, synced or not, so it is not emptied under the user's eyes;
//  - nothing is deleted when nothing stays: the caller deletes the whole book in one call, as
//    before (a 10,000-contact book is not emptied contact by contact);
//  - a kept contact gets an id of its own (not derived from its card), so the book's later
//    synced copy can never take it for its card; computed from the old id, so a detach cut by a
//    crash and run again (BookRelease) makes no second copy;
//  - the book that stays is renamed by detachedBookName, so the user sees it is theirs now; the
//    wording of what the user is told is here, in one place.
import { inEnglish, text, type UserText } from "../shared/user-text.ts";
import type { AddressBooksApi, ContactInfo } from "../thunderbird/types.ts";
import { vCardContentHash, withUid } from "../vcard/index.ts";
import { detachedContactIdFor, isDerivedContactId } from "./contact-uid.ts";
import { sameList, type ListSnapshot } from "./push/push-plan.ts";
import type { BookLedger, ReadonlyGroupRecord } from "./state/book-ledger.ts";

/**
 * The name of a book detached from BlueMind: the same name, marked, in Thunderbird's language at
 * that moment (`render`; English by default) since it is written into Thunderbird's own data.
 * Applying it twice marks once.
 */
export function detachedBookName(name: string, render: (value: UserText) => string = inEnglish): string {
  const mark = render(text("detachedBookName", ""));
  return mark !== "" && name.endsWith(mark) ? name : render(text("detachedBookName", name));
}

/** What the user is told (activity log, options page, notification) about a detached book. */
export function detachedBookMessage(bookName: string, keptIn: string): UserText {
  return text("detachedBookMessage", bookName, keptIn);
}

/**
 * A list a pull was writing when the run stopped (GroupRecord.writing): between what it held and
 * what the pull was writing, it holds only BlueMind's members — nothing of the user's to keep.
 */
function midWrite(record: ReadonlyGroupRecord, list: ListSnapshot): boolean {
  if (record.writing === undefined || record.name !== list.name || record.description !== list.description) return false;
  const before = new Set(record.members);
  const after = new Set(record.writing);
  const holds = new Set(list.members);
  return list.members.every((m) => before.has(m) || after.has(m)) && record.members.every((m) => !after.has(m) || holds.has(m));
}

export interface KeptContent {
  contacts: number;
  lists: number;
}

/**
 * Removes from `localBookId` the contacts and lists BlueMind has as they are (by the ledger), when
 * something else stays; returns what stays (zero and zero: nothing was touched, delete the book).
 */
export async function keepOnlyUnsent(books: AddressBooksApi, localBookId: string, ledger: BookLedger | undefined): Promise<KeptContent> {
  const contacts = await books.listContacts(localBookId);
  const keep = new Set(contacts.filter((contact) => !isSyncedUnchanged(contact, ledger)).map((c) => c.id));
  const syncedLists: string[] = [];
  const keptListMembers = new Map<string, string[]>();
  let keptLists = 0;
  for (const list of await books.listLists(localBookId)) {
    const members = (await books.listMembers(list.id)).map((m) => m.id);
    const groupUid = ledger?.groupOfList(list.id) ?? null;
    const record = groupUid === null ? undefined : ledger?.state.groups[groupUid];
    const here = { name: list.name, description: list.description, members };
    if (record !== undefined && (sameList(record, here) || midWrite(record, here))) {
      syncedLists.push(list.id);
      continue;
    }
    keptLists++;
    keptListMembers.set(list.id, members);
    for (const member of members) keep.add(member);
  }
  if (keep.size === 0 && keptLists === 0) return { contacts: 0, lists: 0 };
  for (const listId of syncedLists) await books.deleteList(listId);
  let keptContacts = 0;
  for (const contact of contacts) {
    if (!keep.has(contact.id)) {
      await books.deleteContact(contact.id);
      continue;
    }
    keptContacts++;
    if (isDerivedContactId(contact.id)) await giveOwnId(books, localBookId, contact, keptListMembers);
  }
  return { contacts: keptContacts, lists: keptLists };
}

/**
 * A kept contact under an id derived from its BlueMind card gets an id of its own: were sync
 * turned on again, the pull would take the contact under that id for a stray copy of the card and
 * move it into the new synced book over the user's unsent values. Its lists keep it.
 */
async function giveOwnId(books: AddressBooksApi, bookId: string, contact: ContactInfo, listMembers: ReadonlyMap<string, readonly string[]>): Promise<void> {
  const ownId = await detachedContactIdFor(contact.id);
  // A detach cut short may have made the copy already (the old contact goes last).
  if ((await books.getContact(ownId)) === null) {
    const vCard = withUid(contact.vCard, ownId);
    if (vCard === null) return;
    await books.createContact(bookId, vCard);
  }
  for (const [listId, members] of listMembers) if (members.includes(contact.id) && !members.includes(ownId)) await books.addMember(listId, ownId);
  await books.deleteContact(contact.id);
}

function isSyncedUnchanged(contact: ContactInfo, ledger: BookLedger | undefined): boolean {
  const written = ledger?.hashOf(contact.id) ?? null;
  return written !== null && written === vCardContentHash(contact.vCard);
}

// Removing a contact's photo in Thunderbird, which its interface has no call for. contacts.update
// with a vCard without PHOTO drops a photo kept in the vCard, but a local book keeps photos as
// files (contacts.setPhoto, or the user in the contact editor) and update carries the file over.
// Then the contact is written anew under the same id, without the photo, and put back in the
// mailing lists it was in (Thunderbird takes a deleted contact out of its lists). `rewriting`
// brackets the window where the contact is missing, so that a crash there is not taken for the
// user deleting it (ContactRecord.rewrite): the next pull creates it again.
import type { AddressBooksApi, ContactInfo } from "../../thunderbird/types.ts";
import { photoOfVCard, withoutPhoto } from "../../vcard/index.ts";

export interface PhotoRemovalDeps {
  books: AddressBooksApi;
  /** Runs each Thunderbird call (the pull's limiter and pacer). */
  call<T>(task: () => Promise<T>): Promise<T>;
  /** Before the deletion (stored before it returns) and after the contact is back. */
  rewriting(on: boolean): Promise<void>;
}

/** False when the vCard could not be read (nothing was changed). */
export async function removeContactPhoto(deps: PhotoRemovalDeps, contact: ContactInfo): Promise<boolean> {
  const { books, call } = deps;
  const vCard = withoutPhoto(contact.vCard);
  if (vCard === null) return false;
  await call(() => books.updateContact(contact.id, vCard));
  const after = await call(() => books.getContact(contact.id));
  if (after === null || photoOfVCard(after.vCard) === null) return true;
  const lists: string[] = [];
  for (const list of await call(() => books.listLists(contact.parentId))) {
    const members = await call(() => books.listMembers(list.id));
    if (members.some((m) => m.id === contact.id)) lists.push(list.id);
  }
  await deps.rewriting(true);
  await call(() => books.deleteContact(contact.id));
  await call(() => books.createContact(contact.parentId, vCard));
  for (const listId of lists) await call(() => books.addMember(listId, contact.id));
  await deps.rewriting(false);
  return true;
}

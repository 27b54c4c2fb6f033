// The JSON views of a container, as each route family spells them (bluemind-api.md §3–4, §7):
// subscriptions say `ownerDisplayName`, container descriptors say `ownerDisplayname`.
import type { AddressBookDescriptor, ContainerDescriptor, ContainerSubscriptionDescriptor } from "../../src/bluemind/models.ts";
import { can, descriptorVerbs } from "./acl.ts";
import { notFound } from "./errors.ts";
import type { Book, FakeState, Subscription, User } from "./state.ts";

export function bookOr404(state: FakeState, uid: string): Book {
  const book = state.books.get(uid);
  if (!book) throw notFound(`container ${uid} not found`);
  return book;
}

export function subscriptionDescriptor(state: FakeState, sub: Subscription, book: Book, user: User): ContainerSubscriptionDescriptor {
  return {
    containerUid: book.uid,
    offlineSync: sub.offlineSync,
    automount: sub.automount,
    containerType: "addressbook",
    owner: book.owner,
    defaultContainer: book.defaultContainer,
    name: book.displayNameFor(user.lang),
    ownerDisplayName: state.ownerDisplayName(book),
    ownerDirEntryPath: state.ownerDirEntryPath(book),
  };
}

export function containerDescriptor(state: FakeState, book: Book, user: User): ContainerDescriptor {
  const sub = state.subscriptions.get(user.uid)?.get(book.uid);
  return {
    uid: book.uid,
    name: book.displayNameFor(user.lang),
    owner: book.owner,
    type: "addressbook",
    defaultContainer: book.defaultContainer,
    // The domain directory is fed by the directory, never written through the address book API.
    readOnly: book.isDomainBook,
    domainUid: book.domainUid,
    ownerDisplayname: state.ownerDisplayName(book),
    settings: {},
    deleted: false,
    internalId: book.internalId,
    writable: can(book, user, "Write"),
    verbs: descriptorVerbs(book, user),
    offlineSync: sub?.offlineSync ?? false,
    automount: sub?.automount ?? false,
  };
}

export function addressBookDescriptor(book: Book, user: User): AddressBookDescriptor {
  return {
    name: book.displayNameFor(user.lang),
    owner: book.owner,
    domainUid: book.domainUid,
    system: book.isDomainBook,
    settings: {},
    orgUnitUid: null,
  };
}

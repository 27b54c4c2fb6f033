// The real Thunderbird behind the interfaces of types.ts. The only module that calls messenger.*:
// the Thunderbird-only namespaces (addressBooks, contacts, mailingLists) on `messenger`, the
// generic WebExtension ones (storage, alarms, permissions, notifications, runtime, i18n) on
// webextension-polyfill's `browser`.
import browser, { type Alarms } from "webextension-polyfill";
import { POLICY_KEYS, parseManagedSettings, type ManagedSettings } from "../shared/settings.ts";
import { renderText, type Lookup } from "../shared/user-text.ts";
import type { AddressBookInfo, ContactInfo, MailingListInfo, ProviderSearchHandler, Thunderbird, Unsubscribe } from "./types.ts";
import { browserImages } from "./images.ts";

interface WebExtEventLike<L> {
  addListener(listener: L): void;
  removeListener(listener: L): void;
}

function listen<L>(event: WebExtEventLike<L>, listener: L): Unsubscribe {
  event.addListener(listener);
  return () => event.removeListener(listener);
}

function toBook(node: messenger.addressBooks.AddressBookNode): AddressBookInfo {
  return { id: node.id, name: node.name, readOnly: node.readOnly === true, remote: node.remote === true };
}

function toContact(node: messenger.contacts.ContactNode): ContactInfo {
  return { id: node.id, parentId: node.parentId ?? "", vCard: node.properties["vCard"] ?? "" };
}

function toList(node: messenger.mailingLists.MailingListNode): MailingListInfo {
  return {
    id: node.id,
    parentId: node.parentId ?? "",
    name: node.name,
    nickName: node.nickName,
    description: node.description,
  };
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && /could not be found/.test(error.message);
}

/**
 * Works around a Thunderbird bug (measured on 153): its API keeps a cache of contacts by id, and
 * deleting a book evicts that book's contacts from the cache only if the book's contact list was
 * loaded (by contacts.list). Contacts created through the API without a listing stay cached
 * after the book is gone: creating a contact with the same id in another book then fails with
 * "Duplicate contact id" until Thunderbird restarts. Synced contacts have ids derived from the
 * BlueMind container, so a book removed and created again (sync switched off then on, a book
 * deleted by the user and re-created) would get none of its contacts back. Listing a book loads
 * it: done once on a new, empty book (free) so that contacts created later are tracked with it,
 * whoever deletes it, and before the add-on deletes a book.
 */
function trackBookContacts(bookId: string): Promise<unknown> {
  return messenger.contacts.list(bookId);
}


/** Thunderbird's UI language; a key missing there shows itself rather than an empty line. */
const localize: Lookup = (key, substitutions) => browser.i18n.getMessage(key, substitutions) || key;

async function readManaged(): Promise<ManagedSettings> {
  try {
    return parseManagedSettings(await browser.storage.managed.get([...POLICY_KEYS]));
  } catch {
    // Without a policy for this add-on Thunderbird rejects the read ("Managed storage manifest
    // not found"): that is the normal, unmanaged case.
    return {};
  }
}

export function createMessengerThunderbird(): Thunderbird {
  const alarmListeners = new Map<string, Unsubscribe>();
  const provider = messenger.addressBooks.provider.onSearchRequest;
  return {
    addressBooks: {
      async listBooks() {
        return (await messenger.addressBooks.list(false)).map(toBook);
      },
      async createBook(name) {
        const id = await messenger.addressBooks.create({ name });
        await trackBookContacts(id);
        return id;
      },
      async renameBook(id, name) {
        await messenger.addressBooks.update(id, { name });
      },
      async deleteBook(id) {
        await trackBookContacts(id).catch(() => undefined);
        await messenger.addressBooks.delete(id);
      },
      async listContacts(bookId) {
        return (await messenger.contacts.list(bookId)).map(toContact);
      },
      async getContact(id) {
        try {
          return toContact(await messenger.contacts.get(id));
        } catch (error) {
          if (isNotFound(error)) return null;
          throw error;
        }
      },
      createContact: (bookId, vCard) => messenger.contacts.create(bookId, { vCard }),
      async updateContact(id, vCard) {
        await messenger.contacts.update(id, { vCard });
      },
      async deleteContact(id) {
        await messenger.contacts.delete(id);
      },
      async setContactPhoto(id, png, type) {
        await messenger.contacts.setPhoto(id, new File([png.slice()], "photo", { type }));
      },
      async listLists(bookId) {
        return (await messenger.mailingLists.list(bookId)).map(toList);
      },
      createList: (bookId, fields) => messenger.mailingLists.create(bookId, fields),
      async updateList(id, fields) {
        await messenger.mailingLists.update(id, fields);
      },
      async deleteList(id) {
        await messenger.mailingLists.delete(id);
      },
      async listMembers(listId) {
        return (await messenger.mailingLists.listMembers(listId)).map(toContact);
      },
      async addMember(listId, contactId) {
        await messenger.mailingLists.addMember(listId, contactId);
      },
      async removeMember(listId, contactId) {
        await messenger.mailingLists.removeMember(listId, contactId);
      },
      onBookCreated: (l) => listen(messenger.addressBooks.onCreated, (node) => l(toBook(node))),
      onBookUpdated: (l) => listen(messenger.addressBooks.onUpdated, (node) => l(toBook(node))),
      onBookDeleted: (l) => listen(messenger.addressBooks.onDeleted, (id) => l(id)),
      onContactCreated: (l) => listen(messenger.contacts.onCreated, (node) => l(toContact(node))),
      onContactUpdated: (l) =>
        listen(messenger.contacts.onUpdated, (node, changed) => l(toContact(node), Object.keys(changed ?? {}))),
      onContactDeleted: (l) => listen(messenger.contacts.onDeleted, (parentId, id) => l(parentId, id)),
      onListCreated: (l) => listen(messenger.mailingLists.onCreated, (node) => l(toList(node))),
      onListUpdated: (l) => listen(messenger.mailingLists.onUpdated, (node) => l(toList(node))),
      onListDeleted: (l) => listen(messenger.mailingLists.onDeleted, (parentId, id) => l(parentId, id)),
      onListMemberAdded: (l) => listen(messenger.mailingLists.onMemberAdded, (node) => l(node.parentId ?? "", node.id)),
      onListMemberRemoved: (l) => listen(messenger.mailingLists.onMemberRemoved, (parentId, id) => l(parentId, id)),
    },
    searchProviders: {
      register(id, name, handler: ProviderSearchHandler) {
        const listener: messenger.addressBooks.provider.SearchRequestListener = (_node, searchString, query) =>
          handler(searchString, query ?? null);
        provider.addListener(listener, { addressBookName: name, isSecure: true, id });
        return () => provider.removeListener(listener);
      },
    },
    localStore: {
      async get(key) {
        const found = await browser.storage.local.get(key);
        return found[key];
      },
      async set(key, value) {
        await browser.storage.local.set({ [key]: value });
      },
      async remove(key) {
        await browser.storage.local.remove(key);
      },
    },
    managed: { read: readManaged },
    alarms: {
      every(name, periodMinutes, listener) {
        alarmListeners.get(name)?.();
        void browser.alarms.create(name, { periodInMinutes: periodMinutes, delayInMinutes: periodMinutes });
        const onAlarm = (alarm: Alarms.Alarm) => {
          if (alarm.name === name) listener();
        };
        browser.alarms.onAlarm.addListener(onAlarm);
        const unsubscribe = () => {
          // A stale handle must not cancel the alarm that replaced it.
          if (alarmListeners.get(name) !== unsubscribe) return;
          alarmListeners.delete(name);
          browser.alarms.onAlarm.removeListener(onAlarm);
          void browser.alarms.clear(name);
        };
        alarmListeners.set(name, unsubscribe);
        return unsubscribe;
      },
    },
    connectivity: {
      isOnline: () => navigator.onLine,
      onChange(listener) {
        const online = () => listener(true);
        const offline = () => listener(false);
        globalThis.addEventListener("online", online);
        globalThis.addEventListener("offline", offline);
        return () => {
          globalThis.removeEventListener("online", online);
          globalThis.removeEventListener("offline", offline);
        };
      },
    },
    render: (value) => renderText(value, localize),
    images: browserImages,
    notifications: {
      async notify(message) {
        await browser.notifications.create({
          type: "basic",
          iconUrl: browser.runtime.getURL("icons/bluemind-64.png"),
          title: browser.i18n.getMessage("notificationTitle"),
          message: renderText(message, localize),
        });
      },
    },
  };
}

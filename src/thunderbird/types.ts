// The small typed surface of Thunderbird the rest of the add-on is allowed to use. The real
// implementation (messenger.ts) is the only code that touches `messenger.*`; tests use an
// in-memory implementation of the same interfaces (test/unit/in-memory-thunderbird.ts), so an
// MV3 port or an API change touches one folder.
import type { ManagedSettings } from "../shared/settings.ts";
import type { UserText } from "../shared/user-text.ts";

export interface AddressBookInfo {
  id: string;
  name: string;
  readOnly: boolean;
  /** True for provider (search-only) books and other remote directories: the globe icon. */
  remote: boolean;
}

export interface ContactInfo {
  id: string;
  parentId: string;
  /** As Thunderbird re-serialised it: never compare byte-for-byte with what was written. */
  vCard: string;
}

export interface MailingListInfo {
  id: string;
  parentId: string;
  name: string;
  nickName: string;
  description: string;
}

export interface MailingListFields {
  name: string;
  nickName?: string;
  description?: string;
}

export interface Unsubscribe {
  (): void;
}

export interface AddressBookEvents {
  onBookCreated(listener: (book: AddressBookInfo) => void): Unsubscribe;
  onBookUpdated(listener: (book: AddressBookInfo) => void): Unsubscribe;
  onBookDeleted(listener: (bookId: string) => void): Unsubscribe;
  /** `changed` lists the changed property names; empty when Thunderbird bumped internal fields. */
  onContactCreated(listener: (contact: ContactInfo) => void): Unsubscribe;
  onContactUpdated(listener: (contact: ContactInfo, changed: string[]) => void): Unsubscribe;
  onContactDeleted(listener: (bookId: string, contactId: string) => void): Unsubscribe;
  onListCreated(listener: (list: MailingListInfo) => void): Unsubscribe;
  onListUpdated(listener: (list: MailingListInfo) => void): Unsubscribe;
  onListDeleted(listener: (bookId: string, listId: string) => void): Unsubscribe;
  onListMemberAdded(listener: (listId: string, contactId: string) => void): Unsubscribe;
  onListMemberRemoved(listener: (listId: string, contactId: string) => void): Unsubscribe;
}

export interface AddressBooksApi extends AddressBookEvents {
  listBooks(): Promise<AddressBookInfo[]>;
  createBook(name: string): Promise<string>;
  renameBook(id: string, name: string): Promise<void>;
  deleteBook(id: string): Promise<void>;

  listContacts(bookId: string): Promise<ContactInfo[]>;
  /** null when no contact has that id. */
  getContact(id: string): Promise<ContactInfo | null>;
  /** The contact id is the vCard's UID. */
  createContact(bookId: string, vCard: string): Promise<string>;
  updateContact(id: string, vCard: string): Promise<void>;
  deleteContact(id: string): Promise<void>;
  setContactPhoto(id: string, png: Uint8Array, type: string): Promise<void>;

  listLists(bookId: string): Promise<MailingListInfo[]>;
  createList(bookId: string, fields: MailingListFields): Promise<string>;
  updateList(id: string, fields: MailingListFields): Promise<void>;
  deleteList(id: string): Promise<void>;
  listMembers(listId: string): Promise<ContactInfo[]>;
  addMember(listId: string, contactId: string): Promise<void>;
  removeMember(listId: string, contactId: string): Promise<void>;
}

/** What a provider book answers, as Thunderbird expects from `onSearchRequest` in MV2. */
export interface ProviderSearchResult {
  results: { vCard: string }[];
  isCompleteResult: boolean;
}

export type ProviderSearchHandler = (
  searchString: string | undefined,
  /** null for compose autocompletion, a query like `(or(DisplayName,c,jan)…)` for the search box. */
  query: string | null,
) => Promise<ProviderSearchResult>;

export interface SearchProviderApi {
  /** Registers a search-only book; returns the function that removes it. */
  register(id: string, name: string, handler: ProviderSearchHandler): Unsubscribe;
}

export interface KeyValueStore {
  /** What is stored under `key` (undefined when nothing is): the caller parses it into its type. */
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface ManagedStorageApi {
  read(): Promise<ManagedSettings>;
}

export interface AlarmsApi {
  /** Replaces any alarm of that name. */
  every(name: string, periodMinutes: number, listener: () => void): Unsubscribe;
}

export interface ConnectivityApi {
  isOnline(): boolean;
  onChange(listener: (online: boolean) => void): Unsubscribe;
}

export interface NotificationsApi {
  /** Shown in Thunderbird's language. */
  notify(message: UserText): Promise<void>;
}

export interface ImagesApi {
  /**
   * The image as PNG, scaled down (proportions kept) until the PNG takes at most `maxBytes`.
   * Throws when the bytes are no image that can be decoded.
   */
  pngWithin(bytes: Uint8Array, type: string, maxBytes: number): Promise<Uint8Array>;
}

export interface Thunderbird {
  addressBooks: AddressBooksApi;
  images: ImagesApi;
  searchProviders: SearchProviderApi;
  localStore: KeyValueStore;
  managed: ManagedStorageApi;
  alarms: AlarmsApi;
  connectivity: ConnectivityApi;
  notifications: NotificationsApi;
  /** A text in Thunderbird's UI language, for what the add-on writes into Thunderbird's own data. */
  render(value: UserText): string;
}

// An in-memory Thunderbird behind the interfaces of src/thunderbird/types.ts, for unit and
// integration tests of the sync engine, the search providers and the options page.
//
// It reproduces what the add-on can observe of a real Thunderbird 153 (see
// /work/shared/thunderbird-api.md and comm-central's ext-addressBook.js, AddrBookDirectory,
// AddrBookMailingList and VCardUtils), so that code tested here also works there:
// - contact id = vCard UID; a UID already used in ANY book → `Duplicate contact id: <uid>`;
// - vCards are parsed and re-serialised with ical.js (as Thunderbird does), so what is read back
//   is never byte-for-byte what was written;
// - every write fires its event, the add-on's own writes included, delivered later (a macrotask
//   after the write) like the real ones that cross a process boundary;
// - onContactUpdated lists the changed *Thunderbird property names* (DisplayName, PrimaryEmail…)
//   computed the way Thunderbird does: a vCard change outside those names (CATEGORIES, a third
//   EMAIL, PHOTO…) and a popularity bump both yield [];
// - error messages are Thunderbird's own, including its unhelpful "An unexpected error occurred"
//   for invalid names.
// Test controls (setBookReadOnly, bumpPopularity, quickSearch, fireAlarm, setOnline…) are methods
// of the class, outside the Thunderbird interface.
import ICAL from "ical.js";
import type { ManagedSettings } from "../../src/shared/settings.ts";
import type {
  AddressBookInfo,
  AddressBooksApi,
  AlarmsApi,
  ConnectivityApi,
  ContactInfo,
  KeyValueStore,
  MailingListFields,
  MailingListInfo,
  ManagedStorageApi,
  NotificationsApi,
  ProviderSearchHandler,
  SearchProviderApi,
  Thunderbird,
  Unsubscribe,
} from "../../src/thunderbird/types.ts";
import { inEnglish, type UserText } from "../../src/shared/user-text.ts";
import { NodeImages } from "../support/node-images.ts";

// ───────────────────────────── call names, options ─────────────────────────────

/** Address-book calls: each one runs on Thunderbird's main thread in the real application. */
export const ADDRESS_BOOK_CALLS = [
  "listBooks",
  "createBook",
  "renameBook",
  "deleteBook",
  "listContacts",
  "getContact",
  "createContact",
  "updateContact",
  "deleteContact",
  "setContactPhoto",
  "listLists",
  "createList",
  "updateList",
  "deleteList",
  "listMembers",
  "addMember",
  "removeMember",
] as const satisfies readonly (keyof AddressBooksApi)[];

export type AddressBookCall = (typeof ADDRESS_BOOK_CALLS)[number];

const OTHER_CALLS = [
  "registerProvider",
  "unregisterProvider",
  "storeGet",
  "storeSet",
  "storeRemove",
  "readManaged",
  "createAlarm",
  "clearAlarm",
  "notify",
] as const;

export type CallName = AddressBookCall | (typeof OTHER_CALLS)[number];
export type CallCounts = Record<CallName, number>;

export interface InMemoryThunderbirdOptions {
  /**
   * Main-thread cost of each address-book call, in ms: one number for all of them, or per call.
   * Calls are served one at a time in arrival order (Thunderbird runs them all on its main
   * thread), so this is a throughput cost: N calls in flight take about N × cost in total.
   */
  latencyMs?: number | Partial<Record<AddressBookCall, number>>;
  /** Extra cost of listContacts per contact of the listed book, in ms. */
  listContactsPerContactMs?: number;
  /** Initial connectivity; true unless told otherwise. */
  online?: boolean;
  /** Initial enterprise-policy values (managed storage). */
  managed?: ManagedSettings;
}

/**
 * Costs measured on Thunderbird 153.7 (thunderbird-api.md): create 1.5 ms with 16 calls in
 * flight, update 2.7 ms, delete 1.25 ms, list() of 2,000 contacts 0.75 s. For benchmarks.
 */
export const MEASURED_THUNDERBIRD_153: InMemoryThunderbirdOptions = {
  latencyMs: { createContact: 1.5, updateContact: 2.7, deleteContact: 1.25 },
  listContactsPerContactMs: 0.375,
};

// ───────────────────────────── Thunderbird's messages ─────────────────────────────

/** What Thunderbird says for an internal (non-extension) exception, e.g. an invalid list name. */
export const UNEXPECTED_ERROR = "An unexpected error occurred";

const bookNotFound = (id: string) => new Error(`addressBook with id=${id} could not be found.`);
const contactNotFound = (id: string) => new Error(`contact with id=${id} could not be found.`);
const listNotFound = (id: string) => new Error(`mailingList with id=${id} could not be found.`);
const invalidVCard = (vCard: string) => new Error(`Invalid vCard data: ${vCard}.`);

export const DEFAULT_BOOK_NAMES = ["Personal Address Book", "Collected Addresses"] as const;

// ───────────────────────────── vCard handling (ical.js, as Thunderbird) ─────────────────────────────

/** One jCard property: name, parameters, value type, then the value(s). */
type JCardProperty = [string, Record<string, unknown>, string, ...unknown[]];

function isJCardProperty(value: unknown): value is JCardProperty {
  return (
    Array.isArray(value) &&
    value.length >= 4 &&
    typeof value[0] === "string" &&
    typeof value[1] === "object" &&
    value[1] !== null &&
    typeof value[2] === "string"
  );
}

/**
 * Parses one vCard into jCard properties, or throws. Stricter than Thunderbird in one respect:
 * Thunderbird takes the properties of whatever single component ical.js returns (a VCALENDAR,
 * or garbage for several vCards); here only one VCARD is accepted.
 */
function parseVCard(text: string): JCardProperty[] {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch {
    throw invalidVCard(text);
  }
  if (!Array.isArray(parsed) || parsed[0] !== "vcard" || !Array.isArray(parsed[1])) throw invalidVCard(text);
  const properties: unknown[] = parsed[1];
  if (!properties.every(isJCardProperty)) throw invalidVCard(text);
  return properties;
}

function serialiseVCard(properties: JCardProperty[]): string {
  return ICAL.stringify(["vcard", properties, []]);
}

/** The properties with exactly one UID, `id`, appended last as Thunderbird does. */
function withUid(properties: JCardProperty[], id: string): JCardProperty[] {
  return [...properties.filter((p) => p[0] !== "uid"), ["uid", {}, "text", id]];
}

/** The value as Thunderbird's VCardPropertyEntry holds it: an array for multi-valued properties. */
function entryValue(property: JCardProperty): unknown {
  return property.length > 4 ? property.slice(3) : property[3];
}

function firstValue(properties: JCardProperty[], name: string): unknown {
  const found = properties.find((p) => p[0] === name);
  return found === undefined ? undefined : entryValue(found);
}

function typeParam(params: Record<string, unknown>): string[] {
  const type = params["type"];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string").map((t) => t.toLowerCase());
  return typeof type === "string" ? [type.toLowerCase()] : [];
}

// Thunderbird's own property names for what it maps out of a vCard (VCardUtils typeMap).
const SINGLE_TEXT: Record<string, string> = {
  fn: "DisplayName",
  email: "PrimaryEmail",
  nickname: "NickName",
  note: "Notes",
  title: "JobTitle",
  "tel.home": "HomePhone",
  "tel.work": "WorkPhone",
  "tel.fax": "FaxNumber",
  "tel.pager": "PagerNumber",
  "tel.cell": "CellularNumber",
  "url.work": "WebPage1",
  "url.home": "WebPage2",
  "x-custom1": "Custom1",
  "x-custom2": "Custom2",
  "x-custom3": "Custom3",
  "x-custom4": "Custom4",
};
const MULTI_TEXT: Record<string, readonly string[]> = {
  org: ["Company", "Department"],
  n: ["LastName", "FirstName", "AdditionalNames", "NamePrefix", "NameSuffix"],
  "adr.home": ["HomePOBox", "HomeAddress2", "HomeAddress", "HomeCity", "HomeState", "HomeZipCode", "HomeCountry"],
  "adr.work": ["WorkPOBox", "WorkAddress2", "WorkAddress", "WorkCity", "WorkState", "WorkZipCode", "WorkCountry"],
};
const DATE_PREFIX: Record<string, string> = { bday: "Birth", anniversary: "Anniversary" };

function mappedKey(property: JCardProperty): string | undefined {
  let name = property[0];
  const types = typeParam(property[1]);
  if (name === "adr") name = types.includes("home") ? "adr.home" : "adr.work";
  if (name === "tel") name = `tel.${types.find((t) => ["home", "work", "cell", "pager", "fax"].includes(t)) ?? "work"}`;
  if (name === "url") {
    if (types.includes("home")) name = "url.home";
    if (types.includes("work")) name = "url.work";
  }
  const known = name in SINGLE_TEXT || name in MULTI_TEXT || name in DATE_PREFIX || name === "url";
  return known ? name : undefined;
}

function* toThunderbirdProperties(key: string, value: unknown): Generator<[string, string]> {
  const single = SINGLE_TEXT[key];
  if (single !== undefined) {
    // Thunderbird skips multi-valued entries here (e.g. NICKNAME:a,b in vCard 4).
    if (typeof value === "string") yield [single, value];
    return;
  }
  const multi = MULTI_TEXT[key];
  if (multi !== undefined) {
    if (Array.isArray(value)) {
      for (const [index, name] of multi.entries()) {
        const part: unknown = value[index];
        if (Array.isArray(part)) yield [name, part.join(" ")];
        else if (typeof part === "string") yield [name, part];
      }
    } else if (typeof value === "string") {
      yield [multi[0] ?? key, value];
    }
    return;
  }
  const prefix = DATE_PREFIX[key];
  if (prefix !== undefined && typeof value === "string") {
    try {
      const date = ICAL.VCardTime.fromDateAndOrTimeString(value, "date-and-or-time");
      yield [`${prefix}Year`, String(date.year ?? "")];
      yield [`${prefix}Month`, String(date.month ?? "")];
      yield [`${prefix}Day`, String(date.day ?? "")];
    } catch {
      // Thunderbird logs and skips an unparsable date.
    }
  }
}

/**
 * Thunderbird's flat view of a vCard (VCardProperties.toPropertyMap): DisplayName, FirstName,
 * PrimaryEmail, SecondEmail… Only the most preferred entry of each kind counts (PREF, then order).
 */
export function thunderbirdPropertiesOf(vCard: string): Map<string, string> {
  return thunderbirdProperties(parseVCard(vCard));
}

function thunderbirdProperties(properties: JCardProperty[]): Map<string, string> {
  const byKey = new Map<string, { index: number; pref: number; value: unknown }[]>();
  properties.forEach((property, index) => {
    const key = mappedKey(property);
    if (key === undefined) return;
    const pref = Number.parseInt(String(property[1]["pref"]), 10) || 101;
    const entries = byKey.get(key) ?? [];
    entries.push({ index, pref, value: entryValue(property) });
    byKey.set(key, entries);
  });
  // A URL without type is the work web page unless a typed one exists.
  const untypedUrl = byKey.get("url");
  if (untypedUrl !== undefined && !byKey.has("url.work")) byKey.set("url.work", untypedUrl);
  byKey.delete("url");

  const map = new Map<string, string>();
  for (const [key, entries] of byKey) {
    entries.sort((a, b) => (a.pref === b.pref ? a.index - b.index : a.pref - b.pref));
    const [first, second] = entries;
    if (first === undefined) continue;
    for (const [name, value] of toThunderbirdProperties(key, first.value)) {
      if (value) map.set(name, value);
    }
    if (key === "email" && second !== undefined) map.set("SecondEmail", String(second.value));
  }
  return map;
}

/** Names of the Thunderbird properties that differ, in Thunderbird's order (old ones first). */
export function changedPropertyNames(oldVCard: string, newVCard: string): string[] {
  const before = thunderbirdPropertiesOf(oldVCard);
  const after = thunderbirdPropertiesOf(newVCard);
  const changed: string[] = [];
  for (const [name, value] of before) if (after.get(name) !== value) changed.push(name);
  for (const [name, value] of after) if (!changed.includes(name) && before.get(name) !== value) changed.push(name);
  return changed;
}

/** Thunderbird's rules for a mailing-list name (AddrBookDirectory.addMailList). */
export function isValidListName(name: string): boolean {
  return name !== "" && !name.includes("  ") && ![...',;"<>'].some((c) => name.includes(c));
}

// ───────────────────────────── search tokens (ABQueryUtils) ─────────────────────────────

/** Words of a search string, "quoted phrases" kept whole, as Thunderbird splits them. */
export function searchTokens(searchString: string): string[] {
  let rest = searchString.trim();
  const quoted: string[] = [];
  for (let start = rest.indexOf('"'); start !== -1; start = rest.indexOf('"')) {
    let end = rest.indexOf('"', start + 1);
    if (end === -1) end = rest.length;
    quoted.push(rest.substring(start + 1, end));
    rest = (rest.substring(0, start) + (end < rest.length ? rest.substring(end + 1) : "")).trim();
  }
  return rest === "" ? quoted : [...quoted, ...rest.split(/\s+/)];
}

/** Contact fields of Thunderbird's quick-search query (mail.addr_book.quicksearchquery.format). */
export const QUICK_SEARCH_FIELDS = [
  "DisplayName",
  "FirstName",
  "LastName",
  "NickName",
  "PrimaryEmail",
  "SecondEmail",
  "Company",
  "Department",
  "JobTitle",
  "WebPage1",
  "WebPage2",
] as const;

/** The query string Thunderbird's search box and contacts.quickSearch give a provider book. */
export function quickSearchQuery(searchString: string): string {
  const words = searchTokens(searchString);
  if (words.length === 0) return "";
  const perWord = words.map((word) => {
    const value = encodeURIComponent(word);
    const fields = QUICK_SEARCH_FIELDS.map((field) => `(${field},c,${value})`);
    // Notes are searched for mailing lists only.
    fields.splice(6, 0, `(and(IsMailList,=,TRUE)(Notes,c,${value}))`);
    return `(or${fields.join("")})`;
  });
  return `?(and${perWord.join("")})`;
}

function matchesWords(properties: Map<string, string>, words: string[]): boolean {
  return words.every((word) => {
    const needle = word.toLowerCase();
    return QUICK_SEARCH_FIELDS.some((field) => properties.get(field)?.toLowerCase().includes(needle) === true);
  });
}

// ───────────────────────────── photos ─────────────────────────────

export interface StoredPhoto {
  bytes: Uint8Array;
  type: string;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The photo URL Thunderbird reads from a vCard's PHOTO (AddrBookCard.photoURL), if any. */
function vCardPhotoUrl(properties: JCardProperty[]): string | undefined {
  const photo = properties.find((p) => p[0] === "photo");
  const value = photo === undefined ? undefined : photo[3];
  if (photo === undefined || typeof value !== "string" || value === "") return undefined;
  if (value.startsWith("data:image/")) return value;
  if (photo[2] === "binary" && value.startsWith("iVBO")) return `data:image/png;base64,${value}`;
  if (photo[2] === "binary" && value.startsWith("/9j/")) return `data:image/jpeg;base64,${value}`;
  if (photo[2] === "uri" && /^https?:\/\//.test(value)) return value;
  return undefined;
}

/** A PHOTO entry the way Thunderbird writes one: a data URL in vCard 4, base64 in vCard 3. */
function photoProperty(properties: JCardProperty[], photo: StoredPhoto): JCardProperty {
  const base64 = toBase64(photo.bytes);
  if (firstValue(properties, "version") === "4.0") return ["photo", {}, "url", `data:${photo.type};base64,${base64}`];
  const subtype = photo.type.split("/")[1] ?? "png";
  return ["photo", { encoding: "B", type: subtype.toUpperCase() }, "binary", base64];
}

function decodeDataUrl(url: string): StoredPhoto | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (match === null) return undefined;
  return { type: match[1] ?? "", bytes: fromBase64((match[2] ?? "").replace(/\s/g, "")) };
}

// ───────────────────────────── stored state ─────────────────────────────

interface BookRecord {
  id: string;
  name: string;
  readOnly: boolean;
  /** Set for search-only (provider) books. */
  provider?: ProviderSearchHandler;
  contacts: Map<string, ContactRecord>;
  lists: Map<string, ListRecord>;
}

interface ContactRecord {
  id: string;
  bookId: string;
  /** As Thunderbird stores it (its `_vCard`): re-serialised, with the UID. */
  vCard: string;
  /** A photo kept as a file in the profile (PhotoName), outside the stored vCard. */
  photoFile?: StoredPhoto;
}

interface ListRecord {
  id: string;
  bookId: string;
  name: string;
  nickName: string;
  description: string;
  /** Contact ids in insertion order (Thunderbird's list_cards ORDER BY oid). */
  members: string[];
}

interface EventArgs {
  bookCreated: [AddressBookInfo];
  bookUpdated: [AddressBookInfo];
  bookDeleted: [string];
  contactCreated: [ContactInfo];
  contactUpdated: [ContactInfo, string[]];
  contactDeleted: [string, string];
  listCreated: [MailingListInfo];
  listUpdated: [MailingListInfo];
  listDeleted: [string, string];
  memberAdded: [string, string];
  memberRemoved: [string, string];
}

type EventName = keyof EventArgs;
type Listener<K extends EventName> = (...args: EventArgs[K]) => void;
type ListenerSets = { [K in EventName]: Set<Listener<K>> };

/** A contact as contacts.quickSearch returns it (with the book's flags, like a ContactNode). */
export interface QuickSearchResult extends ContactInfo {
  readOnly: boolean;
  remote: boolean;
}

export interface QuickSearchOptions {
  includeLocal?: boolean;
  includeRemote?: boolean;
  includeReadOnly?: boolean;
  includeReadWrite?: boolean;
  /** Search one book only. */
  parentId?: string;
  /**
   * What provider handlers receive as `query`: null as from compose autocompletion (default), or
   * the quick-search query string, as the address book's search box and the real
   * contacts.quickSearch pass it.
   */
  providerQuery?: "autocomplete" | "searchBox";
}

const noop = (): void => undefined;

function sleepUntil(deadline: number): Promise<void> {
  const wait = deadline - performance.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

type Runner = <T>(call: AddressBookCall, op: () => T, listedBookId?: string) => Promise<T>;

// ───────────────────────────── the fake ─────────────────────────────

export class InMemoryThunderbird implements Thunderbird {
  readonly addressBooks: AddressBooksApi;
  /**
   * The same operations as a user in Thunderbird's window would do them: same rules, same
   * events, but not counted in `calls` and without latency. Use it to simulate local edits.
   */
  readonly asUser: AddressBooksApi;
  readonly searchProviders: SearchProviderApi;
  readonly localStore: KeyValueStore;
  readonly managed: ManagedStorageApi;
  readonly alarms: AlarmsApi;
  readonly connectivity: ConnectivityApi;
  readonly notifications: NotificationsApi;
  readonly images = new NodeImages();
  /** Thunderbird in English. */
  readonly render = (value: UserText): string => inEnglish(value);

  /** How many times each call was made through the Thunderbird interface (failed ones included). */
  readonly calls: CallCounts = InMemoryThunderbird.zeroCounts();
  /** Notifications as an English Thunderbird shows them. */
  readonly notified: string[] = [];
  readonly notifiedTexts: UserText[] = [];
  /** Exceptions thrown (or promises rejected) by event and alarm listeners. */
  readonly listenerErrors: unknown[] = [];

  private readonly books = new Map<string, BookRecord>();
  private readonly contactIndex = new Map<string, ContactRecord>();
  private readonly listIndex = new Map<string, ListRecord>();
  private readonly listeners: ListenerSets = {
    bookCreated: new Set(),
    bookUpdated: new Set(),
    bookDeleted: new Set(),
    contactCreated: new Set(),
    contactUpdated: new Set(),
    contactDeleted: new Set(),
    listCreated: new Set(),
    listUpdated: new Set(),
    listDeleted: new Set(),
    memberAdded: new Set(),
    memberRemoved: new Set(),
  };
  private pendingEvents: (() => void)[] = [];
  private drainScheduled = false;

  private readonly latency: InMemoryThunderbirdOptions["latencyMs"];
  private readonly perListedContactMs: number;
  /** Serialises address-book calls like Thunderbird's main thread does. */
  private mainThread: Promise<unknown> = Promise.resolve();
  private mainThreadFreeAt = 0;

  private readonly store = new Map<string, unknown>();
  private managedSettings: ManagedSettings | undefined;
  private readonly alarmRegistry = new Map<string, { periodMinutes: number; listener: () => void }>();
  private online: boolean;
  private readonly connectivityListeners = new Set<(online: boolean) => void>();

  constructor(options: InMemoryThunderbirdOptions = {}) {
    this.latency = options.latencyMs;
    this.perListedContactMs = options.listContactsPerContactMs ?? 0;
    this.online = options.online ?? true;
    this.managedSettings = options.managed === undefined ? undefined : structuredClone(options.managed);
    for (const name of DEFAULT_BOOK_NAMES) this.addBookRecord(crypto.randomUUID(), name);

    this.addressBooks = this.makeAddressBooksApi((call, op, listedBookId) => this.onMainThread(call, op, listedBookId));
    this.asUser = this.makeAddressBooksApi((_call, op) => Promise.resolve().then(op));
    this.searchProviders = { register: (id, name, handler) => this.registerProvider(id, name, handler) };
    this.localStore = {
      get: async (key) => {
        this.calls.storeGet++;
        return this.store.has(key) ? structuredClone(this.store.get(key)) : undefined;
      },
      set: async (key, value) => {
        this.calls.storeSet++;
        // storage.local keeps a structured clone: later changes to `value` must not leak in.
        this.store.set(key, structuredClone(value));
      },
      remove: async (key) => {
        this.calls.storeRemove++;
        this.store.delete(key);
      },
    };
    this.managed = {
      read: async () => {
        this.calls.readManaged++;
        return this.managedSettings === undefined ? {} : structuredClone(this.managedSettings);
      },
    };
    this.alarms = { every: (name, periodMinutes, listener) => this.createAlarm(name, periodMinutes, listener) };
    this.connectivity = {
      isOnline: () => this.online,
      onChange: (listener) => {
        const own = (online: boolean) => listener(online);
        this.connectivityListeners.add(own);
        return () => {
          this.connectivityListeners.delete(own);
        };
      },
    };
    this.notifications = {
      notify: async (message) => {
        this.calls.notify++;
        // Shown as an English Thunderbird shows it; the text itself is kept for tests of its key.
        this.notified.push(inEnglish(message));
        this.notifiedTexts.push(message);
      },
    };
  }

  private static zeroCounts(): CallCounts {
    const counts: Partial<CallCounts> = {};
    for (const name of [...ADDRESS_BOOK_CALLS, ...OTHER_CALLS]) counts[name] = 0;
    return counts as CallCounts;
  }

  // ───────────── test controls ─────────────

  /** Sum of all counted calls. */
  get totalCalls(): number {
    return Object.values(this.calls).reduce((sum, n) => sum + n, 0);
  }

  resetCalls(): void {
    for (const name of Object.keys(this.calls) as CallName[]) this.calls[name] = 0;
  }

  /** Resolves once every queued call has run and every pending event has been delivered. */
  async settled(): Promise<void> {
    for (;;) {
      await this.mainThread;
      if (this.pendingEvents.length === 0 && !this.drainScheduled) return;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /** Marks a local book read-only (like a read-only CardDAV book). Provider books always are. */
  setBookReadOnly(bookId: string, readOnly: boolean): void {
    const book = this.requireBook(bookId);
    if (book.provider !== undefined) throw new Error(`in-memory Thunderbird: ${bookId} is a provider book, always read-only`);
    book.readOnly = readOnly;
  }

  /** What Thunderbird does when the user writes to a contact: onUpdated with no visible change. */
  bumpPopularity(contactId: string): void {
    const contact = this.requireContact(contactId);
    this.emit("contactUpdated", this.contactInfo(contact), []);
  }

  /** The user removes the contact's photo in the contact editor: file and vCard PHOTO both go. */
  removePhotoAsUser(contactId: string): void {
    const contact = this.requireContact(contactId);
    const before = contact.vCard;
    delete contact.photoFile;
    contact.vCard = serialiseVCard(parseVCard(contact.vCard).filter((p) => p[0] !== "photo"));
    this.emit("contactUpdated", this.contactInfo(contact), changedPropertyNames(before, contact.vCard));
  }

  /** The photo Thunderbird would show for a contact, or undefined. */
  photoOf(contactId: string): StoredPhoto | undefined {
    const contact = this.contactIndex.get(contactId);
    if (contact === undefined) return undefined;
    const url = vCardPhotoUrl(parseVCard(contact.vCard));
    if (url !== undefined) return decodeDataUrl(url);
    return contact.photoFile === undefined ? undefined : { bytes: contact.photoFile.bytes.slice(), type: contact.photoFile.type };
  }

  /** Books by name (names are not unique in Thunderbird). */
  findBooksByName(name: string): AddressBookInfo[] {
    return [...this.books.values()].filter((b) => b.name === name).map((b) => this.bookInfo(b));
  }

  /** Number of contacts in a book, without a counted call. */
  contactCount(bookId: string): number {
    return this.requireBook(bookId).contacts.size;
  }

  setManaged(settings: ManagedSettings | undefined): void {
    this.managedSettings = settings === undefined ? undefined : structuredClone(settings);
  }

  /** A copy of what storage.local holds. */
  storeSnapshot(): Record<string, unknown> {
    return structuredClone(Object.fromEntries(this.store));
  }

  /** Registered alarms: name → period in minutes. */
  registeredAlarms(): Map<string, number> {
    return new Map([...this.alarmRegistry].map(([name, alarm]) => [name, alarm.periodMinutes]));
  }

  /** Fires an alarm now; false when no alarm of that name is registered. */
  fireAlarm(name: string): boolean {
    const alarm = this.alarmRegistry.get(name);
    if (alarm === undefined) return false;
    this.callListener(alarm.listener, []);
    return true;
  }

  /** Changes connectivity; listeners hear only real changes, like the online/offline events. */
  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    for (const listener of [...this.connectivityListeners]) this.callListener(listener, [online]);
  }

  /**
   * Mimics contacts.quickSearch: local books are matched word by word (every word contained in
   * one of QUICK_SEARCH_FIELDS, case-insensitive); provider books call their handler and turn
   * its `{vCard}` results into contacts (remote, read-only). A handler that throws contributes
   * nothing; an invalid vCard ends that book's results there, as in Thunderbird.
   */
  async quickSearch(searchString: string, options: QuickSearchOptions = {}): Promise<QuickSearchResult[]> {
    const words = searchTokens(searchString);
    if (words.length === 0) return [];
    const include = {
      local: options.includeLocal ?? true,
      remote: options.includeRemote ?? true,
      readOnly: options.includeReadOnly ?? true,
      readWrite: options.includeReadWrite ?? true,
    };
    const books = options.parentId === undefined ? [...this.books.values()] : [this.requireBook(options.parentId)];
    const query = options.providerQuery === "searchBox" ? quickSearchQuery(searchString) : null;
    const results: QuickSearchResult[] = [];
    const remoteSearches: Promise<void>[] = [];
    for (const book of books) {
      const remote = book.provider !== undefined;
      const readOnly = this.isReadOnly(book);
      if ((remote ? !include.remote : !include.local) || (readOnly ? !include.readOnly : !include.readWrite)) continue;
      if (book.provider === undefined) {
        for (const contact of book.contacts.values()) {
          if (matchesWords(thunderbirdProperties(parseVCard(contact.vCard)), words)) {
            results.push({ ...this.contactInfo(contact), readOnly, remote });
          }
        }
      } else {
        remoteSearches.push(this.searchProvider(book, book.provider, searchString, query, results));
      }
    }
    await Promise.all(remoteSearches);
    return results;
  }

  private async searchProvider(
    book: BookRecord,
    handler: ProviderSearchHandler,
    searchString: string,
    query: string | null,
    into: QuickSearchResult[],
  ): Promise<void> {
    try {
      const answer = await handler(searchString, query);
      for (const result of answer.results) {
        const properties = parseVCard(result.vCard);
        const uid = firstValue(properties, "uid");
        const id = typeof uid === "string" && uid !== "" ? uid : crypto.randomUUID();
        into.push({ id, parentId: book.id, vCard: serialiseVCard(properties), readOnly: true, remote: true });
      }
    } catch {
      // Thunderbird ends that book's search with an error status: the user just sees fewer results.
    }
  }

  // ───────────── calls on the main thread ─────────────

  private costOf(call: AddressBookCall, listedBookId: string | undefined): number {
    const base = typeof this.latency === "number" ? this.latency : (this.latency?.[call] ?? 0);
    const listed = listedBookId === undefined ? 0 : (this.books.get(listedBookId)?.contacts.size ?? 0);
    return base + listed * this.perListedContactMs;
  }

  private onMainThread<T>(call: AddressBookCall, op: () => T, listedBookId?: string): Promise<T> {
    this.calls[call]++;
    const cost = this.costOf(call, listedBookId);
    let deadline = 0;
    if (cost > 0) {
      // An absolute schedule keeps the total right even when timers fire late.
      deadline = Math.max(performance.now(), this.mainThreadFreeAt) + cost;
      this.mainThreadFreeAt = deadline;
    }
    const result = this.mainThread.then(async () => {
      if (deadline > 0) await sleepUntil(deadline);
      return op();
    });
    this.mainThread = result.then(noop, noop);
    return result;
  }

  private makeAddressBooksApi(run: Runner): AddressBooksApi {
    const on =
      <K extends EventName>(kind: K) =>
      (listener: Listener<K>): Unsubscribe => {
        const set: Set<Listener<K>> = this.listeners[kind];
        set.add(listener);
        return () => {
          set.delete(listener);
        };
      };
    return {
      listBooks: () => run("listBooks", () => [...this.books.values()].map((b) => this.bookInfo(b))),
      createBook: (name) => run("createBook", () => this.createBook(name)),
      renameBook: (id, name) => run("renameBook", () => this.renameBook(id, name)),
      deleteBook: (id) => run("deleteBook", () => this.deleteBook(id)),
      listContacts: (bookId) =>
        run("listContacts", () => [...this.requireBook(bookId).contacts.values()].map((c) => this.contactInfo(c)), bookId),
      getContact: (id) =>
        run("getContact", () => {
          const contact = this.contactIndex.get(id);
          return contact === undefined ? null : this.contactInfo(contact);
        }),
      createContact: (bookId, vCard) => run("createContact", () => this.createContact(bookId, vCard)),
      updateContact: (id, vCard) => run("updateContact", () => this.updateContact(id, vCard)),
      deleteContact: (id) => run("deleteContact", () => this.deleteContact(id)),
      setContactPhoto: (id, png, type) => run("setContactPhoto", () => this.setContactPhoto(id, png, type)),
      listLists: (bookId) => run("listLists", () => [...this.requireBook(bookId).lists.values()].map((l) => this.listInfo(l))),
      createList: (bookId, fields) => run("createList", () => this.createList(bookId, fields)),
      updateList: (id, fields) => run("updateList", () => this.updateList(id, fields)),
      deleteList: (id) => run("deleteList", () => this.deleteList(id)),
      listMembers: (listId) =>
        run("listMembers", () => {
          const list = this.requireList(listId);
          // Thunderbird gives list members the list as parent.
          return list.members.map((id) => ({ ...this.contactInfo(this.requireContact(id)), parentId: list.id }));
        }),
      addMember: (listId, contactId) => run("addMember", () => this.addMember(listId, contactId)),
      removeMember: (listId, contactId) => run("removeMember", () => this.removeMember(listId, contactId)),
      onBookCreated: on("bookCreated"),
      onBookUpdated: on("bookUpdated"),
      onBookDeleted: on("bookDeleted"),
      onContactCreated: on("contactCreated"),
      onContactUpdated: on("contactUpdated"),
      onContactDeleted: on("contactDeleted"),
      onListCreated: on("listCreated"),
      onListUpdated: on("listUpdated"),
      onListDeleted: on("listDeleted"),
      onListMemberAdded: on("memberAdded"),
      onListMemberRemoved: on("memberRemoved"),
    };
  }

  // ───────────── events ─────────────

  private emit<K extends EventName>(kind: K, ...args: EventArgs[K]): void {
    this.pendingEvents.push(() => {
      const set: Set<Listener<K>> = this.listeners[kind];
      for (const listener of [...set]) {
        // Each listener gets its own copy, as each would from Thunderbird's serialisation.
        this.callListener(listener, structuredClone(args));
      }
    });
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setTimeout(() => this.drainEvents(), 0);
    }
  }

  private drainEvents(): void {
    this.drainScheduled = false;
    const events = this.pendingEvents;
    this.pendingEvents = [];
    for (const deliver of events) deliver();
  }

  private callListener<A extends unknown[]>(listener: (...args: A) => unknown, args: A): void {
    try {
      const returned: unknown = listener(...args);
      if (isPromiseLike(returned)) returned.then(noop, (error: unknown) => this.listenerErrors.push(error));
    } catch (error) {
      this.listenerErrors.push(error);
    }
  }

  // ───────────── conversions ─────────────

  private isReadOnly(book: BookRecord): boolean {
    return book.readOnly || book.provider !== undefined;
  }

  private bookInfo(book: BookRecord): AddressBookInfo {
    return { id: book.id, name: book.name, readOnly: this.isReadOnly(book), remote: book.provider !== undefined };
  }

  /** As contacts.get shows it: a photo kept as a file is added to the vCard on the way out. */
  private contactInfo(contact: ContactRecord): ContactInfo {
    let vCard = contact.vCard;
    if (contact.photoFile !== undefined) {
      const properties = parseVCard(vCard);
      if (!properties.some((p) => p[0] === "photo" && p[3])) {
        properties.push(photoProperty(properties, contact.photoFile));
        vCard = serialiseVCard(properties);
      }
    }
    return { id: contact.id, parentId: contact.bookId, vCard };
  }

  private listInfo(list: ListRecord): MailingListInfo {
    return { id: list.id, parentId: list.bookId, name: list.name, nickName: list.nickName, description: list.description };
  }

  private requireBook(id: string): BookRecord {
    const book = this.books.get(id);
    if (book === undefined) throw bookNotFound(id);
    return book;
  }

  private requireContact(id: string): ContactRecord {
    const contact = this.contactIndex.get(id);
    if (contact === undefined) throw contactNotFound(id);
    return contact;
  }

  private requireList(id: string): ListRecord {
    const list = this.listIndex.get(id);
    if (list === undefined) throw listNotFound(id);
    return list;
  }

  // ───────────── books ─────────────

  private addBookRecord(id: string, name: string, provider?: ProviderSearchHandler): BookRecord {
    const book: BookRecord = { id, name, readOnly: false, contacts: new Map(), lists: new Map() };
    if (provider !== undefined) book.provider = provider;
    this.books.set(id, book);
    return book;
  }

  private createBook(name: string): string {
    if (name === "") throw new Error(UNEXPECTED_ERROR);
    const book = this.addBookRecord(crypto.randomUUID(), name);
    this.emit("bookCreated", this.bookInfo(book));
    return book.id;
  }

  private renameBook(id: string, name: string): void {
    const book = this.requireBook(id);
    book.name = name;
    this.emit("bookUpdated", this.bookInfo(book));
  }

  private deleteBook(id: string): void {
    const book = this.requireBook(id);
    for (const contactId of book.contacts.keys()) this.contactIndex.delete(contactId);
    for (const listId of book.lists.keys()) this.listIndex.delete(listId);
    this.books.delete(id);
    // Only the book's own event: Thunderbird fires none for the contacts and lists it held.
    this.emit("bookDeleted", id);
  }

  // ───────────── contacts ─────────────

  private createContact(bookId: string, vCard: string): string {
    const book = this.requireBook(bookId);
    if (this.isReadOnly(book)) throw new Error("Cannot create a contact in a read-only address book");
    // An empty string is no vCard to Thunderbird: it creates an empty contact.
    const properties = parseVCard(vCard === "" ? "BEGIN:VCARD\r\nVERSION:4.0\r\nEND:VCARD" : vCard);
    const uid = firstValue(properties, "uid");
    const hasUid = typeof uid === "string" && uid !== "";
    if (hasUid && this.contactIndex.has(uid)) throw new Error(`Duplicate contact id: ${uid}`);
    const id = hasUid ? uid : crypto.randomUUID();
    const contact: ContactRecord = { id, bookId, vCard: serialiseVCard(hasUid ? properties : withUid(properties, id)) };
    book.contacts.set(id, contact);
    this.contactIndex.set(id, contact);
    this.emit("contactCreated", this.contactInfo(contact));
    return id;
  }

  private updateContact(id: string, vCard: string): void {
    const contact = this.requireContact(id);
    const book = this.requireBook(contact.bookId);
    if (this.isReadOnly(book)) throw new Error("Cannot modify a contact in a read-only address book");
    const before = contact.vCard;
    // An empty string is no vCard to Thunderbird: nothing to change, but the write still happens.
    if (vCard !== "") {
      const properties = parseVCard(vCard);
      const uid = firstValue(properties, "uid");
      const hasUid = typeof uid === "string" && uid !== "";
      if (hasUid && uid !== id) throw new Error(`The card's UID ${id} may not be changed: ${vCard}.`);
      contact.vCard = serialiseVCard(hasUid ? properties : withUid(properties, id));
    }
    // Thunderbird notifies every modifyCard, even when nothing changed (changed = []).
    this.emit("contactUpdated", this.contactInfo(contact), changedPropertyNames(before, contact.vCard));
  }

  private deleteContact(id: string): void {
    const contact = this.requireContact(id);
    const book = this.requireBook(contact.bookId);
    if (this.isReadOnly(book)) throw new Error("Cannot delete a contact in a read-only address book");
    book.contacts.delete(id);
    this.contactIndex.delete(id);
    this.emit("contactDeleted", book.id, id);
    for (const list of book.lists.values()) {
      const index = list.members.indexOf(id);
      if (index === -1) continue;
      list.members.splice(index, 1);
      this.emit("memberRemoved", list.id, id);
    }
  }

  /**
   * Thunderbird keeps a local book's photo as a file next to the card; only a card whose vCard
   * already holds a photo URL gets the new photo inside its vCard.
   */
  private setContactPhoto(id: string, bytes: Uint8Array, type: string): void {
    const contact = this.requireContact(id);
    const failure = (reason: string) => new Error(`Failed to read new photo information for ${id}: ${reason}`);
    const [major, minor] = type.toLowerCase().split("/");
    if (major !== "image" || (minor !== "jpeg" && minor !== "png")) {
      throw failure(`Error: Unsupported image format: ${type}`);
    }
    if (this.isReadOnly(this.requireBook(contact.bookId))) throw failure("Directory is read-only");
    const photo: StoredPhoto = { bytes: bytes.slice(), type: `image/${minor}` };
    const properties = parseVCard(contact.vCard);
    const before = contact.vCard;
    if (vCardPhotoUrl(properties) !== undefined) {
      const withoutPhoto = properties.filter((p) => p[0] !== "photo");
      withoutPhoto.push(photoProperty(withoutPhoto, photo));
      contact.vCard = serialiseVCard(withoutPhoto);
    } else {
      contact.photoFile = photo;
    }
    this.emit("contactUpdated", this.contactInfo(contact), changedPropertyNames(before, contact.vCard));
  }

  // ───────────── mailing lists ─────────────

  private createList(bookId: string, fields: MailingListFields): string {
    const book = this.requireBook(bookId);
    if (this.isReadOnly(book)) throw new Error("Cannot create a mailing list in a read-only address book");
    if (!isValidListName(fields.name)) throw new Error(UNEXPECTED_ERROR);
    const list: ListRecord = {
      id: crypto.randomUUID(),
      bookId,
      name: fields.name,
      nickName: fields.nickName ?? "",
      description: fields.description ?? "",
      members: [],
    };
    book.lists.set(list.id, list);
    this.listIndex.set(list.id, list);
    this.emit("listCreated", this.listInfo(list));
    return list.id;
  }

  private updateList(id: string, fields: MailingListFields): void {
    const list = this.requireList(id);
    if (this.isReadOnly(this.requireBook(list.bookId))) {
      throw new Error("Cannot modify a mailing list in a read-only address book");
    }
    if (!isValidListName(fields.name)) throw new Error(UNEXPECTED_ERROR);
    list.name = fields.name;
    list.nickName = fields.nickName ?? "";
    list.description = fields.description ?? "";
    this.emit("listUpdated", this.listInfo(list));
  }

  private deleteList(id: string): void {
    const list = this.requireList(id);
    const book = this.requireBook(list.bookId);
    if (this.isReadOnly(book)) throw new Error("Cannot delete a mailing list in a read-only address book");
    book.lists.delete(id);
    this.listIndex.delete(id);
    this.emit("listDeleted", book.id, id);
  }

  private addMember(listId: string, contactId: string): void {
    const list = this.requireList(listId);
    if (this.isReadOnly(this.requireBook(list.bookId))) {
      throw new Error("Cannot add to a mailing list in a read-only address book");
    }
    const contact = this.requireContact(contactId);
    if (!thunderbirdProperties(parseVCard(contact.vCard)).get("PrimaryEmail")) return;
    if (contact.bookId !== list.bookId) {
      // Thunderbird would silently copy the contact into the list's book under the same UID,
      // leaving two contacts with one id: surely a bug in the caller.
      throw new Error(`in-memory Thunderbird: contact ${contactId} is not in the address book of list ${listId}`);
    }
    // REPLACE INTO list_cards: a member added again moves to the end, and is announced again.
    const index = list.members.indexOf(contactId);
    if (index !== -1) list.members.splice(index, 1);
    list.members.push(contactId);
    this.emit("memberAdded", listId, contactId);
  }

  private removeMember(listId: string, contactId: string): void {
    const list = this.requireList(listId);
    if (this.isReadOnly(this.requireBook(list.bookId))) {
      throw new Error("Cannot remove from a mailing list in a read-only address book");
    }
    this.requireContact(contactId);
    const index = list.members.indexOf(contactId);
    if (index === -1) return;
    list.members.splice(index, 1);
    this.emit("memberRemoved", listId, contactId);
  }

  // ───────────── provider books ─────────────

  private registerProvider(id: string, name: string, handler: ProviderSearchHandler): Unsubscribe {
    this.calls.registerProvider++;
    if (this.books.has(id)) throw new Error(`addressBook with id=${id} already exists.`);
    const book = this.addBookRecord(id, name, handler);
    this.emit("bookCreated", this.bookInfo(book));
    return () => {
      // Only this registration's book: the id may have been deleted or registered again since.
      if (this.books.get(id) !== book) return;
      this.calls.unregisterProvider++;
      this.books.delete(id);
      this.emit("bookDeleted", id);
    };
  }

  // ───────────── alarms ─────────────

  private createAlarm(name: string, periodMinutes: number, listener: () => void): Unsubscribe {
    this.calls.createAlarm++;
    const alarm = { periodMinutes, listener };
    this.alarmRegistry.set(name, alarm);
    return () => {
      if (this.alarmRegistry.get(name) !== alarm) return;
      this.calls.clearAlarm++;
      this.alarmRegistry.delete(name);
    };
  }
}

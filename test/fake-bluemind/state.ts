// The whole in-memory state of the fake server: domains, users, address books (items, changelog,
// ACL, photos), subscriptions, sessions and API keys. Plain data plus lookups; the rules that
// change it (versioning, sanitising, group rewrite) live in card-store.ts and the routes.
import type { VCard } from "../../src/bluemind/models.ts";
import { Changelog } from "./changelog.ts";
import type { Lang, Verb } from "./types.ts";

export const DEFAULT_SESSION_IDLE_MS = 20 * 60 * 1000;

export interface User {
  uid: string;
  login: string;
  password: string;
  displayName: string;
  domainUid: string;
  email: string;
  lang: Lang;
  roles: string[];
  passwordExpired: boolean;
}

export interface Session {
  key: string;
  userUid: string;
  lastUsed: number;
  origin: string | null;
}

export interface ApiKeyRecord {
  sid: string;
  displayName: string;
  userUid: string;
  domainUid: string;
}

export interface Subscription {
  containerUid: string;
  offlineSync: boolean;
  automount: boolean;
}

/** One stored card. Replaced (never mutated) on every change, so caches can key on the object. */
export interface StoredItem {
  readonly uid: string;
  readonly internalId: number;
  readonly version: number;
  readonly displayName: string | null;
  readonly created: number;
  readonly updated: number;
  readonly createdBy: string;
  readonly updatedBy: string;
  readonly value: VCard;
}

/** Default books get their name from the reader's language, as BlueMind translates them. */
export type DefaultBookKind = "contacts" | "collected" | "directory";

const DEFAULT_BOOK_NAMES: Record<DefaultBookKind, Record<Lang, string>> = {
  contacts: { fr: "Mes contacts", en: "My contacts" },
  collected: { fr: "Contacts collectés", en: "Collected contacts" },
  directory: { fr: "Annuaire", en: "Directory" },
};

export interface BookInit {
  uid: string;
  name: string;
  nameKey?: DefaultBookKind | null;
  owner: string;
  domainUid: string;
  defaultContainer?: boolean;
  internalId: number;
}

export class Book {
  readonly uid: string;
  name: string;
  nameKey: DefaultBookKind | null;
  readonly owner: string;
  readonly domainUid: string;
  readonly defaultContainer: boolean;
  internalId: number;
  readonly acl = new Map<string, Verb[]>();
  readonly photos = new Map<string, Buffer>();
  /** Uids of the cards of kind group, to find the groups to rewrite without scanning the book. */
  readonly groupUids = new Set<string>();
  private itemMap = new Map<string, StoredItem>();
  private log = new Changelog();
  private currentVersion = 0;
  private loader: (() => void) | null = null;
  private plannedCount = 0;
  /** Bumped on every change of `items` (photos included), so search indexes know when to rebuild. */
  revision = 0;
  /** A lower item limit than BlueMind's (card-store.ts MAX_ITEMS), set by tests; kept on re-creation. */
  itemLimit: number | undefined;

  constructor(init: BookInit) {
    this.uid = init.uid;
    this.name = init.name;
    this.nameKey = init.nameKey ?? null;
    this.owner = init.owner;
    this.domainUid = init.domainUid;
    this.defaultContainer = init.defaultContainer ?? false;
    this.internalId = init.internalId;
  }

  /** BlueMind's test: a domain book is its own owner; it has no item limit. */
  get isDomainBook(): boolean {
    return this.owner === this.uid;
  }

  /** Fill the book on first use only, so that big datasets start instantly. */
  setLoader(count: number, load: () => void): void {
    this.loader = load;
    this.plannedCount = count;
  }

  private ensureLoaded(): void {
    if (this.loader) {
      const load = this.loader;
      this.loader = null;
      load();
    }
  }

  get items(): Map<string, StoredItem> {
    this.ensureLoaded();
    return this.itemMap;
  }

  get changelog(): Changelog {
    this.ensureLoaded();
    return this.log;
  }

  get version(): number {
    this.ensureLoaded();
    return this.currentVersion;
  }

  /** Item count without forcing a lazy book to load. */
  get count(): number {
    return this.loader ? this.plannedCount : this.itemMap.size;
  }

  nextVersion(): number {
    this.ensureLoaded();
    this.currentVersion += 1;
    return this.currentVersion;
  }

  /** Empty everything (used when the container is deleted and re-created under the same uid). */
  reset(internalId: number): void {
    this.loader = null;
    this.itemMap = new Map();
    this.log = new Changelog();
    this.currentVersion = 0;
    this.photos.clear();
    this.groupUids.clear();
    this.internalId = internalId;
    this.revision += 1;
  }

  displayNameFor(lang: Lang): string {
    return this.nameKey ? DEFAULT_BOOK_NAMES[this.nameKey][lang] : this.name;
  }
}

export interface Domain {
  uid: string;
}

export class FakeState {
  readonly domains = new Map<string, Domain>();
  readonly users = new Map<string, User>();
  readonly books = new Map<string, Book>();
  /** userUid → containerUid → subscription. */
  readonly subscriptions = new Map<string, Map<string, Subscription>>();
  readonly sessions = new Map<string, Session>();
  readonly apiKeys = new Map<string, ApiKeyRecord>();
  sessionIdleMs: number;
  /** The installation's default domain, as /api/system/installation/_infos tells it. */
  defaultDomain: string | null = null;
  /** False: that endpoint answers 404 as on a server (or proxy) that does not offer it. */
  installationInfos = true;
  /** Added to Date.now(), so tests can age sessions without waiting. */
  clockOffsetMs = 0;
  private lastContainerId = 0;
  private lastItemId = 0;

  constructor(sessionIdleMs = DEFAULT_SESSION_IDLE_MS) {
    this.sessionIdleMs = sessionIdleMs;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  nextContainerId(): number {
    return ++this.lastContainerId;
  }

  nextItemId(): number {
    return ++this.lastItemId;
  }

  userByLogin(login: string): User | undefined {
    const wanted = login.trim().toLowerCase();
    for (const user of this.users.values()) if (user.login.toLowerCase() === wanted) return user;
    return undefined;
  }

  subscriptionsOf(userUid: string): Map<string, Subscription> {
    let subs = this.subscriptions.get(userUid);
    if (!subs) {
      subs = new Map();
      this.subscriptions.set(userUid, subs);
    }
    return subs;
  }

  subscribe(userUid: string, containerUid: string, offlineSync: boolean, automount = true): void {
    const subs = this.subscriptionsOf(userUid);
    const existing = subs.get(containerUid);
    // Subscribing again only changes the sync flag (there is no updateSubscriptions).
    if (existing) existing.offlineSync = offlineSync;
    else subs.set(containerUid, { containerUid, offlineSync, automount });
  }

  unsubscribeEveryone(containerUid: string): void {
    for (const subs of this.subscriptions.values()) subs.delete(containerUid);
  }

  /** Display name of a book's owner: the user's name, or the domain for the domain directory. */
  ownerDisplayName(book: Book): string {
    return this.users.get(book.owner)?.displayName ?? book.domainUid;
  }

  ownerDirEntryPath(book: Book): string {
    return book.isDomainBook ? `${book.domainUid}/addressbooks/${book.uid}` : `${book.domainUid}/users/${book.owner}`;
  }
}

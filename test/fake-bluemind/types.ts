// Public types of the fake BlueMind server (the contract other helpers code against: keep stable).
import type { ItemValue, VCard } from "../../src/bluemind/models.ts";

/** BlueMind ACL verbs the address books use. Write implies ReadExtended implies Read; All implies all. */
export type Verb = "All" | "Manage" | "Write" | "ReadExtended" | "Read";

export type Lang = "fr" | "en";

export interface UserSpec {
  uid: string;
  /** Full login, `user@domain`. */
  login: string;
  password: string;
  displayName: string;
  lang?: Lang;
  roles?: string[];
  /** Default email; defaults to the login. */
  email?: string;
  /** Login with the password answers `status: "Expired"`. */
  passwordExpired?: boolean;
  /** Create an API key for this user at start-up (a given sid, or `true` for a generated one). */
  apiKey?: string | boolean;
  /** Content of `book:Contacts_<uid>`: a count of generated cards (groups included) or the cards. */
  contacts?: number | ItemValue<VCard>[];
  /** Number of groups among the generated contacts (default 0). */
  contactGroups?: number;
  /** Content of `book:CollectedContacts_<uid>`. */
  collected?: number | ItemValue<VCard>[];
}

export interface BookSpec {
  uid: string;
  name: string;
  owner: string;
  items?: number | ItemValue<VCard>[];
  groups?: number;
  /** Extra ACL entries (the owner always gets All). Subjects are user uids or a domain uid. */
  acl?: Record<string, Verb[]>;
  subscribers?: { userUid: string; offlineSync: boolean }[];
}

/** Grant rights on an existing book (e.g. a user's default book) and optionally subscribe the subject. */
export interface ShareSpec {
  bookUid: string;
  /** A user uid. */
  subject: string;
  verbs: Verb[];
  /** Subscribe the subject with this offlineSync flag; omitted = not subscribed. */
  offlineSync?: boolean;
}

export interface DatasetSpec {
  domain: string;
  /**
   * The domain directory `addressbook_<domain>`: every user gets Read and an unsynced
   * subscription. The users' own cards come first, then `count` generated people.
   */
  directory?: { count: number } | { items: ItemValue<VCard>[] };
  users: UserSpec[];
  books?: BookSpec[];
  shares?: ShareSpec[];
}

export interface FakeBlueMindOptions {
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Named dataset ("minimal" default, "demo", "big") or a spec. */
  dataset?: string | DatasetSpec;
  /** Default 20 min; sessions unused for that long answer 401. */
  sessionIdleMs?: number;
  /** Seed of the data generator (default 1). */
  seed?: number;
  /** The installation's default domain (/api/system/installation/_infos): the dataset's domain
   * by default; null for an installation where none is set. */
  defaultDomain?: string | null;
  /** Default true; false makes /api/system/installation/_infos answer 404 (no such service). */
  installationInfos?: boolean;
}

export interface RequestLogEntry {
  method: string;
  /** Path with query string. */
  path: string;
  /** 0 when the connection was dropped on purpose. */
  status: number;
  durationMs: number;
  /** Epoch ms when the request arrived. */
  at: number;
}

export type FaultKind = "status" | "delay" | "drop" | "malformed" | "empty" | "expire";

export interface FaultRule {
  method?: string;
  /** A RegExp tested on the path (without query), or a glob where `*` matches anything. */
  pathPattern: RegExp | string;
  /** Number of matching calls affected (default 1; Infinity for all, written -1 over HTTP). */
  times?: number;
  kind: FaultKind;
  /** kind "status": HTTP status (default 500), errorCode (default "UNKNOWN"), message. */
  status?: number;
  errorCode?: string;
  message?: string;
  /** kind "delay": milliseconds before the call is handled normally. */
  delayMs?: number;
}

export interface FaultInjector {
  inject(rule: FaultRule): void;
  clear(): void;
  /** Rules still active, with their remaining counts. */
  active(): FaultRule[];
}

export interface DatasetUserInfo {
  uid: string;
  login: string;
  password: string;
  displayName: string;
  domainUid: string;
  lang: Lang;
  roles: string[];
}

export interface DatasetBookInfo {
  uid: string;
  name: string;
  owner: string;
  count: number;
  /** userUid → offlineSync of that user's subscription. */
  subscribers: Record<string, boolean>;
}

export interface DatasetInfo {
  domain: string;
  users: DatasetUserInfo[];
  /** login → API key sid. */
  apiKeys: Record<string, string>;
  books: DatasetBookInfo[];
}

export interface AddBookSpec {
  uid: string;
  name: string;
  owner: string;
  /** A count of generated cards (groups included) or the cards themselves. */
  items?: number | ItemValue<VCard>[];
  /** Number of groups among generated cards. */
  groups?: number;
  acl?: Record<string, Verb[]>;
  /** The book's item limit, below BlueMind's 15,000 (MAX_ITEMS): a full book without 15,000 cards. */
  maxItems?: number;
}

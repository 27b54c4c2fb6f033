// What the background publishes about the account and its books: read by the options page
// (through messages) and by tests (from storage.local under STATUS_KEY). Both come from outside
// the page's or the background's own memory, so they are checked with the guards below.
import { arrayOf, isBoolean, isFiniteNumber, isString, nullable, objectGuard, oneOf, optional } from "./parse.ts";

export const STATUS_KEY = "status";
export const ACTIVITY_LIMIT = 200;

const ACCOUNT_STATUSES = ["disconnected", "connecting", "connected", "needs-sign-in", "error"] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export interface AccountState {
  status: AccountStatus;
  serverUrl: string | null;
  login: string | null;
  displayName: string | null;
  userUid: string | null;
  domainUid: string | null;
  /** A sentence for the user when status is needs-sign-in or error. */
  message: string | null;
  /** When the account last reached the server successfully (epoch ms). */
  lastContact: number | null;
}

const BOOK_DISPLAY_STATES = ["pending", "syncing", "synced", "error", "search-only"] as const;
/** What the options page shows of a book (not the sync engine's stored BookSyncState). */
export type BookDisplayState = (typeof BOOK_DISPLAY_STATES)[number];

export interface BookStatus {
  containerUid: string;
  /** The name shown in Thunderbird (design.md naming rule). */
  name: string;
  ownerDisplayName: string;
  /** "My address books" when true, "Other address books" otherwise. */
  ownedByUser: boolean;
  /** The domain directory: shared by nobody in particular, so no owner is shown. */
  isDomainDirectory: boolean;
  sync: boolean;
  readOnly: boolean;
  itemCount: number | null;
  state: BookDisplayState;
  progress: { done: number; total: number } | null;
  lastSuccess: number | null;
  lastError: string | null;
}

const ACTIVITY_LEVELS = ["info", "warning", "error"] as const;
/** The one set of log levels: the activity log's, the sync's and the search's. */
export type ActivityLevel = (typeof ACTIVITY_LEVELS)[number];

export interface ActivityEntry {
  at: number;
  level: ActivityLevel;
  message: string;
  containerUid?: string;
}

export interface StatusSnapshot {
  account: AccountState;
  books: BookStatus[];
  syncing: boolean;
  lastSyncStarted: number | null;
  lastSyncEnded: number | null;
  activity: ActivityEntry[];
}

export function emptyAccountState(): AccountState {
  return {
    status: "disconnected",
    serverUrl: null,
    login: null,
    displayName: null,
    userUid: null,
    domainUid: null,
    message: null,
    lastContact: null,
  };
}

const isNumberOrNull = nullable(isFiniteNumber);
const isStringOrNull = nullable(isString);

export const isAccountState = objectGuard<AccountState>({
  status: oneOf(ACCOUNT_STATUSES),
  serverUrl: isStringOrNull,
  login: isStringOrNull,
  displayName: isStringOrNull,
  userUid: isStringOrNull,
  domainUid: isStringOrNull,
  message: isStringOrNull,
  lastContact: isNumberOrNull,
});

const isProgress = objectGuard<{ done: number; total: number }>({ done: isFiniteNumber, total: isFiniteNumber });

export const isBookStatus = objectGuard<BookStatus>({
  containerUid: isString,
  name: isString,
  ownerDisplayName: isString,
  ownedByUser: isBoolean,
  isDomainDirectory: isBoolean,
  sync: isBoolean,
  readOnly: isBoolean,
  itemCount: isNumberOrNull,
  state: oneOf(BOOK_DISPLAY_STATES),
  progress: nullable(isProgress),
  lastSuccess: isNumberOrNull,
  lastError: isStringOrNull,
});

export const isActivityEntry = objectGuard<ActivityEntry>({ at: isFiniteNumber, level: oneOf(ACTIVITY_LEVELS), message: isString, containerUid: optional(isString) });

export const isStatusSnapshot = objectGuard<StatusSnapshot>({
  account: isAccountState,
  books: arrayOf(isBookStatus),
  syncing: isBoolean,
  lastSyncStarted: isNumberOrNull,
  lastSyncEnded: isNumberOrNull,
  activity: arrayOf(isActivityEntry),
});

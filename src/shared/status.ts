// What the background publishes about the account and its books: read by the options page
// (through messages) and by tests (from storage.local under STATUS_KEY). Both come from outside
// the page's or the background's own memory, so they are checked with the guards below.
// Everything the user reads in it is a UserText (a message id and its arguments): the guards refuse
// a plain string there, so no sentence can reach the page without being translatable.
import { arrayOf, isBoolean, isFiniteNumber, isString, nullable, objectGuard, oneOf, optional } from "./parse.ts";
import { isUserText, type MessageKey, type UserText } from "./user-text.ts";

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
  /** What to tell the user when status is needs-sign-in or error. */
  message: UserText | null;
  /** When the account last reached the server successfully (epoch ms). */
  lastContact: number | null;
}

const BOOK_DISPLAY_STATES = ["pending", "syncing", "synced", "error", "search-only", "held"] as const;
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
  lastError: UserText | null;
  /** State "held": the deletions BlueMind asks for, waiting for the user's answer (deletion-guard.ts). */
  heldDeletions?: number;
  /** Contacts the last integrity check found differing from BlueMind's (sync/integrity.ts). */
  drift?: number;
  /** Local-only copies of contacts already synced, kept from BlueMind (sync/local-copies.ts). */
  copies?: BookCopies;
}

export interface BookCopies {
  count: number;
  /** A few of their names, for the user to recognise them. */
  names: string[];
}

const ACTIVITY_LEVELS = ["info", "warning", "error"] as const;
/** The one set of log levels: the activity log's, the sync's and the search's. */
export type ActivityLevel = (typeof ACTIVITY_LEVELS)[number];

export interface ActivityEntry {
  at: number;
  level: ActivityLevel;
  message: UserText;
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

/**
 * What another extension may read when the administrator's policy lists it (companionExtensions):
 * states, times and counts. No login, no server, no book name, no log line and no message
 * argument (those hold contact values and the server's words): a problem is named by its message
 * id only.
 */
export interface CompanionStatus {
  account: { status: AccountStatus; problem: MessageKey | null };
  syncing: boolean;
  lastSyncStarted: number | null;
  lastSyncEnded: number | null;
  books: CompanionBookStatus[];
}

export interface CompanionBookStatus {
  containerUid: string;
  sync: boolean;
  readOnly: boolean;
  state: BookDisplayState;
  itemCount: number | null;
  progress: { done: number; total: number } | null;
  lastSuccess: number | null;
  problem: MessageKey | null;
}

export function companionStatus(snapshot: StatusSnapshot): CompanionStatus {
  return {
    account: { status: snapshot.account.status, problem: snapshot.account.message?.key ?? null },
    syncing: snapshot.syncing,
    lastSyncStarted: snapshot.lastSyncStarted,
    lastSyncEnded: snapshot.lastSyncEnded,
    books: snapshot.books.map((book) => ({
      containerUid: book.containerUid,
      sync: book.sync,
      readOnly: book.readOnly,
      state: book.state,
      itemCount: book.itemCount,
      progress: book.progress,
      lastSuccess: book.lastSuccess,
      problem: book.lastError?.key ?? null,
    })),
  };
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
  message: nullable(isUserText),
  lastContact: isNumberOrNull,
});

const isBookCopies = objectGuard<BookCopies>({ count: isFiniteNumber, names: arrayOf(isString) });

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
  lastError: nullable(isUserText),
  heldDeletions: optional(isFiniteNumber),
  drift: optional(isFiniteNumber),
  copies: optional(isBookCopies),
});

export const isActivityEntry = objectGuard<ActivityEntry>({ at: isFiniteNumber, level: oneOf(ACTIVITY_LEVELS), message: isUserText, containerUid: optional(isString) });

export const isStatusSnapshot = objectGuard<StatusSnapshot>({
  account: isAccountState,
  books: arrayOf(isBookStatus),
  syncing: isBoolean,
  lastSyncStarted: isNumberOrNull,
  lastSyncEnded: isNumberOrNull,
  activity: arrayOf(isActivityEntry),
});

// What the background publishes about the account and its books: read by the options page
// (through messages) and by tests (from storage.local under STATUS_KEY).

export const STATUS_KEY = "status";
export const ACTIVITY_LIMIT = 200;

export type AccountStatus = "disconnected" | "connecting" | "connected" | "needs-sign-in" | "error";

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

export type BookSyncState = "pending" | "syncing" | "synced" | "error" | "search-only";

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
  state: BookSyncState;
  progress: { done: number; total: number } | null;
  lastSuccess: number | null;
  lastError: string | null;
}

export type ActivityLevel = "info" | "warning" | "error";

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

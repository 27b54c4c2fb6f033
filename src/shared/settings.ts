// The user's settings, merged from the administrator's policy (managed storage, which wins and is
// shown read-only) and what the user chose in the options page.
import { isFiniteNumber, isRecord, isString, objectGuard } from "./parse.ts";

export const DEFAULT_SYNC_INTERVAL_MINUTES = 5;
/** BlueMind's own connector allows 1 minute to 1 day; background/managed-schema.json says the same. */
export const MIN_SYNC_INTERVAL_MINUTES = 1;
export const MAX_SYNC_INTERVAL_MINUTES = 1440;

export interface Settings {
  serverUrl: string | null;
  login: string | null;
  syncIntervalMinutes: number;
  /** "Publish address books created in Thunderbird" (BlueMind documents it as on by default). */
  publishLocalBooks: boolean;
  /**
   * Container uids of the search-only books the user keeps out of compose autocompletion (their
   * "Use in autocompletion" switch, off); every other book is used, as by default.
   */
  autocompleteOff: string[];
}

export const MANAGED_FIELDS = ["serverUrl", "login", "apiKey", "syncIntervalMinutes"] as const;
export type ManagedField = (typeof MANAGED_FIELDS)[number];

/** Every key of the administrator's policy: the settings above, and who else may read the status. */
export const POLICY_KEYS = [...MANAGED_FIELDS, "companionExtensions", "massDeletionPercent", "massDeletionMinContacts", "massDeletionMaxContacts"] as const;

/** When a sync's deletions wait for the user's answer (sync/deletion-guard.ts says why). */
export interface DeletionLimits {
  /** A book with at most this many items may lose any share of them without asking. */
  minBook: number;
  /** Share of the book (0–1) a sync may remove without asking. */
  maxShare: number;
  /** Items a sync may remove at once without asking, whatever the book's size. */
  maxCount: number;
}

/**
 * Half of a book, or 500 items: more than a person deletes by hand between two syncs (a sync runs
 * every few minutes), while a clean-up of a big shared book still passes a few hundred at a time.
 * Books of 20 or fewer are left alone: emptying a small book is an ordinary thing to do.
 */
export const DEFAULT_DELETION_LIMITS: DeletionLimits = { minBook: 20, maxShare: 0.5, maxCount: 500 };

export interface ResolvedSettings extends Settings {
  /** The API key sid to use, from the policy or from a past password sign-in. */
  apiKey: string | null;
  /** Which fields the administrator set: the options page shows them read-only. */
  managed: ManagedField[];
}

/** An API key of a past sign-in that Disconnect could not delete on BlueMind: tried again later. */
export interface PendingKeyDeletion {
  serverUrl: string;
  login: string;
  apiKey: string;
}

const isPendingKeyDeletion = objectGuard<PendingKeyDeletion>({ serverUrl: isString, login: isString, apiKey: isString });

export interface UserSettings {
  serverUrl?: string | null;
  login?: string | null;
  apiKey?: string | null;
  syncIntervalMinutes?: number;
  publishLocalBooks?: boolean;
  autocompleteOff?: string[];
  pendingKeyDeletion?: PendingKeyDeletion | null;
}

/** Values an administrator set through Thunderbird's enterprise policy (managed storage). */
export interface ManagedSettings {
  serverUrl?: string;
  login?: string;
  apiKey?: string;
  syncIntervalMinutes?: number;
  /** Ids of other extensions allowed to read a summary of the status and ask for a sync. */
  companionExtensions?: string[];
  /** DeletionLimits.maxShare in percent (1–100; 100 turns the share rule off). */
  massDeletionPercent?: number;
  massDeletionMinContacts?: number;
  massDeletionMaxContacts?: number;
}

/** The mass-deletion limits: the policy's where it set a usable value, the defaults elsewhere. */
export function deletionLimits(managed: ManagedSettings): DeletionLimits {
  const { massDeletionPercent: percent, massDeletionMinContacts: minBook, massDeletionMaxContacts: maxCount } = managed;
  const usable = (n: number | undefined, min: number, max: number): n is number => n !== undefined && Number.isFinite(n) && n >= min && n <= max;
  return {
    minBook: usable(minBook, 0, Number.MAX_SAFE_INTEGER) ? Math.floor(minBook) : DEFAULT_DELETION_LIMITS.minBook,
    maxShare: usable(percent, 1, 100) ? percent / 100 : DEFAULT_DELETION_LIMITS.maxShare,
    maxCount: usable(maxCount, 1, Number.MAX_SAFE_INTEGER) ? Math.floor(maxCount) : DEFAULT_DELETION_LIMITS.maxCount,
  };
}

/** Within MIN_SYNC_INTERVAL_MINUTES–MAX_SYNC_INTERVAL_MINUTES; undefined when not a number. */
export function clampSyncInterval(minutes: number | undefined): number | undefined {
  if (minutes === undefined || !Number.isFinite(minutes)) return undefined;
  return Math.min(MAX_SYNC_INTERVAL_MINUTES, Math.max(MIN_SYNC_INTERVAL_MINUTES, Math.round(minutes)));
}

/** The policy's values of the right type; anything else in managed storage is ignored. */
export function parseManagedSettings(value: unknown): ManagedSettings {
  const settings: ManagedSettings = {};
  if (!isRecord(value)) return settings;
  const { serverUrl, login, apiKey, syncIntervalMinutes, companionExtensions, massDeletionPercent, massDeletionMinContacts, massDeletionMaxContacts } = value;
  if (typeof serverUrl === "string") settings.serverUrl = serverUrl;
  if (typeof login === "string") settings.login = login;
  if (typeof apiKey === "string") settings.apiKey = apiKey;
  if (typeof syncIntervalMinutes === "number") settings.syncIntervalMinutes = syncIntervalMinutes;
  if (typeof massDeletionPercent === "number") settings.massDeletionPercent = massDeletionPercent;
  if (typeof massDeletionMinContacts === "number") settings.massDeletionMinContacts = massDeletionMinContacts;
  if (typeof massDeletionMaxContacts === "number") settings.massDeletionMaxContacts = massDeletionMaxContacts;
  if (Array.isArray(companionExtensions)) {
    // An entry that is not an id is dropped, not the list: the others stay allowed.
    settings.companionExtensions = companionExtensions.filter((id): id is string => typeof id === "string" && id.trim() !== "").map((id) => id.trim());
  }
  return settings;
}

/** The user's stored settings; a field of the wrong type (hand-edited storage) is left out. */
export function parseUserSettings(value: unknown): UserSettings {
  const settings: UserSettings = {};
  if (!isRecord(value)) return settings;
  const { serverUrl, login, apiKey, syncIntervalMinutes, publishLocalBooks, autocompleteOff, pendingKeyDeletion } = value;
  if (serverUrl === null || typeof serverUrl === "string") settings.serverUrl = serverUrl;
  if (login === null || typeof login === "string") settings.login = login;
  if (apiKey === null || typeof apiKey === "string") settings.apiKey = apiKey;
  if (isFiniteNumber(syncIntervalMinutes)) settings.syncIntervalMinutes = syncIntervalMinutes;
  if (typeof publishLocalBooks === "boolean") settings.publishLocalBooks = publishLocalBooks;
  if (Array.isArray(autocompleteOff)) settings.autocompleteOff = [...new Set(autocompleteOff.filter((uid): uid is string => typeof uid === "string" && uid !== ""))];
  if (pendingKeyDeletion === null || isPendingKeyDeletion(pendingKeyDeletion)) settings.pendingKeyDeletion = pendingKeyDeletion;
  return settings;
}

export function resolveSettings(managed: ManagedSettings, user: UserSettings): ResolvedSettings {
  const managedFields: ManagedField[] = [];
  const pick = <K extends ManagedField>(field: K, managedValue: ManagedSettings[K], userValue: ManagedSettings[K] | null | undefined) => {
    if (managedValue !== undefined && managedValue !== "") {
      managedFields.push(field);
      return managedValue;
    }
    return userValue ?? undefined;
  };
  const serverUrl = pick("serverUrl", managed.serverUrl?.trim(), user.serverUrl);
  const login = pick("login", managed.login?.trim(), user.login);
  // A policy key only makes sense with the policy's login: a user key belongs to the user's login.
  const apiKey = pick("apiKey", managed.apiKey?.trim(), user.apiKey);
  const interval = pick("syncIntervalMinutes", clampSyncInterval(managed.syncIntervalMinutes), clampSyncInterval(user.syncIntervalMinutes));
  return {
    serverUrl: serverUrl ?? null,
    login: login ?? null,
    apiKey: apiKey ?? null,
    syncIntervalMinutes: interval ?? DEFAULT_SYNC_INTERVAL_MINUTES,
    publishLocalBooks: user.publishLocalBooks ?? true,
    autocompleteOff: user.autocompleteOff ?? [],
    managed: managedFields,
  };
}

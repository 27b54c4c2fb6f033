// The user's settings, merged from the administrator's policy (managed storage, which wins and is
// shown read-only) and what the user chose in the options page.

export const DEFAULT_SYNC_INTERVAL_MINUTES = 5;

export interface Settings {
  serverUrl: string | null;
  login: string | null;
  syncIntervalMinutes: number;
  /** "Publish address books created in Thunderbird" (BlueMind documents it as on by default). */
  publishLocalBooks: boolean;
}

export type ManagedField = "serverUrl" | "login" | "apiKey" | "syncIntervalMinutes";

export interface ResolvedSettings extends Settings {
  /** The API key sid to use, from the policy or from a past password sign-in. */
  apiKey: string | null;
  /** Which fields the administrator set: the options page shows them read-only. */
  managed: ManagedField[];
}

export interface UserSettings {
  serverUrl?: string | null;
  login?: string | null;
  apiKey?: string | null;
  syncIntervalMinutes?: number;
  publishLocalBooks?: boolean;
}

export interface ManagedValues {
  serverUrl?: string;
  login?: string;
  apiKey?: string;
  syncIntervalMinutes?: number;
}

/** BlueMind's own connector allows 1 minute to 1 day; undefined when not a number. */
export function clampSyncInterval(minutes: number | undefined): number | undefined {
  if (minutes === undefined || !Number.isFinite(minutes)) return undefined;
  return Math.min(1440, Math.max(1, Math.round(minutes)));
}

export function resolveSettings(managed: ManagedValues, user: UserSettings): ResolvedSettings {
  const managedFields: ManagedField[] = [];
  const pick = <K extends ManagedField>(field: K, managedValue: ManagedValues[K], userValue: ManagedValues[K] | null | undefined) => {
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
    managed: managedFields,
  };
}

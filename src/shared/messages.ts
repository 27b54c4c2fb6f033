// The only contract between the options page and the background (design.md §3). Every request
// names its type; every answer is `{ok: true, ...}` or `{ok: false, error}` so the page can show
// the background's message instead of a bare rejection.
import type { ResolvedSettings } from "./settings.ts";
import type { StatusSnapshot } from "./status.ts";

export type PublicSettings = Omit<ResolvedSettings, "apiKey">;

export type Request =
  | { type: "getState" }
  | { type: "syncNow" }
  | { type: "signIn"; serverUrl: string; login: string; password: string }
  | { type: "signOut"; removeLocalBooks: boolean }
  | { type: "setSync"; containerUid: string; sync: boolean }
  | { type: "saveSettings"; syncIntervalMinutes?: number; publishLocalBooks?: boolean };

export interface StateAnswer {
  status: StatusSnapshot;
  settings: PublicSettings;
}

/** `code`: BlueMind's (or the client's) error code, for the page to word the errors it knows. */
export type Answer<T = StateAnswer> = { ok: true; value: T } | { ok: false; error: string; code?: string };

/** Pushed by the background to open pages whenever the status changes. */
export interface StatusPush {
  type: "status";
  status: StatusSnapshot;
}

export function isRequest(value: unknown): value is Request {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

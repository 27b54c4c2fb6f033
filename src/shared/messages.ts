// The only contract between the options page and the background (design.md §3). Every request
// names its type; every answer is `{ok: true, ...}` or `{ok: false, error}` so the page can show
// the background's message (a UserText, rendered in the page's language) instead of a bare
// rejection. A message arrives as an unknown value: the guards below check every field before it
// is used, and the background answers only its own pages (thunderbird/runtime-messaging.ts).
import { arrayOf, fieldsPass, isBoolean, isFiniteNumber, isRecord, isString, nullable, objectGuard, oneOf, optional, type FieldGuards } from "./parse.ts";
import { MANAGED_FIELDS, type ResolvedSettings } from "./settings.ts";
import { isStatusSnapshot, type StatusSnapshot } from "./status.ts";
import { isUserText, type UserText } from "./user-text.ts";

export type PublicSettings = Omit<ResolvedSettings, "apiKey">;

export type Request =
  | { type: "getState" }
  | { type: "syncNow" }
  | { type: "stopSync" }
  | { type: "signIn"; serverUrl: string; login: string; password: string }
  | { type: "signOut"; removeLocalBooks: boolean }
  | { type: "setSync"; containerUid: string; sync: boolean }
  | { type: "setAutocomplete"; containerUid: string; enabled: boolean }
  | { type: "saveSettings"; syncIntervalMinutes?: number; publishLocalBooks?: boolean }
  /** The user's answer to a book's held deletions (sync/deletion-guard.ts). */
  | { type: "answerDeletions"; containerUid: string; decision: "apply" | "keep" }
  /** Re-read a synced book from BlueMind and reconcile it (sync/integrity.ts). */
  | { type: "repairBook"; containerUid: string }
  /** Delete a synced book's local-only copies of its synced contacts (sync/copy-removal.ts). */
  | { type: "removeCopies"; containerUid: string };

export interface StateAnswer {
  status: StatusSnapshot;
  settings: PublicSettings;
}

/** `code`: BlueMind's (or the client's) error code, for the page to word the errors it knows. */
export type Answer<T = StateAnswer> = { ok: true; value: T } | { ok: false; error: UserText; code?: string };

/** Pushed by the background to open pages whenever the status changes. */
export interface StatusPush {
  type: "status";
  status: StatusSnapshot;
}

/** The fields of each request besides `type`: a new request type does not compile without its guards. */
const REQUEST_FIELDS: { [T in Request["type"]]: FieldGuards<Omit<Extract<Request, { type: T }>, "type">> } = {
  getState: {},
  syncNow: {},
  stopSync: {},
  signIn: { serverUrl: isString, login: isString, password: isString },
  signOut: { removeLocalBooks: isBoolean },
  setSync: { containerUid: isString, sync: isBoolean },
  setAutocomplete: { containerUid: isString, enabled: isBoolean },
  saveSettings: { syncIntervalMinutes: optional(isFiniteNumber), publishLocalBooks: optional(isBoolean) },
  answerDeletions: { containerUid: isString, decision: oneOf(["apply", "keep"] as const) },
  repairBook: { containerUid: isString },
  removeCopies: { containerUid: isString },
};

const isRequestType = (type: unknown): type is Request["type"] => typeof type === "string" && Object.hasOwn(REQUEST_FIELDS, type);

export function isRequest(value: unknown): value is Request {
  return isRecord(value) && isRequestType(value.type) && fieldsPass(value, REQUEST_FIELDS[value.type]);
}

const isPublicSettings = objectGuard<PublicSettings>({
  serverUrl: nullable(isString),
  login: nullable(isString),
  syncIntervalMinutes: isFiniteNumber,
  publishLocalBooks: isBoolean,
  autocompleteOff: arrayOf(isString),
  managed: arrayOf(oneOf(MANAGED_FIELDS)),
});

const isStateAnswer = objectGuard<StateAnswer>({ status: isStatusSnapshot, settings: isPublicSettings });

/** The background's answer to a request, or null when it is not one. */
export function parseStateAnswer(value: unknown): Answer<StateAnswer> | null {
  if (!isRecord(value)) return null;
  if (value.ok === true) return isStateAnswer(value.value) ? { ok: true, value: value.value } : null;
  if (value.ok === false) return isUserText(value.error) ? { ok: false, error: value.error } : null;
  return null;
}

export const isStatusPush = objectGuard<StatusPush>({ type: oneOf(["status"]), status: isStatusSnapshot });

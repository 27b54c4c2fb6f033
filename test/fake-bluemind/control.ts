// The control API: what a test (or the demo, or a Thunderbird probe in another process) does to
// the server "behind the client's back" — edits as another BlueMind client would make them,
// sharing changes, container re-creation, changelog purge, session expiry, fault injection.
// In-process it is the `control` object; over HTTP every method is `POST /__control/<method>`
// with either a JSON array of the positional arguments or a JSON object of named arguments
// (names as in CONTROL_PARAMS), and zero-argument methods also answer `GET`. Results are JSON
// (204 when a method returns nothing); errors are 400 `{"message": "..."}`.
import type { ItemValue, VCard } from "../../src/bluemind/models.ts";
import { isVerb } from "./acl.ts";
import { createBook, deleteBook, fillBook, recreateBook } from "./books.ts";
import { createCard, deleteCard, refreshGroups, setPhoto, toItemValue, updateCard } from "./card-store.ts";
import type { BuiltDataset } from "./datasets.ts";
import type { Faults } from "./faults.ts";
import type { Book, FakeState } from "./state.ts";
import type { AddBookSpec, DatasetInfo, FaultRule, Lang, RequestLogEntry, Verb } from "./types.ts";

/** Who control-API writes are attributed to (createdBy/updatedBy). */
const CONTROL_ACTOR = "control";

export interface StateSnapshot {
  users: { uid: string; login: string; displayName: string; domainUid: string; lang: string; roles: string[] }[];
  books: {
    uid: string;
    name: string;
    owner: string;
    domainUid: string;
    internalId: number;
    version: number;
    acl: Record<string, Verb[]>;
    items: ItemValue<VCard>[];
    photos: string[];
    changelog: { version: number; uid: string; op: string }[];
  }[];
  subscriptions: Record<string, { containerUid: string; offlineSync: boolean; automount: boolean }[]>;
  sessions: { key: string; userUid: string; lastUsed: number }[];
  apiKeys: { sid: string; displayName: string; userUid: string }[];
}

export interface FakeControl {
  /** Each write returns the book's version after it. */
  createCard(bookUid: string, uid: string, vcard: VCard): number;
  updateCard(bookUid: string, uid: string, vcard: VCard): number;
  deleteCard(bookUid: string, uid: string): number;
  getCard(bookUid: string, uid: string): ItemValue<VCard> | null;
  /** Bytes, base64 text, or null to remove. Does not change the version. */
  setPhoto(bookUid: string, uid: string, photo: Uint8Array | string | null): void;
  renameBook(bookUid: string, name: string): void;
  setOfflineSync(userUid: string, bookUid: string, offlineSync: boolean): void;
  subscribe(userUid: string, bookUid: string, offlineSync?: boolean): void;
  unsubscribe(userUid: string, bookUid: string): void;
  /** Delete and re-create under the same uid (empty, or filled with `items`); returns the new internalId. */
  recreateBook(bookUid: string, items?: number | ItemValue<VCard>[]): number;
  deleteBook(bookUid: string): void;
  /** Forget deletion records older than beforeVersion; returns how many entries went. */
  purgeChangelog(bookUid: string, beforeVersion: number): number;
  expireSessions(): void;
  /** Move the server's clock forward (session idle time). */
  advanceTime(ms: number): void;
  addBook(spec: AddBookSpec): void;
  setAcl(bookUid: string, subject: string, verbs: Verb[]): void;
  snapshot(): StateSnapshot;
  requestLog(): RequestLogEntry[];
  clearRequestLog(): void;
  datasetInfo(): DatasetInfo;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
}

/** Parameter names, for HTTP calls with a JSON object body. */
export const CONTROL_PARAMS: Record<keyof FakeControl, readonly string[]> = {
  createCard: ["bookUid", "uid", "vcard"],
  updateCard: ["bookUid", "uid", "vcard"],
  deleteCard: ["bookUid", "uid"],
  getCard: ["bookUid", "uid"],
  setPhoto: ["bookUid", "uid", "photo"],
  renameBook: ["bookUid", "name"],
  setOfflineSync: ["userUid", "bookUid", "offlineSync"],
  subscribe: ["userUid", "bookUid", "offlineSync"],
  unsubscribe: ["userUid", "bookUid"],
  recreateBook: ["bookUid", "items"],
  deleteBook: ["bookUid"],
  purgeChangelog: ["bookUid", "beforeVersion"],
  expireSessions: [],
  advanceTime: ["ms"],
  addBook: ["spec"],
  setAcl: ["bookUid", "subject", "verbs"],
  snapshot: [],
  requestLog: [],
  clearRequestLog: [],
  datasetInfo: [],
  injectFault: ["rule"],
  clearFaults: [],
};

export interface ControlDeps {
  state: FakeState;
  faults: Faults;
  requests: RequestLogEntry[];
  dataset: BuiltDataset;
  seed: number;
}

export function createControl({ state, faults, requests, dataset, seed }: ControlDeps): FakeControl {
  const book = (uid: string): Book => {
    const b = state.books.get(uid);
    if (!b) throw new Error(`no book ${uid}`);
    return b;
  };
  // The domain directory has no owning user: name it in the language of the dataset's first user.
  const langOf = (b: Book): Lang => state.users.get(b.owner)?.lang ?? state.users.values().next().value?.lang ?? "en";
  const user = (uid: string): void => {
    if (!state.users.has(uid)) throw new Error(`no user ${uid}`);
  };

  return {
    createCard(bookUid, uid, vcard) {
      const b = book(bookUid);
      createCard(state, b, uid, vcard, CONTROL_ACTOR);
      return b.version;
    },
    updateCard(bookUid, uid, vcard) {
      const b = book(bookUid);
      if (updateCard(state, b, uid, vcard, CONTROL_ACTOR)) refreshGroups(state, b, [{ uid, card: b.items.get(uid)?.value ?? null }]);
      return b.version;
    },
    deleteCard(bookUid, uid) {
      const b = book(bookUid);
      if (deleteCard(b, uid)) refreshGroups(state, b, [{ uid, card: null }]);
      return b.version;
    },
    getCard(bookUid, uid) {
      const item = book(bookUid).items.get(uid);
      return item ? toItemValue(item) : null;
    },
    setPhoto(bookUid, uid, photo) {
      const bytes = photo === null ? null : typeof photo === "string" ? Buffer.from(photo, "base64") : Buffer.from(photo);
      setPhoto(book(bookUid), uid, bytes);
    },
    renameBook(bookUid, name) {
      const b = book(bookUid);
      b.name = name;
      b.nameKey = null;
    },
    setOfflineSync(userUid, bookUid, offlineSync) {
      const sub = state.subscriptions.get(userUid)?.get(bookUid);
      if (!sub) throw new Error(`${userUid} is not subscribed to ${bookUid}`);
      sub.offlineSync = offlineSync;
    },
    subscribe(userUid, bookUid, offlineSync = true) {
      user(userUid);
      book(bookUid);
      state.subscribe(userUid, bookUid, offlineSync);
    },
    unsubscribe(userUid, bookUid) {
      state.subscriptions.get(userUid)?.delete(bookUid);
    },
    recreateBook(bookUid, items) {
      const b = book(bookUid);
      recreateBook(state, b);
      if (items !== undefined && items !== null) fillBook(state, b, items, { seed, domain: dataset.domain });
      return b.internalId;
    },
    deleteBook(bookUid) {
      book(bookUid);
      deleteBook(state, bookUid);
    },
    purgeChangelog(bookUid, beforeVersion) {
      const b = book(bookUid);
      return b.changelog.purge(beforeVersion, (uid) => b.items.has(uid));
    },
    expireSessions() {
      state.sessions.clear();
    },
    advanceTime(ms) {
      state.clockOffsetMs += ms;
    },
    addBook(spec) {
      if (state.books.has(spec.uid)) throw new Error(`book ${spec.uid} already exists`);
      const owner = state.users.get(spec.owner);
      const b = createBook(state, { uid: spec.uid, name: spec.name, owner: spec.owner, domainUid: owner?.domainUid ?? dataset.domain });
      for (const [subject, verbs] of Object.entries(spec.acl ?? {})) b.acl.set(subject, verbs);
      if (spec.maxItems !== undefined) b.itemLimit = spec.maxItems;
      fillBook(state, b, spec.items ?? 0, { seed, domain: dataset.domain, groups: spec.groups ?? 0 });
    },
    setAcl(bookUid, subject, verbs) {
      if (!verbs.every(isVerb)) throw new Error(`invalid verbs ${JSON.stringify(verbs)}`);
      const b = book(bookUid);
      if (verbs.length === 0) b.acl.delete(subject);
      else b.acl.set(subject, [...verbs]);
    },
    snapshot() {
      const subscriptions: StateSnapshot["subscriptions"] = {};
      for (const [userUid, subs] of state.subscriptions) subscriptions[userUid] = [...subs.values()].map((s) => ({ ...s }));
      return {
        users: [...state.users.values()].map((u) => ({ uid: u.uid, login: u.login, displayName: u.displayName, domainUid: u.domainUid, lang: u.lang, roles: [...u.roles] })),
        books: [...state.books.values()].map((b) => ({
          uid: b.uid,
          name: b.displayNameFor(langOf(b)),
          owner: b.owner,
          domainUid: b.domainUid,
          internalId: b.internalId,
          version: b.version,
          acl: Object.fromEntries(b.acl),
          items: [...b.items.values()].map(toItemValue),
          photos: [...b.photos.keys()],
          changelog: b.changelog.all().map((e) => ({ ...e })),
        })),
        subscriptions,
        sessions: [...state.sessions.values()].map((s) => ({ key: s.key, userUid: s.userUid, lastUsed: s.lastUsed })),
        apiKeys: [...state.apiKeys.values()].map((k) => ({ sid: k.sid, displayName: k.displayName, userUid: k.userUid })),
      };
    },
    requestLog() {
      return requests.map((r) => ({ ...r }));
    },
    clearRequestLog() {
      requests.length = 0;
    },
    datasetInfo() {
      const apiKeys: Record<string, string> = {};
      for (const [login, sid] of dataset.apiKeys) if (state.apiKeys.has(sid)) apiKeys[login] = sid;
      return {
        domain: dataset.domain,
        users: [...state.users.values()].map((u) => ({
          uid: u.uid,
          login: u.login,
          password: u.password,
          displayName: u.displayName,
          domainUid: u.domainUid,
          lang: u.lang,
          roles: [...u.roles],
        })),
        apiKeys,
        books: [...state.books.values()].map((b) => {
          const subscribers: Record<string, boolean> = {};
          for (const [userUid, subs] of state.subscriptions) {
            const sub = subs.get(b.uid);
            if (sub) subscribers[userUid] = sub.offlineSync;
          }
          return { uid: b.uid, name: b.displayNameFor(langOf(b)), owner: b.owner, count: b.count, subscribers };
        }),
      };
    },
    injectFault(rule) {
      faults.inject(rule);
    },
    clearFaults() {
      faults.clear();
    },
  };
}

/** Over HTTP a fault rule's pattern is a glob string, or `pathRegex` for a regular expression. */
function faultRuleFromJson(raw: unknown): FaultRule {
  const { pathRegex, ...r } = (raw ?? {}) as FaultRule & { pathRegex?: string };
  // JSON has no Infinity: an unlimited fault is written `"times": -1`.
  const times = r.times === -1 ? Infinity : r.times;
  if (typeof pathRegex === "string") return { ...r, times, pathPattern: new RegExp(pathRegex) };
  if (typeof r.pathPattern !== "string") throw new Error("pathPattern (glob) or pathRegex is required");
  return { ...r, times };
}

export function isControlMethod(name: string): name is keyof FakeControl {
  return Object.prototype.hasOwnProperty.call(CONTROL_PARAMS, name);
}

/** Runs `/__control/<name>` with a decoded JSON body; returns the method's result. */
export function callControl(control: FakeControl, name: keyof FakeControl, body: unknown): unknown {
  const names = CONTROL_PARAMS[name];
  let args: unknown[];
  if (Array.isArray(body)) args = body;
  else if (body === null || body === undefined) args = [];
  else if (typeof body === "object") args = names.map((n) => (body as Record<string, unknown>)[n]);
  else throw new Error("body must be a JSON array of arguments or an object of named arguments");
  if (name === "injectFault") args = [faultRuleFromJson(args[0])];
  const fn = control[name] as (...a: unknown[]) => unknown;
  return fn(...args);
}

/*
 * Test probe (never shipped). Lets an end-to-end test act on and observe Thunderbird through
 * the same public MailExtension APIs the add-on uses.
 *
 * An extension cannot read environment variables, so probe.ts writes the test's loopback
 * endpoint into config.json inside the XPI. The probe then:
 *  - says hello (POST /hello) once per Thunderbird start, with a random session id;
 *  - long-polls GET /poll for commands `{id, method, args}`; `method` is a dotted API path
 *    ("contacts.quickSearch") called on `messenger` with `args`, or "probe.ping";
 *    commands run concurrently, each result is POSTed to /result as `{id, ok, value | error}`;
 *  - forwards every address-book, contact, mailing-list and management event to /events;
 *  - on request, registers its own provider books that record what their listener receives.
 * Listeners are registered synchronously at load so that events fired while config.json is
 * still loading (the add-on under test creating its books at start-up) are not missed.
 */
"use strict";

const api = globalThis.messenger ?? globalThis.browser;
const sessionId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

const OBSERVED_EVENTS = [
  ["addressBooks", "onCreated"],
  ["addressBooks", "onUpdated"],
  ["addressBooks", "onDeleted"],
  ["contacts", "onCreated"],
  ["contacts", "onUpdated"],
  ["contacts", "onDeleted"],
  ["mailingLists", "onCreated"],
  ["mailingLists", "onUpdated"],
  ["mailingLists", "onDeleted"],
  ["mailingLists", "onMemberAdded"],
  ["mailingLists", "onMemberRemoved"],
  ["management", "onInstalled"],
  ["management", "onUninstalled"],
  ["management", "onEnabled"],
  ["management", "onDisabled"],
];

let pendingEvents = [];
let flushScheduled = false;

// The benches turn the contact and list events off (options.js, written by probe.ts): Thunderbird
// converts every created contact for each extension listening, on its main thread, and the probe
// would then post 10,000 vCards to the test process, all of it work a user's Thunderbird never does.
// They keep the probe's requests out of Thunderbird's HTTP cache too (a cache entry written and
// flushed to disk at every poll, twice a second).
const CONTACT_EVENTS = globalThis.PROBE_OPTIONS?.contactEvents !== false;
const CACHE_MODE = globalThis.PROBE_OPTIONS?.httpCache === false ? "no-store" : "default";

for (const [namespace, event] of OBSERVED_EVENTS) {
  if (!CONTACT_EVENTS && (namespace === "contacts" || namespace === "mailingLists")) continue;
  const target = api[namespace]?.[event];
  if (!target) continue;
  target.addListener((...args) => {
    pendingEvents.push({ type: `${namespace}.${event}`, args, at: Date.now(), sessionId });
    scheduleFlush();
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const configPromise = fetch(api.runtime.getURL("config.json")).then((response) => response.json());

async function post(path, body) {
  const { url, token } = await configPromise;
  const response = await fetch(`${url}${path}?token=${encodeURIComponent(token)}`, {
    cache: CACHE_MODE,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path}: HTTP ${response.status}`);
}

/** Retry until the test endpoint takes it: losing a result or an event would hang a test. */
async function postReliably(path, body) {
  for (let attempt = 0; ; attempt++) {
    try {
      await post(path, body);
      return;
    } catch (error) {
      console.warn(`probe: ${path} failed (${error.message}), retrying`);
      await sleep(Math.min(2000, 100 * 2 ** attempt));
    }
  }
}

function scheduleFlush() {
  if (flushScheduled) return;
  flushScheduled = true;
  // A microtask-ish delay batches bursts (a sync creates hundreds of contacts).
  setTimeout(async () => {
    flushScheduled = false;
    const batch = pendingEvents;
    pendingEvents = [];
    if (batch.length > 0) await postReliably("/events", batch);
  }, 20);
}

function toJson(value) {
  // undefined is not JSON; Thunderbird's results are plain data otherwise.
  return value === undefined ? null : value;
}

// Provider (search-only) books of the probe itself: they answer every search with fixed results
// and record what Thunderbird's listener received, so a test can measure what each caller (the
// address book's search box, compose autocompletion, contacts.quickSearch) passes a provider
// and what each view makes of the same answer, without the add-on in between.
const searchBooks = new Map();

function registerSearchBook(id, name, results, isCompleteResult) {
  unregisterSearchBook(id);
  const calls = [];
  const listener = async (node, searchString, query) => {
    calls.push({ bookId: node?.id ?? null, searchString: searchString === undefined ? "<undefined>" : searchString, query: query === undefined ? "<undefined>" : query, at: Date.now() });
    return { results: results.map((vCard) => ({ vCard })), isCompleteResult };
  };
  api.addressBooks.provider.onSearchRequest.addListener(listener, { addressBookName: name, isSecure: true, id });
  searchBooks.set(id, { listener, calls });
  return id;
}

function unregisterSearchBook(id) {
  const book = searchBooks.get(id);
  if (!book) return false;
  api.addressBooks.provider.onSearchRequest.removeListener(book.listener);
  searchBooks.delete(id);
  return true;
}

/** contacts.setPhoto takes a File, which does not cross JSON: the test sends base64. */
async function setPhoto(contactId, base64, type) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  await api.contacts.setPhoto(contactId, new File([bytes], "photo", { type }));
  return null;
}

/** The contact's photo as contacts.getPhoto gives it, in base64 (null without one). */
async function getPhoto(contactId) {
  const file = await api.contacts.getPhoto(contactId);
  if (!file) return null;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { type: file.type, base64: btoa(binary) };
}

async function execute(method, args) {
  if (method === "probe.ping") {
    return { sessionId, browserInfo: await api.runtime.getBrowserInfo() };
  }
  if (method === "probe.registerSearchBook") return registerSearchBook(...args);
  if (method === "probe.unregisterSearchBook") return unregisterSearchBook(...args);
  if (method === "probe.searchCalls") return searchBooks.get(args[0])?.calls ?? [];
  if (method === "probe.setPhoto") return setPhoto(...args);
  if (method === "probe.getPhoto") return getPhoto(...args);
  const path = method.split(".");
  let owner = api;
  for (const part of path.slice(0, -1)) {
    owner = owner?.[part];
  }
  const fn = owner?.[path[path.length - 1]];
  if (typeof fn !== "function") throw new Error(`probe: no API function messenger.${method}`);
  return fn.apply(owner, args);
}

async function run(command) {
  let result;
  try {
    result = { id: command.id, ok: true, value: toJson(await execute(command.method, command.args ?? [])) };
  } catch (error) {
    result = { id: command.id, ok: false, error: String(error?.message ?? error) };
  }
  await postReliably("/result", result);
}

async function pollForever() {
  const { url, token } = await configPromise;
  for (;;) {
    try {
      const response = await fetch(`${url}/poll?token=${encodeURIComponent(token)}&session=${sessionId}`, { cache: CACHE_MODE });
      if (response.status === 200) {
        for (const command of await response.json()) void run(command);
      } else if (response.status !== 204) {
        await sleep(500);
      }
    } catch {
      // The test endpoint is gone or restarting.
      await sleep(500);
    }
  }
}

(async () => {
  const browserInfo = await api.runtime.getBrowserInfo();
  await postReliably("/hello", { sessionId, browserInfo, at: Date.now() });
  console.log(`probe: ready (session ${sessionId})`);
  void pollForever();
})();

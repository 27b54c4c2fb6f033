// The background as a whole (settings, account, scheduler, engine, search books) on an in-memory
// Thunderbird against the fake server: the connection paths of design.md "Connection".
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackgroundApp } from "../../src/background/app.ts";
import { handleExternalRequest, handleRequest } from "../../src/background/requests.ts";
import { SETTINGS_KEY } from "../../src/background/settings-store.ts";
import { STATUS_KEY, type StatusSnapshot } from "../../src/shared/status.ts";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { InMemoryThunderbird } from "../unit/in-memory-thunderbird.ts";
import { inEnglish, text } from "../../src/shared/user-text.ts";

const LOGIN = "jdoe@example.com";

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function hostOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}`;
}

describe("background app", () => {
  let fake: FakeBlueMind;
  let tb: InMemoryThunderbird;
  let app: BackgroundApp | null = null;

  beforeEach(async () => {
    fake = await startFakeBlueMind({ dataset: "minimal" });
    tb = new InMemoryThunderbird();
  });
  afterEach(async () => {
    app?.stop();
    app = null;
    await fake.close();
  });

  function managedByPolicy(): void {
    tb.setManaged({ serverUrl: fake.url, login: LOGIN, apiKey: fake.control.datasetInfo().apiKeys[LOGIN]! });
  }

  it("connects with the policy's key at start, syncs the books and publishes its state in storage", async () => {
    managedByPolicy();
    tb.grantedOrigins.add(hostOf(fake.url));
    app = new BackgroundApp(tb);
    await app.start();
    await until(() => app!.status.current.books.some((b) => b.state === "synced"), "a synced book");
    expect(app.status.current.account).toMatchObject({ status: "connected", userUid: "u-jdoe", displayName: "Jane Doe" });
    expect((await tb.findBooksByName("My contacts")).length).toBe(1);
    expect((await tb.addressBooks.listBooks()).find((b) => b.name === "Directory")?.remote).toBe(true);
    await app.status.flush();
    const published = (await tb.localStore.get(STATUS_KEY)) as StatusSnapshot;
    expect(published.account.status).toBe("connected");
    expect(published.books.map((b) => b.containerUid)).toContain("book:Contacts_u-jdoe");
  });

  it("registers the interval as a Thunderbird alarm, follows interval changes, and an alarm right after a sync sends nothing", async () => {
    managedByPolicy();
    tb.grantedOrigins.add(hostOf(fake.url));
    app = new BackgroundApp(tb);
    await app.start();
    expect([...tb.registeredAlarms().values()]).toEqual([5]);
    await until(() => app!.status.current.lastSyncEnded !== null, "the first sync");
    await handleRequest(app, { type: "saveSettings", syncIntervalMinutes: 1 });
    expect([...tb.registeredAlarms().values()]).toEqual([1]);
    // Fired right after a sync: nothing to do.
    const listings = () => fake.requests.filter((r) => r.path.includes("/subscriptions/")).length;
    const before = listings();
    tb.fireAlarm([...tb.registeredAlarms().keys()][0]!);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(listings()).toBe(before);
  });

  it("without the host permission, sends nothing, tells the user, and connects once it is granted", async () => {
    managedByPolicy();
    app = new BackgroundApp(tb);
    await app.start();
    await until(() => app!.status.current.account.status === "needs-permission", "needs-permission");
    expect(tb.notified.join(" ")).toMatch(/permission/);
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    expect(fake.requests).toEqual([]);

    tb.grantedOrigins.add(hostOf(fake.url));
    const answer = await handleRequest(app, { type: "permissionGranted" });
    expect(answer.ok).toBe(true);
    await until(() => app!.status.current.account.status === "connected", "connected");
  });

  it("signs in with a password, keeps only an API key, and signing out deletes that key on the server", async () => {
    tb.grantedOrigins.add(hostOf(fake.url));
    app = new BackgroundApp(tb);
    await app.start();
    const keysBefore = fake.state.apiKeys.size;
    const answer = await handleRequest(app, { type: "signIn", serverUrl: fake.url, login: LOGIN, password: "secret" });
    expect(answer.ok).toBe(true);
    expect(fake.state.apiKeys.size).toBe(keysBefore + 1);
    const stored = JSON.stringify(tb.storeSnapshot());
    expect(stored).not.toContain("secret");
    const saved = (await tb.localStore.get(SETTINGS_KEY)) as { apiKey: string };
    expect(fake.state.apiKeys.has(saved.apiKey)).toBe(true);

    const out = await handleRequest(app, { type: "signOut", removeLocalBooks: true });
    expect(out.ok).toBe(true);
    expect(fake.state.apiKeys.has(saved.apiKey)).toBe(false);
    expect(app.status.current.account.status).toBe("disconnected");
  });

  it("reports a wrong password and a user without the hasTbird role clearly, and stores nothing", async () => {
    tb.grantedOrigins.add(hostOf(fake.url));
    app = new BackgroundApp(tb);
    await app.start();
    const bad = await handleRequest(app, { type: "signIn", serverUrl: fake.url, login: LOGIN, password: "wrong" });
    expect(bad).toMatchObject({ ok: false });
    expect(!bad.ok && bad.error).toEqual(text("errorWrongPassword", LOGIN));
    const noRole = await handleRequest(app, { type: "signIn", serverUrl: fake.url, login: "notb@example.com", password: "secret" });
    expect(!noRole.ok && inEnglish(noRole.error)).toMatch(/hasTbird/);
    expect(((await tb.localStore.get(SETTINGS_KEY)) as { apiKey?: string } | undefined)?.apiKey ?? null).toBeNull();
  });

  it("leaves the book as it was when BlueMind refuses the sync switch", async () => {
    managedByPolicy();
    tb.grantedOrigins.add(hostOf(fake.url));
    app = new BackgroundApp(tb);
    await app.start();
    await until(() => app!.status.current.books.some((b) => b.containerUid === "book:CollectedContacts_u-jdoe" && b.state === "synced"), "synced");
    fake.faults.inject({ pathPattern: "/api/users/*/subscriptions/*/_subscribe", kind: "status", status: 500, errorCode: "UNKNOWN", times: 100 });
    const answer = await handleRequest(app, { type: "setSync", containerUid: "book:CollectedContacts_u-jdoe", sync: false });
    expect(answer.ok).toBe(false);
    expect(app.status.current.books.find((b) => b.containerUid === "book:CollectedContacts_u-jdoe")?.sync).toBe(true);
    expect(fake.control.snapshot().subscriptions["u-jdoe"]?.find((s) => s.containerUid === "book:CollectedContacts_u-jdoe")?.offlineSync).toBe(true);
  });

  it("a sign-in whose API key BlueMind will not create logs the password session out and stays disconnected", async () => {
    tb.grantedOrigins.add(hostOf(fake.url));
    app = new BackgroundApp(tb);
    await app.start();
    fake.faults.inject({ method: "PUT", pathPattern: "/api/auth/keys", kind: "status", status: 500, message: "keys are disabled", times: 1 });
    const answer = await handleRequest(app, { type: "signIn", serverUrl: fake.url, login: LOGIN, password: "secret" });
    expect(answer).toEqual({ ok: false, error: text("errorNoApiKey", text("withServerMessage", text("errorServer", "500", "UNKNOWN", "PUT /api/auth/keys"), "keys are disabled")) });
    const paths = fake.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);
    expect(paths.slice(-2)).toEqual(["PUT /api/auth/keys", "POST /api/auth/logout"]);
    expect(fake.state.sessions.size).toBe(0);
    expect(app.account.connectedClient).toBeNull();
    expect(app.status.current.account.status).toBe("error");
    expect(((await tb.localStore.get(SETTINGS_KEY)) as { apiKey?: string } | undefined)?.apiKey ?? null).toBeNull();
  });

  it("a key Disconnect cannot delete is kept out of every message, kept for later, deleted at the next start", async () => {
    tb.grantedOrigins.add(hostOf(fake.url));
    app = new BackgroundApp(tb);
    await app.start();
    expect((await handleRequest(app, { type: "signIn", serverUrl: fake.url, login: LOGIN, password: "secret" })).ok).toBe(true);
    const { apiKey } = (await tb.localStore.get(SETTINGS_KEY)) as { apiKey: string };
    // The server fails the DELETE and quotes its path (the key) back, as a proxy's error page may.
    fake.faults.inject({ method: "DELETE", pathPattern: "/api/auth/keys/*", kind: "status", status: 503, message: `cannot delete /api/auth/keys/${apiKey}`, times: 3 });
    const out = await handleRequest(app, { type: "signOut", removeLocalBooks: false });
    expect(out.ok).toBe(true);
    expect(fake.state.apiKeys.has(apiKey)).toBe(true);
    const warning = app.status.current.activity.find((e) => e.message.key === "logKeyNotDeleted");
    expect(warning && inEnglish(warning.message)).toBe(
      "The add-on's API key could not be deleted on BlueMind (BlueMind server error (HTTP 503, UNKNOWN, DELETE /api/auth/keys/…): cannot delete /api/auth/keys/…): it will be tried again. If this keeps happening, delete the “Thunderbird” key in your BlueMind settings.",
    );
    await app.status.flush();
    const stored = (await tb.localStore.get(SETTINGS_KEY)) as { apiKey: string | null; pendingKeyDeletion: unknown };
    expect(stored).toMatchObject({ apiKey: null, pendingKeyDeletion: { serverUrl: fake.url, login: LOGIN, apiKey } });
    expect(JSON.stringify([app.status.current, (await tb.localStore.get(STATUS_KEY)) ?? null, tb.notified])).not.toContain(apiKey);
    app.stop();

    // Next start: the key is deleted, the mark goes.
    app = new BackgroundApp(tb);
    await app.start();
    await app.account.keyDeletion;
    expect(fake.state.apiKeys.has(apiKey)).toBe(false);
    expect(((await tb.localStore.get(SETTINGS_KEY)) as { pendingKeyDeletion: unknown }).pendingKeyDeletion).toBeNull();
    expect(app.status.current.activity.at(-1)?.message).toEqual(text("logKeyDeleted", "Thunderbird"));
  });

  it("saveSettings stores only the interval and the publish switch, and refuses an interval out of range", async () => {
    managedByPolicy();
    tb.grantedOrigins.add(hostOf(fake.url));
    app = new BackgroundApp(tb);
    await app.start();
    const sneaky = { type: "saveSettings", syncIntervalMinutes: 10, serverUrl: "https://evil.example.com", apiKey: "stolen", login: "eve@example.com" } as const;
    expect((await handleRequest(app, sneaky)).ok).toBe(true);
    expect(await tb.localStore.get(SETTINGS_KEY)).toEqual({ syncIntervalMinutes: 10 });
    for (const minutes of [0, 1441, 2.5]) {
      expect(await handleRequest(app, { type: "saveSettings", syncIntervalMinutes: minutes })).toEqual({ ok: false, error: text("intervalInvalid", "1", "1440") });
    }
    expect(await tb.localStore.get(SETTINGS_KEY)).toEqual({ syncIntervalMinutes: 10 });
  });

  it("answers another extension only when the policy lists it, and then only states and counts", async () => {
    tb.setManaged({ serverUrl: fake.url, login: LOGIN, apiKey: fake.control.datasetInfo().apiKeys[LOGIN]!, companionExtensions: ["companion@example.com"] });
    tb.grantedOrigins.add(hostOf(fake.url));
    app = new BackgroundApp(tb);
    await app.start();
    await until(() => app!.status.current.books.some((b) => b.state === "synced"), "a synced book");
    expect(await handleExternalRequest(app, { type: "getState" }, "stranger@example.com")).toBeUndefined();
    const answer = await handleExternalRequest(app, { type: "getState" }, "companion@example.com");
    expect(answer?.ok).toBe(true);
    const summary = answer?.ok ? answer.value : null;
    expect(summary?.account).toEqual({ status: "connected", problem: null });
    expect(summary?.books.find((b) => b.containerUid === "book:Contacts_u-jdoe")).toMatchObject({ sync: true, state: "synced", itemCount: expect.any(Number), problem: null });
    const shown = JSON.stringify(summary);
    for (const secret of [LOGIN, fake.url, "Jane Doe", "My contacts", "activity", "apiKey"]) expect(shown).not.toContain(secret);
    const before = app.status.current.lastSyncStarted;
    expect((await handleExternalRequest(app, { type: "syncNow" }, "companion@example.com"))?.ok).toBe(true);
    await until(() => app!.status.current.lastSyncStarted !== before, "the companion's sync");
  });
});

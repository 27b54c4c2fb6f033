// The background as a whole (settings, account, scheduler, engine, search books) on an in-memory
// Thunderbird against the fake server: the connection paths of design.md "Connection".
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackgroundApp } from "../../src/background/app.ts";
import { handleRequest } from "../../src/background/requests.ts";
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
});

// The background as a whole (settings, account, scheduler, engine, search books) on an in-memory
// Thunderbird against the fake server: the connection paths of design.md "Connection".
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackgroundApp } from "../../src/background/app.ts";
import { handleExternalRequest, handleRequest } from "../../src/background/requests.ts";
import { SETTINGS_KEY } from "../../src/background/settings-store.ts";
import { STATUS_KEY, type StatusSnapshot } from "../../src/shared/status.ts";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { contactIdFor } from "../../src/sync/contact-uid.ts";
import { InMemoryThunderbird } from "../unit/in-memory-thunderbird.ts";
import { inEnglish, text } from "../../src/shared/user-text.ts";
import { englishOf } from "../support/english.ts";

const LOGIN = "jdoe@example.com";

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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

  it("signs in with a password, keeps only an API key, and signing out deletes that key on the server", async () => {
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

  async function signedInAndSynced(): Promise<BackgroundApp> {
    const started = new BackgroundApp(tb);
    app = started;
    await started.start();
    expect((await handleRequest(started, { type: "signIn", serverUrl: fake.url, login: LOGIN, password: "secret" })).ok).toBe(true);
    await until(() => started.status.current.books.filter((b) => b.sync).every((b) => b.state === "synced") && !started.status.current.syncing, "synced books");
    return started;
  }

  /** A card of `containerUid` edited in Thunderbird as the user would; returns its contact id. */
  async function editAsUser(containerUid: string, edit: (vCard: string) => string): Promise<{ id: string; uid: string }> {
    const card = fake.control.snapshot().books.find((b) => b.uid === containerUid)?.items.find((i) => i.value.kind === "individual" && (i.value.communications?.emails ?? []).length > 0);
    if (card === undefined) throw new Error(`no card in ${containerUid}`);
    const id = await contactIdFor(containerUid, card.uid);
    const contact = await tb.asUser.getContact(id);
    if (contact === null) throw new Error(`no contact for ${card.uid}`);
    await tb.asUser.updateContact(id, edit(contact.vCard));
    return { id, uid: card.uid };
  }

  const syncKeys = (): string[] => Object.keys(tb.storeSnapshot()).filter((k) => k.startsWith("sync.book.") || k.startsWith("sync.queue."));

  it("Disconnect removing the local copies: an unsent edit reaches BlueMind first, a contact BlueMind refuses stays in a plain book, and the page says where", async () => {
    const started = await signedInAndSynced();
    const myContacts = (await tb.findBooksByName("My contacts"))[0]?.id ?? "";
    const edited = await editAsUser("book:CollectedContacts_u-jdoe", (v) => v.replace(/^TITLE[^\r\n]*\r?\n/gm, "").replace(/^END:VCARD/m, "TITLE:Sent at sign-out\r\nEND:VCARD"));
    const refused = await editAsUser("book:Contacts_u-jdoe", (v) => v.replace(/^EMAIL[^\r\n]*$/gm, "EMAIL:not an email"));
    await tb.settled();
    await started.twoWay.idle();

    expect((await handleRequest(started, { type: "signOut", removeLocalBooks: true })).ok).toBe(true);
    expect(fake.control.getCard("book:CollectedContacts_u-jdoe", edited.uid)?.value.organizational?.title).toBe("Sent at sign-out");
    const books = await tb.asUser.listBooks();
    expect(books.map((b) => b.name).sort()).toEqual(["Collected Addresses", "My contacts (not saved on BlueMind)", "Personal Address Book"]);
    // The refused contact, alone, under an id of its own now (detach-book.ts).
    const kept = await tb.asUser.listContacts(myContacts);
    expect(kept).toHaveLength(1);
    expect(kept[0]?.vCard).toContain("not an email");
    expect(kept[0]?.id).not.toBe(refused.id);
    const told = "“My contacts” is no longer synced; what BlueMind does not have of it stays in Thunderbird, in the address book “My contacts (not saved on BlueMind)”.";
    expect(started.status.current.account).toMatchObject({ status: "disconnected" });
    expect(englishOf(started.status.current.account.message)).toBe(told);
    expect(tb.notified).toContain(told);
    expect(started.status.current.activity.some((e) => inEnglish(e.message) === told)).toBe(true);
    expect(syncKeys()).toEqual([]);
    expect((tb.storeSnapshot()["sync.index"] as { books: object }).books).toEqual({});
  });

  it("Disconnect keeping the local copies: the books stay whole and are no longer the add-on's, so another account's sign-in leaves them alone", async () => {
    const started = await signedInAndSynced();
    const kept = [...(await tb.findBooksByName("My contacts")), ...(await tb.findBooksByName("Collected contacts"))];
    const counts = kept.map((b) => tb.contactCount(b.id));
    expect(kept).toHaveLength(2);
    expect((await handleRequest(started, { type: "signOut", removeLocalBooks: false })).ok).toBe(true);
    expect(syncKeys()).toEqual([]);
    expect((tb.storeSnapshot()["sync.index"] as { books: object }).books).toEqual({});

    expect((await handleRequest(started, { type: "signIn", serverUrl: fake.url, login: "bob@example.com", password: "secret" })).ok).toBe(true);
    await until(() => started.status.current.account.displayName === "Bob Martin" && started.status.current.books.some((b) => b.state === "synced"), "Bob's books");
    await started.syncNow();
    await started.syncNow();
    expect(kept.map((b) => tb.contactCount(b.id))).toEqual(counts);
    expect((await tb.asUser.listBooks()).filter((b) => kept.some((k) => k.id === b.id)).map((b) => b.name).sort()).toEqual(["Collected contacts", "My contacts"]);
  });

  /** Signed in with a password, its first sync under way, each `_mget` answered `delayMs` late. */
  async function signedInDuringSlowSync(delayMs: number): Promise<BackgroundApp> {
    fake.faults.inject({ pathPattern: "/api/addressbooks/*/_mget", kind: "delay", delayMs, times: Number.POSITIVE_INFINITY });
    const started = new BackgroundApp(tb);
    app = started;
    await started.start();
    expect((await handleRequest(started, { type: "signIn", serverUrl: fake.url, login: LOGIN, password: "secret" })).ok).toBe(true);
    await until(() => started.status.current.syncing && tb.findBooksByName("My contacts").length === 1, "a sync under way");
    return started;
  }

  it("Disconnect during a slow sync cancels it and waits for its end: afterwards no book or search-only book comes back", async () => {
    const started = await signedInDuringSlowSync(700);
    expect((await handleRequest(started, { type: "signOut", removeLocalBooks: true })).ok).toBe(true);
    expect(started.status.current.syncing).toBe(false);
    // Longer than the delayed answers the cancelled sync was waiting for.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await tb.asUser.listBooks()).map((b) => b.name).sort()).toEqual(["Collected Addresses", "Personal Address Book"]);
    expect(syncKeys()).toEqual([]);
    expect((tb.storeSnapshot()["sync.index"] as { books: object }).books).toEqual({});
    expect(started.status.current.account.status).toBe("disconnected");
  });

  it("Stop ends a running sync at once and the next sync completes the books exactly", async () => {
    const started = await signedInDuringSlowSync(400);
    expect((await handleRequest(started, { type: "stopSync" })).ok).toBe(true);
    expect(started.status.current.syncing).toBe(false);
    expect(started.status.current.books.some((b) => b.state === "syncing" || b.progress !== null)).toBe(false);
    expect(started.status.current.activity.map((e) => englishOf(e.message))).toContain(inEnglish(text("logSyncStopped")));
    // Nothing more is written once stopped (the delayed answers still arrive).
    const myContacts = (await tb.findBooksByName("My contacts"))[0]?.id ?? "";
    const stoppedWith = tb.contactCount(myContacts);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(tb.contactCount(myContacts)).toBe(stoppedWith);
    fake.faults.clear();
    await started.syncNow();
    await until(() => started.status.current.books.find((b) => b.name === "My contacts")?.state === "synced", "the next sync");
    // Each card once, each group once (a group member known only by its address has a contact of
    // its own, named by that address: not a card).
    const items = [...(fake.state.books.get("book:Contacts_u-jdoe")?.items.values() ?? [])];
    const names = (kind: string) => items.filter((i) => i.value.kind === kind).map((i) => i.value.identification?.formatedName?.value ?? "").sort();
    const local = (await tb.asUser.listContacts(myContacts)).map((c) => /^FN:(.*)$/m.exec(c.vCard)?.[1]?.trim() ?? "").filter((name) => !name.includes("@"));
    expect(local.sort()).toEqual(names("individual"));
    expect((await tb.asUser.listLists(myContacts)).map((l) => l.name).sort()).toEqual(names("group"));
    expect(started.status.current.account.status).toBe("connected");
  });

  it("holds a mass deletion until the user answers: Keep puts the cards back on BlueMind, Apply removes them here", async () => {
    // The policy lowers the smallest book checked, so that the dataset's 12-item book is guarded.
    tb.setManaged({ serverUrl: fake.url, login: LOGIN, apiKey: fake.control.datasetInfo().apiKeys[LOGIN]!, massDeletionMinContacts: 5 });
    app = new BackgroundApp(tb);
    await app.start();
    const BOOK = "book:Contacts_u-jdoe";
    const myBook = () => app!.status.current.books.find((b) => b.containerUid === BOOK);
    await until(() => myBook()?.state === "synced", "the first sync");
    const localId = (await tb.findBooksByName("My contacts"))[0]?.id ?? "";
    const before = tb.contactCount(localId);
    const cards = () => fake.control.snapshot().books.find((b) => b.uid === BOOK)?.items.filter((i) => i.value.kind === "individual") ?? [];
    const doomed = cards().slice(0, 8);
    const dropOnServer = () => {
      for (const card of doomed) fake.control.deleteCard(BOOK, card.uid);
    };
    const doomedIds = await Promise.all(doomed.map((card) => contactIdFor(BOOK, card.uid)));
    const presentHere = async () => (await Promise.all(doomedIds.map((id) => tb.asUser.getContact(id)))).filter((c) => c !== null);

    dropOnServer();
    await app.syncNow();
    expect(myBook()).toMatchObject({ state: "held", heldDeletions: 8 });
    expect(tb.contactCount(localId)).toBe(before);
    expect(await presentHere()).toHaveLength(8);
    expect(tb.notified).toContain("BlueMind says 8 contacts of “My contacts” were deleted. Nothing was removed: apply or keep them in the add-on's options.");
    // Every sync asks again, without a second notification for the same question.
    await app.syncNow();
    expect(myBook()?.state).toBe("held");
    expect(tb.notified.filter((n) => n.startsWith("BlueMind says"))).toHaveLength(1);

    expect((await handleRequest(app, { type: "answerDeletions", containerUid: BOOK, decision: "keep" })).ok).toBe(true);
    await until(() => myBook()?.state === "synced", "the sync that keeps them");
    await app.syncNow();
    expect(tb.contactCount(localId)).toBe(before);
    expect(await presentHere()).toHaveLength(8);
    expect(cards().map((c) => c.uid).sort()).toEqual(expect.arrayContaining(doomed.map((c) => c.uid)));
    expect(cards().find((c) => c.uid === doomed[0]!.uid)?.value.identification?.formatedName?.value).toBe(doomed[0]!.value.identification?.formatedName?.value);

    dropOnServer();
    await app.syncNow();
    expect(myBook()).toMatchObject({ state: "held", heldDeletions: 8 });
    expect((await handleRequest(app, { type: "answerDeletions", containerUid: BOOK, decision: "apply" })).ok).toBe(true);
    await until(() => myBook()?.state === "synced", "the sync that applies them");
    // Their contacts are gone (a list BlueMind rewrote may keep them as address-only members).
    expect(await presentHere()).toEqual([]);
    expect((await handleRequest(app, { type: "answerDeletions", containerUid: BOOK, decision: "apply" })).ok).toBe(false);
  });

  it("finds a contact deleted behind its back in a read-only book at the next session's first sync, and Repair brings it back", async () => {
    managedByPolicy();
    app = new BackgroundApp(tb);
    await app.start();
    const BOB = "book:Contacts_u-bob";
    const bobBook = () => app!.status.current.books.find((b) => b.containerUid === BOB);
    await until(() => bobBook()?.state === "synced", "the first sync");
    expect(bobBook()?.drift).toBeUndefined();
    const localId = (await tb.findBooksByName("My contacts (Bob Martin)"))[0]?.id ?? "";
    const [victim] = await tb.asUser.listContacts(localId);
    // Thunderbird ran without the add-on listening: no event, and a read-only book has no catch-up.
    app.stop();
    await tb.asUser.deleteContact(victim!.id);
    await tb.settled();

    app = new BackgroundApp(tb);
    await app.start();
    await until(() => bobBook()?.drift === 1, "the integrity check");
    expect(app.status.current.activity.map((e) => englishOf(e.message))).toContain(
      "“My contacts (Bob Martin)” differs from what was synced: 1 missing here, 0 changed without the add-on seeing it, 0 unknown copies. Repair in the options page re-reads the book from BlueMind.",
    );
    expect(await tb.asUser.getContact(victim!.id)).toBeNull();

    expect((await handleRequest(app, { type: "repairBook", containerUid: BOB })).ok).toBe(true);
    await until(() => bobBook()?.state === "synced" && bobBook()?.drift === undefined, "the repair");
    expect((await tb.asUser.getContact(victim!.id))?.vCard).toBe(victim!.vCard);
    expect((await handleRequest(app, { type: "repairBook", containerUid: "book:unknown" })).ok).toBe(false);
  });

  const MY_CONTACTS = "book:Contacts_u-jdoe";
  const myBook = () => app!.status.current.books.find((b) => b.containerUid === MY_CONTACTS);

  /** Pre-configured, started, Jane's own book synced once; with its Thunderbird book id. */
  async function startedWithMyContacts(): Promise<{ started: BackgroundApp; localId: string }> {
    managedByPolicy();
    const started = new BackgroundApp(tb);
    app = started;
    await started.start();
    await until(() => myBook()?.state === "synced", "the first sync");
    return { started, localId: (await tb.findBooksByName("My contacts"))[0]?.id ?? "" };
  }

  it("a copy of a synced contact made in Thunderbird is not sent, shows as a copy, and Remove copies deletes it here only", async () => {
    const { started, localId } = await startedWithMyContacts();
    app = started;
    const cards = () => fake.control.snapshot().books.find((b) => b.uid === MY_CONTACTS)?.items ?? [];
    // Each card by uid and version: any write on BlueMind shows.
    const serverCards = () => cards().map((i) => `${i.uid} v${String(i.version)}`);
    const serverBefore = serverCards();
    const card = cards().find((i) => i.value.kind === "individual" && (i.value.communications?.emails ?? []).length > 0)!;
    const name = card.value.identification?.formatedName?.value ?? "";
    const original = (await tb.asUser.getContact(await contactIdFor(MY_CONTACTS, card.uid)))!;
    // Copy and paste in Thunderbird's address book: the same card under a new UID.
    const copyId = await tb.asUser.createContact(localId, original.vCard.replace(/^UID[^\r\n]*\r?\n/m, ""));
    await tb.settled();

    await app.syncNow();
    expect(serverCards()).toEqual(serverBefore);
    expect(myBook()).toMatchObject({ state: "synced", copies: { count: 1, names: [name] } });

    expect((await handleRequest(app, { type: "removeCopies", containerUid: MY_CONTACTS })).ok).toBe(true);
    await until(() => myBook()?.state === "synced" && myBook()?.copies === undefined && !app!.status.current.syncing, "the removal");
    expect(await tb.asUser.getContact(copyId)).toBeNull();
    expect((await tb.asUser.getContact(original.id))?.vCard).toBe(original.vCard);
    expect(app.status.current.activity.map((e) => englishOf(e.message))).toContain(`Removed “${name}” from “My contacts”: a copy of a contact already there.`);
    // The removal was the add-on's own: nothing queued, nothing sent, BlueMind's book as it was.
    await app.twoWay.idle();
    expect((await app.twoWay.queue.get(MY_CONTACTS)).contacts).toEqual({});
    await app.syncNow();
    expect(serverCards()).toEqual(serverBefore);
    expect(fake.requests.filter((r) => r.path.includes("_mupdates"))).toEqual([]);
    expect((await handleRequest(app, { type: "removeCopies", containerUid: "book:unknown" })).ok).toBe(false);
  });

  it("copies left in a synced book while the add-on was not running are found at the next session's first sync, and not sent", async () => {
    const { started, localId } = await startedWithMyContacts();
    app = started;
    const synced = (await tb.asUser.listContacts(localId)).filter((c) => /^EMAIL/m.test(c.vCard)).slice(0, 2);
    // An import or an earlier connector, while Thunderbird ran without the add-on: no event.
    app.stop();
    for (const contact of synced) await tb.asUser.createContact(localId, contact.vCard.replace(/^UID[^\r\n]*\r?\n/m, ""));
    await tb.settled();

    app = new BackgroundApp(tb);
    await app.start();
    await until(() => myBook()?.state === "synced" && myBook()?.copies?.count === 2, "the integrity check");
    expect(app.status.current.activity.map((e) => englishOf(e.message))).toContain(
      "Copies of contacts already there in “My contacts”, not sent to BlueMind: 2. Remove copies in the options page deletes them from Thunderbird.",
    );
    expect(fake.requests.filter((r) => r.path.includes("_mupdates"))).toEqual([]);
  });

  it("signs in with a login typed without @domain: the server's default domain completes it, and the full login is kept", async () => {
    app = new BackgroundApp(tb);
    await app.start();
    const answer = await handleRequest(app, { type: "signIn", serverUrl: fake.url, login: "jdoe", password: "secret" });
    expect(answer.ok).toBe(true);
    expect(fake.requests.filter((r) => r.path.startsWith("/api/auth/login")).map((r) => new URL(r.path, fake.url).searchParams.get("login"))).toEqual([LOGIN]);
    expect((await tb.localStore.get(SETTINGS_KEY) as { login?: unknown } | undefined)?.login).toBe(LOGIN);
    expect(app.status.current.account).toMatchObject({ status: "connected", login: LOGIN });
  });

  it("a login without @domain on a server that does not name its default domain: asks for user@domain, sends no login", async () => {
    const bare = await startFakeBlueMind({ dataset: "minimal", installationInfos: false });
    try {
      app = new BackgroundApp(tb);
      await app.start();
      const answer = await handleRequest(app, { type: "signIn", serverUrl: bare.url, login: "jdoe", password: "secret" });
      expect(answer).toMatchObject({ ok: false, code: "LOGIN_NEEDS_DOMAIN" });
      expect(!answer.ok && inEnglish(answer.error)).toMatch(/enter your address as user@domain/);
      expect(bare.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(["GET /api/system/installation/_infos 404"]);
      expect(app.status.current.account.status).toBe("needs-sign-in");
    } finally {
      await bare.close();
    }
  });

  it("reports a wrong password and a user without the hasTbird role clearly, and stores nothing", async () => {
    app = new BackgroundApp(tb);
    await app.start();
    const bad = await handleRequest(app, { type: "signIn", serverUrl: fake.url, login: LOGIN, password: "wrong" });
    expect(bad).toMatchObject({ ok: false });
    expect(!bad.ok && bad.error).toEqual(text("errorWrongPassword", LOGIN));
    const noRole = await handleRequest(app, { type: "signIn", serverUrl: fake.url, login: "notb@example.com", password: "secret" });
    expect(!noRole.ok && inEnglish(noRole.error)).toMatch(/hasTbird/);
    expect(((await tb.localStore.get(SETTINGS_KEY)) as { apiKey?: string } | undefined)?.apiKey ?? null).toBeNull();
  });

  it("keeps a search-only book out of autocompletion on the page's request, stored, while its search box still finds", async () => {
    managedByPolicy();
    app = new BackgroundApp(tb);
    await app.start();
    await until(() => app!.providers.list().some((book) => book.containerUid === "addressbook_example.com"), "the directory's search-only book");
    const directory = "addressbook_example.com";
    const people = async (providerQuery: "autocomplete" | "searchBox"): Promise<string[]> =>
      (await tb.quickSearch("prévost", { providerQuery })).map((contact) => /^FN:(.*)$/m.exec(contact.vCard)?.[1] ?? "?");
    expect(await people("autocomplete")).toEqual(["Benoît Prévost"]);

    const off = await handleRequest(app, { type: "setAutocomplete", containerUid: directory, enabled: false });
    expect(off.ok && off.value.settings.autocompleteOff).toEqual([directory]);
    expect((await tb.localStore.get(SETTINGS_KEY)) as object).toMatchObject({ autocompleteOff: [directory] });
    expect(await people("autocomplete")).toEqual([]);
    expect(await people("searchBox")).toEqual(["Benoît Prévost"]);

    const on = await handleRequest(app, { type: "setAutocomplete", containerUid: directory, enabled: true });
    expect(on.ok && on.value.settings.autocompleteOff).toEqual([]);
    expect(await people("autocomplete")).toEqual(["Benoît Prévost"]);
  });

  it("reads the books kept out of autocompletion at start", async () => {
    managedByPolicy();
    await tb.localStore.set(SETTINGS_KEY, { autocompleteOff: ["addressbook_example.com"] });
    app = new BackgroundApp(tb);
    await app.start();
    await until(() => app!.providers.list().some((book) => book.containerUid === "addressbook_example.com"), "the directory's search-only book");
    expect(await tb.quickSearch("prévost")).toEqual([]);
    expect(await tb.quickSearch("prévost", { providerQuery: "searchBox" })).toHaveLength(1);
  });

  it("leaves the book as it was when BlueMind refuses the sync switch", async () => {
    managedByPolicy();
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

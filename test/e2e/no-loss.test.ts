// No silent loss, in a real Thunderbird (issue 12): the probe acts as the user through public
// APIs, the options page is clicked through as the user does, another client writes through the
// fake BlueMind's control API, and each test reads what the user and the server then see.
// One Thunderbird session (signed in through the options page, so that Disconnect is offered),
// restarted once; each step builds on the previous ones' state:
//  (a) an edit typed while the sync fetches the server's change of the same contact;
//  (b) Custom 1, which BlueMind has no field for, through the echo of a push and a server rename;
//  (c) a contact BlueMind refused stays in Thunderbird when the book's sync is switched off;
//  (e) an empty `_all` at the daily full check deletes nothing (the check made due by ageing its
//      date in the add-on's storage, then a restart: a real Thunderbird's clock cannot be moved);
//  (d) Disconnect with unsent edits: sent where BlueMind answers, kept in a plain book where not;
//  (f) a new sign-in, then Disconnect with "keep": the books stay whole, no sync state is left.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ItemValue, VCard } from "../../src/bluemind/models.ts";
import { contactIdFor, isDerivedContactId } from "../../src/sync/contact-uid.ts";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { ProbeClient, type ProbeContact } from "../thunderbird/probe.ts";
import { startThunderbird, type ThunderbirdInstance } from "../thunderbird/runner.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { endSharedSession } from "./support/probe-suite.ts";
import { builtAddonXpi, policiesFor } from "./support/addon.ts";
import { addonStorage, clickSyncSwitch, disconnectThroughPage, inOptionsPage, openOptionsTab, optionsPageTextWith, readOptionsPage, signInThroughPage } from "./support/options-tab.ts";
import { addonStatus, bookRequests, bookStatus, JANE, localBookNamed, personVCard, requestSync, syncAndWait, waitForSync, withProperty } from "./support/synced.ts";

const PASSWORD = "secret";
const MY_CONTACTS = `book:Contacts_${JANE.uid}`;
const TEAM = "team-book-of-jane";
const SIDE = "side-book-of-jane";
/** How BlueMind's paths name a book. */
const pathOf = (containerUid: string, call: string) => new RegExp(`^/api/addressbooks/${encodeURIComponent(containerUid)}/${call}$`);
/** Long enough for the user's edit to land while the server holds the answer, on a loaded machine. */
const MGET_DELAY_MS = 4_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What the add-on tells the user when a book it lets go keeps what BlueMind does not have (detach-book.ts). */
const keptMessage = (bookName: string) =>
  `“${bookName}” is no longer synced; what BlueMind does not have of it stays in Thunderbird, in the address book “${bookName} (not saved on BlueMind)”.`;

describeWithThunderbird("no silent loss in a real Thunderbird", () => {
  let fake: FakeBlueMind;
  let probe: ProbeClient;
  let tb: ThunderbirdInstance;

  const marionette = () => {
    if (!tb.marionette) throw new Error("Thunderbird started without Marionette");
    return tb.marionette;
  };
  const start = (profileDir?: string) =>
    startThunderbird({
      addons: [probe.addon, builtAddonXpi()],
      profileDir,
      // Extension pages are reached through chrome code (options-tab.ts).
      systemAccess: true,
      // No API key: the user signs in with a password, which is what makes Disconnect possible.
      policies: policiesFor({ serverUrl: fake.url, login: JANE.login }),
    });
  const serverCard = (bookUid: string, uid: string) => fake.control.getCard(bookUid, uid)?.value;
  const serverUids = (bookUid: string) => [...(fake.state.books.get(bookUid)?.items.keys() ?? [])].sort();
  const serverCardNamed = (bookUid: string, name: string) =>
    [...(fake.state.books.get(bookUid)?.items.values() ?? [])].find((i) => i.value.identification?.formatedName?.value === name);
  const localVCard = async (id: string) => (await probe.getContact(id)).properties.vCard ?? "";
  /** The `index`-th card of a book with an email, those in no group first (a test edits it alone). */
  const plainCard = (bookUid: string, index: number): ItemValue<VCard> => {
    const items = [...(fake.state.books.get(bookUid)?.items.values() ?? [])];
    const grouped = new Set(items.flatMap((i) => (i.value.organizational?.member ?? []).map((m) => m.itemUid)));
    const withEmail = items.filter((i) => i.value.kind === "individual" && (i.value.communications?.emails ?? []).length > 0);
    const plain = [...withEmail.filter((i) => !grouped.has(i.uid)), ...withEmail.filter((i) => grouped.has(i.uid))];
    const card = plain[index];
    if (card === undefined) throw new Error(`no plain card #${index} in ${bookUid}`);
    return card;
  };
  /** Whether the add-on has queued a local change of the contact (it pushes 3 s after the last one). */
  const queued = async (containerUid: string, contactId: string) => {
    const queue = await addonStorage.get<{ contacts?: Record<string, unknown> }>(marionette(), `sync.queue.${containerUid}`);
    return queue?.contacts?.[contactId] !== undefined;
  };
  /** Until the add-on reports itself signed out with no book left. */
  const disconnected = () =>
    probe.waitFor(
      async () => {
        const current = await addonStatus(probe);
        return current.account.status === "disconnected" && current.books.length === 0 ? current : undefined;
      },
      { timeoutMs: 60_000, what: "the add-on disconnected" },
    );
  const contentOf = (contacts: readonly ProbeContact[]) => contacts.map((c) => `${c.id} ${c.properties.vCard ?? ""}`).sort();

  beforeAll(async () => {
    fake = await startFakeBlueMind({ dataset: "minimal" });
    fake.control.addBook({ uid: TEAM, name: "Team book", owner: JANE.uid, items: 6 });
    fake.control.subscribe(JANE.uid, TEAM, true);
    fake.control.addBook({ uid: SIDE, name: "Side book", owner: JANE.uid, items: 6 });
    fake.control.subscribe(JANE.uid, SIDE, true);
    probe = await ProbeClient.start();
    tb = await start();
    await probe.waitForReady();
    await openOptionsTab(marionette());
    const signedInAt = Date.now();
    await signInThroughPage(marionette(), PASSWORD);
    const status = await waitForSync(probe, signedInAt, 60_000);
    expect(status.account.status).toBe("connected");
    for (const book of [MY_CONTACTS, TEAM, SIDE]) expect(bookStatus(status, book)).toMatchObject({ state: "synced", problem: null });
  }, 90_000);
  afterAll(() => endSharedSession({ tb, probe, server: fake }));

  it("(a) a phone typed while the sync fetches another client's new note of the same contact: both end up on both sides", async () => {
    const card = plainCard(MY_CONTACTS, 0);
    const id = await contactIdFor(MY_CONTACTS, card.uid);
    const note = "Note written by another client";
    const phone = "+33 1 23 45 67 89";
    fake.control.updateCard(MY_CONTACTS, card.uid, { ...card.value, explanatory: { ...card.value.explanatory, note } });
    fake.faults.inject({ method: "POST", pathPattern: pathOf(MY_CONTACTS, "_mget"), kind: "delay", delayMs: MGET_DELAY_MS });
    const from = fake.requests.length;

    const syncAt = await requestSync(probe);
    await probe.waitFor(async () => fake.faults.active().length === 0, { timeoutMs: 20_000, intervalMs: 20, what: "the sync's _mget held by the server" });
    await probe.updateContact(id, withProperty(await localVCard(id), "TEL", phone));
    const typedAt = Date.now();
    await waitForSync(probe, syncAt);
    // The answer carrying the server's note left after the user's edit.
    const mget = bookRequests(fake, MY_CONTACTS, from).find((r) => r.method === "POST" && pathOf(MY_CONTACTS, "_mget").test(r.path));
    expect(mget && mget.at + mget.durationMs).toBeGreaterThan(typedAt);

    const onServer = await probe.waitFor(
      async () => {
        const value = serverCard(MY_CONTACTS, card.uid);
        return value?.communications?.tels?.some((t) => t.value === phone) === true ? value : undefined;
      },
      { timeoutMs: 30_000, what: "the phone on the server" },
    );
    expect(onServer.explanatory?.note).toBe(note);
    const local = await probe.waitFor(async () => ((await localVCard(id)).includes(phone) ? localVCard(id) : undefined), { what: "the local contact" });
    expect(local).toContain(note);
    expect((await readOptionsPage(marionette())).activity.filter((message) => message.startsWith("Conflict"))).toEqual([]);
  });

  it("(b) Custom 1 set in Thunderbird survives the echo of its push and a rename on the server", async () => {
    const card = plainCard(MY_CONTACTS, 1);
    const id = await contactIdFor(MY_CONTACTS, card.uid);
    const edited = withProperty(withProperty(await localVCard(id), "X-CUSTOM1", "badge 42"), "TITLE", "Edited in Thunderbird");
    await probe.updateContact(id, edited);
    await probe.waitFor(async () => serverCard(MY_CONTACTS, card.uid)?.organizational?.title === "Edited in Thunderbird", {
      timeoutMs: 20_000,
      what: "the edit on the server",
    });
    // The next sync reads the push's echo from the changeset.
    await syncAndWait(probe);
    expect((await probe.getContact(id)).properties.Custom1).toBe("badge 42");

    const current = serverCard(MY_CONTACTS, card.uid);
    if (current === undefined) throw new Error("the card left the server");
    fake.control.updateCard(MY_CONTACTS, card.uid, { ...current, identification: { ...current.identification, formatedName: { value: "Renamed On Server", parameters: [] } } });
    await syncAndWait(probe);
    const local = await probe.getContact(id);
    expect(local.properties.DisplayName).toBe("Renamed On Server");
    expect(local.properties.Custom1).toBe("badge 42");
    expect(local.properties.vCard).toContain("Edited in Thunderbird");
    expect(serverCard(MY_CONTACTS, card.uid)?.identification?.formatedName?.value).toBe("Renamed On Server");
    expect(serverCard(MY_CONTACTS, card.uid)?.organizational?.title).toBe("Edited in Thunderbird");
  });

  it("(c) a contact BlueMind refused stays in Thunderbird, in a plain book the options page names, when the book's sync is switched off", async () => {
    const team = await localBookNamed(probe, "Team book");
    const onServer = serverUids(TEAM);
    const ivan = await probe.createContact(team.id, personVCard("Ivan Invalid", "not an email"));
    const refusal = await probe.waitFor(
      async () => {
        const line = (await readOptionsPage(marionette())).books[TEAM] ?? "";
        return line.includes("Ivan Invalid") ? line : undefined;
      },
      { timeoutMs: 20_000, what: "the refusal on Team book's status" },
    );
    expect(refusal).toContain("Ivan Invalid");
    expect(serverCardNamed(TEAM, "Ivan Invalid")).toBeUndefined();

    // The user switches the book's sync off in the options page.
    expect(await inOptionsPage<string>(marionette(), clickSyncSwitch(TEAM))).toBe("true");
    const keptName = "Team book (not saved on BlueMind)";
    const kept = await probe.waitForBook(keptName, 30_000);
    expect(kept.remote).toBeFalsy();
    const contacts = await probe.listContacts(kept.id);
    expect(contacts.map((c) => [c.id, c.properties.DisplayName, c.properties.PrimaryEmail])).toEqual([[ivan, "Ivan Invalid", "not an email"]]);
    // The book itself is now offered search-only; BlueMind lost nothing and got nothing.
    await probe.waitFor(async () => (await probe.listBooks()).find((b) => b.name === "Team book" && b.remote === true), { timeoutMs: 20_000, what: "Team book search-only" });
    expect(fake.control.snapshot().subscriptions[JANE.uid]?.find((s) => s.containerUid === TEAM)?.offlineSync).toBe(false);
    expect(serverUids(TEAM)).toEqual(onServer);

    // Where it went is said, in the add-on's status and on the options page.
    const message = keptMessage("Team book");
    expect((await readOptionsPage(marionette())).activity).toContain(message);
    expect(await optionsPageTextWith(marionette(), message)).toContain(message);
  });

  it("(e) an empty _all at the daily full check deletes nothing, and the next sync checks again", async () => {
    const my = await localBookNamed(probe, "My contacts");
    const before = contentOf(await probe.listContacts(my.id));
    const onServer = serverUids(MY_CONTACTS);
    expect(before.length).toBeGreaterThan(5);
    // The last full check, a day and more ago; the engine reads its state at start.
    const key = `sync.book.${MY_CONTACTS}`;
    const state = await addonStorage.get<{ lastFullCheck: unknown }>(marionette(), key);
    expect(state?.lastFullCheck).toEqual(expect.any(Number));
    await addonStorage.set(marionette(), key, { ...state, lastFullCheck: Date.now() - DAY_MS - 60_000 });
    fake.faults.inject({ method: "GET", pathPattern: pathOf(MY_CONTACTS, "_all"), kind: "empty" });
    const from = fake.requests.length;
    const profileDir = tb.profileDir;
    expect(await tb.quit()).toBe(0);

    const restartedAt = Date.now();
    tb = await start(profileDir);
    await probe.waitForReady();
    const status = await waitForSync(probe, restartedAt, 60_000);
    const alls = () => bookRequests(fake, MY_CONTACTS, from).filter((r) => r.method === "GET" && pathOf(MY_CONTACTS, "_all").test(r.path.split("?")[0] ?? ""));
    expect(alls().map((r) => r.status)).toEqual([200]);
    expect(fake.faults.active()).toEqual([]);
    expect(bookStatus(status, MY_CONTACTS).state).toBe("error");
    expect((await readOptionsPage(marionette())).books[MY_CONTACTS]).toMatch(/BlueMind listed 0 items in this address book.*nothing was removed here/);
    expect(contentOf(await probe.listContacts((await localBookNamed(probe, "My contacts")).id))).toEqual(before);
    expect(serverUids(MY_CONTACTS)).toEqual(onServer);

    // BlueMind answers properly again: the check runs again and passes; still nothing lost.
    const next = await syncAndWait(probe);
    expect(alls().map((r) => r.status)).toEqual([200, 200]);
    expect(bookStatus(next, MY_CONTACTS)).toMatchObject({ state: "synced", problem: null });
    expect(contentOf(await probe.listContacts((await localBookNamed(probe, "My contacts")).id))).toEqual(before);
  });

  it("(d) Disconnect with unsent edits: sent where BlueMind answers, kept in a plain book where it does not", async () => {
    await openOptionsTab(marionette());
    const mine = plainCard(MY_CONTACTS, 2);
    const mineId = await contactIdFor(MY_CONTACTS, mine.uid);
    const side = plainCard(SIDE, 0);
    const sideId = await contactIdFor(SIDE, side.uid);
    // Side book's saves never reach BlueMind from now on.
    fake.faults.inject({ method: "PUT", pathPattern: pathOf(SIDE, "_mupdates"), kind: "drop", times: Infinity });
    const from = fake.requests.length;

    await probe.updateContact(mineId, withProperty(await localVCard(mineId), "TITLE", "Typed just before Disconnect"));
    await probe.updateContact(sideId, withProperty(await localVCard(sideId), "TITLE", "Typed while BlueMind cannot be reached"));
    await probe.waitFor(async () => (await queued(MY_CONTACTS, mineId)) && queued(SIDE, sideId), { timeoutMs: 10_000, intervalMs: 50, what: "both edits queued" });
    const disconnectAt = Date.now();
    await disconnectThroughPage(marionette(), true);
    await disconnected();

    // The edit BlueMind could take was sent by the Disconnect itself, not by an earlier push.
    const pushes = bookRequests(fake, MY_CONTACTS, from).filter((r) => r.method === "PUT" && pathOf(MY_CONTACTS, "_mupdates").test(r.path.split("?")[0] ?? ""));
    expect(pushes.map((r) => r.status)).toEqual([200]);
    expect(pushes[0]?.at).toBeGreaterThanOrEqual(disconnectAt);
    expect(serverCard(MY_CONTACTS, mine.uid)?.organizational?.title).toBe("Typed just before Disconnect");
    // The other one was tried, did not reach BlueMind, and is reported; it stays in Thunderbird,
    // alone in a plain book.
    const sidePushes = bookRequests(fake, SIDE, from).filter((r) => r.method === "PUT" && pathOf(SIDE, "_mupdates").test(r.path.split("?")[0] ?? ""));
    expect(sidePushes.filter((r) => r.at >= disconnectAt)).not.toEqual([]);
    expect(sidePushes.map((r) => r.status).filter((code) => code !== 0)).toEqual([]);
    expect(serverCard(SIDE, side.uid)).toEqual(side.value);
    expect((await readOptionsPage(marionette())).activity).toContainEqual(expect.stringMatching(/^Changes to “Side book” could not be sent to BlueMind/));
    const keptName = "Side book (not saved on BlueMind)";
    const kept = await localBookNamed(probe, keptName);
    const keptContacts = await probe.listContacts(kept.id);
    // Kept under an id of its own (not the one derived from its card), so a later synced copy of
    // the book can never take it for its card.
    expect(keptContacts).toHaveLength(1);
    expect(keptContacts[0]?.id).not.toBe(sideId);
    expect(isDerivedContactId(keptContacts[0]?.id ?? sideId)).toBe(false);
    expect(keptContacts[0]?.properties.vCard).toContain("Typed while BlueMind cannot be reached");

    // Every synced copy went; what (c) kept is untouched; the options page says where the rest is.
    const names = (await probe.listBooks()).map((b) => b.name);
    for (const gone of ["My contacts", "Collected contacts", "My contacts (Bob Martin)", "Side book", "Team book"]) expect(names).not.toContain(gone);
    const team = await localBookNamed(probe, "Team book (not saved on BlueMind)");
    expect((await probe.listContacts(team.id)).map((c) => c.properties.DisplayName)).toEqual(["Ivan Invalid"]);
    expect(await optionsPageTextWith(marionette(), keptMessage("Side book"))).toContain(keptMessage("Side book"));
  });

  it("(f) after a new sign-in, Disconnect with keep leaves every synced book whole and nothing of its sync behind", async () => {
    await openOptionsTab(marionette());
    const signedInAt = Date.now();
    await signInThroughPage(marionette(), PASSWORD);
    const status = await waitForSync(probe, signedInAt, 60_000);
    expect(bookStatus(status, MY_CONTACTS)).toMatchObject({ state: "synced" });
    const synced = ["My contacts", "Side book"];
    const before = new Map<string, { id: string; content: string[] }>();
    for (const name of synced) {
      const book = await localBookNamed(probe, name);
      before.set(name, { id: book.id, content: contentOf(await probe.listContacts(book.id)) });
    }
    expect(before.get("My contacts")?.content.length).toBeGreaterThan(0);
    expect(await addonStorage.get(marionette(), `sync.book.${MY_CONTACTS}`)).toBeDefined();

    await disconnectThroughPage(marionette(), false);
    await disconnected();
    // Whole: the same books, the same contacts, under their names.
    for (const name of synced) {
      const book = await localBookNamed(probe, name);
      expect(book.id).toBe(before.get(name)?.id);
      expect(contentOf(await probe.listContacts(book.id))).toEqual(before.get(name)?.content);
    }
    // Detached: no index entry, book state, merge base, queue or pull note of them is left.
    const keys = await addonStorage.keys(marionette());
    expect(keys.filter((key) => /^sync\.(book|base|queue|pulling)\./.test(key))).toEqual([]);
    expect((await addonStorage.get<{ books: Record<string, unknown> }>(marionette(), "sync.index"))?.books ?? {}).toEqual({});
  });
});

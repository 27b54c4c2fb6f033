// More two-way sync in a real Thunderbird, in one start (each step builds on the previous one's
// state): no echo after pulling a 1,000-contact book, a batch with one card BlueMind refuses, a
// mailing list becoming a BlueMind group, renaming one's own book, deleting a synced book. The
// probe acts as the user; results are read from the fake BlueMind's state and request log.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { GroupMember } from "../../src/bluemind/models.ts";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { ProbeClient } from "../thunderbird/probe.ts";
import type { ThunderbirdInstance } from "../thunderbird/runner.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { endSharedSession } from "./support/probe-suite.ts";
import { addonStatus, bookStatus, JANE, localBookNamed, personVCard, startAddon, syncAndWait, waitForFirstSync } from "./support/synced.ts";
import { openOptionsTab, readOptionsPage } from "./support/options-tab.ts";

const MY_CONTACTS = `book:Contacts_${JANE.uid}`;
const COLLECTED = `book:CollectedContacts_${JANE.uid}`;
const BIG_BOOK = "big-book-of-jane";
const BIG_COUNT = 1_000;
/** The add-on pushes this long after the last local change (design.md §2), plus margin. */
const PUSH_SETTLE_MS = 4_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithThunderbird("more two-way sync in a real Thunderbird", () => {
  let fake: FakeBlueMind;
  let probe: ProbeClient;
  let tb: ThunderbirdInstance;

  const mupdates = (fromIndex = 0) => fake.requests.slice(fromIndex).filter((r) => r.method === "PUT" && r.path.split("?")[0]?.endsWith("/_mupdates"));
  const serverCardNamed = (bookUid: string, name: string) =>
    [...(fake.state.books.get(bookUid)?.items.values() ?? [])].find((i) => i.value.identification?.formatedName?.value === name);
  const subscription = (bookUid: string) => fake.control.snapshot().subscriptions[JANE.uid]?.find((s) => s.containerUid === bookUid);

  beforeAll(async () => {
    fake = await startFakeBlueMind({ dataset: "minimal" });
    fake.control.addBook({ uid: BIG_BOOK, name: "Big book", owner: JANE.uid, items: BIG_COUNT });
    fake.control.subscribe(JANE.uid, BIG_BOOK, true);
    probe = await ProbeClient.start();
    const startedAt = Date.now();
    tb = await startAddon(fake, { probe, extra: { systemAccess: true } });
    await waitForFirstSync(probe, startedAt);
  }, 90_000);
  afterAll(() => endSharedSession({ tb, probe, server: fake }));

  it("sends nothing back after pulling a book of 1,000 contacts, and after one more sync", async () => {
    const big = await localBookNamed(probe, "Big book");
    expect(await probe.listContacts(big.id)).toHaveLength(BIG_COUNT);
    await syncAndWait(probe);
    // Events of the add-on's own writes may still be queued: leave time for a push to happen.
    await sleep(PUSH_SETTLE_MS);
    expect(mupdates()).toEqual([]);
  });

  it("saves the valid cards of a batch and shows BlueMind's refusal of the invalid one", async () => {
    const book = await localBookNamed(probe, "My contacts");
    const from = fake.requests.length;
    await probe.createContact(book.id, personVCard("Vera Valid", "vera.valid@example.org"));
    await probe.createContact(book.id, personVCard("Ivan Invalid", "not an email"));
    await probe.createContact(book.id, personVCard("Otto Okay", "otto.okay@example.org"));

    await probe.waitFor(async () => serverCardNamed(MY_CONTACTS, "Vera Valid") && serverCardNamed(MY_CONTACTS, "Otto Okay"), {
      timeoutMs: 20_000,
      what: "the two valid contacts on the server",
    });
    await probe.waitFor(async () => bookStatus(await addonStatus(probe), MY_CONTACTS).problem === "bookNotSaved", {
      timeoutMs: 20_000,
      what: "a problem on My contacts' status",
    });
    // The refusal's values are for the user's own page: read them where the user does.
    await openOptionsTab(tb.marionette!);
    const shown = (await readOptionsPage(tb.marionette!)).books[MY_CONTACTS];
    expect(shown).toContain("Not saved on BlueMind: “Ivan Invalid”:");
    expect(shown).toContain("Email invalid: 'not an email'");
    expect(serverCardNamed(MY_CONTACTS, "Ivan Invalid")).toBeUndefined();
    expect(serverCardNamed(MY_CONTACTS, "Vera Valid")?.value.communications?.emails?.map((e) => e.value)).toEqual(["vera.valid@example.org"]);
    // One _mupdates carried the three; the refused card is not re-sent unchanged by later syncs.
    await syncAndWait(probe);
    await sleep(PUSH_SETTLE_MS);
    expect(mupdates(from).map((r) => r.path.split("?")[0])).toEqual([`/api/addressbooks/${encodeURIComponent(MY_CONTACTS)}/_mupdates`]);
    expect(serverCardNamed(MY_CONTACTS, "Ivan Invalid")).toBeUndefined();
    expect(bookStatus(await addonStatus(probe), MY_CONTACTS).problem).toBe("bookNotSaved");
    expect((await readOptionsPage(tb.marionette!)).books[MY_CONTACTS]).toContain("“Ivan Invalid”");
  });

  it("makes a mailing list a BlueMind group and follows its members", async () => {
    const book = await localBookNamed(probe, "My contacts");
    const contacts = await probe.listContacts(book.id);
    const vera = contacts.find((c) => c.properties.DisplayName === "Vera Valid");
    const otto = contacts.find((c) => c.properties.DisplayName === "Otto Okay");
    if (vera === undefined || otto === undefined) throw new Error("the contacts of the previous test are missing");
    const veraUid = serverCardNamed(MY_CONTACTS, "Vera Valid")?.uid;
    const ottoUid = serverCardNamed(MY_CONTACTS, "Otto Okay")?.uid;

    const listId = await probe.createList(book.id, "Project team");
    await probe.addMember(listId, vera.id);
    await probe.addMember(listId, otto.id);
    const membersOf = (members: readonly GroupMember[]) =>
      members.map((m) => ({ containerUid: m.containerUid, itemUid: m.itemUid, mailto: m.mailto?.toLowerCase() })).sort((a, b) => String(a.itemUid).localeCompare(String(b.itemUid)));
    const groupMembers = () => {
      const group = serverCardNamed(MY_CONTACTS, "Project team");
      return group?.value.kind === "group" ? membersOf(group.value.organizational?.member ?? []) : undefined;
    };
    const both = membersOf([
      { containerUid: MY_CONTACTS, itemUid: veraUid ?? "?", mailto: "vera.valid@example.org", commonName: null },
      { containerUid: MY_CONTACTS, itemUid: ottoUid ?? "?", mailto: "otto.okay@example.org", commonName: null },
    ]);
    await probe.waitFor(async () => groupMembers()?.length === 2, { timeoutMs: 20_000, what: "the group with two members on the server" });
    expect(groupMembers()).toEqual(both);

    await probe.removeMember(listId, otto.id);
    await probe.waitFor(async () => groupMembers()?.length === 1, { timeoutMs: 20_000, what: "the group with one member on the server" });
    expect(groupMembers()).toEqual(both.filter((m) => m.itemUid === veraUid));
    // The member's own card stays.
    expect(serverCardNamed(MY_CONTACTS, "Otto Okay")).toBeDefined();
  });

  it("renames one's own synced book on BlueMind", async () => {
    const big = await localBookNamed(probe, "Big book");
    await probe.renameBook(big.id, "Huge book");
    await probe.waitFor(async () => fake.control.snapshot().books.find((b) => b.uid === BIG_BOOK)?.name === "Huge book", {
      timeoutMs: 20_000,
      what: "the new name on the server",
    });
    // The next sync keeps the new name locally: same book, not renamed back.
    await syncAndWait(probe);
    expect((await localBookNamed(probe, "Huge book")).id).toBe(big.id);
  });

  it("turns sync off on BlueMind for a book deleted in Thunderbird, deletes nothing there, and offers it search-only", async () => {
    const before = fake.control.snapshot().books.find((b) => b.uid === COLLECTED);
    if (before === undefined) throw new Error("no collected contacts book on the server");
    expect(before.items.length).toBeGreaterThan(0);
    expect(subscription(COLLECTED)?.offlineSync).toBe(true);

    const collected = await localBookNamed(probe, "Collected contacts");
    await probe.deleteBook(collected.id);
    await probe.waitFor(async () => subscription(COLLECTED)?.offlineSync === false, { timeoutMs: 20_000, what: "sync off on the server" });
    const after = fake.control.snapshot().books.find((b) => b.uid === COLLECTED);
    expect(after?.items.map((i) => i.uid).sort()).toEqual(before.items.map((i) => i.uid).sort());

    const remote = await probe.waitFor(async () => (await probe.listBooks()).find((b) => b.name === "Collected contacts" && b.remote === true), {
      timeoutMs: 20_000,
      what: "Collected contacts back as a search-only book",
    });
    expect((await probe.listBooks()).filter((b) => b.name === "Collected contacts")).toEqual([remote]);
    const status = bookStatus(await addonStatus(probe), COLLECTED);
    expect(status.sync).toBe(false);
    expect(status.state).toBe("search-only");
  });
});

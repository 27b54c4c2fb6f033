// Synced books in a real Thunderbird (issue "Synced books", "Done when"): the add-on, configured by
// policy, against the fake BlueMind over loopback. What Thunderbird holds is read through the
// public APIs (the probe) and, after a clean quit, from the profile's files; what the add-on asked
// the server comes from the fake's request log. Syncs are started with the add-on's public "sync
// now" message and followed through its status (getState).
import { expect, it } from "vitest";
import type { VCard } from "../../src/bluemind/models.ts";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { findBook, httpCacheEntriesFor, readProfile } from "../thunderbird/profile-reader.ts";
import { ProbeClient, type ProbeContact } from "../thunderbird/probe.ts";
import { useProbe } from "./support/probe-suite.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { ADDON_ID, policiesFor } from "./support/addon.ts";
import {
  JANE,
  addonStatus,
  bookRequests,
  bookStatus,
  changesetSinces,
  contactDifferences,
  countOf,
  expectedBook,
  localBookNamed,
  localLists,
  sortLists,
  startAddon,
  syncAndWait,
  waitForFirstSync,
} from "./support/synced.ts";

const MY_CONTACTS = "book:Contacts_u-jdoe";
const COLLECTED = "book:CollectedContacts_u-jdoe";
const BOB_SHARED = "book:Contacts_u-bob";
const DIRECTORY = "addressbook_example.com";
const TEAM = "book:team-u-bob";

/** The local copies of the synced books of the dataset below, by container uid. */
const SYNCED_NAMES: Record<string, string> = {
  [MY_CONTACTS]: "My contacts",
  [COLLECTED]: "Collected contacts",
  [BOB_SHARED]: "My contacts (Bob Martin)",
  [TEAM]: "Team (Bob Martin)",
};

function card(name: string, emails: { value: string; isDefault?: boolean }[], note: string | null = null): VCard {
  const [given, family] = name.split(" ");
  return {
    kind: "individual",
    identification: { formatedName: { value: name, parameters: [] }, name: { givenNames: given ?? null, familyNames: family ?? null, parameters: [] } },
    communications: {
      emails: emails.map((e) => ({ value: e.value, parameters: e.isDefault ? [{ label: "DEFAULT", value: "true" }] : [] })),
    },
    explanatory: { note },
  };
}

/** The minimal dataset plus a bigger shared book with groups, and cards with the tricky fields. */
async function fakeWithTeamBook(): Promise<FakeBlueMind> {
  const fake = await startFakeBlueMind({ dataset: "minimal" });
  fake.control.addBook({ uid: TEAM, name: "Team", owner: "u-bob", items: 150, groups: 4, acl: { [JANE.uid]: ["Read"] } });
  fake.control.subscribe(JANE.uid, TEAM, true);
  // The default email is the second one: Thunderbird's primary email must be that one.
  fake.control.createCard(MY_CONTACTS, "default-second", card("Zoé Second", [{ value: "first@example.org" }, { value: "Second@Example.org", isDefault: true }]));
  fake.control.createCard(MY_CONTACTS, "multi-line-note", card("Line Notes", [{ value: "lines@example.org" }], "First line\r\nSecond line; with, punctuation\\ and backslash\nThird line"));
  fake.control.createCard(MY_CONTACTS, "html-note", card("Html Note", [{ value: "html@example.org" }], "<p>Call <b>before</b> noon</p><ul><li>quote sent</li></ul>"));
  return fake;
}

async function contactsOf(probe: ProbeClient, name: string): Promise<{ id: string; contacts: ProbeContact[] }> {
  const book = await localBookNamed(probe, name);
  return { id: book.id, contacts: await probe.listContacts(book.id) };
}

describeWithThunderbird("synced books in a real Thunderbird", () => {
  let probe: ProbeClient;
  useProbe((p) => (probe = p));

  it("initial sync: every synced book holds exactly the server's contacts and groups as lists; the unsynced directory is a search-only book", async () => {
    const fake = await fakeWithTeamBook();
    try {
      const startedAt = Date.now();
      const tb = await startAddon(fake, { probe });
      const status = await waitForFirstSync(probe, startedAt);

      expect(status.account.status).toBe("connected");
      for (const containerUid of Object.keys(SYNCED_NAMES)) {
        const book = bookStatus(status, containerUid);
        expect(book, containerUid).toMatchObject({ state: "synced", problem: null, sync: true });
      }
      expect(bookStatus(status, DIRECTORY)).toMatchObject({ state: "search-only", sync: false });

      const books = await probe.listBooks();
      for (const [containerUid, name] of Object.entries(SYNCED_NAMES)) {
        const { id, contacts } = await contactsOf(probe, name);
        const expected = await expectedBook(fake, containerUid);
        expect(contactDifferences(contacts, expected), name).toEqual([]);
        expect(contacts).toHaveLength(expected.contacts.size);
        expect(await localLists(probe, id), name).toEqual(sortLists(expected.lists));
      }
      // The tricky cards, field by field (contactDifferences covers every card the same way).
      const mine = (await contactsOf(probe, "My contacts")).contacts;
      const byName = (name: string) => mine.find((c) => c.properties.DisplayName === name)?.properties;
      expect(byName("Zoé Second")).toMatchObject({ PrimaryEmail: "second@example.org", SecondEmail: "first@example.org" });
      expect(byName("Line Notes")?.Notes).toBe("First line\nSecond line; with, punctuation\\ and backslash\nThird line");
      expect(byName("Html Note")?.Notes).toMatch(/^Call before noon\n[\s\S]*quote sent$/);
      expect((await localLists(probe, (await localBookNamed(probe, "Team (Bob Martin)")).id)).length).toBe(4);

      // The directory (sync off) is a search-only book with the globe, never a local copy.
      const directory = books.filter((b) => b.name === "Directory");
      expect(directory).toEqual([expect.objectContaining({ remote: true, readOnly: true })]);
      const someone = fake.state.books.get(DIRECTORY)?.items.values().next().value?.value.identification?.formatedName?.value ?? "";
      const found = await probe.quickSearch(someone.split(" ")[0] ?? "", { includeLocal: false });
      expect(found.some((c) => c.parentId === directory[0]?.id)).toBe(true);
      // Nothing but the synced books was fetched.
      expect(countOf(bookRequests(fake, DIRECTORY), "GET", /\/_changeset$/)).toBe(0);
      for (const containerUid of Object.keys(SYNCED_NAMES)) expect(changesetSinces(bookRequests(fake, containerUid))).toEqual([0]);

      // The same content is on disk after a clean quit.
      expect(await tb.quit()).toBe(0);
      const profile = await readProfile(tb.profileDir);
      for (const [containerUid, name] of Object.entries(SYNCED_NAMES)) {
        const onDisk = findBook(profile, name);
        const expected = await expectedBook(fake, containerUid);
        expect(onDisk?.dirType, name).toBe(101);
        expect(new Set(onDisk?.contacts.map((c) => c.uid))).toEqual(new Set(expected.contacts.keys()));
        expect(onDisk?.lists.map((l) => l.name).sort()).toEqual(expected.lists.map((l) => l.name).sort());
      }
      expect(profile.books.filter((b) => b.name === "Directory")).toEqual([]);
      // BlueMind's answers (contacts, the directory's search answer) are not kept in Thunderbird's
      // HTTP cache, while the probe's own requests are: the cache was on.
      expect(httpCacheEntriesFor(tb.profileDir, `${fake.url}/api/`)).toEqual([]);
      expect(httpCacheEntriesFor(tb.profileDir, probe.url).length).toBeGreaterThan(0);
    } finally {
      await fake.close();
    }
  });

  it("incremental sync: cards added, changed and deleted and a book renamed on the server arrive through _changeset?since=N, exactly, without a reload", async () => {
    const fake = await fakeWithTeamBook();
    try {
      const startedAt = Date.now();
      await startAddon(fake, { probe });
      await waitForFirstSync(probe, startedAt);
      const before = await contactsOf(probe, "My contacts");
      const collectedBefore = await localBookNamed(probe, "Collected contacts");
      const teamBefore = await contactsOf(probe, "Team (Bob Martin)");
      const versions = new Map(Object.keys(SYNCED_NAMES).map((uid) => [uid, fake.state.books.get(uid)?.version ?? -1]));

      // Changes another BlueMind client makes.
      fake.control.createCard(MY_CONTACTS, "added-card", card("Nouvelle Personne", [{ value: "nouvelle@example.org" }], "Ajoutée\nsur le serveur"));
      fake.control.updateCard(MY_CONTACTS, "default-second", card("Zoé Renamed", [{ value: "first@example.org", isDefault: true }, { value: "second@example.org" }], "changed"));
      fake.control.deleteCard(MY_CONTACTS, "multi-line-note");
      fake.control.renameBook(COLLECTED, "Gathered addresses");
      // A member of a Team group removed: BlueMind rewrites the group too.
      const team = fake.state.books.get(TEAM);
      const group = [...(team?.items.values() ?? [])].find((i) => i.value.kind === "group");
      const member = group?.value.organizational?.member?.find((m) => m.containerUid === TEAM && m.itemUid !== null);
      expect(member?.itemUid).toBeTruthy();
      fake.control.deleteCard(TEAM, member?.itemUid as string);

      const logFrom = fake.requests.length;
      probe.clearEvents();
      const status = await syncAndWait(probe);
      for (const containerUid of Object.keys(SYNCED_NAMES)) expect(bookStatus(status, containerUid).state).toBe("synced");

      // Through the changeset, from the stored version, nothing re-read in full.
      for (const [containerUid, version] of versions) {
        const requests = bookRequests(fake, containerUid, logFrom);
        expect(changesetSinces(requests), containerUid).toEqual([version]);
        expect(version).toBeGreaterThan(0);
        expect(countOf(requests, "GET", /\/_all$/), containerUid).toBe(0);
      }
      // Unchanged books: no _mget at all; changed ones: one.
      expect(countOf(bookRequests(fake, BOB_SHARED, logFrom), "POST", /\/_mget$/)).toBe(0);
      expect(countOf(bookRequests(fake, COLLECTED, logFrom), "POST", /\/_mget$/)).toBe(0);
      expect(countOf(bookRequests(fake, MY_CONTACTS, logFrom), "POST", /\/_mget$/)).toBe(1);

      // Exactly the changes, applied to the same books.
      const after = await contactsOf(probe, "My contacts");
      expect(after.id).toBe(before.id);
      expect(contactDifferences(after.contacts, await expectedBook(fake, MY_CONTACTS))).toEqual([]);
      expect(after.contacts).toHaveLength(before.contacts.length);
      const unchanged = (c: ProbeContact) => !["Zoé Second", "Line Notes"].includes(c.properties.DisplayName ?? "");
      const vCards = (list: ProbeContact[]) => new Map(list.filter(unchanged).map((c) => [c.id, c.properties.vCard]));
      const untouched = vCards(before.contacts);
      for (const [id, vCard] of vCards(after.contacts)) if (untouched.has(id)) expect(vCard).toBe(untouched.get(id));
      expect(after.contacts.find((c) => c.properties.DisplayName === "Zoé Renamed")?.properties).toMatchObject({ PrimaryEmail: "first@example.org", Notes: "changed" });
      expect(after.contacts.find((c) => c.properties.DisplayName === "Nouvelle Personne")?.properties.Notes).toBe("Ajoutée\nsur le serveur");

      const renamed = await localBookNamed(probe, "Gathered addresses");
      expect(renamed.id).toBe(collectedBefore.id);
      expect((await probe.listBooks()).some((b) => b.name === "Collected contacts")).toBe(false);

      // The deleted member stays in its group as a bare address (BlueMind drops only its
      // container): its card's contact goes, a contact for the address replaces it in the list.
      const teamAfter = await contactsOf(probe, "Team (Bob Martin)");
      const teamExpected = await expectedBook(fake, TEAM);
      expect(teamAfter.id).toBe(teamBefore.id);
      expect(contactDifferences(teamAfter.contacts, teamExpected)).toEqual([]);
      expect(await localLists(probe, teamAfter.id)).toEqual(sortLists(teamExpected.lists));
      expect(teamAfter.contacts.some((c) => c.properties.PrimaryEmail === member?.mailto)).toBe(true);

      // What Thunderbird saw: the new card and the deleted member's address created, one contact
      // deleted per book, one changed in My contacts; nothing else rewritten.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const events = (type: string) => probe.eventsOfType(type);
      const created = events("contacts.onCreated").map((e) => (e.args[0] as ProbeContact).properties.DisplayName).sort();
      expect(created).toEqual(["Nouvelle Personne", member?.commonName ?? member?.mailto].sort());
      expect(events("contacts.onDeleted")).toHaveLength(2);
      expect(events("contacts.onUpdated").map((e) => (e.args[0] as ProbeContact).properties.DisplayName)).toEqual(["Zoé Renamed"]);
      expect(events("addressBooks.onCreated")).toEqual([]);
      expect(events("addressBooks.onDeleted")).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it("sync switched off then on on the server (as in BlueMind's web app): the local copy becomes a search-only book, then comes back complete", async () => {
    const fake = await fakeWithTeamBook();
    try {
      const startedAt = Date.now();
      await startAddon(fake, { probe });
      await waitForFirstSync(probe, startedAt);
      const name = SYNCED_NAMES[BOB_SHARED] as string;
      const local = await localBookNamed(probe, name);

      fake.control.setOfflineSync(JANE.uid, BOB_SHARED, false);
      let status = await syncAndWait(probe);
      expect(bookStatus(status, BOB_SHARED)).toMatchObject({ sync: false, state: "search-only" });
      const off = (await probe.listBooks()).filter((b) => b.name === name);
      expect(off).toEqual([expect.objectContaining({ remote: true })]);
      expect(off[0]?.id).not.toBe(local.id);
      // Its contacts are still found, through the server.
      const bobCard = [...(fake.state.books.get(BOB_SHARED)?.items.values() ?? [])].find((i) => i.value.kind !== "group");
      const given = bobCard?.value.identification?.name?.givenNames ?? "";
      const found = await probe.quickSearch(given, { includeLocal: false });
      expect(found.some((c) => c.parentId === off[0]?.id)).toBe(true);
      // The other books are not disturbed.
      await localBookNamed(probe, "My contacts");

      const logFrom = fake.requests.length;
      fake.control.setOfflineSync(JANE.uid, BOB_SHARED, true);
      status = await syncAndWait(probe);
      expect(bookStatus(status, BOB_SHARED)).toMatchObject({ sync: true, state: "synced", problem: null });
      const on = (await probe.listBooks()).filter((b) => b.name === name);
      expect(on).toEqual([expect.objectContaining({ remote: false })]);
      const back = await contactsOf(probe, name);
      expect(contactDifferences(back.contacts, await expectedBook(fake, BOB_SHARED))).toEqual([]);
      // A full sync of that book, from 0.
      expect(changesetSinces(bookRequests(fake, BOB_SHARED, logFrom))).toEqual([0]);
    } finally {
      await fake.close();
    }
  });

  it("an extension the policy lists reads a summary and asks for a sync, nothing else; an unlisted one gets no answer", async () => {
    const fake = await startFakeBlueMind({ dataset: "minimal" });
    try {
      // The test policy lists the probe, as an administrator lists a companion extension.
      const startedAt = Date.now();
      const tb = await startAddon(fake, { probe });
      await waitForFirstSync(probe, startedAt);
      const refused = await probe.call("runtime.sendMessage", ADDON_ID, { type: "signOut", removeLocalBooks: true });
      expect(refused).toBeNull();
      const refusedSwitch = await probe.call("runtime.sendMessage", ADDON_ID, { type: "setSync", containerUid: MY_CONTACTS, sync: false });
      expect(refusedSwitch).toBeNull();
      const status = await addonStatus(probe);
      expect(status.account).toEqual({ status: "connected", problem: null });
      expect(bookStatus(status, MY_CONTACTS)).toMatchObject({ sync: true, state: "synced", problem: null, itemCount: expect.any(Number) });
      // States and counts only: no login, no server, no book name, no log line.
      const summary = JSON.stringify(status);
      for (const value of [JANE.login, fake.url, "My contacts", "Jane", "activity", "message"]) expect(summary).not.toContain(value);
      expect(fake.state.subscriptions.get(JANE.uid)?.get(MY_CONTACTS)?.offlineSync).toBe(true);
      await localBookNamed(probe, "My contacts");
      expect(await tb.quit()).toBe(0);

      // The same extension, not listed by the policy: not even the summary.
      const apiKey = fake.control.datasetInfo().apiKeys[JANE.login] as string;
      const unlisted = await startAddon(fake, { probe, extra: { policies: policiesFor({ serverUrl: fake.url, login: JANE.login, apiKey, companionExtensions: [] }) } });
      const from = fake.requests.length;
      await probe.waitFor(async () => fake.requests.slice(from).some((r) => r.path.includes("/_changeset")), { timeoutMs: 30_000, what: "the add-on syncing" });
      expect(await probe.call("runtime.sendMessage", ADDON_ID, { type: "getState" })).toBeNull();
      expect(await probe.call("runtime.sendMessage", ADDON_ID, { type: "syncNow" })).toBeNull();
      expect(await unlisted.quit()).toBe(0);
    } finally {
      await fake.close();
    }
  });
});

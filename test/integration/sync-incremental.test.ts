// Incremental syncs: what changed on the server (through the fake's control API, as another
// BlueMind client would) reaches Thunderbird through _changeset with a non-zero since, and only
// that; books appear, are renamed and disappear with the subscriptions.
import { describe, expect, it } from "vitest";
import type { VCard } from "../../src/bluemind/models.ts";
import { contactIdFor, memberContactIdFor } from "../../src/sync/contact-uid.ts";
import { BOOK_STATE_PREFIX } from "../../src/sync/state/sync-state.ts";
import { BOOKS, JANE, expectBookMatchesServer, indexOf, localBookIdOf, person, requestsMatching, serverItems, useSyncWorld } from "./sync-fixtures.ts";

const env = useSyncWorld();
const enc = encodeURIComponent;

async function syncedTwice(): Promise<void> {
  await env.world.sync();
  await env.world.tb.settled();
  env.world.tb.resetCalls();
  env.world.fake.control.clearRequestLog();
}

function firstIndividual(containerUid: string): { uid: string; value: VCard } {
  const item = serverItems(env.world.fake, containerUid).find((i) => i.value.kind === "individual" && (i.value.communications?.emails ?? []).length > 0);
  if (item === undefined) throw new Error("no individual with an email");
  return item;
}

describe("incremental sync", () => {
  it("applies added, changed and deleted cards through _changeset since the stored version, without a full reload", async () => {
    const { fake, tb } = env.world;
    await syncedTwice();
    const versionBefore = fake.state.books.get(BOOKS.janeContacts)?.version ?? 0;
    const changed = firstIndividual(BOOKS.janeContacts);
    // A card no group lists: deleting a member would also make BlueMind rewrite its group.
    const items = serverItems(fake, BOOKS.janeContacts);
    const listed = new Set(items.flatMap((i) => (i.value.organizational?.member ?? []).map((m) => m.itemUid)));
    const deleted = items.find((i) => i.value.kind === "individual" && i.uid !== changed.uid && !listed.has(i.uid));
    if (deleted === undefined) throw new Error("no second card");
    fake.control.createCard(BOOKS.janeContacts, "new-card-1", person("Zoé", "Nouvelle", "zoe@example.org"));
    fake.control.updateCard(BOOKS.janeContacts, changed.uid, { ...changed.value, organizational: { title: "Chief Tester", org: { company: "Acme" } } });
    fake.control.deleteCard(BOOKS.janeContacts, deleted.uid);

    const result = await env.world.sync();
    expect(result.ok).toBe(true);
    await expectBookMatchesServer(env.world, BOOKS.janeContacts);
    expect(requestsMatching(fake, /\/_changeset/)).toContain(`GET /api/addressbooks/${enc(BOOKS.janeContacts)}/_changeset?since=${versionBefore}`);
    expect(requestsMatching(fake, /_changeset\?since=0/)).toEqual([]);
    expect(requestsMatching(fake, /\/_all$/)).toEqual([]);
    // Exactly the three changes.
    expect(tb.calls.createContact).toBe(1);
    expect(tb.calls.updateContact).toBe(1);
    expect(tb.calls.deleteContact).toBe(1);
    expect(tb.calls.listContacts).toBe(0);
    expect(await tb.asUser.getContact(await contactIdFor(BOOKS.janeContacts, deleted.uid))).toBeNull();
    const outcome = result.books.find((b) => b.containerUid === BOOKS.janeContacts)?.outcome;
    expect(outcome?.since).toBe(versionBefore);
    expect(outcome?.counts).toMatchObject({ created: 1, updated: 1, deleted: 1 });
  });

  it("fetches only the changed cards", async () => {
    const { fake } = env.world;
    await syncedTwice();
    const changed = firstIndividual(BOOKS.janeCollected);
    fake.control.updateCard(BOOKS.janeCollected, changed.uid, { ...changed.value, explanatory: { note: "met at the fair" } });
    await env.world.sync();
    const mgets = fake.requests.filter((r) => r.method === "POST" && r.path.includes("/addressbooks/") && r.path.endsWith("/_mget"));
    expect(mgets).toHaveLength(1);
    await expectBookMatchesServer(env.world, BOOKS.janeCollected);
  });

  it("renames the local book when the book is renamed on the server", async () => {
    const { fake, tb } = env.world;
    await syncedTwice();
    fake.control.renameBook(BOOKS.bobContacts, "Bob's people");
    await env.world.sync();
    const book = (await tb.asUser.listBooks()).find((b) => b.id === localBookIdOf(tb, BOOKS.bobContacts));
    expect(book?.name).toBe("Bob's people (Bob Martin)");
    expect(tb.calls.renameBook).toBe(1);
    expect(tb.calls.createBook).toBe(0);
  });

  it("follows group changes: a member removed from a group leaves the list, a new group becomes a list", async () => {
    const { fake, tb } = env.world;
    await syncedTwice();
    const group = serverItems(fake, BOOKS.janeContacts).find((i) => i.value.kind === "group");
    if (group === undefined) throw new Error("no group");
    const members = group.value.organizational?.member ?? [];
    fake.control.updateCard(BOOKS.janeContacts, group.uid, {
      ...group.value,
      identification: { formatedName: { value: "Team, <Paris>  ;\"core\"" } },
      organizational: { ...group.value.organizational, member: members.slice(1) },
    });
    const someone = firstIndividual(BOOKS.janeContacts);
    fake.control.createCard(BOOKS.janeContacts, "group-2", {
      kind: "group",
      identification: { formatedName: { value: "Solo" } },
      organizational: {
        member: [
          { containerUid: BOOKS.janeContacts, itemUid: someone.uid, commonName: null, mailto: null },
          { containerUid: null, itemUid: null, commonName: "Outside Person", mailto: "Outside@Example.net" },
        ],
      },
    });
    await env.world.sync();
    await expectBookMatchesServer(env.world, BOOKS.janeContacts);
    const lists = await tb.asUser.listLists(localBookIdOf(tb, BOOKS.janeContacts));
    expect(lists.map((l) => l.name).sort()).toEqual(["Solo", "Team Paris core"]);
    const solo = lists.find((l) => l.name === "Solo");
    const soloMembers = (await tb.asUser.listMembers(solo?.id ?? "")).map((c) => c.id);
    expect(soloMembers).toContain(await memberContactIdFor(BOOKS.janeContacts, "outside@example.net"));
  });

  it("removes the contact of a bare-email member once no group lists it", async () => {
    const { fake, tb } = env.world;
    fake.control.createCard(BOOKS.janeContacts, "group-x", {
      kind: "group",
      identification: { formatedName: { value: "Externals" } },
      organizational: { member: [{ containerUid: null, itemUid: null, commonName: "Ext", mailto: "ext-only@example.net" }] },
    });
    await syncedTwice();
    const extId = await memberContactIdFor(BOOKS.janeContacts, "ext-only@example.net");
    expect(await tb.asUser.getContact(extId)).not.toBeNull();
    fake.control.deleteCard(BOOKS.janeContacts, "group-x");
    await env.world.sync();
    expect(await tb.asUser.getContact(extId)).toBeNull();
    expect((await tb.asUser.listLists(localBookIdOf(tb, BOOKS.janeContacts))).map((l) => l.name)).not.toContain("Externals");
    await expectBookMatchesServer(env.world, BOOKS.janeContacts);
  });
});

describe("books following the subscriptions", () => {
  it("sync switched off on the server → the local book disappears; on again → it comes back, complete", async () => {
    const { fake, tb } = env.world;
    await syncedTwice();
    const firstId = localBookIdOf(tb, BOOKS.bobContacts);
    fake.control.setOfflineSync(JANE.uid, BOOKS.bobContacts, false);
    const off = await env.world.sync();
    expect(off.removed).toEqual([{ containerUid: BOOKS.bobContacts, reason: "sync-off" }]);
    expect(off.unsynced.map((b) => b.containerUid).sort()).toEqual([BOOKS.bobContacts, BOOKS.directory].sort());
    expect((await tb.asUser.listBooks()).some((b) => b.id === firstId)).toBe(false);
    expect(indexOf(tb).books[BOOKS.bobContacts]).toBeUndefined();
    expect(tb.storeSnapshot()[`${BOOK_STATE_PREFIX}${BOOKS.bobContacts}`]).toBeUndefined();

    fake.control.clearRequestLog();
    fake.control.setOfflineSync(JANE.uid, BOOKS.bobContacts, true);
    const on = await env.world.sync();
    expect(on.ok).toBe(true);
    expect(localBookIdOf(tb, BOOKS.bobContacts)).not.toBe(firstId);
    await expectBookMatchesServer(env.world, BOOKS.bobContacts);
    expect(requestsMatching(fake, /_changeset/)).toContain(`GET /api/addressbooks/${enc(BOOKS.bobContacts)}/_changeset?since=0`);
  });

  it("a directory switched on gets a local copy; unsubscribed books and deleted containers lose theirs", async () => {
    const { fake, tb } = env.world;
    await syncedTwice();
    fake.control.setOfflineSync(JANE.uid, BOOKS.directory, true);
    fake.control.unsubscribe(JANE.uid, BOOKS.bobContacts);
    fake.control.deleteBook(BOOKS.janeCollected);
    // The first listing without them is confirmed by the next one.
    expect((await env.world.sync()).removed).toEqual([]);
    const result = await env.world.sync();
    expect(result.removed.map((r) => r.containerUid).sort()).toEqual([BOOKS.bobContacts, BOOKS.janeCollected].sort());
    expect(result.removed.every((r) => r.reason === "unsubscribed")).toBe(true);
    expect(Object.keys(indexOf(tb).books).sort()).toEqual([BOOKS.directory, BOOKS.janeContacts].sort());
    expect((await tb.asUser.listBooks()).map((b) => b.name)).toContain("Directory");
    await expectBookMatchesServer(env.world, BOOKS.directory);
  });

  it("one listing of subscriptions that leaves the books out removes nothing; they stay synced", async () => {
    const { fake, tb } = env.world;
    await syncedTwice();
    const before = indexOf(tb).books;
    const contacts = tb.contactCount(localBookIdOf(tb, BOOKS.janeContacts));
    fake.faults.inject({ pathPattern: `/api/users/*/subscriptions/${JANE.uid}`, kind: "empty" });
    const bad = await env.world.sync();
    expect(bad.removed).toEqual([]);
    expect(indexOf(tb).books).toEqual(before);
    expect(tb.contactCount(localBookIdOf(tb, BOOKS.janeContacts))).toBe(contacts);
    expect(env.world.reporter.lines.filter((l) => /did not list this address book/.test(l.message)).map((l) => l.containerUid).sort()).toEqual(Object.keys(before).sort());

    const next = await env.world.sync();
    expect(next.ok).toBe(true);
    expect(next.removed).toEqual([]);
    expect(indexOf(tb).books).toEqual(before);
    // And a later single miss is again only a miss.
    fake.faults.inject({ pathPattern: `/api/users/*/subscriptions/${JANE.uid}`, kind: "empty" });
    expect((await env.world.sync()).removed).toEqual([]);
    await expectBookMatchesServer(env.world, BOOKS.janeContacts);
  });

  it("a local copy deleted by the user is created again while the book is synced (default policy)", async () => {
    const { tb } = env.world;
    await syncedTwice();
    const oldId = localBookIdOf(tb, BOOKS.janeCollected);
    await tb.asUser.deleteBook(oldId);
    const result = await env.world.sync();
    expect(result.ok).toBe(true);
    expect(localBookIdOf(tb, BOOKS.janeCollected)).not.toBe(oldId);
    await expectBookMatchesServer(env.world, BOOKS.janeCollected);
    expect(env.world.reporter.lines.some((l) => l.level === "warning" && l.containerUid === BOOKS.janeCollected && /deleted in Thunderbird/.test(l.message))).toBe(true);
  });

  it("with the policy \"forget\", a deleted local copy stays deleted and nothing is sent to BlueMind", async () => {
    const { tb, fake } = env.world;
    await syncedTwice();
    env.world.restart({ onLocalBookMissing: () => "forget" });
    await tb.asUser.deleteBook(localBookIdOf(tb, BOOKS.janeCollected));
    const result = await env.world.sync();
    expect(result.books.map((b) => b.containerUid)).not.toContain(BOOKS.janeCollected);
    expect(indexOf(tb).books[BOOKS.janeCollected]).toBeUndefined();
    expect(fake.requests.filter((r) => r.method !== "GET" && !r.path.endsWith("/_mget") && !r.path.startsWith("/api/auth/login"))).toEqual([]);
  });
});

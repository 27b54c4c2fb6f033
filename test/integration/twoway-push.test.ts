// Local changes in writable synced books reach BlueMind: edits merged onto the server copy, new
// contacts under their Thunderbird id, deletions, batches of 50, per-contact refusals shown on the
// book's status, conflicts won by the server with the local values logged, and no echo of the
// add-on's own writes. Every outcome is read from the fake server's state.
import { describe, expect, it } from "vitest";
import type { VCard } from "../../src/bluemind/models.ts";
import { contactIdFor } from "../../src/sync/contact-uid.ts";
import { QUEUE_PREFIX } from "../../src/sync/change-queue.ts";
import { BOOKS, JANE, expectBookMatchesServer, localBookIdOf, serverItems } from "./sync-fixtures.ts";
import { makeTwoWayWorld, mupdatesCalls, setProperty, typedVCard, useTwoWayWorld, type TwoWayWorld } from "./twoway-fixtures.ts";
import { englishOf } from "../support/english.ts";

const env = useTwoWayWorld();

/** Individuals of a book that no group lists (a deletion would also rewrite the group). */
function plainCards(world: TwoWayWorld, containerUid: string): { uid: string; value: VCard }[] {
  const items = serverItems(world.fake, containerUid);
  const listed = new Set(items.flatMap((i) => (i.value.organizational?.member ?? []).map((m) => m.itemUid)));
  return items.filter((i) => i.value.kind === "individual" && !listed.has(i.uid) && (i.value.communications?.emails ?? []).length > 0);
}

/** Individuals with an email (edits do not care about groups). */
function cardsWithEmail(world: TwoWayWorld, containerUid: string): { uid: string; value: VCard }[] {
  return serverItems(world.fake, containerUid).filter((i) => i.value.kind === "individual" && (i.value.communications?.emails ?? []).length > 0);
}

async function syncedWorld(): Promise<TwoWayWorld> {
  const world = env.world;
  await world.sync();
  await world.settle();
  world.fake.control.clearRequestLog();
  world.syncRequests.length = 0;
  return world;
}

async function editAsUser(world: TwoWayWorld, containerUid: string, itemUid: string, edit: (vCard: string) => string): Promise<string> {
  const id = await contactIdFor(containerUid, itemUid);
  const contact = await world.tb.asUser.getContact(id);
  if (contact === null) throw new Error(`no contact for ${itemUid}`);
  await world.tb.asUser.updateContact(id, edit(contact.vCard));
  return id;
}

describe("pushing local contact changes", () => {
  it("sends an edit made in Thunderbird, merged onto the server copy, a few seconds later and once", async () => {
    const world = await syncedWorld();
    const card = plainCards(world, BOOKS.janeContacts)[0];
    if (card === undefined) throw new Error("no card");
    await editAsUser(world, BOOKS.janeContacts, card.uid, (v) => setProperty(v, "TITLE", "Chief Tester"));
    await world.settle();
    expect(world.syncRequests).toEqual([false]);

    await world.sync();
    const after = world.fake.control.getCard(BOOKS.janeContacts, card.uid);
    expect(after?.value.organizational?.title).toBe("Chief Tester");
    // Merged, not replaced: what the user did not touch is the server's.
    expect(after?.value.communications?.emails?.map((e) => e.value)).toEqual(card.value.communications?.emails?.map((e) => e.value));
    expect(after?.value.identification?.formatedName?.value).toBe(card.value.identification?.formatedName?.value);
    expect(mupdatesCalls(world)).toBe(1);

    await world.settle();
    await world.sync();
    await world.settle();
    expect(mupdatesCalls(world)).toBe(1);
    expect(world.syncRequests).toEqual([false]);
    await expectBookMatchesServer(world as never, BOOKS.janeContacts);
  });

  it("adds a contact created in Thunderbird under its Thunderbird id, without a twin after the pull", async () => {
    const world = await syncedWorld();
    const bookId = localBookIdOf(world.tb, BOOKS.janeContacts);
    const id = await world.tb.asUser.createContact(bookId, typedVCard("Zoé Nouvelle", "zoe@example.org"));
    await world.settle();
    await world.sync();
    await world.settle();

    const card = world.fake.control.getCard(BOOKS.janeContacts, id);
    expect(card?.value.identification?.formatedName?.value).toBe("Zoé Nouvelle");
    expect(card?.value.communications?.emails?.map((e) => e.value)).toEqual(["zoe@example.org"]);
    await world.sync();
    await world.settle();
    const zoes = (await world.tb.asUser.listContacts(bookId)).filter((c) => c.vCard.includes("zoe@example.org"));
    expect(zoes.map((c) => c.id)).toEqual([id]);
    expect(mupdatesCalls(world)).toBe(1);
  });

  it("deletes on BlueMind a contact the user deleted, and nothing else", async () => {
    const world = await syncedWorld();
    const [gone] = plainCards(world, BOOKS.janeContacts);
    if (gone === undefined) throw new Error("no card");
    const before = serverItems(world.fake, BOOKS.janeContacts).length;
    await world.tb.asUser.deleteContact(await contactIdFor(BOOKS.janeContacts, gone.uid));
    await world.settle();
    await world.sync();
    expect(world.fake.control.getCard(BOOKS.janeContacts, gone.uid)).toBeNull();
    expect(serverItems(world.fake, BOOKS.janeContacts)).toHaveLength(before - 1);
  });

  it("forgets a contact created then deleted before the push: nothing is sent", async () => {
    const world = await syncedWorld();
    const bookId = localBookIdOf(world.tb, BOOKS.janeContacts);
    const id = await world.tb.asUser.createContact(bookId, typedVCard("Brief Visitor", "brief@example.org"));
    await world.tb.asUser.deleteContact(id);
    await world.settle();
    await world.sync();
    expect(mupdatesCalls(world)).toBe(0);
    expect(world.fake.control.getCard(BOOKS.janeContacts, id)).toBeNull();
  });

  it("sends 120 edits in batches of 50", async () => {
    const world = env.world;
    world.fake.control.addBook({ uid: "book:many", name: "Many", owner: JANE.uid, items: 150, groups: 0 });
    world.fake.control.subscribe(JANE.uid, "book:many", true);
    await syncedWorld();
    const cards = serverItems(world.fake, "book:many").slice(0, 120);
    for (const card of cards) await editAsUser(world, "book:many", card.uid, (v) => setProperty(v, "NOTE", `edited ${card.uid}`));
    await world.settle();
    await world.sync();
    expect(mupdatesCalls(world, "book:many")).toBe(3);
    for (const card of cards) expect(world.fake.control.getCard("book:many", card.uid)?.value.explanatory?.note).toContain(`edited ${card.uid}`);
    expect(Object.keys(world.tb.storeSnapshot()).filter((k) => k.startsWith(QUEUE_PREFIX))).toEqual([]);
  });

  it("lands the rest of a batch when one card has an invalid email, and shows that card's error on the book with its name", async () => {
    const world = await syncedWorld();
    const [a, b, c] = cardsWithEmail(world, BOOKS.janeContacts);
    if (a === undefined || b === undefined || c === undefined) throw new Error("not enough cards");
    const badName = b.value.identification?.formatedName?.value ?? "";
    await editAsUser(world, BOOKS.janeContacts, a.uid, (v) => setProperty(v, "TITLE", "First"));
    const badId = await editAsUser(world, BOOKS.janeContacts, b.uid, (v) => setProperty(v.replace(/^EMAIL[^\r\n]*\r?\n/gim, ""), "EMAIL", "not an email"));
    await editAsUser(world, BOOKS.janeContacts, c.uid, (v) => setProperty(v, "TITLE", "Third"));
    await world.settle();
    await world.sync();

    expect(world.fake.control.getCard(BOOKS.janeContacts, a.uid)?.value.organizational?.title).toBe("First");
    expect(world.fake.control.getCard(BOOKS.janeContacts, c.uid)?.value.organizational?.title).toBe("Third");
    expect(world.fake.control.getCard(BOOKS.janeContacts, b.uid)?.value.communications?.emails?.map((e) => e.value)).toEqual(b.value.communications?.emails?.map((e) => e.value));
    const status = world.reporter.lastState(BOOKS.janeContacts);
    expect(status?.state).toBe("synced");
    expect(englishOf(status?.lastError)).toContain(badName);
    expect(englishOf(status?.lastError)).toContain("Email invalid");
    expect(world.reporter.lines.some((l) => l.level === "warning" && l.message.includes(badName) && l.message.includes("Email invalid"))).toBe(true);
    // The local edit is kept (not overwritten by the pull) so the user can fix it.
    expect((await world.tb.asUser.getContact(badId))?.vCard).toContain("not an email");

    // Not sent again until the user changes it; the error stays on the book meanwhile.
    await world.settle();
    world.fake.control.clearRequestLog();
    await world.sync();
    expect(mupdatesCalls(world)).toBe(0);
    expect(englishOf(world.reporter.lastState(BOOKS.janeContacts)?.lastError)).toContain(badName);

    await editAsUser(world, BOOKS.janeContacts, b.uid, (v) => setProperty(v.replace(/^EMAIL[^\r\n]*\r?\n/gim, ""), "EMAIL", "fixed@example.org"));
    await world.settle();
    await world.sync();
    expect(world.fake.control.getCard(BOOKS.janeContacts, b.uid)?.value.communications?.emails?.map((e) => e.value)).toEqual(["fixed@example.org"]);
    expect(world.reporter.lastState(BOOKS.janeContacts)?.lastError).toBeNull();
  });

  it("lets the server win a conflict, and keeps the overwritten local values in the activity log", async () => {
    const world = await syncedWorld();
    const [card] = plainCards(world, BOOKS.janeContacts);
    if (card === undefined) throw new Error("no card");
    const id = await editAsUser(world, BOOKS.janeContacts, card.uid, (v) => setProperty(setProperty(v, "TITLE", "Local title"), "NOTE", "typed here"));
    await world.settle();
    world.fake.control.updateCard(BOOKS.janeContacts, card.uid, { ...card.value, organizational: { title: "Server title" } });

    await world.sync();
    await world.settle();
    expect(world.fake.control.getCard(BOOKS.janeContacts, card.uid)?.value.organizational?.title).toBe("Server title");
    expect(mupdatesCalls(world)).toBe(0);
    const local = (await world.tb.asUser.getContact(id))?.vCard ?? "";
    expect(local).toContain("Server title");
    expect(local).not.toContain("Local title");
    const conflict = world.reporter.lines.find((l) => l.message.startsWith("Conflict"));
    expect(conflict?.containerUid).toBe(BOOKS.janeContacts);
    expect(conflict?.message).toContain("TITLE: Local title");
    expect(conflict?.message).toContain("NOTE: typed here");
    await expectBookMatchesServer(world as never, BOOKS.janeContacts);
  });

  it("deletes nothing when a card the user deleted was changed on the server: it comes back", async () => {
    const world = await syncedWorld();
    const [card] = plainCards(world, BOOKS.janeContacts);
    if (card === undefined) throw new Error("no card");
    const id = await contactIdFor(BOOKS.janeContacts, card.uid);
    await world.tb.asUser.deleteContact(id);
    await world.settle();
    world.fake.control.updateCard(BOOKS.janeContacts, card.uid, { ...card.value, organizational: { title: "Promoted" } });
    await world.sync();
    expect(world.fake.control.getCard(BOOKS.janeContacts, card.uid)?.value.organizational?.title).toBe("Promoted");
    expect((await world.tb.asUser.getContact(id))?.vCard).toContain("Promoted");
  });
});

describe("no echo", () => {
  it("an initial pull of 1,000 contacts, a popularity bump and a second sync cause no _mupdates", async () => {
    const world = await makeTwoWayWorld({
      fake: {
        dataset: {
          domain: "example.com",
          users: [{ uid: JANE.uid, login: JANE.login, password: JANE.password, displayName: "Jane Doe", roles: ["hasTbird"], contacts: 1_000, contactGroups: 5 }],
        },
      },
    });
    try {
      await world.sync();
      await world.settle();
      const bookId = localBookIdOf(world.tb, BOOKS.janeContacts);
      expect(world.tb.contactCount(bookId)).toBeGreaterThanOrEqual(990);
      const [first] = await world.tb.asUser.listContacts(bookId);
      if (first === undefined) throw new Error("empty book");
      world.tb.bumpPopularity(first.id);
      await world.settle();
      await world.sync();
      await world.settle();
      expect(mupdatesCalls(world)).toBe(0);
      expect(world.syncRequests).toEqual([]);
      expect(Object.keys(world.tb.storeSnapshot()).filter((k) => k.startsWith(QUEUE_PREFIX))).toEqual([]);
    } finally {
      world.stop();
      await world.fake.close();
    }
  });
});

describe("mailing lists", () => {
  it("a list made in Thunderbird becomes a BlueMind group with its members; its edits and its deletion follow", async () => {
    const world = await syncedWorld();
    const bookId = localBookIdOf(world.tb, BOOKS.janeContacts);
    const [a, b] = plainCards(world, BOOKS.janeContacts);
    if (a === undefined || b === undefined) throw new Error("not enough cards");
    const listId = await world.tb.asUser.createList(bookId, { name: "Team", description: "the usual suspects" });
    await world.tb.asUser.addMember(listId, await contactIdFor(BOOKS.janeContacts, a.uid));
    await world.tb.asUser.addMember(listId, await contactIdFor(BOOKS.janeContacts, b.uid));
    await world.settle();
    await world.sync();
    await world.settle();

    const group = world.fake.control.getCard(BOOKS.janeContacts, listId);
    expect(group?.value.kind).toBe("group");
    expect(group?.value.identification?.formatedName?.value).toBe("Team");
    expect(group?.value.explanatory?.note).toBe("the usual suspects");
    expect(group?.value.organizational?.member?.map((m) => [m.containerUid, m.itemUid, m.mailto])).toEqual([
      [BOOKS.janeContacts, a.uid, a.value.communications?.emails?.[0]?.value],
      [BOOKS.janeContacts, b.uid, b.value.communications?.emails?.[0]?.value],
    ]);
    // The pull keeps the user's list (no twin) and sends nothing back.
    await world.sync();
    await world.settle();
    expect((await world.tb.asUser.listLists(bookId)).filter((l) => l.name === "Team").map((l) => l.id)).toEqual([listId]);
    expect(mupdatesCalls(world)).toBe(1);

    await world.tb.asUser.updateList(listId, { name: "Core team", description: "" });
    await world.tb.asUser.removeMember(listId, await contactIdFor(BOOKS.janeContacts, a.uid));
    await world.settle();
    await world.sync();
    const renamed = world.fake.control.getCard(BOOKS.janeContacts, listId);
    expect(renamed?.value.identification?.formatedName?.value).toBe("Core team");
    expect(renamed?.value.organizational?.member?.map((m) => m.itemUid)).toEqual([b.uid]);

    await world.tb.asUser.deleteList(listId);
    await world.settle();
    await world.sync();
    expect(world.fake.control.getCard(BOOKS.janeContacts, listId)).toBeNull();
    expect(world.fake.control.getCard(BOOKS.janeContacts, a.uid)).not.toBeNull();
  });

  it("a member added to a list synced from BlueMind is added to the group", async () => {
    const world = await syncedWorld();
    const group = serverItems(world.fake, BOOKS.janeContacts).find((i) => i.value.kind === "group");
    if (group === undefined) throw new Error("no group");
    const record = world.engine.stateOf(BOOKS.janeContacts)?.groups[group.uid];
    if (record === undefined) throw new Error("group not synced");
    const members = new Set((group.value.organizational?.member ?? []).map((m) => m.itemUid));
    const outsider = plainCards(world, BOOKS.janeContacts).find((c) => !members.has(c.uid));
    if (outsider === undefined) throw new Error("no outsider");
    await world.tb.asUser.addMember(record.list, await contactIdFor(BOOKS.janeContacts, outsider.uid));
    await world.settle();
    await world.sync();
    const after = world.fake.control.getCard(BOOKS.janeContacts, group.uid);
    expect(after?.value.organizational?.member?.map((m) => m.itemUid)).toContain(outsider.uid);
    expect(after?.value.organizational?.member).toHaveLength(members.size + 1);
  });
});

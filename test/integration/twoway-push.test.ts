// Local changes in writable synced books reach BlueMind: edits merged onto the server copy, new
// contacts under their Thunderbird id, deletions, batches of 50, per-contact refusals shown on the
// book's status, conflicts won by the server with the local values logged, and no echo of the
// add-on's own writes. Every outcome is read from the fake server's state.
import { describe, expect, it } from "vitest";
import { isDerivedContactId } from "../../src/sync/contact-uid.ts";
import type { VCard } from "../../src/bluemind/models.ts";
import { contactIdFor, memberContactIdFor } from "../../src/sync/contact-uid.ts";
import { QUEUE_PREFIX } from "../../src/sync/state/change-queue.ts";
import { bookStateKey } from "../../src/sync/state/sync-state.ts";
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

  it("merges field by field: a field changed on one side comes from that side; on both, the server wins and the local value is logged", async () => {
    const world = await syncedWorld();
    const [card] = plainCards(world, BOOKS.janeContacts);
    if (card === undefined) throw new Error("no card");
    const id = await editAsUser(world, BOOKS.janeContacts, card.uid, (v) => setProperty(setProperty(v, "TITLE", "Local title"), "NOTE", "typed here"));
    await world.settle();
    world.fake.control.updateCard(BOOKS.janeContacts, card.uid, { ...card.value, organizational: { ...card.value.organizational, title: "Server title" } });

    await world.sync();
    await world.settle();
    const onServer = world.fake.control.getCard(BOOKS.janeContacts, card.uid)?.value;
    expect(onServer?.organizational?.title).toBe("Server title");
    expect(onServer?.explanatory?.note).toContain("typed here");
    expect(mupdatesCalls(world)).toBe(1);
    const local = (await world.tb.asUser.getContact(id))?.vCard ?? "";
    expect(local).toContain("Server title");
    expect(local).not.toContain("Local title");
    expect(local).toContain("typed here");
    const conflicts = world.reporter.lines.filter((l) => l.message.startsWith("Conflict"));
    expect(conflicts.map((c) => c.containerUid)).toEqual([BOOKS.janeContacts]);
    expect(conflicts[0]?.message).toContain("TITLE: Local title");
    expect(conflicts[0]?.message).not.toContain("typed here");
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

describe("a book at BlueMind's item limit", () => {
  it("still takes edits and deletions; new contacts and lists are refused with BlueMind's message, not resent, and later changes go out", async () => {
    const world = env.world;
    world.fake.control.addBook({ uid: "book:full", name: "Full", owner: JANE.uid, items: 6, groups: 0, maxItems: 6 });
    world.fake.control.subscribe(JANE.uid, "book:full", true);
    await syncedWorld();
    const bookId = localBookIdOf(world.tb, "book:full");
    const [edited, deleted, later, member] = serverItems(world.fake, "book:full");
    if (edited === undefined || deleted === undefined || later === undefined || member === undefined) throw new Error("not enough cards");
    // 6 + 2 adds − 1 deletion: the whole batch is refused.
    await editAsUser(world, "book:full", edited.uid, (v) => setProperty(v, "TITLE", "Still editable"));
    await world.tb.asUser.deleteContact(await contactIdFor("book:full", deleted.uid));
    const added = await world.tb.asUser.createContact(bookId, typedVCard("Nouveau Venu", "nouveau@example.org"));
    await world.tb.asUser.createContact(bookId, typedVCard("Autre Venu", "autre@example.org"));
    await world.settle();
    await world.sync();
    await world.settle();

    expect(world.fake.control.getCard("book:full", edited.uid)?.value.organizational?.title).toBe("Still editable");
    expect(world.fake.control.getCard("book:full", deleted.uid)).toBeNull();
    expect(world.fake.control.getCard("book:full", added)).toBeNull();
    expect(englishOf(world.reporter.lastState("book:full")?.lastError)).toContain("“Nouveau Venu”: Max items count in addressbook exceeded");
    // Kept in Thunderbird, where the user can make room and change it.
    expect(await world.tb.asUser.getContact(added)).not.toBeNull();

    // Someone else fills the room again; a new list is refused the same way, a later edit goes out.
    world.fake.control.createCard("book:full", "someone-else", { kind: "individual", identification: { formatedName: { value: "Someone Else" } } });
    await editAsUser(world, "book:full", later.uid, (v) => setProperty(v, "TITLE", "Later"));
    const listId = await world.tb.asUser.createList(bookId, { name: "No room", description: "" });
    await world.tb.asUser.addMember(listId, await contactIdFor("book:full", member.uid));
    await world.settle();
    world.fake.control.clearRequestLog();
    await world.sync();
    await world.settle();
    expect(world.fake.control.getCard("book:full", later.uid)?.value.organizational?.title).toBe("Later");
    expect(world.fake.control.getCard("book:full", listId)).toBeNull();
    expect(englishOf(world.reporter.lastState("book:full")?.lastError)).toContain("and 2 more");
    expect(world.reporter.lines.some((l) => l.level === "warning" && l.message.includes("“No room”") && l.message.includes("Max items count in addressbook exceeded"))).toBe(true);
    expect((await world.tb.asUser.listLists(bookId)).map((l) => l.id)).toContain(listId);
    // The edit, and the list alone (refused whole, nothing else to send): the refused contacts wait.
    expect(mupdatesCalls(world, "book:full")).toBe(2);

    world.fake.control.clearRequestLog();
    await world.sync();
    expect(mupdatesCalls(world, "book:full")).toBe(0);
  });
});

describe("no duplicates on BlueMind", () => {
  it("a synced contact whose sync state was lost is not sent as new at its popularity bump: the pull re-links it", async () => {
    const world = await syncedWorld();
    const [card] = plainCards(world, BOOKS.janeContacts);
    if (card === undefined) throw new Error("no card");
    const id = await contactIdFor(BOOKS.janeContacts, card.uid);
    const before = serverItems(world.fake, BOOKS.janeContacts).length;
    await world.tb.localStore.set(bookStateKey(BOOKS.janeContacts), { schema: "unreadable" });
    await world.restart();
    world.tb.bumpPopularity(id);
    await world.settle();

    await world.sync();
    await world.settle();
    await world.sync();
    await world.settle();
    expect(mupdatesCalls(world)).toBe(0);
    expect(world.fake.control.getCard(BOOKS.janeContacts, id)).toBeNull();
    expect(serverItems(world.fake, BOOKS.janeContacts)).toHaveLength(before);
    expect(world.engine.stateOf(BOOKS.janeContacts)?.contacts[id]?.item).toBe(card.uid);
    expect(Object.keys(world.tb.storeSnapshot()).filter((k) => k.startsWith(QUEUE_PREFIX))).toEqual([]);
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
  it("members BlueMind's imports make ({containerUid: null, itemUid}) are the book's own cards, both ways; an unknown item falls back to its address", async () => {
    const world = env.world;
    const [a, b] = plainCards(world, BOOKS.janeContacts);
    if (a === undefined || b === undefined) throw new Error("not enough cards");
    const aEmail = a.value.communications?.emails?.[0]?.value ?? "";
    world.fake.control.createCard(BOOKS.janeContacts, "imported-group", {
      kind: "group",
      identification: { formatedName: { value: "Imported" } },
      organizational: {
        member: [
          { containerUid: null, itemUid: a.uid, commonName: a.value.identification?.formatedName?.value ?? null, mailto: aEmail },
          { containerUid: null, itemUid: "no-such-card", commonName: "Gone", mailto: "gone@example.org" },
        ],
      },
    });
    await syncedWorld();
    const record = world.engine.stateOf(BOOKS.janeContacts)?.groups["imported-group"];
    if (record === undefined) throw new Error("group not synced");
    const aId = await contactIdFor(BOOKS.janeContacts, a.uid);
    const goneId = await memberContactIdFor(BOOKS.janeContacts, "gone@example.org");
    expect((await world.tb.asUser.listMembers(record.list)).map((c) => c.id).sort()).toEqual([aId, goneId].sort());
    expect(await world.tb.asUser.getContact(await memberContactIdFor(BOOKS.janeContacts, aEmail))).toBeNull();
    await expectBookMatchesServer(world as never, BOOKS.janeContacts);

    await world.tb.asUser.addMember(record.list, await contactIdFor(BOOKS.janeContacts, b.uid));
    await world.settle();
    await world.sync();
    await world.settle();
    expect(world.reporter.lines.filter((l) => l.message.startsWith("Conflict"))).toEqual([]);
    expect(world.fake.control.getCard(BOOKS.janeContacts, "imported-group")?.value.organizational?.member?.map((m) => [m.containerUid, m.itemUid])).toEqual([
      [null, a.uid],
      [null, "no-such-card"],
      [BOOKS.janeContacts, b.uid],
    ]);
    await world.sync();
    expect(mupdatesCalls(world)).toBe(1);
  });

  it("a member whose contact is not on BlueMind yet is left out, and added at the sync after its contact gets there", async () => {
    const world = await syncedWorld();
    const bookId = localBookIdOf(world.tb, BOOKS.janeContacts);
    const [a] = plainCards(world, BOOKS.janeContacts);
    if (a === undefined) throw new Error("no card");
    const late = await world.tb.asUser.createContact(bookId, typedVCard("Late Member", "not an email"));
    const listId = await world.tb.asUser.createList(bookId, { name: "Waiting", description: "" });
    await world.tb.asUser.addMember(listId, await contactIdFor(BOOKS.janeContacts, a.uid));
    await world.tb.asUser.addMember(listId, late);
    await world.settle();
    await world.sync();
    await world.settle();
    expect(world.fake.control.getCard(BOOKS.janeContacts, listId)?.value.organizational?.member?.map((m) => m.itemUid)).toEqual([a.uid]);
    expect(world.reporter.lines.some((l) => l.level === "warning" && l.message === "“Late Member” is not on BlueMind: the group “Waiting” is saved without this member.")).toBe(true);

    // Nothing to send while the contact is refused.
    world.fake.control.clearRequestLog();
    await world.sync();
    await world.settle();
    expect(mupdatesCalls(world)).toBe(0);

    const contact = await world.tb.asUser.getContact(late);
    await world.tb.asUser.updateContact(late, setProperty((contact?.vCard ?? "").replace(/^EMAIL[^\r\n]*\r?\n/gim, ""), "EMAIL", "late@example.org"));
    await world.settle();
    await world.sync();
    await world.settle();
    expect(world.fake.control.getCard(BOOKS.janeContacts, listId)?.value.organizational?.member?.map((m) => m.itemUid)).toEqual([a.uid, late]);
    expect(Object.keys(world.tb.storeSnapshot()).filter((k) => k.startsWith(QUEUE_PREFIX))).toEqual([]);
  });
});

describe("a synced book that stops being synced", () => {
  it("sync switched off with a contact BlueMind refused: the pending edit is sent first, the refused contact stays in a plain book named for it, the rest goes", async () => {
    const world = await syncedWorld();
    const [sent, refused] = plainCards(world, BOOKS.janeCollected);
    if (sent === undefined || refused === undefined) throw new Error("not enough cards");
    const bookId = localBookIdOf(world.tb, BOOKS.janeCollected);
    const refusedId = await editAsUser(world, BOOKS.janeCollected, refused.uid, (v) => setProperty(v.replace(/^EMAIL[^\r\n]*\r?\n/gim, ""), "EMAIL", "not an email"));
    await world.settle();
    await world.sync();
    expect(englishOf(world.reporter.lastState(BOOKS.janeCollected)?.lastError)).toContain("Email invalid");
    // Edited after the last push, and the sync goes off before the next one.
    await editAsUser(world, BOOKS.janeCollected, sent.uid, (v) => setProperty(v, "TITLE", "Sent at the last moment"));
    await world.settle();

    world.fake.control.setOfflineSync(JANE.uid, BOOKS.janeCollected, false);
    const result = await world.sync();
    expect(result.removed).toEqual([{ containerUid: BOOKS.janeCollected, reason: "sync-off" }]);
    expect(world.fake.control.getCard(BOOKS.janeCollected, sent.uid)?.value.organizational?.title).toBe("Sent at the last moment");
    const kept = (await world.tb.asUser.listBooks()).find((b) => b.id === bookId);
    expect(kept?.name).toBe("Collected contacts (not saved on BlueMind)");
    // Kept under an id of its own, so the book's synced copy can never take it for its card.
    const [keptContact, ...others] = await world.tb.asUser.listContacts(bookId);
    expect(others).toEqual([]);
    expect(keptContact?.vCard).toContain("not an email");
    expect(isDerivedContactId(keptContact?.id ?? refusedId)).toBe(false);
    const keptId = keptContact?.id ?? "";
    const told = "“Collected contacts” is no longer synced; what BlueMind does not have of it stays in Thunderbird, in the address book “Collected contacts (not saved on BlueMind)”.";
    expect(world.tb.notified.at(-1)).toBe(told);
    const last = world.reporter.lastState(BOOKS.janeCollected);
    expect(last && { ...last, lastError: englishOf(last.lastError) }).toEqual({ state: "error", lastError: told });
    expect(world.reporter.lines.some((l) => l.level === "warning" && l.message === told)).toBe(true);
    const stored = Object.keys(world.tb.storeSnapshot());
    expect(stored.filter((k) => k.includes(BOOKS.janeCollected))).toEqual([]);

    // The plain book is the user's now: their edits there go nowhere, and nothing removes it.
    await world.tb.asUser.updateContact(keptId, setProperty((await world.tb.asUser.getContact(keptId))?.vCard ?? "", "EMAIL", "fixed@example.org"));
    await world.settle();
    world.fake.control.clearRequestLog();
    await world.sync();
    await world.sync();
    expect(mupdatesCalls(world)).toBe(0);
    expect((await world.tb.asUser.listContacts(bookId)).map((c) => c.id)).toEqual([keptId]);

    // Sync on again: a new synced copy of the book; the plain book keeps what the user typed.
    world.fake.control.setOfflineSync(JANE.uid, BOOKS.janeCollected, true);
    await world.sync();
    const synced = localBookIdOf(world.tb, BOOKS.janeCollected);
    expect(synced).not.toBe(bookId);
    expect((await world.tb.asUser.listContacts(bookId)).map((c) => c.id)).toEqual([keptId]);
    expect((await world.tb.asUser.getContact(keptId))?.vCard).toContain("fixed@example.org");
    expect((await world.tb.asUser.getContact(refusedId))?.parentId).toBe(synced);
  });

  it("unsubscribed with an unsent edit: it is sent before the local copy goes, once a second listing confirms", async () => {
    const world = await syncedWorld();
    const [card] = plainCards(world, BOOKS.janeCollected);
    if (card === undefined) throw new Error("no card");
    const bookId = localBookIdOf(world.tb, BOOKS.janeCollected);
    world.fake.control.unsubscribe(JANE.uid, BOOKS.janeCollected);
    await world.sync();
    await editAsUser(world, BOOKS.janeCollected, card.uid, (v) => setProperty(v, "TITLE", "Sent before the book goes"));
    await world.settle();
    const result = await world.sync();
    expect(result.removed).toEqual([{ containerUid: BOOKS.janeCollected, reason: "unsubscribed" }]);
    expect(world.fake.control.getCard(BOOKS.janeCollected, card.uid)?.value.organizational?.title).toBe("Sent before the book goes");
    expect((await world.tb.asUser.listBooks()).map((b) => b.id)).not.toContain(bookId);
    expect(Object.keys(world.tb.storeSnapshot()).filter((k) => k.includes(BOOKS.janeCollected))).toEqual([]);
  });
});

// Books handled in Thunderbird, seen on BlueMind: a book the user creates is published (owner the
// user, subscribed with sync on, its contacts pushed); renames of the user's own books go to
// BlueMind, others are refused; deleting a synced book turns its sync off and deletes nothing;
// changes in a read-only book are undone and the user is told.
import { describe, expect, it } from "vitest";
import { contactIdFor } from "../../src/sync/contact-uid.ts";
import { vCardContentHash } from "../../src/vcard/index.ts";
import { BOOKS, JANE, indexOf, localBookIdOf, serverItems } from "./sync-fixtures.ts";
import { mupdatesCalls, setProperty, typedVCard, useTwoWayWorld, vCardOf, type TwoWayWorld } from "./twoway-fixtures.ts";

const env = useTwoWayWorld();

async function syncedWorld(): Promise<TwoWayWorld> {
  const world = env.world;
  await world.sync();
  await world.settle();
  world.fake.control.clearRequestLog();
  world.syncRequests.length = 0;
  return world;
}

function subscriptionOf(world: TwoWayWorld, containerUid: string): { offlineSync: boolean } | undefined {
  return world.fake.control.snapshot().subscriptions[JANE.uid]?.find((s) => s.containerUid === containerUid);
}

function serverBook(world: TwoWayWorld, containerUid: string) {
  return world.fake.control.snapshot().books.find((b) => b.uid === containerUid);
}

describe("read-only books", () => {
  it("undoes an edit at once, tells the user why, and sends nothing", async () => {
    const world = await syncedWorld();
    const card = serverItems(world.fake, BOOKS.bobContacts).find((i) => i.value.kind === "individual");
    if (card === undefined) throw new Error("no card");
    const id = await contactIdFor(BOOKS.bobContacts, card.uid);
    const original = (await world.tb.asUser.getContact(id))?.vCard ?? "";
    await world.tb.asUser.updateContact(id, setProperty(original, "TITLE", "Hacked"));
    await world.settle();
    expect(world.syncRequests).toEqual([true]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(world.tb.notified.at(-1)).toMatch(/^“My contacts \(Bob Martin\)” is read-only on BlueMind: your change to “.+” was undone\.$/);

    await world.sync();
    await world.settle();
    const restored = (await world.tb.asUser.getContact(id))?.vCard ?? "";
    expect(restored).not.toContain("Hacked");
    expect(vCardContentHash(restored)).toBe(vCardContentHash(vCardOf(card.value, id)));
    expect(world.fake.control.getCard(BOOKS.bobContacts, card.uid)?.value).toEqual(card.value);
    expect(mupdatesCalls(world)).toBe(0);
  });

  it("brings back a contact the user deleted", async () => {
    const world = await syncedWorld();
    const card = serverItems(world.fake, BOOKS.bobContacts).find((i) => i.value.kind === "individual");
    if (card === undefined) throw new Error("no card");
    const id = await contactIdFor(BOOKS.bobContacts, card.uid);
    await world.tb.asUser.deleteContact(id);
    await world.settle();
    await world.sync();
    await world.settle();
    expect(vCardContentHash((await world.tb.asUser.getContact(id))?.vCard ?? "")).toBe(vCardContentHash(vCardOf(card.value, id)));
    expect(world.fake.control.getCard(BOOKS.bobContacts, card.uid)).not.toBeNull();
    expect(world.syncRequests).toEqual([true]);
  });

  it("removes a contact the user created there, keeping its values in the activity log", async () => {
    const world = await syncedWorld();
    const bookId = localBookIdOf(world.tb, BOOKS.bobContacts);
    const before = world.tb.contactCount(bookId);
    const id = await world.tb.asUser.createContact(bookId, typedVCard("Intruder Person", "intruder@example.org"));
    await world.settle();
    expect(await world.tb.asUser.getContact(id)).toBeNull();
    expect(world.tb.contactCount(bookId)).toBe(before);
    expect(world.reporter.lines.some((l) => l.message.includes("Intruder Person") && l.message.includes("intruder@example.org"))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(world.tb.notified.at(-1)).toContain("read-only");
    await world.sync();
    expect(mupdatesCalls(world)).toBe(0);
  });
});

describe("books created in Thunderbird", () => {
  it("are created on BlueMind for the user, subscribed with sync on, with their contacts, and synced without twins", async () => {
    const world = await syncedWorld();
    const bookId = await world.tb.asUser.createBook("Work");
    const ann = await world.tb.asUser.createContact(bookId, typedVCard("Ann Work", "ann@work.example"));
    const ben = await world.tb.asUser.createContact(bookId, typedVCard("Ben Work", "ben@work.example"));
    const crew = await world.tb.asUser.createList(bookId, { name: "Crew" });
    await world.tb.asUser.addMember(crew, ann);
    await world.tb.asUser.addMember(crew, ben);
    await world.settle();
    expect(world.syncRequests).toContain(false);

    await world.sync();
    await world.settle();
    const containerUid = Object.entries(indexOf(world.tb).books).find(([, e]) => e.localBookId === bookId)?.[0];
    if (containerUid === undefined) throw new Error("the book was not adopted");
    const book = serverBook(world, containerUid);
    expect(book?.name).toBe("Work");
    expect(book?.owner).toBe(JANE.uid);
    expect(subscriptionOf(world, containerUid)?.offlineSync).toBe(true);
    expect(book?.items.map((i) => i.uid).sort()).toEqual([ann, ben, crew].sort());
    const group = world.fake.control.getCard(containerUid, crew);
    expect(group?.value.kind).toBe("group");
    expect(group?.value.organizational?.member?.map((m) => m.itemUid).sort()).toEqual([ann, ben].sort());
    expect(world.fake.control.getCard(containerUid, ann)?.value.communications?.emails?.map((e) => e.value)).toEqual(["ann@work.example"]);

    // Synced from now on under the same Thunderbird book and contact ids.
    world.fake.control.createCard(containerUid, "from-web", { kind: "individual", identification: { formatedName: { value: "Web Added", parameters: [] } } });
    await world.sync();
    await world.settle();
    expect(world.tb.findBooksByName("Work").map((b) => b.id)).toEqual([bookId]);
    const ids = (await world.tb.asUser.listContacts(bookId)).map((c) => c.id);
    expect(ids).toHaveLength(3);
    expect(ids).toEqual(expect.arrayContaining([ann, ben, await contactIdFor(containerUid, "from-web")]));
    expect(world.fake.requests.filter((r) => r.method === "PUT" && r.path.startsWith("/api/mgmt/addressbooks/"))).toHaveLength(1);
    // One batch of contacts, one of lists; nothing bounced back by the pulls.
    expect(mupdatesCalls(world)).toBe(2);
    expect((await world.tb.asUser.listLists(bookId)).map((l) => l.id)).toEqual([crew]);
  });

  it("are left alone when publishing is turned off, and the add-on's own books are never published", async () => {
    const world = await syncedWorld();
    world.publish.enabled = false;
    await world.tb.asUser.createBook("Private");
    world.fake.control.addBook({ uid: "book:new-shared", name: "New shared", owner: JANE.uid, items: 2 });
    world.fake.control.subscribe(JANE.uid, "book:new-shared", true);
    await world.settle();
    world.publish.enabled = true;
    await world.sync();
    await world.settle();
    await world.sync();
    expect(world.fake.requests.filter((r) => r.method === "PUT" && r.path.startsWith("/api/mgmt/"))).toEqual([]);
    expect(world.tb.findBooksByName("New shared")).toHaveLength(1);
  });
});

describe("renaming and deleting synced books in Thunderbird", () => {
  it("renames the user's own book on BlueMind", async () => {
    const world = await syncedWorld();
    const bookId = localBookIdOf(world.tb, BOOKS.janeCollected);
    await world.tb.asUser.renameBook(bookId, "People I wrote to");
    await world.settle();
    await world.sync();
    await world.settle();
    expect(serverBook(world, BOOKS.janeCollected)?.name).toBe("People I wrote to");
    await world.sync();
    expect(world.tb.findBooksByName("People I wrote to").map((b) => b.id)).toEqual([bookId]);
  });

  it("gives someone else's book its name back, and says why", async () => {
    const world = await syncedWorld();
    const bookId = localBookIdOf(world.tb, BOOKS.bobContacts);
    await world.tb.asUser.renameBook(bookId, "Bob's stuff");
    await world.settle();
    expect(world.tb.findBooksByName("My contacts (Bob Martin)").map((b) => b.id)).toEqual([bookId]);
    expect(world.tb.notified.at(-1)).toContain("belongs to Bob Martin");
    await world.sync();
    expect(serverBook(world, BOOKS.bobContacts)?.name).not.toBe("Bob's stuff");
    expect(world.fake.requests.filter((r) => r.path.startsWith("/api/mgmt/"))).toEqual([]);
  });

  it("turns the sync of a deleted book off on BlueMind and deletes nothing there", async () => {
    const world = await syncedWorld();
    const before = serverItems(world.fake, BOOKS.janeCollected).length;
    await world.tb.asUser.deleteBook(localBookIdOf(world.tb, BOOKS.janeCollected));
    await world.settle();
    expect(world.syncRequests).toContain(false);
    const first = await world.sync();
    expect(first.ok).toBe(true);
    expect(subscriptionOf(world, BOOKS.janeCollected)?.offlineSync).toBe(false);
    expect(serverItems(world.fake, BOOKS.janeCollected)).toHaveLength(before);
    expect(mupdatesCalls(world)).toBe(0);
    const second = await world.sync();
    expect(second.unsynced.map((b) => b.containerUid)).toContain(BOOKS.janeCollected);
    expect(indexOf(world.tb).books[BOOKS.janeCollected]).toBeUndefined();
    expect((await world.tb.asUser.listBooks()).some((b) => b.name === "Collected contacts")).toBe(false);
  });
});

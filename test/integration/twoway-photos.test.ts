// Photos both ways in writable synced books, read from the fake BlueMind's state (which stores
// photos re-encoded as PNG and refuses those of 1 MiB or more, as BlueMind does): a photo set in
// Thunderbird reaches BlueMind once, scaled down when too big; one removed in Thunderbird is
// deleted there; one removed on BlueMind goes from Thunderbird without the contact leaving its
// lists; one BlueMind cannot take stays here, logged, and is not sent again.
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import type { VCard } from "../../src/bluemind/models.ts";
import { contactIdFor } from "../../src/sync/contact-uid.ts";
import { noisyPng, solidPng } from "../fake-bluemind/png.ts";
import { BOOKS, localBookIdOf, serverItems } from "./sync-fixtures.ts";
import { useTwoWayWorld, type TwoWayWorld } from "./twoway-fixtures.ts";

const env = useTwoWayWorld();

function photoRequests(world: TwoWayWorld, method: "POST" | "DELETE"): number {
  return world.fake.requests.filter((r) => r.method === method && r.path.endsWith("/photo")).length;
}

function serverPhoto(world: TwoWayWorld, itemUid: string): Buffer | undefined {
  return world.fake.state.books.get(BOOKS.janeContacts)?.photos.get(itemUid);
}

/** A card of Jane's book with an email, and its contact id here. */
async function someCard(world: TwoWayWorld, where: (card: { uid: string; value: VCard }) => boolean = () => true): Promise<{ uid: string; value: VCard; id: string }> {
  const card = serverItems(world.fake, BOOKS.janeContacts).find((i) => i.value.kind === "individual" && where(i));
  if (card === undefined) throw new Error("no card");
  return { ...card, id: await contactIdFor(BOOKS.janeContacts, card.uid) };
}

async function syncedWorld(): Promise<TwoWayWorld> {
  const world = env.world;
  await world.sync();
  await world.settle();
  world.fake.control.clearRequestLog();
  world.syncRequests.length = 0;
  return world;
}

async function syncAndSettle(world: TwoWayWorld): Promise<void> {
  await world.sync();
  await world.settle();
}


describe("photos set and removed in Thunderbird", () => {
  it("sends a photo set in Thunderbird to BlueMind once, as PNG", async () => {
    const world = await syncedWorld();
    const card = await someCard(world, (c) => c.value.identification?.photo !== true);
    const picture = jpeg.encode({ data: Buffer.alloc(20 * 10 * 4, 128), width: 20, height: 10 }, 90).data;
    await world.tb.asUser.setContactPhoto(card.id, new Uint8Array(picture), "image/jpeg");
    await world.settle();
    expect(world.syncRequests).toEqual([false]);

    await syncAndSettle(world);
    const stored = serverPhoto(world, card.uid);
    expect(stored).toBeDefined();
    expect(PNG.sync.read(stored as Buffer)).toMatchObject({ width: 20, height: 10 });
    expect(world.fake.control.getCard(BOOKS.janeContacts, card.uid)?.value.identification?.photo).toBe(true);
    expect(photoRequests(world, "POST")).toBe(1);
    // The user's own picture stays in Thunderbird.
    expect(Buffer.from(world.tb.photoOf(card.id)?.bytes ?? [])).toEqual(Buffer.from(picture));

    await syncAndSettle(world);
    await syncAndSettle(world);
    expect(photoRequests(world, "POST")).toBe(1);
    expect(world.fake.requests.filter((r) => r.path.endsWith("/_mupdates"))).toHaveLength(0);

    // BlueMind's card changes: its bytes of the photo are known for the same photo, so the user's
    // own picture stays in Thunderbird.
    const current = world.fake.control.getCard(BOOKS.janeContacts, card.uid)?.value ?? card.value;
    world.fake.control.updateCard(BOOKS.janeContacts, card.uid, { ...current, organizational: { ...current.organizational, title: "Changed there" } });
    await syncAndSettle(world);
    expect(world.tb.photoOf(card.id)?.type).toBe("image/jpeg");
    expect(Buffer.from(world.tb.photoOf(card.id)?.bytes ?? [])).toEqual(Buffer.from(picture));
  });

  it("scales a photo too big for BlueMind down until its PNG fits", async () => {
    const world = await syncedWorld();
    const card = await someCard(world);
    const big = noisyPng(700); // ≈ 1.5 MB as PNG: BlueMind would refuse it
    expect(big.length).toBeGreaterThan(1024 * 1024);
    await world.tb.asUser.setContactPhoto(card.id, big, "image/png");
    await world.settle();
    await syncAndSettle(world);

    const stored = serverPhoto(world, card.uid);
    expect(stored).toBeDefined();
    expect((stored as Buffer).length).toBeLessThanOrEqual(768 * 1024);
    const { width, height } = PNG.sync.read(stored as Buffer);
    expect(width).toBeLessThan(700);
    expect(width).toBe(height);
    expect(world.reporter.lines.filter((l) => l.level !== "info")).toEqual([]);
  });

  it("sends a smaller photo when BlueMind still finds it too big, and again after a failure", async () => {
    const world = await syncedWorld();
    const card = await someCard(world);
    await world.tb.asUser.setContactPhoto(card.id, noisyPng(300), "image/png");
    await world.settle();
    world.fake.control.injectFault({ method: "POST", pathPattern: /\/photo$/, kind: "status", status: 500, errorCode: "UNKNOWN", message: "disk full", times: Infinity });
    await world.sync();
    await world.settle();
    expect(serverPhoto(world, card.uid)).toBeUndefined();

    // The failure left the change queued: the next sync sends it. BlueMind refuses the first size.
    const failedPosts = photoRequests(world, "POST");
    world.fake.control.clearFaults();
    world.fake.control.injectFault({ method: "POST", pathPattern: /\/photo$/, kind: "status", status: 500, errorCode: "ENTITY_TOO_LARGE", message: "Image is too big" });
    await syncAndSettle(world);
    const sizes = world.tb.images.calls.map((c) => c.maxBytes);
    expect(sizes.slice(-2)).toEqual([768 * 1024, 192 * 1024]);
    const stored = serverPhoto(world, card.uid);
    expect(stored).toBeDefined();
    expect((stored as Buffer).length).toBeLessThanOrEqual(192 * 1024);
    expect(photoRequests(world, "POST")).toBe(failedPosts + 2);
  });

  it("deletes on BlueMind a photo removed in Thunderbird", async () => {
    const world = env.world;
    const card = await someCard(world);
    world.fake.control.setPhoto(BOOKS.janeContacts, card.uid, solidPng([200, 10, 10]));
    await syncAndSettle(world);
    expect(world.tb.photoOf(card.id)).toBeDefined();
    world.fake.control.clearRequestLog();

    world.tb.removePhotoAsUser(card.id);
    await world.settle();
    await syncAndSettle(world);
    expect(serverPhoto(world, card.uid)).toBeUndefined();
    expect(world.fake.control.getCard(BOOKS.janeContacts, card.uid)?.value.identification?.photo).toBe(false);
    expect(photoRequests(world, "DELETE")).toBe(1);
    await syncAndSettle(world);
    expect(photoRequests(world, "DELETE")).toBe(1);
    expect(world.tb.photoOf(card.id)).toBeUndefined();
  });

  it("keeps a photo BlueMind cannot take in Thunderbird, says so once, and does not send it again", async () => {
    const world = await syncedWorld();
    const card = await someCard(world);
    const broken = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    await world.tb.asUser.setContactPhoto(card.id, broken, "image/png");
    await world.settle();
    await syncAndSettle(world);
    await syncAndSettle(world);

    expect(serverPhoto(world, card.uid)).toBeUndefined();
    expect(Buffer.from(world.tb.photoOf(card.id)?.bytes ?? [])).toEqual(Buffer.from(broken));
    const warnings = world.reporter.lines.filter((l) => l.level === "warning" && l.message.includes("photo of"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain("stays in Thunderbird only");
  });
});

describe("photos removed on BlueMind", () => {
  it("removes the photo here too, and the contact keeps its id and its lists", async () => {
    const world = env.world;
    const group = serverItems(world.fake, BOOKS.janeContacts).find((i) => i.value.kind === "group" && (i.value.organizational?.member ?? []).some((m) => m.itemUid));
    const memberUid = group?.value.organizational?.member?.find((m) => m.itemUid)?.itemUid;
    if (group === undefined || memberUid === undefined || memberUid === null) throw new Error("no group with a member card");
    const card = await someCard(world, (c) => c.uid === memberUid);
    world.fake.control.setPhoto(BOOKS.janeContacts, card.uid, solidPng([10, 200, 10]));
    await syncAndSettle(world);
    expect(world.tb.photoOf(card.id)).toBeDefined();
    const bookId = localBookIdOf(world.tb, BOOKS.janeContacts);
    const listsBefore = await listsHolding(world, bookId, card.id);
    expect(listsBefore.length).toBeGreaterThan(0);
    world.fake.control.clearRequestLog();

    // As BlueMind's web app does: the photo removed, the card saved.
    world.fake.control.setPhoto(BOOKS.janeContacts, card.uid, null);
    world.fake.control.updateCard(BOOKS.janeContacts, card.uid, { ...card.value, identification: { ...card.value.identification, photo: false } });
    await syncAndSettle(world);

    expect(world.tb.photoOf(card.id)).toBeUndefined();
    expect(await world.tb.addressBooks.getContact(card.id)).not.toBeNull();
    expect(await listsHolding(world, bookId, card.id)).toEqual(listsBefore);
    // Nothing went back to BlueMind, and the next syncs are quiet.
    await syncAndSettle(world);
    await syncAndSettle(world);
    expect(world.fake.requests.filter((r) => r.method !== "GET" && !r.path.includes("_changeset") && !r.path.endsWith("/_mget") && !r.path.includes("/auth/"))).toEqual([]);
    expect(world.fake.control.getCard(BOOKS.janeContacts, group.uid)?.value.organizational?.member).toEqual(group.value.organizational?.member);
  });

  it("a stop between deleting and re-creating the contact loses nothing, here or on BlueMind", async () => {
    const world = env.world;
    const card = await someCard(world);
    world.fake.control.setPhoto(BOOKS.janeContacts, card.uid, solidPng([120, 0, 120]));
    await syncAndSettle(world);
    // Thunderbird stops answering right after the deletion: the contact is missing here.
    const books = world.tb.addressBooks;
    const create = books.createContact.bind(books);
    let refused = 0;
    books.createContact = async (bookId, vCard) => {
      if (vCard.includes(`UID:${card.id}`) && refused++ === 0) throw new Error("Thunderbird is shutting down");
      return create(bookId, vCard);
    };
    world.fake.control.setPhoto(BOOKS.janeContacts, card.uid, null);
    world.fake.control.updateCard(BOOKS.janeContacts, card.uid, { ...card.value, identification: { ...card.value.identification, photo: false } });
    await syncAndSettle(world);
    expect(refused).toBe(1);
    expect(await world.tb.addressBooks.getContact(card.id)).toBeNull();

    // Next session: the catch-up does not take the missing contact for a deletion of the user's.
    await world.restart();
    await syncAndSettle(world);
    expect(world.fake.control.getCard(BOOKS.janeContacts, card.uid)).not.toBeNull();
    expect(await world.tb.addressBooks.getContact(card.id)).not.toBeNull();
    expect(world.tb.photoOf(card.id)).toBeUndefined();
    await syncAndSettle(world);
    expect(world.fake.control.getCard(BOOKS.janeContacts, card.uid)).not.toBeNull();
  });

  it("takes a photo changed on BlueMind with the card saved again unchanged (model test, seed 11)", async () => {
    const world = env.world;
    const card = await someCard(world);
    await syncAndSettle(world);
    await world.tb.asUser.setContactPhoto(card.id, solidPng([220, 20, 20], 8), "image/png");
    await world.settle();
    await syncAndSettle(world);
    const theirs = solidPng([20, 200, 20], 8);
    world.fake.control.setPhoto(BOOKS.janeContacts, card.uid, theirs);
    world.fake.control.updateCard(BOOKS.janeContacts, card.uid, world.fake.control.getCard(BOOKS.janeContacts, card.uid)?.value ?? card.value);
    await syncAndSettle(world);
    expect(Buffer.from(world.tb.photoOf(card.id)?.bytes ?? [])).toEqual(serverPhoto(world, card.uid));
    expect(PNG.sync.read(Buffer.from(world.tb.photoOf(card.id)?.bytes ?? [])).data[1]).toBe(200);
  });

  it("keeps a photo changed here meanwhile, and sends it", async () => {
    const world = env.world;
    const card = await someCard(world);
    world.fake.control.setPhoto(BOOKS.janeContacts, card.uid, solidPng([1, 1, 200]));
    await syncAndSettle(world);
    world.fake.control.setPhoto(BOOKS.janeContacts, card.uid, null);
    world.fake.control.updateCard(BOOKS.janeContacts, card.uid, { ...card.value, identification: { ...card.value.identification, photo: false } });
    const mine = solidPng([250, 250, 0], 16);
    await world.tb.asUser.setContactPhoto(card.id, mine, "image/png");
    await world.settle();
    await syncAndSettle(world);

    expect(Buffer.from(world.tb.photoOf(card.id)?.bytes ?? [])).toEqual(Buffer.from(mine));
    expect(PNG.sync.read(serverPhoto(world, card.uid) as Buffer)).toMatchObject({ width: 16, height: 16 });
  });
});

describe("photos in a read-only book", () => {
  it("undoes a photo set or changed by the user: BlueMind's photo, or none, comes back", async () => {
    const world = env.world;
    const cards = serverItems(world.fake, BOOKS.bobContacts).filter((i) => i.value.kind === "individual").slice(0, 2);
    const [plain, pictured] = cards;
    if (plain === undefined || pictured === undefined) throw new Error("Bob's book has too few cards");
    world.fake.control.setPhoto(BOOKS.bobContacts, plain.uid, null);
    const theirs = solidPng([9, 99, 199], 12);
    world.fake.control.setPhoto(BOOKS.bobContacts, pictured.uid, theirs);
    await syncAndSettle(world);
    const plainId = await contactIdFor(BOOKS.bobContacts, plain.uid);
    const picturedId = await contactIdFor(BOOKS.bobContacts, pictured.uid);
    world.fake.control.clearRequestLog();

    await world.tb.asUser.setContactPhoto(plainId, solidPng([1, 2, 3], 10), "image/png");
    await world.tb.asUser.setContactPhoto(picturedId, solidPng([4, 5, 6], 10), "image/png");
    await world.settle();
    await syncAndSettle(world);

    expect(world.tb.photoOf(plainId)).toBeUndefined();
    expect(Buffer.from(world.tb.photoOf(picturedId)?.bytes ?? [])).toEqual(theirs);
    expect(world.fake.requests.filter((r) => r.method !== "GET" && r.path.endsWith("/photo"))).toEqual([]);
    expect(world.tb.notified.some((n) => n.includes("read-only") || n.includes("undone"))).toBe(true);
  });
});

async function listsHolding(world: TwoWayWorld, bookId: string, contactId: string): Promise<string[]> {
  const held: string[] = [];
  for (const list of await world.tb.addressBooks.listLists(bookId)) {
    if ((await world.tb.addressBooks.listMembers(list.id)).some((m) => m.id === contactId)) held.push(list.name);
  }
  return held.sort();
}

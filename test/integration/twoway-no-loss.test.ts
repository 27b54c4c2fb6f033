// Regression tests of the sync core's promise: a pull never overwrites what the user typed and
// did not send yet, and contacts are merged field by field (issue "sync core without silent loss",
// items 1, 2 and 5).
import { describe, expect, it } from "vitest";
import { contactIdFor } from "../../src/sync/contact-uid.ts";
import type { VCard } from "../../src/bluemind/models.ts";
import { bookStateKey } from "../../src/sync/state/sync-state.ts";
import { BOOKS, expectBookMatchesServer, localBookIdOf, serverItems } from "./sync-fixtures.ts";
import { mupdatesCalls, setProperty, typedVCard, useTwoWayWorld, type TwoWayWorld } from "./twoway-fixtures.ts";

const env = useTwoWayWorld();

function plainCard(world: TwoWayWorld): { uid: string; value: VCard } {
  const items = serverItems(world.fake, BOOKS.janeContacts);
  const listed = new Set(items.flatMap((i) => (i.value.organizational?.member ?? []).map((m) => m.itemUid)));
  const card = items.find((i) => i.value.kind === "individual" && !listed.has(i.uid) && (i.value.communications?.emails ?? []).length > 0);
  if (card === undefined) throw new Error("no plain card");
  return card;
}

async function synced(): Promise<TwoWayWorld> {
  const world = env.world;
  await world.sync();
  await world.settle();
  world.fake.control.clearRequestLog();
  return world;
}

async function localVCard(world: TwoWayWorld, id: string): Promise<string> {
  return (await world.tb.asUser.getContact(id))?.vCard ?? "";
}

describe("a pull never overwrites an unsent local change", () => {
  it("an edit typed while the sync fetches the server's change of the same contact: both end up on both sides", async () => {
    const world = await synced();
    const card = plainCard(world);
    const id = await contactIdFor(BOOKS.janeContacts, card.uid);
    world.fake.control.updateCard(BOOKS.janeContacts, card.uid, { ...card.value, explanatory: { note: "note from the server" } });
    // The sync's push finds nothing to send; the user types while its _mget is on the wire.
    world.fake.control.injectFault({ method: "POST", pathPattern: "*/_mget", kind: "delay", delayMs: 300 });
    const running = world.sync();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await world.tb.asUser.updateContact(id, setProperty(await localVCard(world, id), "TEL", "+33 1 23 45 67 89"));
    await running;
    await world.settle();
    await world.sync();
    await world.settle();

    const local = await localVCard(world, id);
    expect(local).toContain("note from the server");
    expect(local).toContain("+33 1 23 45 67 89");
    const onServer = world.fake.control.getCard(BOOKS.janeContacts, card.uid)?.value;
    expect(onServer?.explanatory?.note).toContain("note from the server");
    expect(onServer?.communications?.tels?.map((t) => t.value)).toContain("+33 1 23 45 67 89");
    expect(world.reporter.lines.filter((l) => l.message.startsWith("Conflict"))).toEqual([]);
    await expectBookMatchesServer(world as never, BOOKS.janeContacts);
  });

  it("keeps Custom 1 when the server renames the contact, and on the echo of the user's own push", async () => {
    const world = await synced();
    const card = plainCard(world);
    const id = await contactIdFor(BOOKS.janeContacts, card.uid);
    await world.tb.asUser.updateContact(id, setProperty(await localVCard(world, id), "X-CUSTOM1", "badge 42"));
    await world.settle();
    await world.sync();
    await world.settle();
    expect(await localVCard(world, id)).toContain("badge 42");

    world.fake.control.updateCard(BOOKS.janeContacts, card.uid, { ...card.value, identification: { ...card.value.identification, formatedName: { value: "Renamed On Server", parameters: [] } } });
    await world.sync();
    await world.settle();
    const local = await localVCard(world, id);
    expect(local).toContain("Renamed On Server");
    expect(local).toContain("badge 42");
  });

  it("keeps Thunderbird-only fields of every contact of a pushed batch when its echo comes back", async () => {
    const world = await synced();
    const items = serverItems(world.fake, BOOKS.janeContacts).filter((i) => i.value.kind === "individual").slice(0, 3);
    const ids = await Promise.all(items.map((i) => contactIdFor(BOOKS.janeContacts, i.uid)));
    for (const id of ids) {
      const vCard = setProperty(setProperty(await localVCard(world, id), "X-CUSTOM2", `custom of ${id}`), "TITLE", "Edited here");
      await world.tb.asUser.updateContact(id, vCard);
    }
    await world.settle();
    await world.sync();
    await world.settle();
    expect(mupdatesCalls(world)).toBe(1);
    // The next sync reads the batch's echo from the changeset.
    await world.sync();
    await world.settle();
    for (const id of ids) expect(await localVCard(world, id)).toContain(`custom of ${id}`);
  });

  it("merges a field changed here with another changed on BlueMind without a conflict, and pushes the result", async () => {
    const world = await synced();
    const card = plainCard(world);
    const id = await contactIdFor(BOOKS.janeContacts, card.uid);
    await world.tb.asUser.updateContact(id, setProperty(await localVCard(world, id), "NOTE", "typed here"));
    await world.settle();
    world.fake.control.updateCard(BOOKS.janeContacts, card.uid, { ...card.value, organizational: { ...card.value.organizational, title: "Title from BlueMind" } });
    await world.sync();
    await world.settle();
    const onServer = world.fake.control.getCard(BOOKS.janeContacts, card.uid)?.value;
    expect(onServer?.organizational?.title).toBe("Title from BlueMind");
    expect(onServer?.explanatory?.note).toContain("typed here");
    const local = await localVCard(world, id);
    expect(local).toContain("Title from BlueMind");
    expect(local).toContain("typed here");
    expect(world.reporter.lines.filter((l) => l.message.startsWith("Conflict"))).toEqual([]);
  });

  it("logs what the user typed when BlueMind deletes a contact changed here", async () => {
    const world = await synced();
    const card = plainCard(world);
    const id = await contactIdFor(BOOKS.janeContacts, card.uid);
    // Typed while the add-on was not listening (no queue entry): found by content.
    world.stop();
    await world.tb.asUser.updateContact(id, setProperty(await localVCard(world, id), "NOTE", "my precious note"));
    await world.restart();
    world.fake.control.deleteCard(BOOKS.janeContacts, card.uid);
    await world.sync();
    await world.settle();
    expect(await world.tb.asUser.getContact(id)).toBeNull();
    const lost = world.reporter.lines.find((l) => l.message.includes("deleted on BlueMind"));
    expect(lost?.message).toContain("my precious note");
  });
});

describe("a contact born here whose sync record was lost", () => {
  it("is merged with BlueMind's copy at its next edit, not sent over it as new", async () => {
    const world = await synced();
    const bookId = localBookIdOf(world.tb, BOOKS.janeContacts);
    const id = await world.tb.asUser.createContact(bookId, typedVCard("Born Here", "born@example.org"));
    await world.settle();
    await world.sync();
    expect(world.fake.control.getCard(BOOKS.janeContacts, id)?.value.identification?.formatedName?.value).toBe("Born Here");
    // The book's state is lost (unreadable storage, say): the record of the push with it.
    await world.tb.localStore.remove(bookStateKey(BOOKS.janeContacts));
    await world.restart();
    // Another client changes another field meanwhile: the add-on's edit must not overwrite it.
    const onServer = world.fake.control.getCard(BOOKS.janeContacts, id)?.value;
    if (onServer === undefined) throw new Error("not on the server");
    world.fake.control.updateCard(BOOKS.janeContacts, id, { ...onServer, explanatory: { ...onServer.explanatory, note: "Set on BlueMind" } });
    await world.tb.asUser.updateContact(id, setProperty(await localVCard(world, id), "TITLE", "Engineer"));
    await world.settle();
    await world.sync();
    await world.sync();
    expect(world.fake.control.getCard(BOOKS.janeContacts, id)?.value.organizational?.title).toBe("Engineer");
    expect(world.fake.control.getCard(BOOKS.janeContacts, id)?.value.explanatory?.note).toContain("Set on BlueMind");
    const twins = serverItems(world.fake, BOOKS.janeContacts).filter((i) => i.value.identification?.formatedName?.value === "Born Here");
    expect(twins.map((i) => i.uid)).toEqual([id]);
    expect(world.reporter.lines.map((l) => l.message).join("\n")).not.toMatch(/already exists/i);
    const local = (await world.tb.asUser.listContacts(bookId)).filter((c) => c.vCard.includes("Born Here"));
    expect(local.map((c) => c.id)).toEqual([id]);
    expect(local[0]?.vCard).toContain("Engineer");
    expect(local[0]?.vCard).toContain("Set on BlueMind");
  });
});

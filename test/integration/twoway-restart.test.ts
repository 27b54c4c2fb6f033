// Local changes survive a restart: queued, then the add-on stops before its push; the next
// instance on the same Thunderbird (same storage) pushes them at its first sync, exactly once.
// Once with the two-way module and engine alone, once with the whole background app as
// Thunderbird runs it (policy-configured account, scheduler, engine, module).
import { describe, expect, it } from "vitest";
import { BackgroundApp } from "../../src/background/app.ts";
import { contactIdFor } from "../../src/sync/contact-uid.ts";
import { QUEUE_PREFIX, queueKey } from "../../src/sync/state/change-queue.ts";
import { startFakeBlueMind } from "../fake-bluemind/index.ts";
import { InMemoryThunderbird } from "../unit/in-memory-thunderbird.ts";
import { BOOKS, JANE, localBookIdOf, serverItems } from "./sync-fixtures.ts";
import { mupdatesCalls, setProperty, typedVCard, useTwoWayWorld } from "./twoway-fixtures.ts";

const env = useTwoWayWorld();

describe("queued changes across a restart", () => {
  it("are pushed by the next instance, once", async () => {
    const world = env.world;
    await world.sync();
    await world.settle();
    const bookId = localBookIdOf(world.tb, BOOKS.janeContacts);
    const [edited, deleted] = serverItems(world.fake, BOOKS.janeContacts).filter((i) => i.value.kind === "individual");
    if (edited === undefined || deleted === undefined) throw new Error("not enough cards");
    const editedId = await contactIdFor(BOOKS.janeContacts, edited.uid);
    const vCard = (await world.tb.asUser.getContact(editedId))?.vCard ?? "";
    await world.tb.asUser.updateContact(editedId, setProperty(vCard, "TITLE", "Survivor"));
    await world.tb.asUser.deleteContact(await contactIdFor(BOOKS.janeContacts, deleted.uid));
    const created = await world.tb.asUser.createContact(bookId, typedVCard("Late Comer", "late@example.org"));
    await world.settle();
    expect(world.tb.storeSnapshot()[queueKey(BOOKS.janeContacts)]).toBeDefined();

    await world.restart();
    world.fake.control.clearRequestLog();
    await world.sync();
    await world.settle();
    expect(world.fake.control.getCard(BOOKS.janeContacts, edited.uid)?.value.organizational?.title).toBe("Survivor");
    expect(world.fake.control.getCard(BOOKS.janeContacts, deleted.uid)).toBeNull();
    expect(world.fake.control.getCard(BOOKS.janeContacts, created)?.value.identification?.formatedName?.value).toBe("Late Comer");
    // One batch of contacts, then one of the group that listed the deleted contact: BlueMind
    // turned that member into an address, and the list merge keeps the user's removal.
    expect(mupdatesCalls(world)).toBe(2);
    const deletedEmail = deleted.value.communications?.emails?.[0]?.value ?? "";
    expect(deletedEmail).not.toBe("");
    expect(JSON.stringify(serverItems(world.fake, BOOKS.janeContacts).filter((i) => i.value.kind === "group"))).not.toContain(deletedEmail);

    await world.restart();
    await world.sync();
    expect(mupdatesCalls(world)).toBe(2);
    expect(Object.keys(world.tb.storeSnapshot()).filter((k) => k.startsWith(QUEUE_PREFIX))).toEqual([]);
  });
});

describe("the background app", () => {
  it("pushes after a restart what was queued before it, once", async () => {
    const fake = await startFakeBlueMind();
    const apiKey = fake.control.datasetInfo().apiKeys[JANE.login];
    const tb = new InMemoryThunderbird({ managed: { serverUrl: fake.url, login: JANE.login, apiKey } });
    const apps: BackgroundApp[] = [];
    try {
      const first = new BackgroundApp(tb);
      apps.push(first);
      await first.start();
      await first.syncNow();
      await tb.settled();
      await first.twoWay.idle();
      const card = serverItems(fake, BOOKS.janeContacts).find((i) => i.value.kind === "individual");
      if (card === undefined) throw new Error("no card");
      const id = await contactIdFor(BOOKS.janeContacts, card.uid);
      const vCard = (await tb.asUser.getContact(id))?.vCard ?? "";
      await tb.asUser.updateContact(id, setProperty(vCard, "TITLE", "Queued before quitting"));
      await tb.settled();
      await first.twoWay.idle();
      // Quit before the debounced push (LOCAL_EDIT_DELAY_MS) fires.
      first.stop();
      fake.control.clearRequestLog();
      expect(fake.control.getCard(BOOKS.janeContacts, card.uid)?.value.organizational?.title).not.toBe("Queued before quitting");

      const second = new BackgroundApp(tb);
      apps.push(second);
      await second.start();
      await second.syncNow();
      await tb.settled();
      await second.twoWay.idle();
      expect(fake.control.getCard(BOOKS.janeContacts, card.uid)?.value.organizational?.title).toBe("Queued before quitting");
      await second.syncNow();
      const pushes = fake.requests.filter((r) => r.method === "PUT" && r.path.endsWith("/_mupdates"));
      expect(pushes).toHaveLength(1);
      expect(second.status.current.books.find((b) => b.containerUid === BOOKS.janeContacts)?.lastError).toBeNull();
    } finally {
      for (const app of apps) app.stop();
      await fake.close();
    }
  });
});

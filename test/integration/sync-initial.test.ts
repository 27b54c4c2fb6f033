// Initial sync of the "minimal" dataset against the fake BlueMind over HTTP, into the in-memory
// Thunderbird: books created and named, contacts equal to the server's, groups as lists, photos.
import { describe, expect, it } from "vitest";
import { contactIdFor } from "../../src/sync/contact-uid.ts";
import { BOOK_STATE_PREFIX } from "../../src/sync/state/sync-state.ts";
import { BOOKS, expectBookMatchesServer, indexOf, localBookIdOf, requestsMatching, serverItems, useSyncWorld } from "./sync-fixtures.ts";

const env = useSyncWorld();

describe("initial sync of the minimal dataset", () => {
  it("creates one local book per synced subscription, named by the design's rule", async () => {
    const { tb } = env.world;
    const result = await env.world.sync();
    expect(result.ok).toBe(true);
    expect(Object.keys(indexOf(tb).books).sort()).toEqual([BOOKS.janeCollected, BOOKS.janeContacts, BOOKS.bobContacts].sort());
    const names = (await tb.asUser.listBooks()).map((b) => b.name);
    expect(names).toEqual(expect.arrayContaining(["My contacts", "Collected contacts", "My contacts (Bob Martin)"]));
    // The directory has sync off: no local copy, reported for a search-only book instead.
    expect(names).not.toContain("Directory");
    expect(result.unsynced.map((b) => b.containerUid)).toEqual([BOOKS.directory]);
  });

  it("fills every synced book with exactly the server's contacts, and groups as mailing lists", async () => {
    await env.world.sync();
    for (const uid of [BOOKS.janeContacts, BOOKS.janeCollected, BOOKS.bobContacts]) await expectBookMatchesServer(env.world, uid);
    const groups = serverItems(env.world.fake, BOOKS.janeContacts).filter((i) => i.value.kind === "group");
    expect(groups.length).toBe(1);
    const lists = await env.world.tb.asUser.listLists(localBookIdOf(env.world.tb, BOOKS.janeContacts));
    expect(lists).toHaveLength(1);
    expect((await env.world.tb.asUser.listMembers(lists[0]?.id ?? "")).length).toBeGreaterThan(1);
  });

  it("downloads the photos of cards that have one", async () => {
    const { fake, tb } = env.world;
    const items = serverItems(fake, BOOKS.janeContacts);
    const withPhoto = items.find((i) => i.value.kind !== "group" && i.value.identification?.photo === true);
    const target = withPhoto ?? items.find((i) => i.value.kind !== "group");
    if (target === undefined) throw new Error("no card");
    if (withPhoto === undefined) fake.control.setPhoto(BOOKS.janeContacts, target.uid, PNG);
    await env.world.sync();
    const photo = tb.photoOf(await contactIdFor(BOOKS.janeContacts, target.uid));
    expect(photo?.type).toBe("image/png");
    const expected = fake.state.books.get(BOOKS.janeContacts)?.photos.get(target.uid);
    expect(Buffer.from(photo?.bytes ?? new Uint8Array())).toEqual(expected);
  });

  it("pulls each book once from version 0, in _mget batches, and stores the version", async () => {
    const { fake, tb } = env.world;
    await env.world.sync();
    expect(requestsMatching(fake, /_changeset/)).toEqual(
      expect.arrayContaining([BOOKS.janeContacts, BOOKS.janeCollected, BOOKS.bobContacts].map((uid) => `GET /api/addressbooks/${encodeURIComponent(uid)}/_changeset?since=0`)),
    );
    expect(requestsMatching(fake, /_changeset/)).toHaveLength(3);
    expect(requestsMatching(fake, /\/_all/)).toHaveLength(0);
    const stored = tb.storeSnapshot()[`${BOOK_STATE_PREFIX}${BOOKS.janeContacts}`] as { version: number };
    expect(stored.version).toBe(fake.state.books.get(BOOKS.janeContacts)?.version);
  });

  it("reports each book synced with its contact count, and progress up to the total", async () => {
    const { reporter } = env.world;
    await env.world.sync();
    const state = reporter.lastState(BOOKS.janeContacts);
    expect(state?.state).toBe("synced");
    expect(state?.lastError).toBeNull();
    // 10 individuals + the contact of the group's bare-email member.
    expect(state?.contactCount).toBe(11);
    const progress = reporter.progressOf(BOOKS.janeContacts).filter((p) => p !== null);
    expect(progress.at(-1)).toEqual({ done: 11, total: 11 });
    expect(reporter.progressOf(BOOKS.janeContacts).at(-1)).toBeNull();
  });

  it("a second sync with nothing changed writes nothing to Thunderbird", async () => {
    const { tb, fake } = env.world;
    await env.world.sync();
    await tb.settled();
    tb.resetCalls();
    fake.control.clearRequestLog();
    const result = await env.world.sync();
    expect(result.ok).toBe(true);
    const writes = ["createBook", "createContact", "updateContact", "deleteContact", "setContactPhoto", "createList", "updateList", "addMember", "removeMember", "listContacts"] as const;
    for (const call of writes) expect(tb.calls[call], call).toBe(0);
    expect(requestsMatching(fake, /addressbooks\/.*\/_mget/)).toHaveLength(0);
    expect(requestsMatching(fake, /_changeset\?since=0/)).toHaveLength(0);
  });
});

/** A 1×1 PNG. */
const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
  0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99,
  0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
]);

// Crash safety and reconciliation: an initial sync of 5,000 contacts cut in the middle (cancelled,
// or Thunderbird "killed" with storage writes lost) and run again; a container re-created under
// the same uid; deletions whose changelog records the server purged.
import { englishOf } from "../support/english.ts";
import { describe, expect, it } from "vitest";
import { contactIdFor } from "../../src/sync/contact-uid.ts";
import { SyncCancelledError } from "../../src/sync/sync-errors.ts";
import type { AddressBooksApi, KeyValueStore, Thunderbird } from "../../src/thunderbird/types.ts";
import type { InMemoryThunderbird } from "../unit/in-memory-thunderbird.ts";
import { BOOKS, JANE, expectBookMatchesServer, localBookIdOf, person, requestsMatching, serverItems, useSyncWorld } from "./sync-fixtures.ts";

const BIG = "book:big-5000";
const BIG_SIZE = 5_000;
const DAY = 24 * 60 * 60 * 1000;

let clock = Date.UTC(2026, 0, 5);
const env = useSyncWorld({ engine: { now: () => clock } });

/** Syncs the small books first, so that only the big book's contacts are created afterwards. */
async function addBigBook(): Promise<void> {
  await env.world.sync();
  env.world.fake.control.addBook({ uid: BIG, name: "Big", owner: JANE.uid, items: BIG_SIZE });
  env.world.fake.control.subscribe(JANE.uid, BIG, true);
}

interface Crash {
  thunderbird: Thunderbird;
  signal: AbortSignal;
}

/**
 * A Thunderbird that dies after `creates` contact creations: every later call fails, writes to
 * storage are lost from that moment (as in a killed process), and the run is cancelled.
 */
function dyingThunderbird(tb: InMemoryThunderbird, creates: number): Crash {
  const controller = new AbortController();
  let created = 0;
  let dead = false;
  const books = new Proxy(tb.addressBooks, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]): unknown => {
        if (dead) return Promise.reject(new Error("Thunderbird is gone"));
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (property === "createContact" && ++created === creates) {
          dead = true;
          controller.abort();
        }
        return result;
      };
    },
  }) as AddressBooksApi;
  const store: KeyValueStore = {
    get: (key) => tb.localStore.get(key),
    set: (key, value) => (dead ? Promise.resolve() : tb.localStore.set(key, value)),
    remove: (key) => (dead ? Promise.resolve() : tb.localStore.remove(key)),
  };
  return { thunderbird: { ...tb, addressBooks: books, localStore: store }, signal: controller.signal };
}

async function expectNoDuplicates(tb: InMemoryThunderbird, containerUid: string, size: number): Promise<void> {
  const contacts = await tb.asUser.listContacts(localBookIdOf(tb, containerUid));
  expect(contacts).toHaveLength(size);
  expect(new Set(contacts.map((c) => c.id)).size).toBe(size);
}

describe("an interrupted initial sync of 5,000 contacts", () => {
  it("cancelled in the middle: the next run completes it without duplicates or rewrites", async () => {
    const { tb } = env.world;
    await addBigBook();
    const controller = new AbortController();
    const original = tb.addressBooks.createContact;
    let created = 0;
    tb.addressBooks.createContact = async (bookId, vCard) => {
      const id = await original(bookId, vCard);
      if (++created === 2_500) controller.abort();
      return id;
    };
    await expect(env.world.sync(controller.signal)).rejects.toBeInstanceOf(SyncCancelledError);
    tb.addressBooks.createContact = original;
    const partial = tb.contactCount(localBookIdOf(tb, BIG));
    expect(partial).toBeGreaterThanOrEqual(2_500);
    expect(partial).toBeLessThan(BIG_SIZE);

    await tb.settled();
    tb.resetCalls();
    const result = await env.world.sync();
    expect(result.ok).toBe(true);
    await expectNoDuplicates(tb, BIG, BIG_SIZE);
    expect(tb.calls.createContact).toBe(BIG_SIZE - partial);
    expect(tb.calls.updateContact).toBe(0);
    await expectBookMatchesServer(env.world, BIG);
  }, 180_000);

  it("Thunderbird killed in the middle (state writes lost): after a restart the book ends complete, no duplicates", async () => {
    const { tb } = env.world;
    await addBigBook();
    const crash = dyingThunderbird(tb, 3_100);
    env.world.restart(undefined, crash.thunderbird);
    await expect(env.world.sync(crash.signal)).rejects.toThrow();
    await tb.settled();
    const partial = tb.contactCount(localBookIdOf(tb, BIG));
    expect(partial).toBeGreaterThanOrEqual(3_100);
    expect(partial).toBeLessThan(BIG_SIZE);

    env.world.restart();
    tb.resetCalls();
    const result = await env.world.sync();
    expect(result.ok).toBe(true);
    await expectNoDuplicates(tb, BIG, BIG_SIZE);
    // The contacts written before the crash are found (listing), not written again.
    expect(tb.calls.listContacts).toBeGreaterThanOrEqual(1);
    expect(tb.calls.createContact).toBe(BIG_SIZE - partial);
    expect(tb.calls.updateContact).toBe(0);
    await expectBookMatchesServer(env.world, BIG);
  }, 180_000);
});

describe("reconciliation", () => {
  it("a container re-created under the same uid is reloaded from 0 and reconciled, never duplicated", async () => {
    const { fake, tb } = env.world;
    await env.world.sync();
    const before = serverItems(fake, BOOKS.janeContacts).filter((i) => i.value.kind === "individual");
    const kept = before.slice(0, 2);
    const internalId = fake.control.recreateBook(BOOKS.janeContacts);
    for (const item of kept) fake.control.createCard(BOOKS.janeContacts, item.uid, { ...item.value, explanatory: { note: "recreated" } });
    fake.control.createCard(BOOKS.janeContacts, "brand-new", person("Nina", "Neuve", "nina@example.org"));
    fake.control.clearRequestLog();

    const result = await env.world.sync();
    expect(result.ok).toBe(true);
    const outcome = result.books.find((b) => b.containerUid === BOOKS.janeContacts)?.outcome;
    expect(outcome?.recreated).toBe(true);
    expect(requestsMatching(fake, /_changeset/)).toContain(`GET /api/addressbooks/${encodeURIComponent(BOOKS.janeContacts)}/_changeset?since=0`);
    await expectBookMatchesServer(env.world, BOOKS.janeContacts);
    expect(tb.contactCount(localBookIdOf(tb, BOOKS.janeContacts))).toBe(3);
    expect(await tb.asUser.listLists(localBookIdOf(tb, BOOKS.janeContacts))).toEqual([]);
    expect(env.world.reporter.lines.some((l) => /re-created on BlueMind/.test(l.message))).toBe(true);
    expect(internalId).toBeGreaterThan(0);
  });

  it("a deletion whose changelog record was purged is caught by the daily comparison with _all", async () => {
    const { fake, tb } = env.world;
    await env.world.sync();
    const victim = serverItems(fake, BOOKS.janeCollected)[0];
    if (victim === undefined) throw new Error("empty book");
    const version = fake.control.deleteCard(BOOKS.janeCollected, victim.uid);
    expect(fake.control.purgeChangelog(BOOKS.janeCollected, version + 1)).toBeGreaterThan(0);
    const victimId = await contactIdFor(BOOKS.janeCollected, victim.uid);

    clock += 60_000;
    await env.world.sync();
    // The changeset no longer tells: the contact is still there, and no _all was asked yet.
    expect(await tb.asUser.getContact(victimId)).not.toBeNull();
    expect(requestsMatching(fake, /\/_all$/)).toEqual([]);

    clock += DAY;
    fake.control.clearRequestLog();
    await env.world.sync();
    expect(await tb.asUser.getContact(victimId)).toBeNull();
    expect(requestsMatching(fake, /\/_all$/)).toHaveLength(3);
    await expectBookMatchesServer(env.world, BOOKS.janeCollected);

    // Done for the day: the next sync goes back to changesets alone.
    clock += 60_000;
    fake.control.clearRequestLog();
    await env.world.sync();
    expect(requestsMatching(fake, /\/_all$/)).toEqual([]);
  });

  it("an empty _all at the daily comparison deletes nothing: the book is reported and compared again at the next sync", async () => {
    const { fake, tb } = env.world;
    await env.world.sync();
    const bookId = localBookIdOf(tb, BOOKS.janeContacts);
    const contacts = tb.contactCount(bookId);
    expect(contacts).toBeGreaterThan(0);

    clock += DAY;
    fake.faults.inject({ pathPattern: `/api/addressbooks/${encodeURIComponent(BOOKS.janeContacts)}/_all`, kind: "empty" });
    const result = await env.world.sync();
    const failed = result.books.find((b) => b.containerUid === BOOKS.janeContacts);
    expect(failed).toMatchObject({ ok: false });
    expect(failed && !failed.ok ? englishOf(failed.error) : null).toMatch(/listed 0 items .* counts \d+: nothing was removed/);
    expect(tb.contactCount(bookId)).toBe(contacts);
    expect(env.world.reporter.lastState(BOOKS.janeContacts)).toMatchObject({ state: "error" });
    expect(englishOf(env.world.reporter.lastState(BOOKS.janeContacts)?.lastError)).toMatch(/tried again at the next sync/);
    expect(env.world.reporter.lines.some((l) => l.level === "error" && l.containerUid === BOOKS.janeContacts && /listed 0 items/.test(l.message))).toBe(true);

    clock += 60_000;
    fake.control.clearRequestLog();
    const again = await env.world.sync();
    expect(again.ok).toBe(true);
    expect(requestsMatching(fake, /\/_all$/)).toContain(`GET /api/addressbooks/${encodeURIComponent(BOOKS.janeContacts)}/_all`);
    await expectBookMatchesServer(env.world, BOOKS.janeContacts);
  });

  it("a local contact without a derived id (made by the user) survives a reconciliation", async () => {
    const { fake, tb } = env.world;
    await env.world.sync();
    const bookId = localBookIdOf(tb, BOOKS.janeContacts);
    const mine = await tb.asUser.createContact(bookId, "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Mine\r\nEMAIL:mine@example.org\r\nEND:VCARD\r\n");
    fake.control.recreateBook(BOOKS.janeContacts);
    await env.world.sync();
    expect(await tb.asUser.getContact(mine)).not.toBeNull();
    expect(tb.contactCount(bookId)).toBe(1);
  });
});

// Faults on the way: server errors, dropped connections, slow answers, a session expiring in the
// middle, garbled bodies, one broken card, one contact Thunderbird refuses. The sync completes
// for everything valid, reports what it could not do, and neither duplicates nor loses anything.
import { describe, expect, it } from "vitest";
import type { VCard } from "../../src/bluemind/models.ts";
import { contactIdFor } from "../../src/sync/contact-uid.ts";
import { BOOK_STATE_PREFIX, type BookSyncState } from "../../src/sync/state/sync-state.ts";
import { blueMindToVCard } from "../../src/vcard/index.ts";
import { insertTrusted } from "../fake-bluemind/card-store.ts";
import { BOOKS, expectBookMatchesServer, localBookIdOf, makeWorld, person, requestsMatching, useSyncWorld, type SyncWorld } from "./sync-fixtures.ts";
import { inEnglish, text } from "../../src/shared/user-text.ts";
import { englishOf } from "../support/english.ts";

const env = useSyncWorld();
const MGET = /\/api\/addressbooks\/.*\/_mget$/;
const SYNCED = [BOOKS.janeContacts, BOOKS.janeCollected, BOOKS.bobContacts];

async function expectAllBooksMatch(): Promise<void> {
  for (const uid of SYNCED) await expectBookMatchesServer(env.world, uid);
}

function storedState(world: SyncWorld, containerUid: string): BookSyncState | undefined {
  return world.tb.storeSnapshot()[`${BOOK_STATE_PREFIX}${containerUid}`] as BookSyncState | undefined;
}

describe("transient server faults are ridden out", () => {
  it("500s on _changeset and _mget", async () => {
    const { fake } = env.world;
    fake.faults.inject({ method: "GET", pathPattern: /\/_changeset$/, kind: "status", status: 500, times: 1 });
    fake.faults.inject({ method: "POST", pathPattern: MGET, kind: "status", status: 503, times: 2 });
    const result = await env.world.sync();
    expect(result.ok).toBe(true);
    await expectAllBooksMatch();
    expect(env.world.retries.length).toBe(3);
  });

  it("a dropped connection and a slow answer on _mget", async () => {
    const { fake } = env.world;
    fake.faults.inject({ method: "POST", pathPattern: MGET, kind: "drop", times: 1 });
    fake.faults.inject({ method: "POST", pathPattern: MGET, kind: "delay", delayMs: 300, times: 1 });
    const result = await env.world.sync();
    expect(result.ok).toBe(true);
    await expectAllBooksMatch();
    expect(requestsMatching(fake, MGET).length).toBeGreaterThan(3);
  });

  it("the session expires in the middle: the client logs in again and the sync completes", async () => {
    const { fake } = env.world;
    fake.faults.inject({ method: "POST", pathPattern: MGET, kind: "expire", times: 1 });
    const result = await env.world.sync();
    expect(result.ok).toBe(true);
    await expectAllBooksMatch();
    expect(requestsMatching(fake, /\/api\/auth\/login/)).toHaveLength(2);
  });

  it("a garbled _mget body once: the batch is split and read again", async () => {
    const { fake } = env.world;
    fake.faults.inject({ method: "POST", pathPattern: MGET, kind: "malformed", times: 1 });
    const result = await env.world.sync();
    expect(result.ok).toBe(true);
    await expectAllBooksMatch();
    for (const book of result.books) expect(book.outcome?.failures).toEqual([]);
  });
});

describe("a book that keeps failing", () => {
  it("fails alone: the other books sync, its version is not stored, the next sync completes it", async () => {
    const { fake, reporter } = env.world;
    fake.faults.inject({ method: "GET", pathPattern: `/api/addressbooks/${encodeURIComponent(BOOKS.janeCollected)}/_changeset`, kind: "status", status: 500, times: Infinity });
    const result = await env.world.sync();
    expect(result.ok).toBe(false);
    const failed = result.books.find((b) => b.containerUid === BOOKS.janeCollected);
    expect(failed?.ok).toBe(false);
    expect(englishOf(failed?.error)).toMatch(/500/);
    expect(reporter.lastState(BOOKS.janeCollected)).toMatchObject({ state: "error" });
    expect(storedState(env.world, BOOKS.janeCollected)?.version).toBe(0);
    await expectBookMatchesServer(env.world, BOOKS.janeContacts);
    await expectBookMatchesServer(env.world, BOOKS.bobContacts);

    fake.faults.clear();
    expect((await env.world.sync()).ok).toBe(true);
    await expectAllBooksMatch();
  });

  it("a server that garbles every _mget fails the book after a bounded number of requests", async () => {
    const { fake } = env.world;
    fake.faults.inject({ method: "POST", pathPattern: MGET, kind: "malformed", times: Infinity });
    const result = await env.world.sync();
    expect(result.books.every((b) => !b.ok)).toBe(true);
    // Each book's single batch of ≤ 11 uids split down to single uids: under 2 × 11 requests each.
    expect(requestsMatching(fake, MGET).length).toBeLessThan(3 * 22);
  });
});

describe("one bad card", () => {
  it("an _mget value that is not a card: reported with its uid, the rest synced, the version stored, retried later", async () => {
    const { fake, tb, reporter } = env.world;
    const book = fake.state.books.get(BOOKS.janeContacts);
    if (book === undefined) throw new Error("no book");
    insertTrusted(fake.state, book, "broken-card", "not a card" as unknown as VCard, "test");

    const result = await env.world.sync();
    expect(result.ok).toBe(true);
    const outcome = result.books.find((b) => b.containerUid === BOOKS.janeContacts)?.outcome;
    expect(outcome?.failures.map((f) => f.uid)).toEqual(["broken-card"]);
    expect(reporter.lines.some((l) => l.level === "warning" && l.message.includes("broken-card") && /not a card/.test(l.message))).toBe(true);
    expect(englishOf(reporter.lastState(BOOKS.janeContacts)?.lastError)).toMatch(/1 cards could not be synced/);
    const state = storedState(env.world, BOOKS.janeContacts);
    expect(state?.version).toBe(book.version);
    expect(Object.keys(state?.retry ?? {})).toEqual(["broken-card"]);
    expect(tb.contactCount(localBookIdOf(tb, BOOKS.janeContacts))).toBe(11);

    // Still broken: retried (one more _mget of that uid), the book is not blocked.
    fake.control.clearRequestLog();
    const again = await env.world.sync();
    expect(again.ok).toBe(true);
    expect(requestsMatching(fake, MGET)).toHaveLength(1);

    // Repaired on the server: it arrives, and the retry is cleared.
    fake.control.updateCard(BOOKS.janeContacts, "broken-card", person("Fixed", "Card", "fixed@example.org"));
    await env.world.sync();
    expect(await tb.asUser.getContact(await contactIdFor(BOOKS.janeContacts, "broken-card"))).not.toBeNull();
    expect(storedState(env.world, BOOKS.janeContacts)?.retry).toEqual({});
    await expectBookMatchesServer(env.world, BOOKS.janeContacts);
  });

  it("a card the converter rejects: reported, the rest synced", async () => {
    const world = await makeWorld({
      engine: {
        convert: (card, id) => (card.identification?.formatedName?.value === "Reject Me" ? { ok: false, uid: id, reason: text("errorDetail", "unsupported card") } : blueMindToVCard(card, id)),
      },
    });
    try {
      world.fake.control.createCard(BOOKS.janeCollected, "reject-me", person("Reject", "Me", "reject@example.org"));
      const result = await world.sync();
      const outcome = result.books.find((b) => b.containerUid === BOOKS.janeCollected)?.outcome;
      expect(outcome?.failures.map((f) => ({ ...f, reason: inEnglish(f.reason) }))).toEqual([{ uid: "reject-me", reason: "the card cannot be converted: unsupported card" }]);
      expect(world.tb.contactCount(localBookIdOf(world.tb, BOOKS.janeCollected))).toBe(3);
      expect(world.reporter.lines.some((l) => l.message.includes("reject-me") && l.message.includes("unsupported card"))).toBe(true);
    } finally {
      await world.fake.close();
    }
  });

  it("a contact Thunderbird refuses: reported, the rest synced, written at the next sync", async () => {
    const { tb, reporter } = env.world;
    const refusedId = await contactIdFor(BOOKS.janeCollected, (env.world.fake.control.snapshot().books.find((b) => b.uid === BOOKS.janeCollected)?.items[1]?.uid) ?? "");
    const original = tb.addressBooks.createContact;
    tb.addressBooks.createContact = (bookId, vCard) => (vCard.includes(refusedId) ? Promise.reject(new Error("Invalid vCard data")) : original(bookId, vCard));
    const result = await env.world.sync();
    expect(result.ok).toBe(true);
    expect(tb.contactCount(localBookIdOf(tb, BOOKS.janeCollected))).toBe(2);
    expect(reporter.lines.some((l) => l.level === "warning" && /Thunderbird refused the contact: Invalid vCard data/.test(l.message))).toBe(true);
    await expectBookMatchesServer(env.world, BOOKS.janeContacts);

    tb.addressBooks.createContact = original;
    await env.world.sync();
    await expectAllBooksMatch();
    expect(storedState(env.world, BOOKS.janeCollected)?.retry).toEqual({});
  });
});

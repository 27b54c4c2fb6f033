import { describe, expect, it } from "vitest";
import { InMemoryThunderbird } from "../../../test/unit/in-memory-thunderbird.ts";
import { group, individual, MemoryBook } from "../../../test/support/memory-content.ts";
import { contactIdFor } from "../contact-uid.ts";
import { BaseCopies } from "../state/base-copies.ts";
import { BookLedger } from "../state/book-ledger.ts";
import { emptyBookState, type BookSyncState } from "../state/sync-state.ts";
import { silentReporter } from "../reporter.ts";
import { DEFAULT_DELETION_LIMITS } from "../../shared/settings.ts";
import { DeletionsHeldError, type DeletionAnswer } from "../deletion-guard.ts";
import { inEnglish } from "../../shared/user-text.ts";
import { pullBook, type PendingChanges, type PullOutcome } from "./book-pull.ts";

const BOOK = "book:A";

/** A pull rig with the guard on and a queue that records what the pull put in it. */
async function rig(readOnly = false) {
  const tb = new InMemoryThunderbird();
  const server = new MemoryBook();
  const bookId = await tb.asUser.createBook("A");
  const state: BookSyncState = emptyBookState(BOOK, 1);
  const bases = new BaseCopies(tb.localStore, BOOK);
  const queued: string[] = [];
  const logs: string[] = [];
  const changes: PendingChanges = {
    pending: () => null,
    listPending: () => null,
    requeue: async (id, item) => void queued.push(`contact ${id} ${item}`),
    requeueList: async (id, uid) => void queued.push(`list ${id} ${uid}`),
    drop: async () => undefined,
  };
  let fresh = true;
  const pull = async (answer: DeletionAnswer | null = null): Promise<PullOutcome> => {
    const outcome = await pullBook(
      { containerUid: BOOK, localBookId: bookId, freshBook: fresh, internalId: 1, ledger: new BookLedger(state, bases, async () => undefined), readOnly },
      {
        books: tb.addressBooks,
        content: server,
        changes,
        reporter: { ...silentReporter, log: (_level, message) => logs.push(inEnglish(message)) },
        now: () => 1_000,
        deletions: { limits: DEFAULT_DELETION_LIMITS, answer },
      },
    );
    fresh = false;
    return outcome;
  };
  return { tb, server, bookId, state, queued, logs, pull };
}

/** A book of 30 cards and one list of the first two, synced. */
async function syncedBook(readOnly = false) {
  const r = await rig(readOnly);
  for (let i = 0; i < 30; i++) r.server.put(`c${i}`, individual(`Card ${i}`, `c${i}@example.org`));
  r.server.put("g1", group("Team", [{ containerUid: BOOK, itemUid: "c0" }, { containerUid: BOOK, itemUid: "c1" }]));
  await r.pull();
  return r;
}

const deleteOnServer = (server: MemoryBook, count: number): void => {
  for (let i = 0; i < count; i++) server.remove(`c${i}`);
};

describe("the mass-deletion guard in a pull", () => {
  it("stops before deleting anything when BlueMind removes more than half of a book", async () => {
    const r = await syncedBook();
    deleteOnServer(r.server, 24);
    r.server.remove("g1");
    const version = r.state.version;
    await expect(r.pull()).rejects.toThrow(DeletionsHeldError);
    await expect(r.pull()).rejects.toMatchObject({ count: 25 });
    expect(r.tb.contactCount(r.bookId)).toBe(30);
    expect(await r.tb.addressBooks.listLists(r.bookId)).toHaveLength(1);
    // The version does not move: nothing of this changeset is skipped while the book waits.
    expect(r.state.version).toBe(version);
  });

  it("lets ordinary deletions through: half of the book or less, or a small book", async () => {
    const r = await syncedBook();
    deleteOnServer(r.server, 15);
    const outcome = await r.pull();
    expect(outcome.counts.deleted).toBe(15);
    expect(outcome.deletionAnswerUsed).toBe(false);

    const small = await rig();
    for (let i = 0; i < 20; i++) small.server.put(`c${i}`, individual(`Card ${i}`));
    await small.pull();
    deleteOnServer(small.server, 20);
    expect((await small.pull()).counts.deleted).toBe(20);
    expect(small.tb.contactCount(small.bookId)).toBe(0);
  });

  it("applies the deletions the user confirmed, and asks again when more came than they saw", async () => {
    const r = await syncedBook();
    deleteOnServer(r.server, 20);
    await expect(r.pull({ decision: "apply", count: 19 })).rejects.toMatchObject({ count: 20 });
    const outcome = await r.pull({ decision: "apply", count: 20 });
    expect(outcome.deletionAnswerUsed).toBe(true);
    expect(outcome.counts.deleted).toBe(20);
    expect(r.tb.contactCount(r.bookId)).toBe(10);
    expect(r.logs).toContain("20 contacts deleted on BlueMind are removed here too, as you confirmed.");
  });

  it("keeps them in a writable book and queues them to go back to BlueMind", async () => {
    const r = await syncedBook();
    deleteOnServer(r.server, 24);
    r.server.remove("g1");
    const outcome = await r.pull({ decision: "keep", count: 25 });
    expect(outcome.counts).toMatchObject({ deleted: 0, kept: 25 });
    expect(r.tb.contactCount(r.bookId)).toBe(30);
    const c0 = await contactIdFor(BOOK, "c0");
    expect(r.state.contacts[c0]).toMatchObject({ item: "c0", restore: true });
    const [list] = await r.tb.addressBooks.listLists(r.bookId);
    expect(r.queued).toContain(`contact ${c0} c0`);
    expect(r.queued).toContain(`list ${list?.id} g1`);
    expect(r.queued).toHaveLength(25);
    expect(r.state.groups.g1).toBeUndefined();
    // The version moved on, and a full check does not take the kept contacts for deleted again.
    expect(r.state.version).toBe(r.server.version);
  });

  it("keeps them in a read-only book, unlinked from BlueMind's cards", async () => {
    const r = await syncedBook(true);
    deleteOnServer(r.server, 24);
    const outcome = await r.pull({ decision: "keep", count: 24 });
    expect(outcome.counts.kept).toBe(24);
    expect(r.tb.contactCount(r.bookId)).toBe(30);
    expect(r.state.contacts[await contactIdFor(BOOK, "c0")]).toBeUndefined();
    expect(r.queued).toEqual([]);
    // BlueMind creating the card again under the same uid takes the contact back (no twin).
    r.server.put("c0", individual("Card 0 again", "c0@example.org"));
    await r.pull();
    expect(r.tb.contactCount(r.bookId)).toBe(30);
  });

  it("counts a uid deleted and created again as no deletion", async () => {
    const r = await syncedBook();
    for (let i = 0; i < 24; i++) {
      r.server.remove(`c${i}`);
      r.server.put(`c${i}`, individual(`Card ${i} v2`, `c${i}@example.org`));
    }
    const outcome = await r.pull();
    expect(outcome.counts.updated + outcome.counts.created).toBe(24);
    expect(r.tb.contactCount(r.bookId)).toBe(30);
  });
});

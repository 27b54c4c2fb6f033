import { describe, expect, it } from "vitest";
import { InMemoryThunderbird } from "../../../test/unit/in-memory-thunderbird.ts";
import { vCardContentHash } from "../../vcard/index.ts";
import { BaseCopies } from "./base-copies.ts";
import { BookLedger } from "./book-ledger.ts";
import { emptyBookState, type BookSyncState } from "./sync-state.ts";

const vCard = (i: number): string => `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Person ${i}\r\nEMAIL:p${i}@example.com\r\nEND:VCARD\r\n`;

describe("BookLedger.fillPendingHashes", () => {
  it("hashes in slices that give the event loop turns, then saves every hash once", async () => {
    const tb = new InMemoryThunderbird();
    const saved: BookSyncState[] = [];
    const ledger = new BookLedger(emptyBookState("book:a", 1), new BaseCopies(tb.localStore, "book:a"), async (state) => void saved.push(structuredClone(state)));
    for (let i = 0; i < 20; i++) await ledger.putContactHashLater(`c${i}`, { item: `u${i}`, v: 1 }, vCard(i));
    const hashedAtEachTurn: number[] = [];
    let clock = 0;
    await ledger.fillPendingHashes({
      sliceMs: 3,
      now: () => clock++,
      yielder: async () => void hashedAtEachTurn.push(Object.values(ledger.state.contacts).filter((r) => r.h !== null).length),
    });
    // Turns came between the slices, not only at the end: a search waits one slice, not the fill.
    expect(hashedAtEachTurn.length).toBeGreaterThan(3);
    expect(hashedAtEachTurn[0]).toBeLessThan(5);
    expect(saved).toHaveLength(1);
    for (let i = 0; i < 20; i++) expect(saved[0]?.contacts[`c${i}`]?.h).toBe(vCardContentHash(vCard(i)));
  });

  it("leaves the hash of a record replaced meanwhile as it is", async () => {
    const tb = new InMemoryThunderbird();
    const ledger = new BookLedger(emptyBookState("book:a", 1), new BaseCopies(tb.localStore, "book:a"), async () => undefined);
    await ledger.putContactHashLater("c1", { item: "u1", v: 1 }, vCard(1));
    await ledger.putContactHashLater("c2", { item: "u2", v: 1 }, vCard(2));
    let turns = 0;
    let clock = 0;
    await ledger.fillPendingHashes({
      sliceMs: 1,
      now: () => clock++,
      yielder: async () => {
        if (turns++ === 0) await ledger.putContact("c2", { item: "u2", v: 2, h: "pushed" }, vCard(22));
      },
    });
    expect(ledger.state.contacts.c1?.h).toBe(vCardContentHash(vCard(1)));
    expect(ledger.state.contacts.c2?.h).toBe("pushed");
  });
});

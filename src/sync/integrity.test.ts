import { describe, expect, it } from "vitest";
import { vCardContentHash } from "../vcard/index.ts";
import { contactIdFor } from "./contact-uid.ts";
import { findDrift, IntegritySchedule } from "./integrity.ts";
import { emptyBookState, type BookSyncState } from "./state/sync-state.ts";

const card = (name: string) => `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${name}\r\nEND:VCARD\r\n`;

async function book() {
  const state: BookSyncState = emptyBookState("book:A", 1);
  const ids = await Promise.all(["a", "b", "c", "d", "e"].map((uid) => contactIdFor("book:A", uid)));
  ids.forEach((id, i) => (state.contacts[id] = { item: "abcde"[i] ?? null, v: 1, h: vCardContentHash(card(`N${String(i)}`)) }));
  const ledger = { state, hashOf: (id: string) => state.contacts[id]?.h ?? null };
  return { state, ledger, ids };
}

describe("findDrift", () => {
  it("finds contacts missing here, changed unseen, and unknown copies of BlueMind cards, but not queued changes", async () => {
    const { state, ledger, ids } = await book();
    const [a, b, c, d, e] = ids as [string, string, string, string, string];
    const stray = await contactIdFor("book:A", "z");
    const here = [
      { id: a, vCard: card("N0") }, // as synced
      { id: b, vCard: card("changed") }, // changed, not queued: drift
      { id: c, vCard: card("changed too") }, // changed, queued: the push sends it
      { id: stray, vCard: card("stray") }, // a derived id without a record: drift
      { id: "born-here", vCard: card("new") }, // born here: not BlueMind's yet
    ].map((c) => ({ ...c, parentId: "tb-book" }));
    // d missing, not queued: drift; e missing, its deletion queued: none.
    const pending = (id: string) => (id === c ? "upsert" : id === e ? "delete" : null);
    expect(findDrift(ledger, here, pending)).toEqual({ missing: 1, changed: 1, extra: 1 });
    // A bare-email member contact and an add on its way are no cards of BlueMind's to compare.
    state.contacts[d] = { item: null, v: 0, h: null, email: "x@example.org" };
    state.contacts["born-here"] = { item: "born-here", v: -1, h: null, sent: { since: 1, changes: 1 } };
    expect(findDrift(ledger, here, pending)).toEqual({ missing: 0, changed: 1, extra: 1 });
  });
});

describe("IntegritySchedule", () => {
  it("is due at a book's first sync of the session, then at full checks only", () => {
    const schedule = new IntegritySchedule();
    expect(schedule.due("a", false)).toBe(true);
    expect(schedule.due("a", false)).toBe(false);
    expect(schedule.due("b", false)).toBe(true);
    expect(schedule.due("a", true)).toBe(true);
  });
});

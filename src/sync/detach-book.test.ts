import { describe, expect, it } from "vitest";
import { InMemoryThunderbird } from "../../test/unit/in-memory-thunderbird.ts";
import { vCardContentHash } from "../vcard/index.ts";
import { detachedBookName, keepOnlyUnsent } from "./detach-book.ts";
import { BaseCopies } from "./state/base-copies.ts";
import { BookLedger } from "./state/book-ledger.ts";
import { emptyBookState, type BookSyncState } from "./state/sync-state.ts";

const card = (uid: string, name: string): string => `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:${uid}\r\nFN:${name}\r\nEMAIL:${uid}@example.org\r\nEND:VCARD\r\n`;

describe("detachedBookName", () => {
  it("marks the name once, however often it is applied (a release replayed after a crash)", () => {
    expect(detachedBookName("Clients")).toBe("Clients (not saved on BlueMind)");
    expect(detachedBookName(detachedBookName("Clients"))).toBe("Clients (not saved on BlueMind)");
  });
});

describe("keepOnlyUnsent", () => {
  it("touches nothing when everything is as the add-on last wrote it", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await tb.asUser.createBook("A");
    const state = emptyBookState("book:A", 1);
    for (const uid of ["c1", "c2"]) {
      const vCard = (await tb.asUser.getContact(await tb.asUser.createContact(bookId, card(uid, uid))))?.vCard ?? "";
      state.contacts[uid] = { item: uid, v: 1, h: vCardContentHash(vCard) };
    }
    tb.resetCalls();
    expect(await keepOnlyUnsent(tb.addressBooks, bookId, ledgerOf(state, tb))).toEqual({ contacts: 0, lists: 0 });
    expect(tb.contactCount(bookId)).toBe(2);
    expect(tb.calls.deleteContact).toBe(0);
  });

  it("keeps every contact of a book whose state is unknown", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await tb.asUser.createBook("A");
    await tb.asUser.createContact(bookId, card("c1", "One"));
    expect(await keepOnlyUnsent(tb.addressBooks, bookId, undefined)).toEqual({ contacts: 1, lists: 0 });
    expect(tb.contactCount(bookId)).toBe(1);
  });

  // Bug AD (model, seed 10101): a sign-out stopped a pull while it wrote a list's members; the
  // list, between its old and new members, was taken for the user's and kept, with its members,
  // in a "(not saved on BlueMind)" book.
  it("lets a list go that a stopped pull was writing, and keeps one the user changed", async () => {
    for (const [extra, kept] of [[false, 0], [true, 1]] as const) {
      const tb = new InMemoryThunderbird();
      const bookId = await tb.asUser.createBook("A");
      const state = emptyBookState("book:A", 1);
      const ids: string[] = [];
      for (const uid of ["c1", "c2", "c3"]) {
        const id = await tb.asUser.createContact(bookId, card(uid, uid));
        ids.push(id);
        state.contacts[id] = { item: uid, v: 1, h: vCardContentHash((await tb.asUser.getContact(id))?.vCard ?? "") };
      }
      const [c1, c2, c3] = ids as [string, string, string];
      const listId = await tb.asUser.createList(bookId, { name: "L", description: "" });
      // Was [c1], the pull was writing [c2]: it got as far as adding c2.
      await tb.asUser.addMember(listId, c1);
      await tb.asUser.addMember(listId, c2);
      if (extra) await tb.asUser.addMember(listId, c3);
      state.groups.g = { list: listId, v: -1, name: "L", description: "", members: [c1], writing: [c2] };
      expect((await keepOnlyUnsent(tb.addressBooks, bookId, ledgerOf(state, tb))).lists, `with a member of the user's: ${String(extra)}`).toBe(kept);
    }
  });
});

function ledgerOf(state: BookSyncState, tb: InMemoryThunderbird): BookLedger {
  return new BookLedger(state, new BaseCopies(tb.localStore, state.containerUid), async () => undefined);
}

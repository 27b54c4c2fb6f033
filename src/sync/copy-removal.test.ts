import { describe, expect, it } from "vitest";
import { InMemoryThunderbird } from "../../test/unit/in-memory-thunderbird.ts";
import { inEnglish, type UserText } from "../shared/user-text.ts";
import type { AddressBooksApi } from "../thunderbird/types.ts";
import { vCardContentHash } from "../vcard/index.ts";
import { contactIdFor } from "./contact-uid.ts";
import { removeLocalCopies } from "./copy-removal.ts";
import type { PendingChanges } from "./pull/pull-types.ts";
import { silentReporter } from "./reporter.ts";
import { BaseCopies } from "./state/base-copies.ts";
import { BookLedger } from "./state/book-ledger.ts";
import { ChangeQueue } from "./state/change-queue.ts";
import { emptyBookState } from "./state/sync-state.ts";

const BOOK = "book:A";
const card = (uid: string, name: string, email: string) => `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:${uid}\r\nFN:${name}\r\nEMAIL:${email}\r\nEND:VCARD`;
/** What an import or a copy leaves: the same content under another UID, with a photo. */
const copyOf = (name: string, email: string) => `BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL:${email}\r\nFN:${name}\r\nPHOTO:data:image/png;base64,iVBORw0KGgo=\r\nEND:VCARD`;

/** A book with synced Ann and Bob, copies of each made here (queued as adds), and Cy, new. */
async function bookWithCopies() {
  const tb = new InMemoryThunderbird();
  const bookId = await tb.addressBooks.createBook("A");
  const state = emptyBookState(BOOK, 1);
  const ledger = new BookLedger(state, new BaseCopies(tb.localStore, BOOK), async () => undefined);
  const queue = new ChangeQueue(tb.localStore);
  const originals: Record<string, string> = {};
  for (const [item, name] of [["ann", "Ann Lee"], ["bob", "Bob Roe"]] as const) {
    const id = await contactIdFor(BOOK, item);
    const written = card(id, name, `${item}@example.com`);
    await tb.addressBooks.createContact(bookId, written);
    await ledger.putContact(id, { item, v: 5, h: vCardContentHash(written) }, written);
    originals[item] = id;
  }
  const made = async (vCard: string) => {
    const id = await tb.asUser.createContact(bookId, vCard);
    await queue.recordContact(BOOK, id, { op: "upsert", uid: null });
    return id;
  };
  const annCopy = await made(copyOf("Ann Lee", "ann@example.com"));
  const bobCopy = await made(copyOf("Bob Roe", "bob@example.com"));
  const cy = await made(card("cy-1", "Cy Doe", "cy@example.com"));
  const live = await queue.get(BOOK);
  const changes: PendingChanges = {
    pending: (id) => live.contacts[id]?.op ?? null,
    listPending: () => null,
    requeue: async () => undefined,
    requeueList: async () => undefined,
    drop: (id) => queue.dropContact(BOOK, id),
  };
  const logs: string[] = [];
  const reporter = { ...silentReporter, log: (level: string, message: UserText) => void logs.push(`${level}: ${inEnglish(message)}`) };
  const remove = (books: AddressBooksApi = tb.addressBooks) =>
    removeLocalCopies({ containerUid: BOOK, localBookId: bookId, bookName: "A", ledger }, { books, reporter, changes });
  return { tb, bookId, queue, originals, annCopy, bobCopy, cy, logs, remove };
}

describe("removeLocalCopies", () => {
  it("deletes each copy of a synced contact, drops its queued add, logs it by name; originals and new contacts stay", async () => {
    const r = await bookWithCopies();
    expect(await r.remove()).toEqual([]);
    const left = (await r.tb.addressBooks.listContacts(r.bookId)).map((c) => c.id).sort();
    expect(left).toEqual([r.originals.ann, r.originals.bob, r.cy].sort());
    expect(Object.keys((await r.queue.get(BOOK)).contacts)).toEqual([r.cy]);
    expect(r.logs).toEqual(["info: Removed “Ann Lee” from “A”: a copy of a contact already there.", "info: Removed “Bob Roe” from “A”: a copy of a contact already there."]);
  });

  it("keeps a copy the user edited after the book was listed, and one whose original was edited meanwhile", async () => {
    const r = await bookWithCopies();
    // The user types while the removal runs: right after the listing, before the deletions.
    const books: AddressBooksApi = {
      ...r.tb.addressBooks,
      listContacts: async (id) => {
        const listed = await r.tb.addressBooks.listContacts(id);
        await r.tb.asUser.updateContact(r.annCopy, card(r.annCopy, "Ann Lee", "ann.lee@home.example"));
        await r.tb.asUser.updateContact(r.originals.bob!, card(r.originals.bob!, "Bob Roe", "bob.roe@example.com"));
        return listed;
      },
    };
    expect(await r.remove(books)).toEqual([]);
    expect((await r.tb.addressBooks.listContacts(r.bookId)).map((c) => c.id).sort()).toEqual([r.originals.ann, r.originals.bob, r.annCopy, r.bobCopy, r.cy].sort());
    expect(r.logs).toEqual([]);
  });

  it("keeps and names a copy Thunderbird refuses to delete", async () => {
    const r = await bookWithCopies();
    const books: AddressBooksApi = { ...r.tb.addressBooks, deleteContact: async (id) => (id === r.bobCopy ? Promise.reject(new Error("database locked")) : r.tb.addressBooks.deleteContact(id)) };
    expect(await r.remove(books)).toEqual(["Bob Roe"]);
    expect(await r.tb.addressBooks.getContact(r.bobCopy)).not.toBeNull();
    expect(Object.keys((await r.queue.get(BOOK)).contacts).sort()).toEqual([r.bobCopy, r.cy].sort());
    expect(r.logs).toEqual(["info: Removed “Ann Lee” from “A”: a copy of a contact already there.", "warning: The copy “Bob Roe” could not be removed: database locked"]);
  });
});

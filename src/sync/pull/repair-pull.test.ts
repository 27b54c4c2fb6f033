import { describe, expect, it } from "vitest";
import { InMemoryThunderbird } from "../../../test/unit/in-memory-thunderbird.ts";
import { individual, MemoryBook } from "../../../test/support/memory-content.ts";
import { contactIdFor } from "../contact-uid.ts";
import { BaseCopies } from "../state/base-copies.ts";
import { BookLedger } from "../state/book-ledger.ts";
import { emptyBookState, type BookSyncState } from "../state/sync-state.ts";
import { silentReporter } from "../reporter.ts";
import { pullBook, type PendingChanges } from "./book-pull.ts";

const BOOK = "book:A";

describe("a repair pull", () => {
  it("brings back what is missing here, queues an edit nobody queued, removes an unknown copy, and leaves queued changes to the push", async () => {
    const tb = new InMemoryThunderbird();
    const server = new MemoryBook();
    const bookId = await tb.asUser.createBook("A");
    const state: BookSyncState = emptyBookState(BOOK, 1);
    const ledger = new BookLedger(state, new BaseCopies(tb.localStore, BOOK), async () => undefined);
    const queue = new Map<string, "upsert" | "delete">();
    const requeued: string[] = [];
    const changes: PendingChanges = {
      pending: (id) => queue.get(id) ?? null,
      listPending: () => null,
      requeue: async (id) => void requeued.push(id),
      requeueList: async () => undefined,
      drop: async (id) => void queue.delete(id),
    };
    let fresh = true;
    const pull = async () => {
      const outcome = await pullBook(
        { containerUid: BOOK, localBookId: bookId, freshBook: fresh, internalId: 1, ledger, readOnly: false },
        { books: tb.addressBooks, content: server, changes, reporter: silentReporter, now: () => 1_000 },
      );
      fresh = false;
      return outcome;
    };
    for (const uid of ["lost", "edited", "deleted", "kept"]) server.put(uid, individual(`Card ${uid}`, `${uid}@example.org`));
    await pull();
    const id = (uid: string) => contactIdFor(BOOK, uid);

    // Behind the add-on's back (no event): one contact gone, one edited; plus a copy of a card
    // the state does not know. One deletion the user made, queued.
    await tb.addressBooks.deleteContact(await id("lost"));
    const edited = (await tb.addressBooks.getContact(await id("edited")))!;
    await tb.addressBooks.updateContact(edited.id, edited.vCard.replace("FN:Card edited", "FN:Edited here"));
    const strayVCard = `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:${await id("stray")}\r\nFN:Stray\r\nEND:VCARD\r\n`;
    await tb.addressBooks.createContact(bookId, strayVCard);
    await tb.addressBooks.deleteContact(await id("deleted"));
    queue.set(await id("deleted"), "delete");

    // An ordinary pull sees none of it.
    expect((await pull()).listedLocalBook).toBe(false);
    expect(await tb.addressBooks.getContact(await id("lost"))).toBeNull();

    await ledger.requestRepair();
    const outcome = await pull();
    expect(outcome).toMatchObject({ since: 0, repair: true, listedLocalBook: true });
    expect(state.repair).toBeUndefined();
    expect(await tb.addressBooks.getContact(await id("lost"))).not.toBeNull();
    expect((await tb.addressBooks.getContact(await id("edited")))?.vCard).toContain("FN:Edited here");
    expect(requeued).toEqual([await id("edited")]);
    expect(await tb.addressBooks.getContact(await id("stray"))).toBeNull();
    expect(await tb.addressBooks.getContact(await id("deleted"))).toBeNull();
    expect(await tb.addressBooks.getContact(await id("kept"))).not.toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { InMemoryThunderbird } from "../../test/unit/in-memory-thunderbird.ts";
import { OwnWrites, uidOfVCard } from "./own-writes.ts";

const card = (uid: string) => `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jane\r\nEMAIL:jane@example.com\r\nUID:${uid}\r\nEND:VCARD`;

describe("OwnWrites", () => {
  it("recognises the events of writes made through the wrapped interface, once each", async () => {
    const tb = new InMemoryThunderbird();
    const own = new OwnWrites();
    const books = own.wrap(tb.addressBooks);
    const bookId = await books.createBook("Synced");
    await books.createContact(bookId, card("c1"));
    await books.updateContact("c1", card("c1"));
    const listId = await books.createList(bookId, { name: "Team" });
    await books.addMember(listId, "c1");
    expect(own.consume(`book-create:Synced`)).toBe(true);
    expect(own.consume(`contact:c1`)).toBe(true);
    expect(own.consume(`contact:c1`)).toBe(true);
    expect(own.consume(`contact:c1`)).toBe(false);
    expect(own.consume(`list-create:${bookId}:Team`)).toBe(true);
    expect(own.consume(`member:${listId}:c1`)).toBe(true);
    expect(own.consume(`member:${listId}:c1`)).toBe(false);
    await books.deleteContact("c1");
    expect(own.consume(`contact-delete:c1`)).toBe(true);
    expect(own.removedWithContact("c1")).toBe(true);
    expect(own.removedWithContact("c2")).toBe(false);
    // Moved: created again elsewhere, so a member removal is the user's again.
    const other = await books.createBook("Other");
    await books.createContact(other, card("c1"));
    expect(own.removedWithContact("c1")).toBe(false);
  });

  it("leaves no mark for a write Thunderbird refused (it fires no event)", async () => {
    const tb = new InMemoryThunderbird();
    const own = new OwnWrites();
    const books = own.wrap(tb.addressBooks);
    await expect(books.updateContact("missing", card("missing"))).rejects.toThrow();
    expect(own.consume("contact:missing")).toBe(false);
  });

  it("lets marks expire, so a much later user edit is not mistaken for the add-on's", async () => {
    let now = 1_000;
    const tb = new InMemoryThunderbird();
    const own = new OwnWrites(() => now, 100);
    const books = own.wrap(tb.addressBooks);
    const bookId = await books.createBook("B");
    await books.createContact(bookId, card("c1"));
    now += 101;
    expect(own.consume("contact:c1")).toBe(false);
  });

  it("reads the UID Thunderbird will give a created contact", () => {
    expect(uidOfVCard("BEGIN:VCARD\r\nUID:abc-1\r\nEND:VCARD")).toBe("abc-1");
    expect(uidOfVCard("BEGIN:VCARD\r\nuid;VALUE=text:abc-\r\n 2\r\nEND:VCARD")).toBe("abc-2");
    expect(uidOfVCard("BEGIN:VCARD\r\nFN:x\r\nEND:VCARD")).toBeNull();
  });
});

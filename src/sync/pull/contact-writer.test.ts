import { describe, expect, it } from "vitest";
import { InMemoryThunderbird } from "../../../test/unit/in-memory-thunderbird.ts";
import { Limiter } from "../concurrency.ts";
import { ContactWriter } from "./contact-writer.ts";
import { SyncCancelledError } from "../sync-errors.ts";

const ID = "5f2b7c1a-0d3e-5a4b-8c9d-0e1f2a3b4c5d";
const vCard = (name: string, id = ID): string => `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${name}\r\nUID:${id}\r\nEND:VCARD\r\n`;

async function setUp(): Promise<{ tb: InMemoryThunderbird; bookId: string; writer: ContactWriter }> {
  const tb = new InMemoryThunderbird();
  const bookId = await tb.asUser.createBook("Synced");
  return { tb, bookId, writer: new ContactWriter(tb.addressBooks, bookId, new Limiter(4)) };
}

describe("ContactWriter", () => {
  it("creates and updates on the cheap path, with one call each", async () => {
    const { tb, writer } = await setUp();
    expect(await writer.write(ID, vCard("One"), "create")).toBe("created");
    expect(await writer.write(ID, vCard("Two"), "update")).toBe("updated");
    expect(tb.calls.createContact + tb.calls.updateContact).toBe(2);
    expect(tb.calls.getContact).toBe(0);
    expect((await tb.asUser.getContact(ID))?.vCard).toContain("FN:Two");
  });

  it("a create of an id already in this book becomes an update (a replayed pull)", async () => {
    const { tb, bookId, writer } = await setUp();
    await tb.asUser.createContact(bookId, vCard("Old"));
    expect(await writer.write(ID, vCard("New"), "create")).toBe("updated");
    expect((await tb.asUser.getContact(ID))?.vCard).toContain("FN:New");
    expect(tb.contactCount(bookId)).toBe(1);
  });

  it("a create of an id held by another book moves the contact here", async () => {
    const { tb, bookId, writer } = await setUp();
    const stray = await tb.asUser.createBook("Lost copy");
    await tb.asUser.createContact(stray, vCard("Old"));
    expect(await writer.write(ID, vCard("New"), "create")).toBe("moved");
    expect(tb.contactCount(stray)).toBe(0);
    expect((await tb.asUser.getContact(ID))?.parentId).toBe(bookId);
  });

  it("an update of a contact the user deleted creates it again", async () => {
    const { tb, bookId, writer } = await setUp();
    expect(await writer.write(ID, vCard("Back"), "update")).toBe("created");
    expect(tb.contactCount(bookId)).toBe(1);
  });

  it("a refused create of a new id is reported as is", async () => {
    const { writer } = await setUp();
    await expect(writer.write(ID, "not a vcard", "create")).rejects.toThrow(/Invalid vCard/);
  });

  it("remove: true when deleted, false when already gone", async () => {
    const { tb, bookId, writer } = await setUp();
    await tb.asUser.createContact(bookId, vCard("X"));
    expect(await writer.remove(ID)).toBe(true);
    expect(await writer.remove(ID)).toBe(false);
  });

  it("once the run is cancelled, no further Thunderbird call starts", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await tb.asUser.createBook("Synced");
    const controller = new AbortController();
    const writer = new ContactWriter(tb.addressBooks, bookId, new Limiter(1), controller.signal);
    controller.abort();
    await expect(writer.write(ID, vCard("X"), "create")).rejects.toBeInstanceOf(SyncCancelledError);
    expect(tb.calls.createContact).toBe(0);
  });
});

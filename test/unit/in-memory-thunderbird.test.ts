import { describe, expect, it } from "vitest";
import type { ContactInfo, ProviderSearchResult } from "../../src/thunderbird/types.ts";
import {
  InMemoryThunderbird,
  UNEXPECTED_ERROR,
  changedPropertyNames,
  isValidListName,
  quickSearchQuery,
  searchTokens,
  thunderbirdPropertiesOf,
} from "./in-memory-thunderbird.ts";
import { text } from "../../src/shared/user-text.ts";

function card(uid: string | null, lines: string[] = []): string {
  return ["BEGIN:VCARD", "VERSION:4.0", ...(uid === null ? [] : [`UID:${uid}`]), ...lines, "END:VCARD", ""].join("\r\n");
}

const jane = (uid: string) => card(uid, ["FN:Jane Doe", "N:Doe;Jane;;;", "EMAIL;PREF=1:jane@example.org"]);

async function personalBook(tb: InMemoryThunderbird): Promise<string> {
  const [book] = await tb.addressBooks.listBooks();
  if (book === undefined) throw new Error("no default book");
  return book.id;
}

function record<A extends unknown[]>(): { seen: A[]; listener: (...args: A) => void } {
  const seen: A[] = [];
  return { seen, listener: (...args: A) => void seen.push(args) };
}

describe("address books", () => {
  it("starts with Thunderbird's two local, writable default books with UUID ids", async () => {
    const books = await new InMemoryThunderbird().addressBooks.listBooks();
    expect(books.map((b) => b.name)).toEqual(["Personal Address Book", "Collected Addresses"]);
    for (const book of books) {
      expect(book).toMatchObject({ readOnly: false, remote: false });
      expect(book.id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("creates, renames and deletes books, firing events for its own writes", async () => {
    const tb = new InMemoryThunderbird();
    const created = record<[{ id: string; name: string }]>();
    const updated = record<[{ id: string; name: string }]>();
    const deleted = record<[string]>();
    tb.addressBooks.onBookCreated(created.listener);
    tb.addressBooks.onBookUpdated(updated.listener);
    tb.addressBooks.onBookDeleted(deleted.listener);

    const id = await tb.addressBooks.createBook("Mes contacts");
    await tb.addressBooks.renameBook(id, "Contacts");
    expect((await tb.addressBooks.listBooks()).find((b) => b.id === id)?.name).toBe("Contacts");
    await tb.addressBooks.deleteBook(id);
    await tb.settled();

    expect(created.seen).toEqual([[{ id, name: "Mes contacts", readOnly: false, remote: false }]]);
    expect(updated.seen).toEqual([[{ id, name: "Contacts", readOnly: false, remote: false }]]);
    expect(deleted.seen).toEqual([[id]]);
    expect((await tb.addressBooks.listBooks()).some((b) => b.id === id)).toBe(false);
  });

  it("deletes a book's contacts and lists with it, with no contact events", async () => {
    const tb = new InMemoryThunderbird();
    const id = await tb.addressBooks.createBook("Temp");
    await tb.addressBooks.createContact(id, jane("c1"));
    const listId = await tb.addressBooks.createList(id, { name: "Team" });
    await tb.settled();
    const contactDeleted = record<[string, string]>();
    tb.addressBooks.onContactDeleted(contactDeleted.listener);

    await tb.addressBooks.deleteBook(id);
    await tb.settled();

    expect(await tb.addressBooks.getContact("c1")).toBeNull();
    await expect(tb.addressBooks.listMembers(listId)).rejects.toThrow(`mailingList with id=${listId} could not be found.`);
    expect(contactDeleted.seen).toEqual([]);
    // The UID is free again.
    await expect(tb.addressBooks.createContact(await personalBook(tb), jane("c1"))).resolves.toBe("c1");
  });

  it("rejects unknown book ids and empty names like Thunderbird", async () => {
    const tb = new InMemoryThunderbird();
    for (const call of [
      () => tb.addressBooks.renameBook("nope", "x"),
      () => tb.addressBooks.deleteBook("nope"),
      () => tb.addressBooks.listContacts("nope"),
      () => tb.addressBooks.createContact("nope", jane("x")),
      () => tb.addressBooks.listLists("nope"),
    ]) {
      await expect(call()).rejects.toThrow("addressBook with id=nope could not be found.");
    }
    await expect(tb.addressBooks.createBook("")).rejects.toThrow(UNEXPECTED_ERROR);
  });
});

describe("contacts", () => {
  it("uses the vCard UID as contact id and stores the vCard re-serialised", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await personalBook(tb);
    const written = "BEGIN:VCARD\nVERSION:4.0\nUID:abc\nfn:Jane Doe\nEND:VCARD";
    expect(await tb.addressBooks.createContact(bookId, written)).toBe("abc");

    const contact = await tb.addressBooks.getContact("abc");
    expect(contact?.parentId).toBe(bookId);
    expect(contact?.vCard).not.toBe(written);
    expect(contact?.vCard).toBe("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:abc\r\nFN:Jane Doe\r\nEND:VCARD\r\n");
    expect((await tb.addressBooks.listContacts(bookId)).map((c) => c.id)).toEqual(["abc"]);
  });

  it("keeps a vCard 3.0 in version 3.0", async () => {
    const tb = new InMemoryThunderbird();
    await tb.addressBooks.createContact(await personalBook(tb), "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:v3\r\nFN:Old\r\nEND:VCARD\r\n");
    expect((await tb.addressBooks.getContact("v3"))?.vCard).toContain("VERSION:3.0");
  });

  it("generates a UID for a vCard without one and writes it into the vCard", async () => {
    const tb = new InMemoryThunderbird();
    const id = await tb.addressBooks.createContact(await personalBook(tb), card(null, ["FN:No Uid"]));
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await tb.addressBooks.getContact(id))?.vCard).toContain(`UID:${id}\r\n`);
  });

  it("refuses a UID already used in any book", async () => {
    const tb = new InMemoryThunderbird();
    const [personal, collected] = await tb.addressBooks.listBooks();
    await tb.addressBooks.createContact(personal?.id ?? "", jane("same"));
    await expect(tb.addressBooks.createContact(collected?.id ?? "", jane("same"))).rejects.toThrow("Duplicate contact id: same");
    await expect(tb.addressBooks.createContact(personal?.id ?? "", jane("same"))).rejects.toThrow("Duplicate contact id: same");
    expect(tb.contactCount(collected?.id ?? "")).toBe(0);
  });

  it("refuses invalid vCard text", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await personalBook(tb);
    for (const bad of ["garbage", "BEGIN:VCARD\r\nFN:x\r\n", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", jane("a") + jane("b")]) {
      await expect(tb.addressBooks.createContact(bookId, bad)).rejects.toThrow(`Invalid vCard data: ${bad}.`);
    }
    await tb.addressBooks.createContact(bookId, jane("ok"));
    await expect(tb.addressBooks.updateContact("ok", "garbage")).rejects.toThrow("Invalid vCard data: garbage.");
    expect(tb.contactCount(bookId)).toBe(1);
  });

  it("refuses writes in a read-only book", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await personalBook(tb);
    await tb.addressBooks.createContact(bookId, jane("ro"));
    tb.setBookReadOnly(bookId, true);

    expect((await tb.addressBooks.listBooks()).find((b) => b.id === bookId)?.readOnly).toBe(true);
    await expect(tb.addressBooks.createContact(bookId, jane("other"))).rejects.toThrow(
      "Cannot create a contact in a read-only address book",
    );
    await expect(tb.addressBooks.updateContact("ro", jane("ro"))).rejects.toThrow(
      "Cannot modify a contact in a read-only address book",
    );
    await expect(tb.addressBooks.deleteContact("ro")).rejects.toThrow("Cannot delete a contact in a read-only address book");

    tb.setBookReadOnly(bookId, false);
    await expect(tb.addressBooks.deleteContact("ro")).resolves.toBeUndefined();
  });

  it("refuses to change a contact's UID", async () => {
    const tb = new InMemoryThunderbird();
    await tb.addressBooks.createContact(await personalBook(tb), jane("keep"));
    const other = jane("other");
    await expect(tb.addressBooks.updateContact("keep", other)).rejects.toThrow(
      `The card's UID keep may not be changed: ${other}.`,
    );
    expect((await tb.addressBooks.getContact("keep"))?.vCard).toContain("UID:keep");
  });

  it("replaces the whole contact on update, keeping the UID when the new vCard has none", async () => {
    const tb = new InMemoryThunderbird();
    await tb.addressBooks.createContact(await personalBook(tb), jane("rep"));
    await tb.addressBooks.updateContact("rep", card(null, ["FN:Jane Smith"]));
    const vCard = (await tb.addressBooks.getContact("rep"))?.vCard ?? "";
    expect(vCard).toContain("FN:Jane Smith");
    expect(vCard).not.toContain("EMAIL");
    expect(vCard).not.toContain("N:Doe");
    expect(vCard).toContain("UID:rep");
  });

  it("answers null for an unknown contact and throws Thunderbird's message on writes", async () => {
    const tb = new InMemoryThunderbird();
    expect(await tb.addressBooks.getContact("ghost")).toBeNull();
    await expect(tb.addressBooks.updateContact("ghost", jane("ghost"))).rejects.toThrow(
      "contact with id=ghost could not be found.",
    );
    await expect(tb.addressBooks.deleteContact("ghost")).rejects.toThrow("contact with id=ghost could not be found.");
  });

  it("keeps `\\;` of a single-value property as a literal backslash, as measured", async () => {
    const tb = new InMemoryThunderbird();
    await tb.addressBooks.createContact(await personalBook(tb), card("esc", ["NOTE:a\\nb\\, c\\; d"]));
    expect((await tb.addressBooks.getContact("esc"))?.vCard).toContain("NOTE:a\\nb\\, c\\\\; d");
  });

  it("fires created/updated/deleted events for its own writes, later than the call", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await personalBook(tb);
    const created = record<[ContactInfo]>();
    const updated = record<[ContactInfo, string[]]>();
    const deleted = record<[string, string]>();
    tb.addressBooks.onContactCreated(created.listener);
    tb.addressBooks.onContactUpdated(updated.listener);
    tb.addressBooks.onContactDeleted(deleted.listener);

    await tb.addressBooks.createContact(bookId, jane("ev"));
    expect(created.seen).toEqual([]); // not yet: events arrive after the call has answered
    await tb.settled();
    expect(created.seen).toHaveLength(1);
    expect(created.seen[0]?.[0]).toMatchObject({ id: "ev", parentId: bookId });

    await tb.addressBooks.updateContact("ev", card("ev", ["FN:Jane Smith", "N:Smith;Jane;;;", "EMAIL;PREF=1:jane@example.org"]));
    await tb.addressBooks.updateContact("ev", card("ev", ["FN:Jane Smith", "N:Smith;Jane;;;", "EMAIL;PREF=1:jane@example.org"]));
    await tb.addressBooks.deleteContact("ev");
    await tb.settled();

    expect(updated.seen.map(([contact, changed]) => [contact.id, changed])).toEqual([
      ["ev", ["DisplayName", "LastName"]],
      ["ev", []], // an identical write is still announced, with nothing changed
    ]);
    expect(updated.seen[0]?.[0].vCard).toContain("FN:Jane Smith");
    expect(deleted.seen).toEqual([[bookId, "ev"]]);
  });

  it("stops delivering to a listener once unsubscribed", async () => {
    const tb = new InMemoryThunderbird();
    const created = record<[ContactInfo]>();
    const unsubscribe = tb.addressBooks.onContactCreated(created.listener);
    unsubscribe();
    await tb.addressBooks.createContact(await personalBook(tb), jane("quiet"));
    await tb.settled();
    expect(created.seen).toEqual([]);
  });

  it("bumps popularity with an update event listing no change", async () => {
    const tb = new InMemoryThunderbird();
    await tb.addressBooks.createContact(await personalBook(tb), jane("pop"));
    await tb.settled();
    const updated = record<[ContactInfo, string[]]>();
    tb.addressBooks.onContactUpdated(updated.listener);
    tb.bumpPopularity("pop");
    await tb.settled();
    expect(updated.seen.map(([c, changed]) => [c.id, changed])).toEqual([["pop", []]]);
    expect(() => tb.bumpPopularity("ghost")).toThrow("contact with id=ghost could not be found.");
  });

  it("records listener errors without stopping the other listeners", async () => {
    const tb = new InMemoryThunderbird();
    const created = record<[ContactInfo]>();
    tb.addressBooks.onContactCreated(() => {
      throw new Error("boom");
    });
    tb.addressBooks.onContactCreated(async () => {
      throw new Error("async boom");
    });
    tb.addressBooks.onContactCreated(created.listener);
    await tb.addressBooks.createContact(await personalBook(tb), jane("err"));
    await tb.settled();
    expect(created.seen).toHaveLength(1);
    expect(tb.listenerErrors.map((e) => (e as Error).message).sort()).toEqual(["async boom", "boom"]);
  });

  it("gives each listener its own copy of the event data", async () => {
    const tb = new InMemoryThunderbird();
    await tb.addressBooks.createContact(await personalBook(tb), jane("copy"));
    await tb.settled();
    const seen: string[][] = [];
    tb.addressBooks.onContactUpdated((_c, changed) => {
      changed.push("Tampered");
    });
    tb.addressBooks.onContactUpdated((_c, changed) => void seen.push(changed));
    await tb.addressBooks.updateContact("copy", card("copy", ["FN:Other"]));
    await tb.settled();
    expect(seen).toEqual([["DisplayName", "LastName", "FirstName", "PrimaryEmail"]]);
  });
});

describe("photos", () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

  it("stores the photo beside the card and shows it in the vCard read back", async () => {
    const tb = new InMemoryThunderbird();
    await tb.addressBooks.createContact(await personalBook(tb), jane("ph"));
    await tb.settled();
    const updated = record<[ContactInfo, string[]]>();
    tb.addressBooks.onContactUpdated(updated.listener);

    await tb.addressBooks.setContactPhoto("ph", png, "image/png");
    await tb.settled();

    expect(tb.photoOf("ph")).toEqual({ bytes: png, type: "image/png" });
    const vCard = (await tb.addressBooks.getContact("ph"))?.vCard ?? "";
    expect(vCard.replace(/\r\n /g, "")).toContain("PHOTO;VALUE=URL:data:image/png;base64,iVBORwECAw==");
    expect(updated.seen.map(([, changed]) => changed)).toEqual([[]]);

    // The photo is not part of the stored vCard: replacing the vCard keeps it.
    await tb.addressBooks.updateContact("ph", jane("ph"));
    expect(tb.photoOf("ph")?.bytes).toEqual(png);
  });

  it("replaces a photo the vCard already carries inside the vCard", async () => {
    const tb = new InMemoryThunderbird();
    await tb.addressBooks.createContact(await personalBook(tb), card("inv", ["FN:X", "PHOTO:data:image/jpeg;base64,/9j/AA=="]));
    await tb.addressBooks.setContactPhoto("inv", png, "image/png");
    const vCard = (await tb.addressBooks.getContact("inv"))?.vCard.replace(/\r\n /g, "") ?? "";
    expect(vCard).not.toContain("image/jpeg");
    expect(vCard.match(/PHOTO/g)).toHaveLength(1);
    expect(tb.photoOf("inv")).toEqual({ bytes: png, type: "image/png" });
  });

  it("refuses other image formats and read-only books", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await personalBook(tb);
    await tb.addressBooks.createContact(bookId, jane("fmt"));
    await expect(tb.addressBooks.setContactPhoto("fmt", png, "image/gif")).rejects.toThrow(
      "Failed to read new photo information for fmt",
    );
    tb.setBookReadOnly(bookId, true);
    await expect(tb.addressBooks.setContactPhoto("fmt", png, "image/png")).rejects.toThrow(/read-only/);
    expect(tb.photoOf("fmt")).toBeUndefined();
  });
});

describe("mailing lists", () => {
  async function bookWithContacts(tb: InMemoryThunderbird): Promise<string> {
    const bookId = await personalBook(tb);
    await tb.addressBooks.createContact(bookId, jane("m1"));
    await tb.addressBooks.createContact(bookId, card("m2", ["FN:Bob", "EMAIL:bob@example.org"]));
    await tb.addressBooks.createContact(bookId, card("noemail", ["FN:No Email"]));
    await tb.settled();
    return bookId;
  }

  it("applies Thunderbird's name rules on create and update", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await personalBook(tb);
    for (const bad of ["", "Two  spaces", "a,b", "a;b", 'a"b', "a<b", "a>b"]) {
      expect(isValidListName(bad)).toBe(false);
      await expect(tb.addressBooks.createList(bookId, { name: bad })).rejects.toThrow(UNEXPECTED_ERROR);
    }
    const id = await tb.addressBooks.createList(bookId, { name: "Team A" });
    await expect(tb.addressBooks.updateList(id, { name: "><<<" })).rejects.toThrow(UNEXPECTED_ERROR);
    expect((await tb.addressBooks.listLists(bookId)).map((l) => l.name)).toEqual(["Team A"]);
  });

  it("creates, updates and deletes lists with events", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await personalBook(tb);
    const events: unknown[] = [];
    tb.addressBooks.onListCreated((l) => void events.push(["created", l]));
    tb.addressBooks.onListUpdated((l) => void events.push(["updated", l]));
    tb.addressBooks.onListDeleted((b, l) => void events.push(["deleted", b, l]));

    const id = await tb.addressBooks.createList(bookId, { name: "Team" });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await tb.addressBooks.updateList(id, { name: "Team!", nickName: "team", description: "The team" });
    expect(await tb.addressBooks.listLists(bookId)).toEqual([
      { id, parentId: bookId, name: "Team!", nickName: "team", description: "The team" },
    ]);
    await tb.addressBooks.deleteList(id);
    await tb.settled();

    expect(events).toEqual([
      ["created", { id, parentId: bookId, name: "Team", nickName: "", description: "" }],
      ["updated", { id, parentId: bookId, name: "Team!", nickName: "team", description: "The team" }],
      ["deleted", bookId, id],
    ]);
    await expect(tb.addressBooks.deleteList(id)).rejects.toThrow(`mailingList with id=${id} could not be found.`);
  });

  it("adds and removes members, silently ignoring a contact without email", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await bookWithContacts(tb);
    const listId = await tb.addressBooks.createList(bookId, { name: "Team" });
    const added = record<[string, string]>();
    const removed = record<[string, string]>();
    tb.addressBooks.onListMemberAdded(added.listener);
    tb.addressBooks.onListMemberRemoved(removed.listener);

    await tb.addressBooks.addMember(listId, "m1");
    await tb.addressBooks.addMember(listId, "noemail");
    await tb.addressBooks.addMember(listId, "m2");
    const members = await tb.addressBooks.listMembers(listId);
    expect(members.map((m) => m.id)).toEqual(["m1", "m2"]);
    expect(members[0]?.parentId).toBe(listId); // Thunderbird's list members have the list as parent
    await tb.addressBooks.removeMember(listId, "m1");
    await tb.settled();

    expect(added.seen).toEqual([
      [listId, "m1"],
      [listId, "m2"],
    ]);
    expect(removed.seen).toEqual([[listId, "m1"]]);
    expect((await tb.addressBooks.listMembers(listId)).map((m) => m.id)).toEqual(["m2"]);
  });

  it("announces a deleted contact's removal from its lists after its deletion", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await bookWithContacts(tb);
    const listId = await tb.addressBooks.createList(bookId, { name: "Team" });
    await tb.addressBooks.addMember(listId, "m1");
    await tb.settled();
    const events: unknown[] = [];
    tb.addressBooks.onContactDeleted((b, c) => void events.push(["contactDeleted", b, c]));
    tb.addressBooks.onListMemberRemoved((l, c) => void events.push(["memberRemoved", l, c]));

    await tb.addressBooks.deleteContact("m1");
    await tb.settled();

    expect(events).toEqual([
      ["contactDeleted", bookId, "m1"],
      ["memberRemoved", listId, "m1"],
    ]);
    expect(await tb.addressBooks.listMembers(listId)).toEqual([]);
  });

  it("only takes members from the list's own book", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await bookWithContacts(tb);
    const otherBook = await tb.addressBooks.createBook("Other");
    await tb.addressBooks.createContact(otherBook, card("elsewhere", ["FN:E", "EMAIL:e@example.org"]));
    const listId = await tb.addressBooks.createList(bookId, { name: "Team" });
    await expect(tb.addressBooks.addMember(listId, "elsewhere")).rejects.toThrow(/not in the address book/);
    await expect(tb.addressBooks.addMember(listId, "ghost")).rejects.toThrow("contact with id=ghost could not be found.");
  });

  it("refuses lists in provider books", async () => {
    const tb = new InMemoryThunderbird();
    tb.searchProviders.register("bm-dir", "Directory", async () => ({ results: [], isCompleteResult: true }));
    await expect(tb.addressBooks.createList("bm-dir", { name: "Team" })).rejects.toThrow(
      "Cannot create a mailing list in a read-only address book",
    );
    expect(await tb.addressBooks.listLists("bm-dir")).toEqual([]);
  });
});

describe("search providers", () => {
  const answer = (...vCards: string[]): ProviderSearchResult => ({
    results: vCards.map((vCard) => ({ vCard })),
    isCompleteResult: true,
  });

  it("registers a remote read-only book under the given id, and removes it", async () => {
    const tb = new InMemoryThunderbird();
    const events: unknown[] = [];
    tb.addressBooks.onBookCreated((b) => void events.push(["created", b.id]));
    tb.addressBooks.onBookDeleted((id) => void events.push(["deleted", id]));

    const unregister = tb.searchProviders.register("bm-abc", "Annuaire (BlueMind)", async () => answer());
    expect((await tb.addressBooks.listBooks()).find((b) => b.id === "bm-abc")).toEqual({
      id: "bm-abc",
      name: "Annuaire (BlueMind)",
      readOnly: true,
      remote: true,
    });
    expect(await tb.addressBooks.listContacts("bm-abc")).toEqual([]);
    await expect(tb.addressBooks.createContact("bm-abc", jane("x"))).rejects.toThrow(
      "Cannot create a contact in a read-only address book",
    );
    expect(() => tb.setBookReadOnly("bm-abc", false)).toThrow(/provider/);

    unregister();
    unregister(); // a second call changes nothing
    await tb.settled();
    expect((await tb.addressBooks.listBooks()).some((b) => b.id === "bm-abc")).toBe(false);
    expect(events).toEqual([
      ["created", "bm-abc"],
      ["deleted", "bm-abc"],
    ]);
  });

  it("refuses a second registration with the same id", () => {
    const tb = new InMemoryThunderbird();
    const handler = async () => answer();
    tb.searchProviders.register("bm-dup", "A", handler);
    expect(() => tb.searchProviders.register("bm-dup", "B", handler)).toThrow("addressBook with id=bm-dup already exists.");
  });

  it("lets a stale unregister leave a newer registration of the same id alone", async () => {
    const tb = new InMemoryThunderbird();
    const first = tb.searchProviders.register("bm-re", "A", async () => answer());
    first();
    tb.searchProviders.register("bm-re", "B", async () => answer());
    first();
    expect((await tb.addressBooks.listBooks()).find((b) => b.id === "bm-re")?.name).toBe("B");
  });
});

describe("quickSearch", () => {
  async function populated(): Promise<InMemoryThunderbird> {
    const tb = new InMemoryThunderbird();
    const bookId = await personalBook(tb);
    await tb.addressBooks.createContact(bookId, jane("jane"));
    await tb.addressBooks.createContact(bookId, card("john", ["FN:John Smith", "EMAIL:jsmith@corp.example", "NICKNAME:Johnny"]));
    await tb.addressBooks.createContact(bookId, card("acme", ["FN:Someone", "ORG:Acme Corp;Sales"]));
    return tb;
  }

  it("matches every word, case-insensitively, over names, emails, nickname and company", async () => {
    const tb = await populated();
    const ids = async (text: string) => (await tb.quickSearch(text)).map((r) => r.id).sort();
    expect(await ids("JANE")).toEqual(["jane"]);
    expect(await ids("doe jane")).toEqual(["jane"]);
    expect(await ids("jane smith")).toEqual([]);
    expect(await ids("corp")).toEqual(["acme", "john"]);
    expect(await ids("johnny")).toEqual(["john"]);
    expect(await ids("example.org")).toEqual(["jane"]);
    expect(await ids("   ")).toEqual([]);
    const [first] = await tb.quickSearch("jane");
    expect(first).toMatchObject({ readOnly: false, remote: false });
  });

  it("asks provider handlers like autocompletion and turns their vCards into remote contacts", async () => {
    const tb = await populated();
    const asked: [string | undefined, string | null][] = [];
    tb.searchProviders.register("bm-dir", "Directory", async (searchString, query) => {
      asked.push([searchString, query]);
      return {
        results: [{ vCard: card("r1", ["FN:Jane Remote", "EMAIL:jr@example.org"]) }, { vCard: card(null, ["FN:Jane NoUid"]) }],
        isCompleteResult: true,
      };
    });

    const results = await tb.quickSearch("jane");

    expect(asked).toEqual([["jane", null]]);
    const remote = results.filter((r) => r.remote);
    expect(remote.map((r) => r.parentId)).toEqual(["bm-dir", "bm-dir"]);
    expect(remote[0]).toMatchObject({ id: "r1", readOnly: true, remote: true });
    expect(remote[0]?.vCard).toContain("EMAIL:jr@example.org");
    expect(remote[1]?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(results.filter((r) => !r.remote).map((r) => r.id)).toEqual(["jane"]);
  });

  it("passes the search-box query when asked, and honours includeLocal / includeRemote", async () => {
    const tb = await populated();
    const queries: (string | null)[] = [];
    tb.searchProviders.register("bm-dir", "Directory", async (_s, query) => {
      queries.push(query);
      return { results: [], isCompleteResult: true };
    });

    expect((await tb.quickSearch("jane", { includeRemote: false })).map((r) => r.id)).toEqual(["jane"]);
    expect(queries).toEqual([]);
    expect(await tb.quickSearch("jane", { includeLocal: false, providerQuery: "searchBox" })).toEqual([]);
    expect(queries).toEqual([quickSearchQuery("jane")]);
    expect(queries[0]).toMatch(/^\?\(and\(or\(DisplayName,c,jane\)\(FirstName,c,jane\)/);
  });

  it("shows nothing from a provider that throws, and stops at an invalid vCard", async () => {
    const tb = await populated();
    tb.searchProviders.register("bm-fail", "Failing", async () => {
      throw new Error("server down");
    });
    tb.searchProviders.register("bm-bad", "Bad", async () => ({
      results: [{ vCard: card("good", ["FN:Jane Good"]) }, { vCard: "garbage" }, { vCard: card("after", ["FN:Jane After"]) }],
      isCompleteResult: true,
    }));
    expect((await tb.quickSearch("jane")).map((r) => r.id)).toEqual(["jane", "good"]);
  });

  it("splits search strings like Thunderbird, quoted phrases whole", () => {
    expect(searchTokens(' jane  "de la" doe ')).toEqual(["de la", "jane", "doe"]);
    expect(searchTokens("")).toEqual([]);
  });
});

describe("Thunderbird's flat properties of a vCard", () => {
  it("maps names, preferred emails, organisation and phones to Thunderbird's names", () => {
    const props = thunderbirdPropertiesOf(
      card("p", [
        "FN:Jane Doe",
        "N:Doe;Jane;;Dr;",
        "EMAIL:second@example.org",
        "EMAIL;PREF=1:first@example.org",
        "EMAIL:third@example.org",
        "ORG:Acme;Sales",
        "TEL;TYPE=cell:+33 6",
        "CATEGORIES:a,b",
        "BDAY:1980-05-12",
      ]),
    );
    expect(Object.fromEntries(props)).toEqual({
      DisplayName: "Jane Doe",
      LastName: "Doe",
      FirstName: "Jane",
      NamePrefix: "Dr",
      PrimaryEmail: "first@example.org",
      SecondEmail: "second@example.org",
      Company: "Acme",
      Department: "Sales",
      CellularNumber: "+33 6",
      BirthYear: "1980",
      BirthMonth: "5",
      BirthDay: "12",
    });
  });

  it("sees no change where Thunderbird sees none (unmapped properties, third email)", () => {
    const before = card("c", ["FN:A", "EMAIL:1@x", "EMAIL:2@x"]);
    expect(changedPropertyNames(before, card("c", ["FN:A", "EMAIL:1@x", "EMAIL:2@x", "EMAIL:3@x", "CATEGORIES:z"]))).toEqual([]);
    expect(changedPropertyNames(before, card("c", ["FN:B", "EMAIL:2@x"]))).toEqual(["DisplayName", "PrimaryEmail", "SecondEmail"]);
  });
});

describe("local storage", () => {
  it("stores structured clones: later mutations on either side do not leak", async () => {
    const tb = new InMemoryThunderbird();
    const value = { list: [1, 2], map: new Map([["k", { n: 1 }]]), when: new Date(0) };
    await tb.localStore.set("state", value);
    value.list.push(3);

    const read = (await tb.localStore.get("state")) as typeof value | undefined;
    expect(read?.list).toEqual([1, 2]);
    expect(read?.map).toBeInstanceOf(Map);
    expect(read?.when).toBeInstanceOf(Date);
    read?.list.push(99);
    expect(((await tb.localStore.get("state")) as typeof value | undefined)?.list).toEqual([1, 2]);
    expect(tb.storeSnapshot()).toEqual({ state: { list: [1, 2], map: new Map([["k", { n: 1 }]]), when: new Date(0) } });

    await tb.localStore.remove("state");
    expect(await tb.localStore.get("state")).toBeUndefined();
  });

  it("rejects values a structured clone cannot hold", async () => {
    const tb = new InMemoryThunderbird();
    await expect(tb.localStore.set("fn", { f: () => 1 })).rejects.toThrow();
    expect(await tb.localStore.get("fn")).toBeUndefined();
  });
});

describe("managed storage, alarms, connectivity, notifications", () => {
  it("reads no policy as {} and returns copies of the policy set by the test", async () => {
    const tb = new InMemoryThunderbird();
    expect(await tb.managed.read()).toEqual({});
    tb.setManaged({ serverUrl: "https://bm.example.com", login: "u@example.com", apiKey: "k", syncIntervalMinutes: 10 });
    const read = await tb.managed.read();
    expect(read).toEqual({ serverUrl: "https://bm.example.com", login: "u@example.com", apiKey: "k", syncIntervalMinutes: 10 });
    read.apiKey = "changed";
    expect((await tb.managed.read()).apiKey).toBe("k");
    expect(await new InMemoryThunderbird({ managed: { login: "x" } }).managed.read()).toEqual({ login: "x" });
  });

  it("records alarms with their period and fires them on demand", () => {
    const tb = new InMemoryThunderbird();
    const fired: string[] = [];
    const first = tb.alarms.every("sync", 5, () => void fired.push("first"));
    expect(tb.registeredAlarms()).toEqual(new Map([["sync", 5]]));
    expect(tb.fireAlarm("sync")).toBe(true);

    tb.alarms.every("sync", 10, () => void fired.push("second")); // replaces the alarm of that name
    first(); // a stale unsubscribe leaves the newer alarm alone
    expect(tb.registeredAlarms()).toEqual(new Map([["sync", 10]]));
    expect(tb.fireAlarm("sync")).toBe(true);
    expect(fired).toEqual(["first", "second"]);
    expect(tb.fireAlarm("other")).toBe(false);
  });

  it("removes an alarm when unsubscribed", () => {
    const tb = new InMemoryThunderbird();
    const stop = tb.alarms.every("sync", 5, () => undefined);
    stop();
    expect(tb.registeredAlarms().size).toBe(0);
    expect(tb.fireAlarm("sync")).toBe(false);
  });

  it("tells connectivity listeners about real changes only", () => {
    const tb = new InMemoryThunderbird({ online: false });
    const heard: boolean[] = [];
    const stop = tb.connectivity.onChange((online) => void heard.push(online));
    expect(tb.connectivity.isOnline()).toBe(false);
    tb.setOnline(true);
    tb.setOnline(true);
    tb.setOnline(false);
    stop();
    tb.setOnline(true);
    expect(heard).toEqual([true, false]);
    expect(tb.connectivity.isOnline()).toBe(true);
  });

  it("records notifications", async () => {
    const tb = new InMemoryThunderbird();
    await tb.notifications.notify(text("errorApiKeyRefused", "jdoe@example.com"));
    expect(tb.notified).toEqual(["BlueMind no longer accepts the API key of jdoe@example.com. Sign in again."]);
    expect(tb.notifiedTexts).toEqual([text("errorApiKeyRefused", "jdoe@example.com")]);
  });
});

describe("call counters and latency", () => {
  it("counts each interface call, failed ones included, but not the user's own actions", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await personalBook(tb);
    await tb.addressBooks.createContact(bookId, jane("a"));
    await tb.addressBooks.createContact(bookId, jane("a")).catch(() => undefined);
    await tb.addressBooks.updateContact("a", jane("a"));
    await tb.asUser.createContact(bookId, jane("user"));
    await tb.asUser.deleteContact("a");
    await tb.localStore.set("k", 1);

    expect(tb.calls.listBooks).toBe(1);
    expect(tb.calls.createContact).toBe(2);
    expect(tb.calls.updateContact).toBe(1);
    expect(tb.calls.deleteContact).toBe(0);
    expect(tb.calls.storeSet).toBe(1);
    expect(tb.totalCalls).toBe(5);
    tb.resetCalls();
    expect(tb.totalCalls).toBe(0);
  });

  it("fires events for the user's actions too", async () => {
    const tb = new InMemoryThunderbird();
    const created = record<[ContactInfo]>();
    tb.addressBooks.onContactCreated(created.listener);
    await tb.asUser.createContact(await personalBook(tb), jane("byuser"));
    await tb.settled();
    expect(created.seen.map(([c]) => c.id)).toEqual(["byuser"]);
  });

  it("serves calls one at a time, in order, each costing the configured latency", async () => {
    const tb = new InMemoryThunderbird({ latencyMs: { createContact: 4 } });
    const bookId = await personalBook(tb);
    const started = performance.now();
    const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => tb.addressBooks.createContact(bookId, jane(`l${i}`))));
    const elapsed = performance.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(38);
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => `l${i}`));
    expect((await tb.addressBooks.listContacts(bookId)).map((c) => c.id)).toEqual(ids);
  });

  it("charges listContacts per listed contact", async () => {
    const tb = new InMemoryThunderbird({ listContactsPerContactMs: 2 });
    const bookId = await personalBook(tb);
    for (let i = 0; i < 20; i++) await tb.asUser.createContact(bookId, jane(`p${i}`));
    const started = performance.now();
    await tb.addressBooks.listContacts(bookId);
    expect(performance.now() - started).toBeGreaterThanOrEqual(38);
  });
});

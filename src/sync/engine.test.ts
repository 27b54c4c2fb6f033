import { describe, expect, it } from "vitest";
import { AuthenticationError, BlueMindError } from "../bluemind/errors.ts";
import { InMemoryThunderbird } from "../../test/unit/in-memory-thunderbird.ts";
import { contactIdFor } from "./contact-uid.ts";
import { SyncEngine } from "./engine.ts";
import type { ReleasedBook, SyncEngineOptions } from "./engine-types.ts";
import type { RemoteBook } from "../books/remote-books.ts";
import type { BookStateChange, SyncReporter } from "./reporter.ts";
import { SYNC_INDEX_KEY, type SyncIndex } from "./state/sync-state.ts";
import { individual, MemorySource, pngBytes } from "../../test/support/memory-content.ts";
import { inEnglish, text } from "../shared/user-text.ts";

function remote(containerUid: string, sync = true, displayName = containerUid): RemoteBook {
  return { containerUid, serverName: displayName, displayName, ownerUid: "u1", ownerDisplayName: "Jane", ownedByUser: true, isDomainDirectory: false, sync, readOnly: false, internalId: 1 };
}

interface Rig {
  tb: InMemoryThunderbird;
  source: MemorySource;
  engine: SyncEngine;
  events: string[];
  states: [string, BookStateChange][];
}

function rig(options: SyncEngineOptions = {}): Rig {
  const tb = new InMemoryThunderbird();
  const source = new MemorySource();
  const events: string[] = [];
  const states: [string, BookStateChange][] = [];
  const reporter: SyncReporter = {
    bookState: (uid, change) => states.push([uid, change]),
    progress: () => undefined,
    log: (level, message, uid) => events.push(`${level} ${uid ?? "-"} ${inEnglish(message)}`),
  };
  return { tb, source, events, states, engine: new SyncEngine({ books: tb.addressBooks, store: tb.localStore, reporter }, options) };
}

function localIdOf(tb: InMemoryThunderbird, containerUid: string): string {
  const id = (tb.storeSnapshot()[SYNC_INDEX_KEY] as SyncIndex).books[containerUid]?.localBookId;
  if (id === undefined) throw new Error(`no local book for ${containerUid}`);
  return id;
}

describe("SyncEngine.syncAll", () => {
  it("pushes pending changes before pulling each synced book, and before removing a book whose sync went off", async () => {
    const order: string[] = [];
    const r = rig({ pushPending: async ({ book, ledger }) => void order.push(`push ${book.containerUid} v${ledger.state.version}`) });
    r.source.book("book:A").put("a1", individual("A1"));
    r.source.book("book:B").put("b1", individual("B1"));
    const books = [remote("book:A"), remote("book:B")];
    const original = r.source.book("book:A").changeset.bind(r.source.book("book:A"));
    r.source.book("book:A").changeset = (since) => {
      order.push(`pull book:A from ${since}`);
      return original(since);
    };
    await r.engine.syncAll(r.source, books);
    expect(order).toEqual(["push book:A v0", "pull book:A from 0", "push book:B v0"]);

    order.length = 0;
    await r.engine.syncAll(r.source, [remote("book:A"), remote("book:B", false)]);
    expect(order).toEqual(["push book:B v1", "push book:A v1", "pull book:A from 1"]);
    expect(await r.tb.asUser.listBooks()).not.toContainEqual(expect.objectContaining({ name: "book:B" }));
  });

  it("a failed push fails that book only, and its pull does not run over unsent changes", async () => {
    const r = rig({ pushPending: async ({ book }) => { if (book.containerUid === "book:A") throw new Error("push refused"); } });
    r.source.book("book:A").put("a1", individual("A1"));
    r.source.book("book:B").put("b1", individual("B1"));
    const result = await r.engine.syncAll(r.source, [remote("book:A"), remote("book:B")]);
    expect(result.ok).toBe(false);
    expect(result.books.map((b) => [b.containerUid, b.ok, b.error])).toEqual([["book:A", false, text("errorDetail", "push refused")], ["book:B", true, null]]);
    expect(r.source.book("book:A").calls).toEqual([]);
    expect(r.states.filter(([uid]) => uid === "book:A").at(-1)?.[1]).toEqual({ state: "error", lastError: text("errorDetail", "push refused") });
  });

  it("a book Thunderbird cannot create is reported; the others sync", async () => {
    const r = rig();
    r.source.book("book:B").put("b1", individual("B1"));
    const original = r.tb.addressBooks.createBook;
    r.tb.addressBooks.createBook = (name) => (name === "Broken" ? Promise.reject(new Error("An unexpected error occurred")) : original(name));
    const result = await r.engine.syncAll(r.source, [remote("book:A", true, "Broken"), remote("book:B")]);
    expect(result.ok).toBe(false);
    expect(result.books.map((b) => b.containerUid)).toEqual(["book:B"]);
    expect(r.events.some((e) => e.startsWith("error book:A ") && e.includes("An unexpected error occurred"))).toBe(true);
  });

  it("stops the whole run when BlueMind refuses the credential", async () => {
    const r = rig();
    r.source.book("book:A").beforeCall = () => {
      throw new AuthenticationError(text("errorApiKeyRefused", "jdoe"), { code: "AUTHENTICATION_FAIL", status: 401, needsSignIn: true });
    };
    await expect(r.engine.syncAll(r.source, [remote("book:A"), remote("book:B")])).rejects.toBeInstanceOf(AuthenticationError);
    expect(r.source.book("book:B").calls).toEqual([]);
  });

  it("refuses to run twice at once", async () => {
    const r = rig();
    const first = r.engine.syncAll(r.source, [remote("book:A")]);
    await expect(r.engine.syncAll(r.source, [remote("book:A")])).rejects.toThrow(/already running/);
    await first;
  });

  it("reports synced books with their state, and lists the unsynced ones for provider books", async () => {
    const r = rig();
    r.source.book("book:A").put("a1", individual("A1"));
    const result = await r.engine.syncAll(r.source, [remote("book:A"), remote("dir", false)]);
    expect(result.unsynced.map((b) => b.containerUid)).toEqual(["dir"]);
    expect(r.states.map(([uid, c]) => `${uid} ${c.state}`)).toEqual(["book:A syncing", "book:A synced"]);
    expect(r.states.at(-1)?.[1]).toMatchObject({ lastSuccess: expect.any(Number), lastError: null, contactCount: 1 });
  });
});

describe("echo suppression", () => {
  it("recognises Thunderbird's copy of what the add-on wrote, photo or not, and not a user's edit", async () => {
    const r = rig();
    r.source.book("book:A").put("a1", individual("Alice", "alice@example.org"));
    r.source.book("book:A").put("p1", individual("Pat", "pat@example.org", { identification: { formatedName: { value: "Pat" }, photo: true } }));
    r.source.book("book:A").photos.set("p1", pngBytes());
    await r.engine.syncAll(r.source, [remote("book:A")]);
    await r.tb.settled();
    const contacts = await r.tb.asUser.listContacts(localIdOf(r.tb, "book:A"));
    const alice = contacts.find((c) => c.vCard.includes("Alice"));
    const pat = contacts.find((c) => c.vCard.includes("Pat"));
    if (alice === undefined || pat === undefined) throw new Error("missing contacts");
    expect(pat.vCard).toMatch(/PHOTO/);
    expect(r.engine.isOwnWrite(alice.id, alice.vCard)).toBe(true);
    expect(r.engine.isOwnWrite(pat.id, pat.vCard)).toBe(true);
    expect(r.engine.isOwnWrite(alice.id, alice.vCard.replace("Alice", "Alicia"))).toBe(false);
    expect(r.engine.isOwnWrite(crypto.randomUUID(), alice.vCard)).toBe(false);
  });

  it("answers after a restart once the states are loaded", async () => {
    const r = rig();
    r.source.book("book:A").put("a1", individual("Alice", "alice@example.org"));
    await r.engine.syncAll(r.source, [remote("book:A")]);
    await r.engine.settled();
    const id = await contactIdFor("book:A", "a1");
    const vCard = (await r.tb.asUser.getContact(id))?.vCard ?? "";
    const restarted = new SyncEngine({ books: r.tb.addressBooks, store: r.tb.localStore });
    expect(restarted.isOwnWrite(id, vCard)).toBe(false);
    await restarted.loadStates();
    expect(restarted.isOwnWrite(id, vCard)).toBe(true);
  });
});

describe("local books", () => {
  it("releaseAllLocalBooks with remove deletes the books the add-on created and its state, nothing else", async () => {
    const r = rig();
    r.source.book("book:A").put("a1", individual("A1"));
    await r.engine.syncAll(r.source, [remote("book:A"), remote("book:B")]);
    const before = (await r.tb.asUser.listBooks()).length;
    expect((await r.engine.releaseAllLocalBooks(null, true)).filter((b) => b.deleted).length).toBe(2);
    expect((await r.tb.asUser.listBooks()).map((b) => b.name)).toEqual(["Personal Address Book", "Collected Addresses"]);
    expect(before).toBe(4);
    expect(Object.keys(r.tb.storeSnapshot()).filter((k) => k.startsWith("sync.book."))).toEqual([]);
    expect((r.tb.storeSnapshot()[SYNC_INDEX_KEY] as SyncIndex).books).toEqual({});
  });

  it("releaseAllLocalBooks keeping the books leaves them whole and no longer the add-on's: no index, no state", async () => {
    const released: ReleasedBook[] = [];
    const r = rig({ onBookReleased: async (book) => void released.push(book) });
    r.source.book("book:A").put("a1", individual("A1"));
    await r.engine.syncAll(r.source, [remote("book:A"), remote("book:B")]);
    const books = await r.tb.asUser.listBooks();
    const bookA = localIdOf(r.tb, "book:A");
    const expected = [
      { containerUid: "book:A", localBookId: bookA, bookName: "book:A", keptIn: null, deleted: false },
      { containerUid: "book:B", localBookId: localIdOf(r.tb, "book:B"), bookName: "book:B", keptIn: null, deleted: false },
    ];
    expect(await r.engine.releaseAllLocalBooks(null, false)).toEqual(expected);
    expect(released).toEqual(expected);
    expect(await r.tb.asUser.listBooks()).toEqual(books);
    expect(r.tb.contactCount(bookA)).toBe(1);
    expect((r.tb.storeSnapshot()[SYNC_INDEX_KEY] as SyncIndex).books).toEqual({});
    expect(Object.keys(r.tb.storeSnapshot()).filter((k) => k.startsWith("sync.book."))).toEqual([]);
    // A later sign-in, with another account: the kept books are not its to remove.
    await r.engine.syncAll(r.source, [remote("book:other")]);
    await r.engine.syncAll(r.source, [remote("book:other")]);
    expect(r.tb.contactCount(bookA)).toBe(1);
    expect((await r.tb.asUser.listBooks()).map((b) => b.name)).toEqual([...books.map((b) => b.name), "book:other"]);
  });

  it("containerOfLocalBook maps a Thunderbird book back to its BlueMind container", async () => {
    const r = rig();
    await r.engine.syncAll(r.source, [remote("book:A")]);
    expect(await r.engine.containerOfLocalBook(localIdOf(r.tb, "book:A"))).toBe("book:A");
    expect(await r.engine.containerOfLocalBook("nope")).toBeNull();
  });

  it("renames the local book when the server's name changes", async () => {
    const r = rig();
    await r.engine.syncAll(r.source, [remote("book:A", true, "Old")]);
    await r.engine.syncAll(r.source, [remote("book:A", true, "New")]);
    expect((await r.tb.asUser.listBooks()).find((b) => b.id === localIdOf(r.tb, "book:A"))?.name).toBe("New");
    expect(r.events).toContain("info book:A Address book renamed to “New”.");
  });
});

describe("a synced book let go while it holds something BlueMind does not have", () => {
  const typed = (name: string, email: string): string => `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${name}\r\nEMAIL:${email}\r\nEND:VCARD\r\n`;
  /** What a kept book holds, by name: a kept synced contact gets an id of its own (detach-book.ts). */
  const namesIn = async (r: Rig, bookId: string): Promise<string[]> =>
    (await r.tb.asUser.listContacts(bookId)).map((c) => /^FN:(.*)$/m.exec(c.vCard)?.[1]?.trim() ?? c.id).sort();

  /** book:A synced with three cards; then, in Thunderbird, one edited and one created (neither sent). */
  async function withUnsent(options: SyncEngineOptions = {}): Promise<{ r: Rig; bookId: string; edited: string; created: string; unchanged: string[]; released: ReleasedBook[] }> {
    const released: ReleasedBook[] = [];
    const r = rig({ ...options, onBookReleased: async (book) => void released.push(book) });
    for (const uid of ["a1", "a2", "a3"]) r.source.book("book:A").put(uid, individual(uid.toUpperCase(), `${uid}@example.org`));
    await r.engine.syncAll(r.source, [remote("book:A", true, "Clients")]);
    await r.engine.settled();
    const bookId = localIdOf(r.tb, "book:A");
    const edited = await contactIdFor("book:A", "a1");
    const vCard = (await r.tb.asUser.getContact(edited))?.vCard ?? "";
    await r.tb.asUser.updateContact(edited, vCard.replace("a1@example.org", "not an email"));
    const created = await r.tb.asUser.createContact(bookId, typed("New Person", "new@example.org"));
    return { r, bookId, edited, created, unchanged: [await contactIdFor("book:A", "a2"), await contactIdFor("book:A", "a3")], released };
  }

  it("sync switched off: the unsent contacts stay in a renamed plain book, the synced ones go, and the user is told", async () => {
    const { r, bookId, edited, created, unchanged, released } = await withUnsent({ pushPending: async () => ({ problems: [text("problemNamed", "A1", "Email invalid")] }) });
    const result = await r.engine.syncAll(r.source, [remote("book:A", false, "Clients")]);
    expect(result.removed).toEqual([{ containerUid: "book:A", reason: "sync-off" }]);
    const book = (await r.tb.asUser.listBooks()).find((b) => b.id === bookId);
    expect(book?.name).toBe("Clients (not saved on BlueMind)");
    expect(await namesIn(r, bookId)).toEqual(["A1", "New Person"]);
    expect(await r.tb.asUser.getContact(edited)).toBeNull();
    expect(await r.tb.asUser.getContact(created)).not.toBeNull();
    for (const id of unchanged) expect(await r.tb.asUser.getContact(id)).toBeNull();
    expect((r.tb.storeSnapshot()[SYNC_INDEX_KEY] as SyncIndex).books).toEqual({});
    expect(r.tb.storeSnapshot()["sync.book.book:A"]).toBeUndefined();
    expect(released).toEqual([{ containerUid: "book:A", localBookId: bookId, bookName: "Clients", keptIn: "Clients (not saved on BlueMind)", deleted: false }]);
    const told = "“Clients” is no longer synced; what BlueMind does not have of it stays in Thunderbird, in the address book “Clients (not saved on BlueMind)”.";
    expect(r.events).toContain(`warning book:A ${told}`);
    expect(r.states.at(-1)).toEqual(["book:A", { state: "error", lastError: text("detachedBookMessage", "Clients", "Clients (not saved on BlueMind)") }]);
    expect(inEnglish(text("detachedBookMessage", "Clients", "Clients (not saved on BlueMind)"))).toBe(told);
    // No longer the add-on's: switched on again, BlueMind's book comes back beside it.
    await r.engine.syncAll(r.source, [remote("book:A", true, "Clients")]);
    expect(localIdOf(r.tb, "book:A")).not.toBe(bookId);
  });

  it("a mailing list the user made stays with its members; a synced, unchanged book goes whole", async () => {
    const { r, bookId, created, unchanged } = await withUnsent();
    const listId = await r.tb.asUser.createList(bookId, { name: "Mine" });
    await r.tb.asUser.addMember(listId, unchanged[0] ?? "");
    r.source.book("book:B").put("b1", individual("B1"));
    await r.engine.syncAll(r.source, [remote("book:A", true, "Clients"), remote("book:B")]);
    const bookB = localIdOf(r.tb, "book:B");
    await r.engine.releaseAllLocalBooks(null, true);
    expect((await r.tb.asUser.listBooks()).map((b) => b.id)).not.toContain(bookB);
    expect((await r.tb.asUser.listLists(bookId)).map((l) => l.name)).toEqual(["Mine"]);
    // The member, synced and unchanged, stays for the list, under an id of its own.
    const [member, ...more] = await r.tb.asUser.listMembers(listId);
    expect(more).toEqual([]);
    expect(member?.vCard).toContain("FN:A2");
    expect(member?.id).not.toBe(unchanged[0]);
    expect(await r.tb.asUser.getContact(created)).not.toBeNull();
    expect(await r.tb.asUser.getContact(unchanged[1] ?? "")).toBeNull();
  });

  it("a push that may pass later (offline) postpones the removal; a refusal for good does not", async () => {
    let failure: Error = new BlueMindError(text("errorDetail", "offline"), { code: "NETWORK_ERROR", retryable: true });
    const { r, bookId, edited, created } = await withUnsent({ pushPending: async ({ book }) => { if (!book.sync) throw failure; } });
    const first = await r.engine.syncAll(r.source, [remote("book:A", false, "Clients")]);
    expect(first.ok).toBe(false);
    expect(first.removed).toEqual([]);
    expect(localIdOf(r.tb, "book:A")).toBe(bookId);
    expect(r.tb.contactCount(bookId)).toBe(4);

    failure = new BlueMindError(text("errorDetail", "gone"), { code: "NOT_FOUND", status: 404 });
    const second = await r.engine.syncAll(r.source, [remote("book:A", false, "Clients")]);
    expect(second.removed).toEqual([{ containerUid: "book:A", reason: "sync-off" }]);
    expect(await namesIn(r, bookId)).toEqual(["A1", "New Person"]);
    expect(await r.tb.asUser.getContact(edited)).toBeNull();
    expect(await r.tb.asUser.getContact(created)).not.toBeNull();
    expect(r.events.some((e) => e.startsWith("warning book:A Changes to “Clients” could not be sent to BlueMind: gone"))).toBe(true);
  });
});

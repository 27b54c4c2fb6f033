import { describe, expect, it } from "vitest";
import { AuthenticationError } from "../bluemind/errors.ts";
import { InMemoryThunderbird } from "../../test/unit/in-memory-thunderbird.ts";
import { contactIdFor } from "./contact-uid.ts";
import { SyncEngine, type SyncEngineOptions } from "./engine.ts";
import type { RemoteBook } from "../books/remote-books.ts";
import type { BookStateChange, SyncReporter } from "./reporter.ts";
import { SYNC_INDEX_KEY, type SyncIndex } from "./sync-state.ts";
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
    const r = rig({ pushPending: async ({ book, state }) => void order.push(`push ${book.containerUid} v${state.version}`) });
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
  it("removeAllLocalBooks deletes the books the add-on created and its state, nothing else", async () => {
    const r = rig();
    r.source.book("book:A").put("a1", individual("A1"));
    await r.engine.syncAll(r.source, [remote("book:A"), remote("book:B")]);
    const before = (await r.tb.asUser.listBooks()).length;
    expect(await r.engine.removeAllLocalBooks()).toBe(2);
    expect((await r.tb.asUser.listBooks()).map((b) => b.name)).toEqual(["Personal Address Book", "Collected Addresses"]);
    expect(before).toBe(4);
    expect(Object.keys(r.tb.storeSnapshot()).filter((k) => k.startsWith("sync.book."))).toEqual([]);
    expect((r.tb.storeSnapshot()[SYNC_INDEX_KEY] as SyncIndex).books).toEqual({});
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

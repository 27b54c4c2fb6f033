import { describe, expect, it } from "vitest";
import type { ContainerChangeset, ContainerUpdatesResult, ItemValue, VCard, VCardChanges } from "../../bluemind/models.ts";
import { group } from "../../../test/support/memory-content.ts";
import { InMemoryThunderbird } from "../../../test/unit/in-memory-thunderbird.ts";
import { vCardContentHash } from "../../vcard/index.ts";
import { ChangeQueue } from "../state/change-queue.ts";
import { contactIdFor } from "../contact-uid.ts";
import { groupCard, pushBook, type PushServer } from "./book-push.ts";
import { BaseCopies } from "../state/base-copies.ts";
import { BookLedger } from "../state/book-ledger.ts";
import { silentReporter } from "../reporter.ts";
import { emptyBookState, type BookSyncState } from "../state/sync-state.ts";
import { inEnglish, text } from "../../shared/user-text.ts";
import { NotFoundError } from "../../bluemind/errors.ts";

const BOOK = "book:A";

/** A scripted BlueMind book: versions, _mget, _mupdates with refusals on demand. */
class ScriptedServer implements PushServer {
  current = 100;
  /** Deleted item uid → the versions it was created and deleted at (for changesets). */
  readonly deletions = new Map<string, { created: number; deleted: number }>();
  readonly items = new Map<string, ItemValue<VCard>>();
  readonly batches: { add: number; modify: number; delete: number }[] = [];
  readonly mgets: number[] = [];
  refuse: (uid: string, value: VCard | null) => string | null = () => null;
  batchWide: string | null = null;
  /** BlueMind's item limit: a batch whose adds would pass it is refused whole. */
  itemLimit = Infinity;
  failAfterBatches = Infinity;

  /** Item uid → the photo set with setPhoto (as sent). */
  readonly photos = new Map<string, Uint8Array>();

  async version(): Promise<number> {
    return this.current;
  }

  async setPhoto(uid: string, png: Uint8Array): Promise<void> {
    if (!this.items.has(uid)) throw new NotFoundError(text("errorNotFound", uid), { status: 404, code: "NOT_FOUND" });
    this.photos.set(uid, png);
  }

  async getPhoto(uid: string): Promise<Uint8Array | null> {
    return this.photos.get(uid) ?? null;
  }

  async deletePhoto(uid: string): Promise<void> {
    this.photos.delete(uid);
  }

  async changeset(since: number): Promise<ContainerChangeset> {
    const deleted = [...this.deletions].filter(([, v]) => v.created <= since && since < v.deleted).map(([uid]) => uid);
    return { created: [], updated: [], deleted, version: this.current };
  }

  async mget(uids: readonly string[]): Promise<ItemValue<VCard>[]> {
    this.mgets.push(uids.length);
    return uids.map((u) => this.items.get(u)).filter((i): i is ItemValue<VCard> => i !== undefined).map((i) => structuredClone(i));
  }

  async mupdates(changes: VCardChanges): Promise<ContainerUpdatesResult> {
    if (this.batches.length >= this.failAfterBatches) throw new Error("network down");
    this.batches.push({ add: changes.add?.length ?? 0, modify: changes.modify?.length ?? 0, delete: changes.delete?.length ?? 0 });
    const result: ContainerUpdatesResult = { added: [], updated: [], removed: [], unhandled: [], errors: [], version: this.current };
    if (this.batchWide !== null) {
      result.errors.push({ uid: null, errorCode: "MAX_ITEM_COUNT", message: this.batchWide });
      return result;
    }
    if (this.items.size + (changes.add?.length ?? 0) - (changes.delete?.length ?? 0) > this.itemLimit) {
      result.errors.push({ uid: null, errorCode: "MAX_ITEM_COUNT", message: "Max items count in addressbook exceeded" });
      return result;
    }
    for (const [list, key] of [
      [changes.add ?? [], "added"],
      [changes.modify ?? [], "updated"],
    ] as const) {
      for (const { uid, value } of list) {
        const refused = this.refuse(uid, value);
        if (refused !== null) result.errors.push({ uid, errorCode: "INVALID_EMAIL", message: refused });
        else {
          this.items.set(uid, { uid, version: ++this.current, value: structuredClone(value) });
          result[key].push(uid);
        }
      }
    }
    for (const { uid } of changes.delete ?? []) {
      this.items.delete(uid);
      this.current++;
      result.removed.push(uid);
    }
    result.version = this.current;
    return result;
  }
}

function vCard(id: string, name: string, email: string): string {
  return `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:${id}\r\nFN:${name}\r\nEMAIL:${email}\r\nEND:VCARD`;
}

interface Rig {
  tb: InMemoryThunderbird;
  bookId: string;
  server: ScriptedServer;
  queue: ChangeQueue;
  state: BookSyncState;
  saved: number;
  run(): ReturnType<typeof pushBook>;
}

/** `count` synced contacts c0…, each edited by the user and queued. */
async function rig(count: number): Promise<Rig> {
  const tb = new InMemoryThunderbird();
  const bookId = await tb.addressBooks.createBook("A");
  const server = new ScriptedServer();
  const queue = new ChangeQueue(tb.localStore);
  const state = emptyBookState(BOOK, 1);
  for (let i = 0; i < count; i++) {
    const id = `c${i}`;
    const original = vCard(id, `Person ${i}`, `p${i}@example.com`);
    await tb.addressBooks.createContact(bookId, original);
    server.items.set(`i${i}`, { uid: `i${i}`, version: 50, value: { kind: "individual", identification: { formatedName: { value: `Person ${i}`, parameters: [] } }, communications: { emails: [{ value: `p${i}@example.com`, parameters: [] }] } } });
    state.contacts[id] = { item: `i${i}`, v: 50, h: vCardContentHash(original) };
    await tb.asUser.updateContact(id, vCard(id, `Person ${i} edited`, `p${i}@example.com`));
    await queue.recordContact(BOOK, id, { op: "upsert", uid: `i${i}` });
  }
  const r: Rig = {
    tb,
    bookId,
    server,
    queue,
    state,
    saved: 0,
    run: () =>
      pushBook(
        { containerUid: BOOK, localBookId: bookId, bookName: "A", ledger: new BookLedger(state, new BaseCopies(tb.localStore, BOOK), async () => void r.saved++) },
        { books: tb.addressBooks, images: tb.images, server, queue, reporter: silentReporter },
      ),
  };
  return r;
}

describe("pushBook", () => {
  it("sends 120 changes as batches of 50, 50 and 20, each after one _mget of the server copies", async () => {
    const r = await rig(120);
    const outcome = await r.run();
    expect(r.server.batches).toEqual([
      { add: 0, modify: 50, delete: 0 },
      { add: 0, modify: 50, delete: 0 },
      { add: 0, modify: 20, delete: 0 },
    ]);
    expect(r.server.mgets).toEqual([50, 50, 20]);
    expect(outcome).toEqual({ sent: 120, conflicts: 0, problems: [], copies: [] });
    expect(r.server.items.get("i7")?.value.identification?.formatedName?.value).toBe("Person 7 edited");
    // The container's version after its batch: an upper bound of the card's own version.
    expect(r.state.contacts.c7).toMatchObject({ item: "i7", v: 150 });
    expect(r.state.contacts.c119).toMatchObject({ item: "i119", v: 220 });
    expect((await r.queue.get(BOOK)).contacts).toEqual({});
  });

  it("lands the rest of a batch when one card is refused, reports it by name, and does not resend it unchanged", async () => {
    const r = await rig(3);
    r.server.refuse = (uid) => (uid === "i1" ? "Email invalid: 'p1'" : null);
    const outcome = await r.run();
    expect(outcome.sent).toBe(2);
    expect(outcome.problems.map(inEnglish)).toEqual(["“Person 1 edited”: Email invalid: 'p1'"]);
    expect(Object.keys((await r.queue.get(BOOK)).contacts)).toEqual(["c1"]);

    const again = await r.run();
    expect(r.server.batches).toHaveLength(1);
    expect(again.problems.map(inEnglish)).toEqual(["“Person 1 edited”: Email invalid: 'p1'"]);
  });

  it("keeps everything queued after a batch-wide refusal, and stops there", async () => {
    const r = await rig(60);
    r.server.batchWide = "Max items count in addressbook exceeded";
    const outcome = await r.run();
    expect(r.server.batches).toHaveLength(1);
    expect(outcome.problems.map(inEnglish)).toEqual(["Max items count in addressbook exceeded"]);
    expect(Object.keys((await r.queue.get(BOOK)).contacts)).toHaveLength(60);
  });

  it("sends a batch the item limit refused whole again without its adds; the adds are refused, not resent, and later changes go out", async () => {
    const r = await rig(3);
    r.server.itemLimit = 3;
    const added: string[] = [];
    for (const name of ["New One", "New Two"]) {
      const id = await r.tb.asUser.createContact(r.bookId, `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${name}\r\nEMAIL:${name.replace(" ", ".")}@example.com\r\nEND:VCARD`);
      await r.queue.recordContact(BOOK, id, { op: "upsert", uid: null });
      added.push(id);
    }
    const outcome = await r.run();
    expect(r.server.batches).toEqual([
      { add: 2, modify: 3, delete: 0 },
      { add: 0, modify: 3, delete: 0 },
    ]);
    expect(outcome.sent).toBe(3);
    expect(outcome.problems.map(inEnglish)).toEqual(["“New One”: Max items count in addressbook exceeded", "“New Two”: Max items count in addressbook exceeded"]);
    expect(r.server.items.get("i1")?.value.identification?.formatedName?.value).toBe("Person 1 edited");
    expect(Object.keys((await r.queue.get(BOOK)).contacts).sort()).toEqual([...added].sort());

    await r.tb.asUser.updateContact("c0", vCard("c0", "Person 0 again", "p0@example.com"));
    await r.queue.recordContact(BOOK, "c0", { op: "upsert", uid: "i0" });
    const later = await r.run();
    expect(r.server.batches.slice(2)).toEqual([{ add: 0, modify: 1, delete: 0 }]);
    expect(later.sent).toBe(1);
    expect(later.problems).toHaveLength(2);
  });

  it("keeps what landed when the connection drops mid-push, the rest stays queued", async () => {
    const r = await rig(70);
    r.server.failAfterBatches = 1;
    await expect(r.run()).rejects.toThrow("network down");
    expect(Object.keys((await r.queue.get(BOOK)).contacts)).toHaveLength(20);
    expect(r.saved).toBeGreaterThan(0);
  });

  it("does not add a contact with a derived id but no record: it stays queued until a record re-links it", async () => {
    const r = await rig(0);
    const id = await contactIdFor(BOOK, "i9");
    const written = vCard(id, "Person 9", "p9@example.com");
    await r.tb.addressBooks.createContact(r.bookId, written);
    await r.queue.recordContact(BOOK, id, { op: "upsert", uid: null });
    const outcome = await r.run();
    expect(r.server.batches).toEqual([]);
    expect(r.server.mgets).toEqual([]);
    expect(outcome).toEqual({ sent: 0, conflicts: 0, problems: [], copies: [] });
    expect(Object.keys((await r.queue.get(BOOK)).contacts)).toEqual([id]);

    // The pull re-linked it with the content Thunderbird holds: nothing to send, the entry goes.
    r.state.contacts[id] = { item: "i9", v: 50, h: vCardContentHash(written) };
    await r.run();
    expect(r.server.batches).toEqual([]);
    expect((await r.queue.get(BOOK)).contacts).toEqual({});
  });

  it("reads a server member without a containerUid as the book's card: kept as it is, not doubled, no conflict", async () => {
    const r = await rig(0);
    const ids: string[] = [];
    for (const [item, name] of [["ia", "Ann"], ["ib", "Bob"]] as const) {
      const id = await contactIdFor(BOOK, item);
      const written = vCard(id, name, `${item}@example.com`);
      await r.tb.addressBooks.createContact(r.bookId, written);
      r.state.contacts[id] = { item, v: 50, h: vCardContentHash(written) };
      ids.push(id);
    }
    // What BlueMind's vCard import makes; rewritten by BlueMind itself since the last sync (v 70).
    r.server.items.set("g", { uid: "g", version: 70, value: group("G", [{ containerUid: null, itemUid: "ia", mailto: "ia@example.com", commonName: "Ann" }]) });
    const listId = await r.tb.addressBooks.createList(r.bookId, { name: "G", description: "" });
    for (const id of ids) await r.tb.addressBooks.addMember(listId, id);
    r.state.groups.g = { list: listId, v: 60, name: "G", description: "", members: [ids[0] ?? ""] };
    await r.queue.recordList(BOOK, listId, { op: "upsert", uid: "g" });

    const outcome = await r.run();
    expect(outcome).toEqual({ sent: 1, conflicts: 0, problems: [], copies: [] });
    expect(r.server.items.get("g")?.value.organizational?.member?.map((m) => [m.containerUid, m.itemUid])).toEqual([
      [null, "ia"],
      [BOOK, "ib"],
    ]);
  });

  it("drops a change whose content equals what the sync wrote (an echo) without sending anything", async () => {
    const r = await rig(1);
    const original = vCard("c0", "Person 0", "p0@example.com");
    await r.tb.asUser.updateContact("c0", original);
    const outcome = await r.run();
    expect(outcome.sent).toBe(0);
    expect(r.server.batches).toEqual([]);
    expect((await r.queue.get(BOOK)).contacts).toEqual({});
  });
});

describe("pushBook and copies of synced contacts", () => {
  /** A synced "Ann Lee" (its card on BlueMind), and `copies` contacts made here with her content. */
  async function withCopies(copies: number) {
    const r = await rig(0);
    const ann = await contactIdFor(BOOK, "ann");
    const written = vCard(ann, "Ann Lee", "ann@example.com");
    await r.tb.addressBooks.createContact(r.bookId, written);
    r.server.items.set("ann", { uid: "ann", version: 50, value: { kind: "individual", identification: { formatedName: { value: "Ann Lee", parameters: [] } }, communications: { emails: [{ value: "ann@example.com", parameters: [] }] } } });
    r.state.contacts[ann] = { item: "ann", v: 50, h: vCardContentHash(written) };
    const ids: string[] = [];
    for (let i = 0; i < copies; i++) {
      // As an import or a copy leaves it: its own UID, a photo, other property order.
      const id = await r.tb.asUser.createContact(r.bookId, "BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL:ann@example.com\r\nFN:Ann Lee\r\nPHOTO:data:image/png;base64,iVBORw0KGgo=\r\nEND:VCARD");
      await r.queue.recordContact(BOOK, id, { op: "upsert", uid: null });
      ids.push(id);
    }
    return { r, ann, ids };
  }

  it("sends no copy of a synced contact: it stays queued, named as a copy, and a new contact still goes", async () => {
    const { r, ids } = await withCopies(2);
    const fresh = await r.tb.asUser.createContact(r.bookId, vCard("fresh-1", "Cy Doe", "cy@example.com"));
    await r.queue.recordContact(BOOK, fresh, { op: "upsert", uid: null });
    const outcome = await r.run();
    expect(r.server.batches).toEqual([{ add: 1, modify: 0, delete: 0 }]);
    expect([...r.server.items.keys()].sort()).toEqual(["ann", fresh]);
    expect(outcome).toEqual({ sent: 1, conflicts: 0, problems: [], copies: ["Ann Lee", "Ann Lee"] });
    expect(Object.keys((await r.queue.get(BOOK)).contacts).sort()).toEqual([...ids].sort());
    expect(r.state.contacts[ids[0]!]).toBeUndefined();

    // Asked again at every push while it is there.
    expect((await r.run()).copies).toEqual(["Ann Lee", "Ann Lee"]);
    expect(r.server.batches).toHaveLength(1);
  });

  it("sends a copy the user edited into a contact of its own at the next push", async () => {
    const { r, ids } = await withCopies(1);
    await r.run();
    await r.tb.asUser.updateContact(ids[0]!, vCard(ids[0]!, "Ann Lee", "ann.lee@home.example"));
    await r.queue.recordContact(BOOK, ids[0]!, { op: "upsert", uid: null });
    const outcome = await r.run();
    expect(outcome).toMatchObject({ sent: 1, copies: [] });
    expect(r.server.items.get(ids[0]!)?.value.communications?.emails?.[0]?.value).toBe("ann.lee@home.example");
    expect((await r.queue.get(BOOK)).contacts).toEqual({});
  });

  it("sends a copy whose original the user changed or deleted: the copy holds what BlueMind is about to lose", async () => {
    const { r, ann, ids } = await withCopies(1);
    await r.tb.asUser.deleteContact(ann);
    await r.queue.recordContact(BOOK, ann, { op: "delete", uid: "ann" });
    const outcome = await r.run();
    expect(r.server.batches).toEqual([{ add: 1, modify: 0, delete: 1 }]);
    expect(outcome.copies).toEqual([]);
    expect([...r.server.items.keys()]).toEqual([ids[0]]);
  });
});

describe("groupCard", () => {
  it("keeps the server copy's other fields and an HTML note with the same text", () => {
    const base: VCard = { kind: "group", identification: { formatedName: { value: "Old", parameters: [] } }, explanatory: { note: "<p>Same</p>", categories: [{ label: "x" }] } };
    const card = groupCard(base, { name: "New", description: "Same", members: [] }, [{ containerUid: null, itemUid: null, commonName: "Ext", mailto: "ext@example.org" }]);
    expect(card.identification?.formatedName?.value).toBe("New");
    expect(card.explanatory?.note).toBe("<p>Same</p>");
    expect(card.explanatory?.categories).toEqual([{ label: "x" }]);
    expect(card.organizational?.member).toHaveLength(1);
    expect(groupCard(null, { name: "T", description: "d", members: [] }, []).kind).toBe("group");
  });
});

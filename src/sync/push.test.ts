import { describe, expect, it } from "vitest";
import type { ContainerUpdatesResult, ItemValue, VCard, VCardChanges } from "../bluemind/models.ts";
import { InMemoryThunderbird } from "../../test/unit/in-memory-thunderbird.ts";
import { vCardContentHash } from "../vcard/index.ts";
import { ChangeQueue } from "./change-queue.ts";
import { groupCard, pushBook, type PushServer } from "./push.ts";
import { silentReporter } from "./reporter.ts";
import { emptyBookState, type BookSyncState } from "./sync-state.ts";
import { inEnglish } from "../shared/user-text.ts";

const BOOK = "book:A";

/** A scripted BlueMind book: versions, _mget, _mupdates with refusals on demand. */
class ScriptedServer implements PushServer {
  version = 100;
  readonly items = new Map<string, ItemValue<VCard>>();
  readonly batches: { add: number; modify: number; delete: number }[] = [];
  readonly mgets: number[] = [];
  refuse: (uid: string, value: VCard | null) => string | null = () => null;
  batchWide: string | null = null;
  failAfterBatches = Infinity;

  async mget(uids: readonly string[]): Promise<ItemValue<VCard>[]> {
    this.mgets.push(uids.length);
    return uids.map((u) => this.items.get(u)).filter((i): i is ItemValue<VCard> => i !== undefined).map((i) => structuredClone(i));
  }

  async mupdates(changes: VCardChanges): Promise<ContainerUpdatesResult> {
    if (this.batches.length >= this.failAfterBatches) throw new Error("network down");
    this.batches.push({ add: changes.add?.length ?? 0, modify: changes.modify?.length ?? 0, delete: changes.delete?.length ?? 0 });
    const result: ContainerUpdatesResult = { added: [], updated: [], removed: [], unhandled: [], errors: [], version: this.version };
    if (this.batchWide !== null) {
      result.errors.push({ uid: null, errorCode: "MAX_ITEM_COUNT", message: this.batchWide });
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
          this.items.set(uid, { uid, version: ++this.version, value: structuredClone(value) });
          result[key].push(uid);
        }
      }
    }
    for (const { uid } of changes.delete ?? []) {
      this.items.delete(uid);
      this.version++;
      result.removed.push(uid);
    }
    result.version = this.version;
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
        { containerUid: BOOK, localBookId: bookId, bookName: "A", state },
        {
          books: tb.addressBooks,
          server,
          queue,
          saveState: async () => void r.saved++,
          reporter: silentReporter,
        },
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
    expect(outcome).toEqual({ sent: 120, conflicts: 0, problems: [] });
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

  it("keeps what landed when the connection drops mid-push, the rest stays queued", async () => {
    const r = await rig(70);
    r.server.failAfterBatches = 1;
    await expect(r.run()).rejects.toThrow("network down");
    expect(Object.keys((await r.queue.get(BOOK)).contacts)).toHaveLength(20);
    expect(r.saved).toBeGreaterThan(0);
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

import { describe, expect, it } from "vitest";
import { InMemoryThunderbird } from "../../../test/unit/in-memory-thunderbird.ts";
import { ChangeQueue, coalesce, emptySettlement, parseQueue, queueKey, type LocalEvent } from "./change-queue.ts";

const upsert = (uid: string | null = null): LocalEvent => ({ op: "upsert", uid });
const del = (uid: string | null = null): LocalEvent => ({ op: "delete", uid });

describe("coalesce", () => {
  it.each([
    ["nothing + upsert of a new contact", undefined, upsert(), { op: "upsert", uid: null }],
    ["nothing + upsert of a synced contact", undefined, upsert("i1"), { op: "upsert", uid: "i1" }],
    ["upsert + upsert", { op: "upsert", uid: "i1" }, upsert("i1"), { op: "upsert", uid: "i1" }],
    ["created here + edited", { op: "upsert", uid: null }, upsert(), { op: "upsert", uid: null }],
    ["created here + deleted before any push", { op: "upsert", uid: null }, del(), undefined],
    ["edited + deleted", { op: "upsert", uid: "i1" }, del("i1"), { op: "delete", uid: "i1" }],
    ["pushed (record written) + deleted", { op: "upsert", uid: null }, del("c1"), { op: "delete", uid: "c1" }],
    ["deleted + the same id back", { op: "delete", uid: "i1" }, upsert(), { op: "upsert", uid: "i1" }],
    ["deleted + deleted", { op: "delete", uid: "i1" }, del(), { op: "delete", uid: "i1" }],
    ["nothing + delete of something never pushed", undefined, del(), undefined],
  ] as const)("%s", (_label, previous, event, expected) => {
    expect(coalesce(previous, event)).toEqual(expected);
  });
});

describe("ChangeQueue", () => {
  it("keeps one entry per contact and list, in storage, readable by a new instance", async () => {
    const tb = new InMemoryThunderbird();
    const queue = new ChangeQueue(tb.localStore);
    await queue.recordContact("book:A", "c1", upsert("i1"));
    await queue.recordContact("book:A", "c1", upsert("i1"));
    await queue.recordContact("book:A", "c2", upsert());
    await queue.recordList("book:A", "l1", upsert());
    await queue.flush();
    const again = await new ChangeQueue(tb.localStore).get("book:A");
    expect(Object.keys(again.contacts).sort()).toEqual(["c1", "c2"]);
    expect(again.contacts.c1).toMatchObject({ op: "upsert", item: "i1" });
    expect(again.lists.l1).toMatchObject({ op: "upsert", group: null });
    expect(await new ChangeQueue(tb.localStore).get("book:B")).toMatchObject({ contacts: {}, lists: {}, full: false });
  });

  it("collapses a burst of changes into few storage writes", async () => {
    const tb = new InMemoryThunderbird();
    const queue = new ChangeQueue(tb.localStore);
    tb.resetCalls();
    await Promise.all(Array.from({ length: 500 }, (_, i) => queue.recordContact("book:A", `c${i}`, del(`i${i}`))));
    await queue.flush();
    expect(tb.calls.storeSet).toBeLessThanOrEqual(3);
    expect(Object.keys((await new ChangeQueue(tb.localStore).get("book:A")).contacts)).toHaveLength(500);
  });

  it("settles only the entries sent: an event during the push keeps its entry", async () => {
    const tb = new InMemoryThunderbird();
    const queue = new ChangeQueue(tb.localStore);
    await queue.recordContact("book:A", "c1", upsert("i1"));
    await queue.recordContact("book:A", "c2", upsert("i2"));
    const sent = structuredClone(await queue.get("book:A"));
    await queue.recordContact("book:A", "c2", upsert("i2"));
    const settlement = emptySettlement();
    settlement.doneContacts.push({ id: "c1", rev: sent.contacts.c1?.rev ?? -1 }, { id: "c2", rev: sent.contacts.c2?.rev ?? -1 });
    await queue.settle("book:A", settlement);
    expect(Object.keys((await queue.get("book:A")).contacts)).toEqual(["c2"]);
  });

  it("remembers a refusal until the contact changes again", async () => {
    const tb = new InMemoryThunderbird();
    const queue = new ChangeQueue(tb.localStore);
    await queue.recordContact("book:A", "c1", upsert());
    const rev = (await queue.get("book:A")).contacts.c1?.rev ?? -1;
    const settlement = emptySettlement();
    settlement.refusedContacts.push({ id: "c1", rev, refused: { hash: "h1", message: "Email invalid: 'x'" } });
    await queue.settle("book:A", settlement);
    expect((await queue.get("book:A")).contacts.c1?.refused).toEqual({ hash: "h1", message: "Email invalid: 'x'" });
    await queue.recordContact("book:A", "c1", del());
    expect((await queue.get("book:A")).contacts.c1).toBeUndefined();
  });

  it("removes the key of an emptied queue, and drops a book's queue", async () => {
    const tb = new InMemoryThunderbird();
    const queue = new ChangeQueue(tb.localStore);
    await queue.recordContact("book:A", "c1", upsert("i1"));
    await queue.requestFullPush("book:B");
    await queue.flush();
    expect(tb.storeSnapshot()[queueKey("book:B")]).toMatchObject({ full: true });
    await queue.drop("book:A");
    await queue.expandFullPush("book:B", { c9: upsert() }, {});
    await queue.flush();
    expect(tb.storeSnapshot()[queueKey("book:A")]).toBeUndefined();
    expect(tb.storeSnapshot()[queueKey("book:B")]).toMatchObject({ full: false, contacts: { c9: { op: "upsert", item: null } } });
  });

  it("drops unreadable stored data instead of failing", () => {
    expect(parseQueue({ schema: 1, contacts: { c1: { op: "move" } }, lists: {} })).toMatchObject({ contacts: {}, lists: {} });
    expect(parseQueue("garbage")).toMatchObject({ contacts: {}, full: false });
  });
});

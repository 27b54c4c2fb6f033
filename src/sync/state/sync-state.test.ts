import { describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../thunderbird/types.ts";
import { bookStateKey, emptyBookState, parseBookState, parseIndex, SYNC_INDEX_KEY, SyncStateStore, type BookSyncState } from "./sync-state.ts";

function memoryStore(): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: async (key) => structuredClone(data.get(key)),
    set: async (key, value) => void data.set(key, structuredClone(value)),
    remove: async (key) => void data.delete(key),
  };
}

function sampleState(): BookSyncState {
  const state = emptyBookState("book:A", 7);
  state.version = 12;
  state.lastSuccess = 1000;
  state.contacts["id-1"] = { item: "c1", v: 3, h: "abcd", p: "none" };
  state.contacts["id-2"] = { item: null, v: 0, h: null, email: "x@y.z" };
  state.groups.g1 = { list: "list-1", v: 4, name: "Team", description: "", members: ["id-1", "id-2"] };
  state.retry.c9 = "bad card";
  return state;
}

describe("parseBookState", () => {
  it("accepts what the engine writes", () => {
    const state = sampleState();
    expect(parseBookState(structuredClone(state), "book:A")).toEqual(state);
  });

  it("rejects a state of another book, another schema, or with a broken field (the book then resyncs)", () => {
    const good = sampleState();
    expect(parseBookState(good, "book:B")).toBeNull();
    expect(parseBookState({ ...good, schema: 99 }, "book:A")).toBeNull();
    expect(parseBookState({ ...good, version: "12" }, "book:A")).toBeNull();
    expect(parseBookState({ ...good, version: -1 }, "book:A")).toBeNull();
    expect(parseBookState({ ...good, contacts: { x: { item: 1, v: 1, h: null } } }, "book:A")).toBeNull();
    expect(parseBookState({ ...good, groups: { g: { list: "l", v: 1, name: "n", description: "", members: [1] } } }, "book:A")).toBeNull();
    expect(parseBookState({ ...good, retry: { a: 1 } }, "book:A")).toBeNull();
    expect(parseBookState(null, "book:A")).toBeNull();
    expect(parseBookState([], "book:A")).toBeNull();
  });
});

describe("parseIndex", () => {
  it("keeps valid entries and drops broken ones", () => {
    expect(parseIndex({ schema: 1, books: { a: { localBookId: "1" }, b: { localBookId: 2 }, c: null } })).toEqual({ schema: 1, books: { a: { localBookId: "1" } } });
    // A release a crash cut short stays marked, so the next run finishes it.
    expect(parseIndex({ schema: 1, books: { a: { localBookId: "1", releasing: true }, b: { localBookId: "2", releasing: "yes" } } })).toEqual({ schema: 1, books: { a: { localBookId: "1", releasing: true }, b: { localBookId: "2" } } });
  });

  it("starts empty from nothing or an unknown schema", () => {
    expect(parseIndex(undefined)).toEqual({ schema: 1, books: {} });
    expect(parseIndex({ schema: 2, books: { a: { localBookId: "1" } } })).toEqual({ schema: 1, books: {} });
  });
});

describe("SyncStateStore", () => {
  it("stores the index under sync.index and each book under its own key", async () => {
    const store = memoryStore();
    const states = new SyncStateStore(store);
    await states.saveIndex({ schema: 1, books: { "book:A": { localBookId: "L1" } } });
    await states.saveBook(sampleState());
    expect([...store.data.keys()].sort()).toEqual([SYNC_INDEX_KEY, "sync.book.book:A"].sort());
    expect(bookStateKey("book:A")).toBe("sync.book.book:A");
    expect(await states.loadIndex()).toEqual({ schema: 1, books: { "book:A": { localBookId: "L1" } } });
    expect(await states.loadBook("book:A")).toEqual(sampleState());
    expect(await states.loadBook("book:missing")).toBeNull();
    await states.removeBook("book:A");
    expect(await states.loadBook("book:A")).toBeNull();
  });

  it("reads garbage as nothing instead of throwing", async () => {
    const store = memoryStore();
    store.data.set(SYNC_INDEX_KEY, "garbage");
    store.data.set("sync.book.book:A", { schema: 1 });
    const states = new SyncStateStore(store);
    expect(await states.loadIndex()).toEqual({ schema: 1, books: {} });
    expect(await states.loadBook("book:A")).toBeNull();
  });
});

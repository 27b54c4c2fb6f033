import { describe, expect, it } from "vitest";
import { STATUS_KEY, type BookStatus } from "../shared/status.ts";
import type { KeyValueStore } from "../thunderbird/types.ts";
import { StatusStore } from "./status-store.ts";

function storeWith(saved: unknown): KeyValueStore {
  return { get: async (key) => (key === STATUS_KEY ? saved : undefined), set: async () => undefined, remove: async () => undefined };
}

const book: BookStatus = {
  containerUid: "book:A",
  name: "Clients",
  ownerDisplayName: "Paul Martin",
  ownedByUser: false,
  isDomainDirectory: false,
  sync: true,
  readOnly: true,
  itemCount: 1500,
  state: "syncing",
  progress: { done: 3, total: 1500 },
  lastSuccess: 10,
  lastError: null,
};

describe("StatusStore.load", () => {
  it("restores the books (an interrupted sync as pending), the activity log and the last sync's end", async () => {
    const status = new StatusStore(storeWith({ books: [book], activity: [{ at: 1, level: "warning", message: "careful" }], lastSyncEnded: 20, syncing: true }));
    await status.load();
    expect(status.current.books).toEqual([{ ...book, state: "pending", progress: null }]);
    expect(status.current.activity).toEqual([{ at: 1, level: "warning", message: "careful" }]);
    expect(status.current.lastSyncEnded).toBe(20);
    expect(status.current.syncing).toBe(false);
  });

  it("drops the entries it cannot read and keeps the others", async () => {
    const status = new StatusStore(
      storeWith({
        books: [book, { ...book, containerUid: 7 }, { ...book, state: "asleep" }, null],
        activity: [{ at: 1, level: "info", message: "kept" }, { at: 2, level: "debug", message: "dropped" }, { at: "3", level: "info", message: "dropped" }, "line"],
        lastSyncEnded: "yesterday",
      }),
    );
    await status.load();
    expect(status.current.books.map((b) => b.containerUid)).toEqual(["book:A"]);
    expect(status.current.activity.map((e) => e.message)).toEqual(["kept"]);
    expect(status.current.lastSyncEnded).toBeNull();
  });

  it("starts empty from nothing or from a value that is not a status", async () => {
    for (const saved of [undefined, null, "status", [book]]) {
      const status = new StatusStore(storeWith(saved));
      await status.load();
      expect(status.current.books).toEqual([]);
      expect(status.current.activity).toEqual([]);
    }
  });
});

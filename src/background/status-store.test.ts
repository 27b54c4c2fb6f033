import { afterEach, describe, expect, it, vi } from "vitest";
import { STATUS_KEY, type BookStatus } from "../shared/status.ts";
import { inEnglish, legacyText, text } from "../shared/user-text.ts";
import type { KeyValueStore } from "../thunderbird/types.ts";
import { PERSIST_INTERVAL_MS, StatusStore } from "./status-store.ts";

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
    const entry = { at: 1, level: "warning", message: text("logBookRenamed", "Clients") };
    const status = new StatusStore(storeWith({ books: [book], activity: [entry], lastSyncEnded: 20, syncing: true }));
    await status.load();
    expect(status.current.books).toEqual([{ ...book, state: "pending", progress: null }]);
    expect(status.current.activity).toEqual([entry]);
    expect(status.current.lastSyncEnded).toBe(20);
    expect(status.current.syncing).toBe(false);
  });

  it("drops the entries it cannot read and keeps the others", async () => {
    const status = new StatusStore(
      storeWith({
        books: [book, { ...book, containerUid: 7 }, { ...book, state: "asleep" }, null],
        activity: [
          { at: 1, level: "info", message: text("logDisconnected") },
          { at: 2, level: "debug", message: text("logDisconnected") },
          { at: "3", level: "info", message: text("logDisconnected") },
          { at: 4, level: "info", message: { key: "noSuchMessage", args: [] } },
          { at: 5, level: "info", message: { key: "logBookRenamed", args: [7] } },
          "line",
        ],
        lastSyncEnded: "yesterday",
      }),
    );
    await status.load();
    expect(status.current.books.map((b) => b.containerUid)).toEqual(["book:A"]);
    expect(status.current.activity.map((e) => e.at)).toEqual([1]);
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

describe("an activity log stored by 0.1.0", () => {
  it("is kept: its English sentences are shown as they were written", async () => {
    const status = new StatusStore(
      storeWith({
        books: [{ ...book, state: "error", lastError: "Sync of “Clients” failed: HTTP 500" }],
        activity: [
          { at: 1, level: "info", message: "Address book “Clients” created.", containerUid: "book:A" },
          { at: 2, level: "error", message: "Sync failed: network down" },
        ],
      }),
    );
    await status.load();
    expect(status.current.activity).toEqual([
      { at: 1, level: "info", message: legacyText("Address book “Clients” created."), containerUid: "book:A" },
      { at: 2, level: "error", message: legacyText("Sync failed: network down") },
    ]);
    expect(status.current.books[0]?.lastError).toEqual(legacyText("Sync of “Clients” failed: HTTP 500"));
    expect(inEnglish(legacyText("Sync failed: network down"))).toBe("Sync failed: network down");
  });
});

describe("the account's secrets", () => {
  const KEY = "3f1c2a9e-5b7d-4e21-9a0c-6d8e7f1b2c3d";
  const PASSWORD = "correct horse battery staple";

  it("never reach the account message, a book error, the log or what the background shows elsewhere", async () => {
    const saved: unknown[] = [];
    const status = new StatusStore({ get: async () => undefined, set: async (_key, value) => void saved.push(value), remove: async () => undefined });
    status.useSecrets([KEY, null, PASSWORD]);
    status.setAccount({ status: "error", message: text("errorDetail", `DELETE /api/auth/keys/${KEY} failed`) });
    status.setBooks([{ ...book, state: "error", lastError: text("logBookSyncFailed", "Clients", text("errorDetail", `key ${encodeURIComponent(KEY)}`)) }]);
    status.updateBook("book:A", { lastError: text("errorDetail", `password=${PASSWORD}`) });
    status.log("error", text("logSyncFailed", text("errorDetail", `X-BM-ApiKey: ${KEY}`)));
    const shown = status.redact(text("errorDetail", `sid ${KEY}`));
    await status.flush();
    const everything = JSON.stringify([status.current, shown, saved]);
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(encodeURIComponent(KEY));
    expect(everything).not.toContain(PASSWORD);
    expect(inEnglish(shown)).toBe("sid …");
  });
});

describe("StatusStore writes", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes a change once per interval, progress alone never, and the progress with the next change that matters", async () => {
    vi.useFakeTimers();
    const writes: unknown[] = [];
    const store: KeyValueStore = { get: async () => undefined, set: async (_key, value) => void writes.push(value), remove: async () => undefined };
    const status = new StatusStore(store);
    await status.load();
    status.setBooks([book]);
    await vi.advanceTimersByTimeAsync(PERSIST_INTERVAL_MS);
    expect(writes).toHaveLength(1);
    const seen: number[] = [];
    status.subscribe((snapshot) => seen.push(snapshot.books[0]?.progress?.done ?? -1));
    for (let done = 1; done <= 100; done++) status.updateBook(book.containerUid, { progress: { done, total: 1500 } });
    await vi.advanceTimersByTimeAsync(10 * PERSIST_INTERVAL_MS);
    expect(seen).toHaveLength(100);
    expect(writes).toHaveLength(1);
    status.log("info", text("logSyncStopped"));
    await vi.advanceTimersByTimeAsync(PERSIST_INTERVAL_MS);
    expect(writes).toHaveLength(2);
    expect(writes[1]).toMatchObject({ books: [{ progress: { done: 100, total: 1500 } }], activity: [{ level: "info" }] });
  });
});

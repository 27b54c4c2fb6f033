import { describe, expect, it } from "vitest";
import { InMemoryThunderbird } from "../../../test/unit/in-memory-thunderbird.ts";
import { BASE_PREFIX, BaseCopies, SHARDS, baseKey, shardOf } from "./base-copies.ts";

describe("BaseCopies", () => {
  it("keeps bases across instances once flushed, one small key per shard", async () => {
    const tb = new InMemoryThunderbird();
    const bases = new BaseCopies(tb.localStore, "book:a");
    for (let i = 0; i < 200; i++) await bases.set(`c${i}`, `vcard ${i}`);
    await bases.flush();
    const again = new BaseCopies(tb.localStore, "book:a");
    expect(await again.get("c7")).toBe("vcard 7");
    expect(await again.get("unknown")).toBeNull();
    const shard = await tb.localStore.get(baseKey("book:a", shardOf("c7")));
    expect(Object.keys(shard as object).length).toBeLessThan(200);
  });

  it("writes nothing when nothing changed, and drops a book's every shard", async () => {
    const tb = new InMemoryThunderbird();
    const bases = new BaseCopies(tb.localStore, "book:a");
    await bases.set("c1", "one");
    await bases.flush();
    const writes: string[] = [];
    const store = {
      ...tb.localStore,
      set: async (key: string, value: unknown) => {
        writes.push(key);
        await tb.localStore.set(key, value);
      },
    };
    const reader = new BaseCopies(store, "book:a");
    expect(await reader.get("c1")).toBe("one");
    await reader.flush();
    expect(writes).toEqual([]);
    await reader.drop();
    for (let shard = 0; shard < SHARDS; shard++) expect(await tb.localStore.get(baseKey("book:a", shard))).toBeUndefined();
    expect(baseKey("book:a", 3).startsWith(BASE_PREFIX)).toBe(true);
  });

  it("forgets a deleted contact's base, and reads an unreadable shard as empty", async () => {
    const tb = new InMemoryThunderbird();
    const bases = new BaseCopies(tb.localStore, "book:a");
    await bases.set("c1", "one");
    await bases.delete("c1");
    await bases.flush();
    expect(await new BaseCopies(tb.localStore, "book:a").get("c1")).toBeNull();
    await tb.localStore.set(baseKey("book:a", shardOf("c2")), "not an object");
    expect(await new BaseCopies(tb.localStore, "book:a").get("c2")).toBeNull();
  });
});

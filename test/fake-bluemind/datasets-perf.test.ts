import { describe, expect, it } from "vitest";
import type { ContainerChangeset, ItemValue, VCard } from "../../src/bluemind/models.ts";
import { DEMO_CLIENTS_BOOK } from "./datasets.ts";
import { startFakeBlueMind } from "./server.ts";
import { BOOKS, bookPath, JANE, login } from "./test-helpers.ts";

describe("datasets", () => {
  it("minimal: Jane, Bob and No Tbird with the agreed books, keys and rights", async () => {
    const fake = await startFakeBlueMind();
    try {
      const info = fake.control.datasetInfo();
      expect(info.domain).toBe("example.com");
      expect(info.users.map((u) => [u.login, u.password, u.uid])).toEqual([
        ["jdoe@example.com", "secret", "u-jdoe"],
        ["bob@example.com", "secret", "u-bob"],
        ["notb@example.com", "secret", "u-notb"],
      ]);
      expect(info.users[2]?.roles).not.toContain("hasTbird");
      expect(typeof info.apiKeys[JANE.login]).toBe("string");
      const books = Object.fromEntries(info.books.map((b) => [b.uid, b]));
      expect(books[BOOKS.janeContacts]).toMatchObject({ name: "My contacts", count: 11 });
      expect(books[BOOKS.janeCollected]).toMatchObject({ name: "Collected contacts", count: 3 });
      expect(books[BOOKS.directory]).toMatchObject({ name: "Directory", subscribers: { "u-jdoe": false } });
      expect(books[BOOKS.directory]?.count).toBeGreaterThanOrEqual(20);
      expect(books[BOOKS.bobContacts]?.subscribers["u-jdoe"]).toBe(true);
      const jane = await login(fake);
      const all = (await jane.post(bookPath(BOOKS.janeContacts, "/_mget"), (await jane.get(bookPath(BOOKS.janeContacts, "/_all"))).json())).json<ItemValue<VCard>[]>();
      expect(all.filter((c) => c.value.kind === "group")).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });

  it("is the same for the same seed and different for another seed", async () => {
    const [a, b, c] = await Promise.all([startFakeBlueMind({ seed: 5 }), startFakeBlueMind({ seed: 5 }), startFakeBlueMind({ seed: 6 })]);
    try {
      const uids = (f: typeof a): string[] => [...(f.state.books.get(BOOKS.janeContacts)?.items.keys() ?? [])];
      expect(uids(a)).toEqual(uids(b));
      expect(uids(a)).not.toEqual(uids(c));
      expect(a.control.datasetInfo().apiKeys).toEqual(b.control.datasetInfo().apiKeys);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it("demo: Jeanne in French with Paul's read-only Clients book synced", async () => {
    const fake = await startFakeBlueMind({ dataset: "demo" });
    try {
      const info = fake.control.datasetInfo();
      expect(info.users[0]).toMatchObject({ login: "jeanne.dupont@example.fr", password: "demo", displayName: "Jeanne Dupont", lang: "fr" });
      const books = Object.fromEntries(info.books.map((b) => [b.uid, b]));
      expect(books["book:Contacts_u-jeanne"]).toMatchObject({ name: "Mes contacts", count: 51 });
      expect(books["book:CollectedContacts_u-jeanne"]).toMatchObject({ name: "Contacts collectés", count: 10 });
      expect(books["addressbook_example.fr"]).toMatchObject({ name: "Annuaire", subscribers: { "u-jeanne": false } });
      expect(books["addressbook_example.fr"]?.count).toBeGreaterThanOrEqual(2000);
      expect(books[DEMO_CLIENTS_BOOK]).toMatchObject({ name: "Clients", owner: "u-paul", count: 1500, subscribers: { "u-jeanne": true } });
      const jeanne = await login(fake, { login: "jeanne.dupont@example.fr", password: "demo" });
      expect((await jeanne.get(`/api/containers/_manage/${encodeURIComponent(DEMO_CLIENTS_BOOK)}`)).json()).toMatchObject({ writable: false, verbs: ["Read"] });
    } finally {
      await fake.close();
    }
  });
});

describe("performance on the big dataset", () => {
  it("starts lazily, then answers _changeset/_all/_mget on 10,000 items and searches 20,000 (times printed)", async () => {
    const t0 = performance.now();
    const fake = await startFakeBlueMind({ dataset: "big" });
    try {
      const startMs = performance.now() - t0;
      const api = await login(fake);
      const book = BOOKS.janeContacts;
      await api.get(bookPath(book, "/_version")); // first read builds the cards
      const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
        const s = performance.now();
        const r = await fn();
        return [r, performance.now() - s];
      };
      const [cs, csMs] = await timed(async () => (await api.get(bookPath(book, "/_changeset?since=0"))).json<ContainerChangeset>());
      expect(cs.created).toHaveLength(10_000);
      const [cs2, cs2Ms] = await timed(async () => (await api.get(bookPath(book, `/_changeset?since=${cs.version - 5}`))).json<ContainerChangeset>());
      expect(cs2.created.length + cs2.updated.length).toBe(5);
      const [all, allMs] = await timed(async () => (await api.get(bookPath(book, "/_all"))).json<string[]>());
      expect(all).toHaveLength(10_000);
      const [items, mgetMs] = await timed(async () => (await api.post(bookPath(book, "/_mget"), all.slice(0, 100))).json<unknown[]>());
      expect(items).toHaveLength(100);

      const query = {
        query: "value.kind:'individual' AND (value.identification.formatedName.value:(mar*) OR value.communications.emails.value:(mar*))",
        from: 0,
        size: 10,
      };
      const dir = bookPath(BOOKS.directory, "/_search");
      await api.post(dir, query); // builds the directory and warms the per-field cache
      const [res, searchMs] = await timed(async () => (await api.post(dir, { ...query, query: query.query.replaceAll("mar", "dup") })).json<{ total: number }>());
      expect(res.total).toBeGreaterThan(0);
      // Printed, not asserted: times are for `npm run bench` (house rule: no timed tests).
      console.log(`fake server on the big dataset: start ${startMs.toFixed(0)} ms, _changeset ${csMs.toFixed(0)} ms, small _changeset ${cs2Ms.toFixed(0)} ms, _all ${allMs.toFixed(0)} ms, _mget(100) ${mgetMs.toFixed(0)} ms, search ${searchMs.toFixed(0)} ms`);
    } finally {
      await fake.close();
    }
  });
});

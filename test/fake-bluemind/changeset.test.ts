import { describe, expect, it } from "vitest";
import type { ContainerChangeset, ItemValue, VCard } from "../../src/bluemind/models.ts";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { noisyPng, solidPng } from "./png.ts";
import { BOOKS, bookPath, login, person, useFake } from "./test-helpers.ts";
import type { Api } from "./test-helpers.ts";

// The collected-contacts book has no group, so no group rewrite adds to the expected changesets.
const BOOK = BOOKS.janeCollected;

async function changeset(api: Api, since: number | null, book = BOOK): Promise<ContainerChangeset> {
  const res = await api.get(bookPath(book, since === null ? "/_changeset" : `/_changeset?since=${since}`));
  expect(res.status).toBe(200);
  return res.json<ContainerChangeset>();
}

describe("changeset", () => {
  const env = useFake();

  it("since=0 (or absent) lists every uid in created, none deleted", async () => {
    const api = await login(env.fake);
    const all = (await api.get(bookPath(BOOK, "/_all"))).json<string[]>();
    expect(all).toHaveLength(3);
    await api.delete(bookPath(BOOK, `/${all[0]}`));
    for (const since of [0, null]) {
      const cs = await changeset(api, since);
      expect(cs.created.sort()).toEqual(all.slice(1).sort());
      expect(cs.updated).toEqual([]);
      expect(cs.deleted).toEqual([]);
      expect(cs.version).toBe((await api.get(bookPath(BOOK, "/_version"))).json<number>());
    }
  });

  it("reports creates, updates and deletes after since; version is the highest seen, or since", async () => {
    const api = await login(env.fake);
    const start = (await changeset(api, 0)).version;
    const [a, b] = (await api.get(bookPath(BOOK, "/_all"))).json<string[]>();
    expect((await api.put(bookPath(BOOK, "/new-1"), person("Anna", "Nouvelle", "anna@example.org"))).status).toBe(200);
    await api.post(bookPath(BOOK, `/${a}`), person("Renamed", "Person"));
    await api.delete(bookPath(BOOK, `/${b}`));
    const cs = await changeset(api, start);
    expect(cs).toMatchObject({ created: ["new-1"], updated: [a], deleted: [b] });
    expect(cs.version).toBeGreaterThanOrEqual(start + 3);
    const nothing = await changeset(api, cs.version);
    expect(nothing).toEqual({ created: [], updated: [], deleted: [], version: cs.version });
    // A since beyond the container's version (e.g. after it was re-created) is echoed back.
    expect((await changeset(api, cs.version + 1000)).version).toBe(cs.version + 1000);
  });

  it("lists a uid deleted then re-created in both deleted and created", async () => {
    const api = await login(env.fake);
    const start = (await changeset(api, 0)).version;
    const [a] = (await api.get(bookPath(BOOK, "/_all"))).json<string[]>();
    await api.delete(bookPath(BOOK, `/${a}`));
    await api.put(bookPath(BOOK, `/${a}`), person("Back", "Again"));
    const cs = await changeset(api, start);
    expect(cs.deleted).toEqual([a]);
    expect(cs.created).toEqual([a]);
    expect(cs.updated).toEqual([]);
  });

  it("does not report a card created and deleted within the window", async () => {
    const api = await login(env.fake);
    const start = (await changeset(api, 0)).version;
    await api.put(bookPath(BOOK, "/ephemeral"), person("Short", "Life"));
    await api.delete(bookPath(BOOK, "/ephemeral"));
    const cs = await changeset(api, start);
    expect(cs).toMatchObject({ created: [], updated: [], deleted: [] });
    expect(cs.version).toBe(start + 2);
  });

  it("reports a card created then updated as created only", async () => {
    const api = await login(env.fake);
    const start = (await changeset(api, 0)).version;
    await api.put(bookPath(BOOK, "/c1"), person("First", "Version"));
    await api.post(bookPath(BOOK, "/c1"), person("Second", "Version"));
    expect(await changeset(api, start)).toMatchObject({ created: ["c1"], updated: [] });
  });

  it("forgets purged deletions: an old since never sees them", async () => {
    const api = await login(env.fake);
    const start = (await changeset(api, 0)).version;
    const [a, b] = (await api.get(bookPath(BOOK, "/_all"))).json<string[]>();
    await api.delete(bookPath(BOOK, `/${a}`));
    const afterFirst = (await changeset(api, start)).version;
    await api.delete(bookPath(BOOK, `/${b}`));
    const removed = env.fake.control.purgeChangelog(BOOK, afterFirst + 1);
    expect(removed).toBeGreaterThan(0);
    const cs = await changeset(api, start);
    expect(cs.deleted).toEqual([b]);
    // _all still tells the truth, so a client can reconcile.
    expect((await api.get(bookPath(BOOK, "/_all"))).json<string[]>()).not.toContain(a);
  });

  it("recreateBook gives a new internalId and restarts versions", async () => {
    const api = await login(env.fake);
    const before = (await api.get(`/api/containers/_manage/${encodeURIComponent(BOOK)}`)).json<{ internalId: number }>();
    const oldVersion = (await changeset(api, 0)).version;
    const newId = env.fake.control.recreateBook(BOOK);
    expect(newId).not.toBe(before.internalId);
    const after = (await api.get(`/api/containers/_manage/${encodeURIComponent(BOOK)}`)).json<{ internalId: number }>();
    expect(after.internalId).toBe(newId);
    expect(await changeset(api, 0)).toEqual({ created: [], updated: [], deleted: [], version: 0 });
    expect(await changeset(api, oldVersion)).toEqual({ created: [], updated: [], deleted: [], version: oldVersion });
    env.fake.control.recreateBook(BOOK, 2);
    const refilled = await changeset(api, 0);
    expect(refilled.created).toHaveLength(2);
    expect(refilled.version).toBe(2);
  });

  it("photo changes alone do not bump the version", async () => {
    const api = await login(env.fake);
    const [a] = (await api.get(bookPath(BOOK, "/_all"))).json<string[]>();
    const v = (await api.get(bookPath(BOOK, "/_version"))).json<number>();
    expect((await api.post(bookPath(BOOK, `/${a}/photo`), solidPng([1, 2, 3]))).status).toBe(200);
    expect((await api.get(bookPath(BOOK, "/_version"))).json<number>()).toBe(v);
  });
});

describe("address book items", () => {
  const env = useFake();

  it("_mget returns ItemValues in request order and leaves missing uids out", async () => {
    const api = await login(env.fake);
    const [a, b] = (await api.get(bookPath(BOOK, "/_all"))).json<string[]>();
    const items = (await api.post(bookPath(BOOK, "/_mget"), [b, "missing", a])).json<ItemValue<VCard>[]>();
    expect(items.map((i) => i.uid)).toEqual([b, a]);
    const item = items[0] as ItemValue<VCard>;
    for (const field of ["uid", "internalId", "version", "displayName", "externalId", "createdBy", "updatedBy", "created", "updated", "flags", "value"]) {
      expect(item).toHaveProperty(field);
    }
    expect(item.displayName).toBe(item.value.identification?.formatedName?.value);
  });

  it("complete answers the item, or 204 with an empty body", async () => {
    const api = await login(env.fake);
    const [a] = (await api.get(bookPath(BOOK, "/_all"))).json<string[]>();
    expect((await api.get(bookPath(BOOK, `/${a}/complete`))).json<ItemValue<VCard>>().uid).toBe(a);
    const missing = await api.get(bookPath(BOOK, "/nope/complete"));
    expect(missing.status).toBe(204);
    expect(missing.text).toBe("");
  });

  it("PUT creates (void → 200 empty), ALREADY_EXISTS on a taken uid; POST of a missing uid is 404", async () => {
    const api = await login(env.fake);
    const created = await api.put(bookPath(BOOK, "/x1"), person("Xavier", "Un"));
    expect(created.status).toBe(200);
    expect(created.text).toBe("");
    const again = await api.put(bookPath(BOOK, "/x1"), person("Xavier", "Un"));
    expect(again.status).toBe(500);
    expect(again.json()).toMatchObject({ errorCode: "ALREADY_EXISTS", errorType: "ServerFault" });
    const missing = await api.post(bookPath(BOOK, "/x2"), person("No", "Body"));
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ errorCode: "NOT_FOUND" });
  });

  it("DELETE answers 200 even for a missing uid", async () => {
    const api = await login(env.fake);
    expect((await api.delete(bookPath(BOOK, "/never-existed"))).status).toBe(200);
  });

  it("decodes path parameters, with + as a space", async () => {
    const api = await login(env.fake);
    const uid = "odd uid+plus/slash é";
    expect((await api.put(bookPath(BOOK, `/${encodeURIComponent(uid)}`), person("Odd", "Uid"))).status).toBe(200);
    expect(env.fake.state.books.get(BOOK)?.items.has(uid)).toBe(true);
    const viaPlus = await api.get(`/api/addressbooks/${encodeURIComponent(BOOK)}/odd+uid%2Bplus%2Fslash+%C3%A9/complete`);
    expect(viaPlus.json<ItemValue<VCard>>().uid).toBe(uid);
  });

  it("stores photos as PNG and reflects them in identification.photo", async () => {
    const api = await login(env.fake);
    const [a] = (await api.get(bookPath(BOOK, "/_all"))).json<string[]>();
    expect((await api.get(bookPath(BOOK, `/${a}/photo`))).status).toBe(204);
    const png = solidPng([10, 20, 30], 8);
    await api.post(bookPath(BOOK, `/${a}/photo`), png);
    const stored = await photoOf(api, a as string);
    expect(stored.type).toBe("image/png");
    expect(PNG.sync.read(stored.bytes)).toMatchObject({ width: 8, height: 8 });
    expect((await api.get(bookPath(BOOK, `/${a}/complete`))).json<ItemValue<VCard>>().value.identification?.photo).toBe(true);
    await api.delete(bookPath(BOOK, `/${a}/photo`));
    expect((await api.get(bookPath(BOOK, `/${a}/photo`))).status).toBe(204);
    expect((await api.get(bookPath(BOOK, `/${a}/complete`))).json<ItemValue<VCard>>().value.identification?.photo).toBe(false);
    expect((await api.post(bookPath(BOOK, "/missing/photo"), png)).status).toBe(404);
  });

  it("converts a JPEG photo to PNG, and refuses what is not an image or is 1 MiB or more as PNG", async () => {
    const api = await login(env.fake);
    const [a] = (await api.get(bookPath(BOOK, "/_all"))).json<string[]>();
    const rgba = Buffer.alloc(16 * 12 * 4, 200);
    const jpegBytes = jpeg.encode({ data: rgba, width: 16, height: 12 }, 90).data;
    expect((await api.post(bookPath(BOOK, `/${a}/photo`), new Uint8Array(jpegBytes))).status).toBe(200);
    const stored = await photoOf(api, a as string);
    expect([...stored.bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(PNG.sync.read(stored.bytes)).toMatchObject({ width: 16, height: 12 });

    const garbage = await api.post(bookPath(BOOK, `/${a}/photo`), new Uint8Array([137, 80, 78, 71, 1, 2, 3]));
    expect(garbage.status).toBe(500);
    expect(garbage.json()).toMatchObject({ errorCode: "INVALID_PARAMETER" });

    const big = await api.post(bookPath(BOOK, `/${a}/photo`), new Uint8Array(noisyPng(700)));
    expect(big.status).toBe(500);
    expect(big.json()).toMatchObject({ errorCode: "ENTITY_TOO_LARGE" });
    // The photo stored before is still there.
    expect(PNG.sync.read((await photoOf(api, a as string)).bytes)).toMatchObject({ width: 16, height: 12 });
  });

  it("unknown books are 404", async () => {
    const api = await login(env.fake);
    const res = await api.get(bookPath("book:nope", "/_changeset?since=0"));
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ errorCode: "NOT_FOUND", errorType: "ServerFault" });
  });
});

async function photoOf(api: Api, uid: string): Promise<{ type: string | null; bytes: Buffer }> {
  const res = await fetch(`${api.url}${bookPath(BOOK, `/${uid}/photo`)}`, { headers: { "X-BM-ApiKey": api.key as string } });
  expect(res.status).toBe(200);
  return { type: res.headers.get("content-type"), bytes: Buffer.from(await res.arrayBuffer()) };
}

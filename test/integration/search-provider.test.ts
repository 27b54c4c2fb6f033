// Search-only (provider) books end to end: fake BlueMind over HTTP, the provider books wired to a
// real client, searched through the in-memory Thunderbird's contacts.quickSearch (the path of
// compose autocompletion, and with `providerQuery: "searchBox"` the address book's search box).
import { afterEach, describe, expect, it } from "vitest";
import { blueMindToVCard } from "../../src/vcard/index.ts";
import { PROVIDER_BOOKS_KEY, providerBookId } from "../../src/search/index.ts";
import { InMemoryThunderbird } from "../unit/in-memory-thunderbird.ts";
import type { QuickSearchOptions } from "../unit/in-memory-thunderbird.ts";
import { ZEPHYRIN, fnOf, searchRequests, searchWorld } from "./search-fixtures.ts";
import type { SearchWorld } from "./search-fixtures.ts";
import { inEnglish } from "../../src/shared/user-text.ts";

let world: SearchWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function started(options: Parameters<typeof searchWorld>[0] = {}): Promise<SearchWorld> {
  world = await searchWorld(options);
  return world;
}

const PATHS: { name: string; options: QuickSearchOptions }[] = [
  { name: "autocompletion (query null)", options: {} },
  { name: "the search box", options: { providerQuery: "searchBox" } },
];

/** The first EMAIL of a vCard: the address Thunderbird offers for that card. */
const primaryEmail = (vCard: string): string => /^EMAIL[^:]*:(.*)$/m.exec(vCard)?.[1] ?? "?";
const people = (found: { vCard: string }[]): string[] => [...new Set(found.map((c) => fnOf(c.vCard)))];

describe.each(PATHS)("a person only in the unsynced directory, through $name", ({ options }) => {
  it.each(["Zéphyrin", "quercy", "zq.uni", "zéph querc", "Quercy Zéphyrin"])("is found by %j, from the globe book", async (typed) => {
    const w = await started();
    await w.sync();
    const found = await w.tb.quickSearch(typed, options);
    expect(people(found)).toEqual(["Zéphyrin Quercy"]);
    // Autocompletion: one card per address (Thunderbird offers a card's first address only);
    // the search box: one card for the person.
    expect(found.map((c) => primaryEmail(c.vCard))).toEqual(options.providerQuery === "searchBox" ? ["zq.unique@example.com"] : ["zq.unique@example.com", "zephyrin@home.example"]);
    for (const card of found) {
      expect(card.remote).toBe(true);
      expect(card.readOnly).toBe(true);
      expect(card.parentId).toBe(w.directoryBookId);
      expect(card.vCard).toContain("zephyrin@home.example");
      expect(card.vCard).toContain("zq.unique@example.com");
      expect(card.vCard).toContain("Xylophone SA");
      expect(card.vCard).toContain("Chief Tuner");
    }
  });
});

describe("what it costs the server", () => {
  it.each(["minimal", "demo"])("typing j, je, jea, jean, jeann costs at most 3 requests (%s dataset)", async (dataset) => {
    const w = await started({ dataset });
    await w.sync();
    const from = w.fake.requests.length;
    const answers = [];
    for (const typed of ["j", "je", "jea", "jean", "jeann"]) answers.push(await w.tb.quickSearch(typed));
    const sent = searchRequests(w.fake, from);
    expect(sent.length).toBeLessThanOrEqual(3);
    expect(sent.every((line) => line.includes(encodeURIComponent(w.directoryUid)))).toBe(true);
    // The last answer is right, not just cheap: everyone whose name, email or company has a
    // word starting with "jeann".
    const expected = dataset === "demo" ? "Jeanne Dupont" : undefined;
    if (expected) expect(answers[4]?.map((c) => fnOf(c.vCard))).toContain(expected);
  });

  it("sends nothing while the account may not query (signed out, needs sign-in, offline)", async () => {
    const w = await started();
    await w.sync();
    w.online.value = false;
    const from = w.fake.requests.length;
    expect(await w.tb.quickSearch("quercy")).toEqual([]);
    expect(searchRequests(w.fake, from)).toEqual([]);
  });
});

describe("a slow or failing server", () => {
  it("answers within 3.5 s when the server takes 5 s, without an error", async () => {
    const w = await started();
    await w.sync();
    w.fake.faults.inject({ method: "POST", pathPattern: "/api/addressbooks/*/_search", kind: "delay", delayMs: 5_000 });
    const started_ = performance.now();
    const found = await w.tb.quickSearch("quercy");
    const elapsed = performance.now() - started_;
    expect(elapsed).toBeLessThan(3_500);
    expect(elapsed).toBeGreaterThan(2_500);
    expect(found).toEqual([]);
    expect(w.books.searchOf(w.directoryUid)?.stats().timeouts).toBe(1);
    expect(w.logs.filter((l) => l.level === "error")).toEqual([]);
  });

  it("answers with what is known when the server is down, and never throws", async () => {
    const w = await started();
    await w.sync();
    expect(people(await w.tb.quickSearch("quercy"))).toEqual(["Zéphyrin Quercy"]);
    w.fake.faults.inject({ pathPattern: "/api/addressbooks/*", kind: "status", status: 500, times: Infinity });
    const search = w.books.searchOf(w.directoryUid);
    const started_ = performance.now();
    // Not asked before: nothing known.
    await expect(search?.search("dupont", null)).resolves.toEqual({ results: [], isCompleteResult: false });
    // Known from the earlier search: still found.
    const known = await w.tb.quickSearch("zéphyrin");
    expect(performance.now() - started_).toBeLessThan(3_500);
    expect(people(known)).toEqual(["Zéphyrin Quercy"]);
    expect(search?.stats().failures).toBeGreaterThanOrEqual(1);
  });
});

describe("the books' lifecycle", () => {
  it("comes back at the next start under the same id, before any network, and searches", async () => {
    const w = await started();
    await w.sync();
    const stored = w.tb.storeSnapshot()[PROVIDER_BOOKS_KEY];
    const firstIds = (await w.tb.addressBooks.listBooks()).filter((b) => b.remote).map((b) => b.id);
    await w.close();

    const restarted = new InMemoryThunderbird();
    await restarted.localStore.set(PROVIDER_BOOKS_KEY, stored);
    world = await searchWorld({ tb: restarted });
    const from = world.fake.requests.length;
    await world.books.restore();
    expect(world.fake.requests.length).toBe(from);
    const ids = (await restarted.addressBooks.listBooks()).filter((b) => b.remote).map((b) => b.id);
    expect(ids).toEqual(firstIds);
    expect(ids).toContain(providerBookId(world.directoryUid));
    // Before the first sync of the session: the book already answers.
    expect(people(await restarted.quickSearch("quercy"))).toEqual(["Zéphyrin Quercy"]);
  });

  it("unregisters the book when its sync turns on, and registers it again when it turns off", async () => {
    const w = await started();
    await w.sync();
    const remoteIds = async () => (await w.tb.addressBooks.listBooks()).filter((b) => b.remote).map((b) => b.id);
    expect(await remoteIds()).toEqual([w.directoryBookId]);
    w.fake.control.setOfflineSync(w.user.uid, w.directoryUid, true);
    await w.sync();
    expect(await remoteIds()).toEqual([]);
    w.fake.control.setOfflineSync(w.user.uid, w.directoryUid, false);
    await w.sync();
    expect(await remoteIds()).toEqual([w.directoryBookId]);
    w.fake.control.renameBook(w.directoryUid, "Annuaire de test");
    await w.sync();
    expect((await w.tb.addressBooks.listBooks()).filter((b) => b.remote).map((b) => [b.id, b.name])).toEqual([[w.directoryBookId, "Annuaire de test"]]);
    w.fake.control.unsubscribe(w.user.uid, w.directoryUid);
    await w.sync();
    expect(await remoteIds()).toEqual([]);
  });

  it("gives a synced book no provider twin: its people are found once", async () => {
    const w = await started();
    w.fake.control.setOfflineSync(w.user.uid, w.directoryUid, true);
    await w.sync();
    // What the sync engine does for a synced book: a local copy of its cards.
    const local = await w.tb.addressBooks.createBook("Directory");
    const vCard = blueMindToVCard(ZEPHYRIN.card, "local-zq");
    if (!vCard.ok) throw new Error(inEnglish(vCard.reason));
    await w.tb.addressBooks.createContact(local, vCard.value);
    const found = await w.tb.quickSearch("quercy");
    expect(found.map((c) => [fnOf(c.vCard), c.remote])).toEqual([["Zéphyrin Quercy", false]]);
  });
});

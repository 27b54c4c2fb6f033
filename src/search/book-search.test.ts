import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ItemValue, VCard } from "../bluemind/models.ts";
import { quickSearchQuery } from "../../test/unit/in-memory-thunderbird.ts";
import { BookSearch } from "./book-search.ts";
import type { ActivityLevel } from "../shared/status.ts";
import type { BookSearchOptions } from "./book-search.ts";
import { FakeSearchServer, generatedPeople, person } from "../../test/support/search-server.ts";
import type { ServerCall } from "../../test/support/search-server.ts";
import type { SearchTuning } from "./tuning.ts";
import { inEnglish } from "../shared/user-text.ts";

const PEOPLE: ItemValue<VCard>[] = [
  person({ uid: "zq", given: "Zéphyrin", family: "Quercy", emails: ["zq.unique@dir.test", "zephyrin@home.test"], company: "Xylophone SA", title: "CTO", tel: "+33 5 61 00 00 00" }),
  person({ uid: "jd", given: "Jeanne", family: "Dupont", emails: ["jeanne.dupont@dir.test"] }),
  person({ uid: "jm", given: "Jean", family: "Martin", emails: ["jean.martin@dir.test"], company: "Jetstream" }),
  person({ uid: "ph", given: "Jeanine", family: "Phone", tel: "+33 1 00 00 00 00" }),
  person({ uid: "al", given: "Ann", family: "Lee", emails: ["ann@dir.test", "jeannot@alias.test"] }),
  person({ uid: "pk", given: "Pat", family: "Kim", emails: ["pat.kim@dir.test"], company: "Jeannerie SARL" }),
  person({ uid: "gt", name: "Jeannettes", kind: "group" }),
  person({ uid: "gj", name: "Jeunes", kind: "group", emails: ["jeunes@dir.test"] }),
];

interface Harness {
  server: FakeSearchServer;
  search: BookSearch;
  logs: { level: ActivityLevel; message: string }[];
  online: { value: boolean };
}

function harness(items: readonly ItemValue<VCard>[] = PEOPLE, tuning: Partial<SearchTuning> = {}, extra: Partial<BookSearchOptions> = {}): Harness {
  const server = new FakeSearchServer(items);
  const logs: Harness["logs"] = [];
  const online = { value: true };
  const search = new BookSearch({
    containerUid: "addressbook_unit.test",
    bookId: "bm-unit",
    server: () => server,
    canQuery: () => online.value,
    tuning,
    log: (level, message) => logs.push({ level, message: inEnglish(message) }),
    ...extra,
  });
  return { server, search, logs, online };
}

/** The people of an answer (autocompletion lists a person once per address: counted once). */
const names = (result: { results: { vCard: string }[] }): string[] => [...new Set(result.results.map((r) => /^FN:(.*)$/m.exec(r.vCard)?.[1] ?? "?"))].sort();


/** Calls wait for `release()`; `held` lists them. */
function holdCalls(server: FakeSearchServer): { held: ServerCall[]; release: () => void } {
  const held: ServerCall[] = [];
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  server.gate = async (call) => {
    held.push(call);
    await gate;
  };
  return { held, release: () => open() };
}

describe("BookSearch: what it finds", () => {
  it("finds a person by first name, last name, email prefix, company and two words", async () => {
    const { search } = harness();
    expect(names(await search.search("zéph", null))).toEqual(["Zéphyrin Quercy"]);
    expect(names(await search.search("querc", null))).toEqual(["Zéphyrin Quercy"]);
    expect(names(await search.search("zq.uni", null))).toEqual(["Zéphyrin Quercy"]);
    expect(names(await search.search("xyloph", null))).toEqual(["Zéphyrin Quercy"]);
    expect(names(await search.search("Zéphyrin Quer", null))).toEqual(["Zéphyrin Quercy"]);
    expect(names(await search.search("zéphyrin martin", null))).toEqual([]);
  });

  it("returns full cards to the search box: name parts, every email, phone, organisation, title, stable UID", async () => {
    const { search } = harness();
    const first = await search.search("zq.unique", quickSearchQuery("zq.unique"));
    const again = await search.search("quercy", quickSearchQuery("quercy"));
    const vCard = first.results[0]?.vCard ?? "";
    expect(vCard).toContain("N:Quercy;Zéphyrin;;;");
    expect(vCard).toContain("zephyrin@home.test");
    expect(vCard).toContain("+33 5 61 00 00 00");
    expect(vCard).toContain("ORG:Xylophone SA");
    expect(vCard).toContain("TITLE:CTO");
    const uid = /^UID:(.*)$/m.exec(vCard)?.[1];
    expect(uid).toMatch(/^bm-unit-[0-9a-f]{16}$/);
    expect(again.results[0]?.vCard).toContain(`UID:${uid}`);
    // Autocompletion: the same person under the same UID for the default address, without
    // what an entry does not show (phones, addresses, notes).
    const offered = await search.search("quercy", null);
    expect(offered.results[0]?.vCard).toContain(`UID:${uid}`);
    expect(offered.results[0]?.vCard).toContain("N:Quercy;Zéphyrin;;;");
    expect(offered.results[0]?.vCard).toContain("ORG:Xylophone SA");
    expect(offered.results[0]?.vCard).not.toContain("+33 5 61 00 00 00");
  });

  it("offers autocompletion only people with an email; the search box also the others", async () => {
    const { search } = harness();
    expect(names(await search.search("jeani", null))).toEqual([]);
    expect(names(await search.search("jeani", quickSearchQuery("jeani")))).toEqual(["Jeanine Phone"]);
  });

  it("shows a group only when it has an email", async () => {
    const { search } = harness();
    expect(names(await search.search("jeun", quickSearchQuery("jeun")))).toEqual(["Jeunes"]);
    expect(names(await search.search("jeannet", quickSearchQuery("jeannet")))).toEqual([]);
  });

  it("searches what the user typed, and Thunderbird's query only when the text is missing", async () => {
    const { search, server } = harness();
    expect(names(await search.search("quercy", quickSearchQuery("dupont")))).toEqual(["Zéphyrin Quercy"]);
    expect(names(await search.search(undefined, quickSearchQuery("dupont")))).toEqual(["Jeanne Dupont"]);
    expect(names(await search.search("", quickSearchQuery("martin")))).toEqual(["Jean Martin"]);
    expect(server.searches).toBe(3);
  });

  it("says complete only when the server's total fits in what Thunderbird gets", async () => {
    const people = Array.from({ length: 12 }, (_, i) => person({ uid: `m${i}`, given: "Marc", family: `Durand${i}`, emails: [`marc${i}@dir.test`] }));
    const { search } = harness(people, { searchSize: 10, resultLimit: 5 });
    const tooMany = await search.search("marc", null);
    expect(tooMany.results).toHaveLength(5);
    expect(tooMany.isCompleteResult).toBe(false);
    const fits = await search.search("durand1", null);
    expect(names(fits)).toEqual(["Marc Durand1", "Marc Durand10", "Marc Durand11"]);
    expect(fits.isCompleteResult).toBe(true);
  });
});

describe("BookSearch: requests", () => {
  it("sends nothing for one letter, and answers it from the cards already fetched", async () => {
    const { search, server } = harness();
    const cold = await search.search("j", null);
    expect(cold).toEqual({ results: [], isCompleteResult: false });
    expect(server.calls).toEqual([]);
    await search.search("jean", null);
    const calls = server.calls.length;
    const warm = await search.search("j", null);
    expect(server.calls.length).toBe(calls);
    expect(warm.isCompleteResult).toBe(false);
    expect(names(warm)).toContain("Jean Martin");
    // The next key stroke is asked normally.
    expect(names(await search.search("je", null))).toContain("Jeanne Dupont");
  });

  it("costs two requests for j, je, jea, jean, jeann when 'je' is complete, and narrows exactly", async () => {
    const { search, server } = harness();
    const answers = [];
    for (const typed of ["j", "je", "jea", "jean", "jeann"]) answers.push(await search.search(typed, null));
    expect(server.calls.map((c) => c.kind)).toEqual(["search", "mget"]);
    // "jeann" keeps a secondary email and a company match, which only full cards reveal.
    expect(names(answers[4] ?? { results: [] })).toEqual(["Ann Lee", "Jeanne Dupont", "Pat Kim"]);
    expect(answers[4]?.isCompleteResult).toBe(true);
    expect(search.stats()).toMatchObject({ searches: 1, mgets: 1, narrowed: 3 });
  });

  it("asks a narrower query for as many hits as the broader one had, so that it is complete", async () => {
    const people = generatedPeople(400);
    const { search, server } = harness(people, { searchSize: 10, maxSearchSize: 1_000 });
    const broad = await search.search("ma", null);
    expect(broad.isCompleteResult).toBe(false);
    expect(server.calls.map((c) => c.kind)).toEqual(["search"]);
    await search.search("mar", null);
    await search.search("mari", null);
    const sizes = server.calls.flatMap((c) => (c.kind === "search" ? [c.query.size] : []));
    const maTotal = people.filter((p) => JSON.stringify(p.value).toLowerCase().includes("ma")).length;
    expect(sizes[0]).toBe(10);
    expect(sizes[1]).toBeGreaterThan(10);
    expect(sizes[1]).toBeLessThanOrEqual(maTotal);
    expect(server.calls.map((c) => c.kind)).toEqual(["search", "search", "mget"]);
  });

  it("does not fetch full cards for an incomplete autocompletion answer, but does for the search box from three letters on", async () => {
    const people = Array.from({ length: 30 }, (_, i) => person({ uid: `s${i}`, given: "Sam", family: `Roe${i}`, emails: [`sam${i}@dir.test`], company: "Sprockets" }));
    const { search, server } = harness(people, { searchSize: 20, resultLimit: 5 });
    const typed = await search.search("sam", null);
    expect(typed.isCompleteResult).toBe(false);
    expect(typed.results[0]?.vCard).not.toContain("ORG:");
    expect(server.mgets).toBe(0);
    const boxed = await search.search("sam", quickSearchQuery("sam"));
    expect(server.calls.map((c) => c.kind)).toEqual(["search", "mget"]);
    const fetched = server.calls[1];
    expect(fetched?.kind === "mget" ? fetched.uids.length : 0).toBe(5);
    expect(boxed.results[0]?.vCard).toContain("ORG:Sprockets");
  });

  it("shows an incomplete search-box answer to two letters from the summaries, without fetching cards", async () => {
    const people = Array.from({ length: 30 }, (_, i) => person({ uid: `s${i}`, given: "Sam", family: `Roe${i}`, emails: [`sam${i}@dir.test`], company: "Sprockets" }));
    const { search, server } = harness(people, { searchSize: 20, resultLimit: 5 });
    const boxed = await search.search("sa", quickSearchQuery("sa"));
    expect(boxed.isCompleteResult).toBe(false);
    expect(boxed.results).toHaveLength(5);
    expect(boxed.results[0]?.vCard).toContain("FN:Sam Roe");
    expect(boxed.results[0]?.vCard).not.toContain("ORG:");
    expect(server.calls.map((c) => c.kind)).toEqual(["search"]);
  });

  it("shares one request between identical queries in flight", async () => {
    const { search, server } = harness();
    const { release } = holdCalls(server);
    const both = Promise.all([search.search("dupont", null), search.search("Dupont", null)]);
    await vi.waitFor(() => expect(server.searches).toBe(1));
    release();
    const [a, b] = await both;
    expect(names(a)).toEqual(["Jeanne Dupont"]);
    expect(b).toEqual(a);
    expect(server.searches).toBe(1);
  });

  it("narrows a broader query still in flight instead of sending another", async () => {
    const { search, server } = harness();
    const { release } = holdCalls(server);
    const je = search.search("je", null);
    await vi.waitFor(() => expect(server.searches).toBe(1));
    const jea = search.search("jea", null);
    const jean = search.search("jean", null);
    release();
    expect(names(await jean)).toEqual(["Ann Lee", "Jean Martin", "Jeanne Dupont", "Pat Kim"]);
    await Promise.all([je, jea]);
    expect(server.calls.map((c) => c.kind)).toEqual(["search", "mget"]);
  });

  it("drops hits that the server deleted between _search and _mget", async () => {
    const { search, server } = harness();
    server.gate = async (call) => {
      if (call.kind === "mget") server.setItems(PEOPLE.filter((p) => p.uid !== "jd"));
    };
    const result = await search.search("dupont", null);
    expect(result).toEqual({ results: [], isCompleteResult: true });
  });
});

describe("BookSearch: time", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reuses an answer for two minutes, then asks again", async () => {
    const { search, server } = harness();
    await search.search("dupont", null);
    vi.advanceTimersByTime(119_000);
    await search.search("dupont", null);
    await search.search("dupont jeanne", null);
    expect(server.searches).toBe(1);
    vi.advanceTimersByTime(2_000);
    await search.search("dupont", null);
    expect(server.searches).toBe(2);
  });

  it("answers a slow search within 3 s with what is known, and fills the cache meanwhile", async () => {
    const people = Array.from({ length: 30 }, (_, i) => person({ uid: `s${i}`, given: i % 2 ? "Jean" : "Jeff", family: `Roe${i}`, emails: [`p${i}@dir.test`] }));
    const { search, server } = harness(people, { searchSize: 10 });
    await search.search("je", null);
    const { release } = holdCalls(server);
    let answered: Awaited<ReturnType<BookSearch["search"]>> | null = null;
    void search.search("jean", null).then((result) => {
      answered = result;
    });
    await vi.advanceTimersByTimeAsync(2_999);
    expect(answered).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(answered).not.toBeNull();
    const known = answered as unknown as Awaited<ReturnType<BookSearch["search"]>>;
    expect(known.isCompleteResult).toBe(false);
    expect(known.results.length).toBeGreaterThan(0);
    expect(names(known).every((name) => name.startsWith("Jean "))).toBe(true);
    expect(search.stats().timeouts).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(0);
    const later = await search.search("jean", null);
    expect(later.isCompleteResult).toBe(true);
    expect(later.results).toHaveLength(15);
    expect(server.searches).toBe(2);
  });

  it("shows an incomplete answer's summaries when the search box's card fetch is slow", async () => {
    const people = Array.from({ length: 30 }, (_, i) => person({ uid: `s${i}`, given: "Sam", family: `Roe${i}`, emails: [`sam${i}@dir.test`] }));
    const { search, server } = harness(people, { searchSize: 20, resultLimit: 5 });
    await search.search("sam", null);
    server.gate = (call) => (call.kind === "mget" ? new Promise(() => undefined) : Promise.resolve());
    const boxed = search.search("sam", quickSearchQuery("sam"));
    await vi.advanceTimersByTimeAsync(3_000);
    const shown = await boxed;
    expect(shown.results).toHaveLength(5);
    expect(shown.isCompleteResult).toBe(false);
  });

  it("abandons and aborts a request that never answers, so the query can be asked again", async () => {
    const { search, server } = harness(PEOPLE, { failureBackoffMs: 0 });
    const { held } = holdCalls(server);
    const first = search.search("dupont", null);
    await vi.advanceTimersByTimeAsync(3_000);
    await expect(first).resolves.toEqual({ results: [], isCompleteResult: false });
    expect(held[0]?.signal?.aborted).toBe(false);
    const second = search.search("dupont", null);
    await vi.advanceTimersByTimeAsync(3_000);
    await second;
    expect(server.searches).toBe(1);
    await vi.advanceTimersByTimeAsync(54_000);
    expect(held[0]?.signal?.aborted).toBe(true);
    void search.search("dupont", null);
    await vi.advanceTimersByTimeAsync(0);
    expect(server.searches).toBe(2);
  });

  it("answers empty without throwing when the server fails, then backs off for 10 s", async () => {
    const { search, server, logs } = harness();
    server.failWith = () => new Error("HTTP 500");
    await expect(search.search("dupont", null)).resolves.toEqual({ results: [], isCompleteResult: false });
    expect(logs.some((l) => l.level === "warning" && l.message.includes("HTTP 500"))).toBe(true);
    server.failWith = () => null;
    await search.search("martin", null);
    expect(server.searches).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(names(await search.search("martin", null))).toEqual(["Jean Martin"]);
    expect(server.searches).toBe(2);
  });
});

describe("BookSearch: when it may not ask", () => {
  it("sends nothing while the account cannot query, but still answers from memory", async () => {
    const { search, server, online } = harness();
    await search.search("dupont", null);
    online.value = false;
    const remembered = await search.search("dupont jeanne", null);
    expect(names(remembered)).toEqual(["Jeanne Dupont"]);
    expect(remembered.isCompleteResult).toBe(true);
    expect(await search.search("martin", null)).toEqual({ results: [], isCompleteResult: false });
    expect(server.searches).toBe(1);
  });

  it("never throws into Thunderbird", async () => {
    const throwing = harness(PEOPLE, {}, { server: () => Promise.reject(new Error("no client")) });
    await expect(throwing.search.search("dupont", null)).resolves.toEqual({ results: [], isCompleteResult: false });
    const noAccount = harness(PEOPLE, {}, { server: () => null });
    await expect(noAccount.search.search("dupont", null)).resolves.toEqual({ results: [], isCompleteResult: false });
    const badCheck = harness(PEOPLE, {}, {
      canQuery: () => {
        throw new Error("state unknown");
      },
    });
    await expect(badCheck.search.search("dupont", null)).resolves.toEqual({ results: [], isCompleteResult: false });
    expect(badCheck.logs.some((l) => l.level === "error")).toBe(true);
    expect(badCheck.server.calls).toEqual([]);
  });

  it("shows names and emails when full cards cannot be fetched, and does not narrow from them", async () => {
    const { search, server } = harness();
    server.failWith = (call) => (call.kind === "mget" ? new Error("mget down") : null);
    const result = await search.search("dupont", null);
    expect(names(result)).toEqual(["Jeanne Dupont"]);
    expect(result.results[0]?.vCard).toContain("jeanne.dupont@dir.test");
    expect(result.isCompleteResult).toBe(true);
    expect(search.stats().failures).toBe(1);
  });

  it("asks again for a longer query when the shorter answer lacks full cards", async () => {
    const { search, server } = harness(PEOPLE, { failureBackoffMs: 0 });
    server.failWith = (call) => (call.kind === "mget" && server.mgets === 1 ? new Error("mget down") : null);
    await search.search("jean", null);
    const narrower = await search.search("jeann", null);
    expect(names(narrower)).toEqual(["Ann Lee", "Jeanne Dupont", "Pat Kim"]);
    expect(server.searches).toBe(2);
  });
});

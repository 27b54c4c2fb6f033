// BookSearch as each caller sees it (book-search.ts header: compose autocompletion passes a null
// query, the address book's search box a query): one entry per address or one card per person,
// the per-book autocompletion switch, groups, order, BlueMind's 20-character email index.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ItemValue, VCard } from "../bluemind/models.ts";
import { quickSearchQuery } from "../../test/unit/in-memory-thunderbird.ts";
import { FakeSearchServer, person } from "../../test/support/search-server.ts";
import { BookSearch } from "./book-search.ts";
import { searchPath } from "./callers.ts";
import type { SearchTuning } from "./tuning.ts";

const PEOPLE: ItemValue<VCard>[] = [
  person({ uid: "zq", given: "Zéphyrin", family: "Quercy", emails: ["zq.unique@dir.test", "zephyrin@home.test", "z.quercy@club.test"], company: "Xylophone SA" }),
  person({ uid: "am", given: "Anne", family: "Zéphir", emails: ["anne.zephir@dir.test"] }),
  person({ uid: "ar", given: "Anne", family: "Roux", emails: ["secretariat.direction.generale@services.test"] }),
  person({ uid: "gv", name: "Ventes Sud", kind: "group", emails: ["ventes.sud@dir.test"] }),
  person({ uid: "gt", name: "Ventes Nord", kind: "group" }),
];

function harness(options: { autocomplete?: { on: boolean }; tuning?: Partial<SearchTuning>; items?: ItemValue<VCard>[] } = {}) {
  const server = new FakeSearchServer(options.items ?? PEOPLE);
  const search = new BookSearch({
    containerUid: "addressbook_unit.test",
    bookId: "bm-unit",
    server: () => server,
    canQuery: () => true,
    useInAutocomplete: options.autocomplete ? () => options.autocomplete?.on ?? true : undefined,
    tuning: options.tuning,
    log: () => undefined,
  });
  return { server, search };
}

/** "Name <first EMAIL>" of each card, in the order given: what autocompletion offers. */
const offered = (result: { results: { vCard: string }[] }): string[] =>
  result.results.map((r) => `${/^FN:(.*)$/m.exec(r.vCard)?.[1] ?? "?"} <${/^EMAIL[^:]*:(.*)$/m.exec(r.vCard)?.[1] ?? "?"}>`);

describe("one entry per address in autocompletion, one card per person in the search box", () => {
  it("offers a person with three addresses three times in autocompletion, default address first", async () => {
    const { search } = harness();
    expect(offered(await search.search("quercy", null))).toEqual([
      "Zéphyrin Quercy <zq.unique@dir.test>",
      "Zéphyrin Quercy <zephyrin@home.test>",
      "Zéphyrin Quercy <z.quercy@club.test>",
    ]);
  });

  it("shows the same person once in the search box, every address on the card", async () => {
    const { search } = harness();
    const found = await search.search("quercy", quickSearchQuery("quercy"));
    expect(found.results).toHaveLength(1);
    const vCard = found.results[0]?.vCard ?? "";
    for (const email of ["zq.unique@dir.test", "zephyrin@home.test", "z.quercy@club.test"]) expect(vCard).toContain(email);
  });

  it("offers a directory group with an email, and never one without", async () => {
    const { search } = harness();
    expect(offered(await search.search("ventes", null))).toEqual(["Ventes Sud <ventes.sud@dir.test>"]);
  });

  it("lists names starting with the typed text first, then the rest by name", async () => {
    const { search } = harness();
    expect(offered(await search.search("zéph", null)).map((entry) => entry.split(" <")[0])).toEqual(["Zéphyrin Quercy", "Zéphyrin Quercy", "Zéphyrin Quercy", "Anne Zéphir"]);
  });
});

describe("the per-book autocompletion switch", () => {
  it("answers autocompletion nothing, complete and without a request, while the search box still finds", async () => {
    const autocomplete = { on: false };
    const { search, server } = harness({ autocomplete });
    expect(await search.search("quercy", null)).toEqual({ results: [], isCompleteResult: true });
    expect(server.calls).toEqual([]);
    const boxed = await search.search("quercy", quickSearchQuery("quercy"));
    expect(offered(boxed)).toEqual(["Zéphyrin Quercy <zq.unique@dir.test>"]);
    // Turned on again: the next key stroke offers the book's people, from memory here.
    autocomplete.on = true;
    const before = server.calls.length;
    expect(offered(await search.search("quercy", null))).toHaveLength(3);
    expect(server.calls.length).toBe(before);
  });
});

describe("BlueMind's 20-character email index", () => {
  const longPrefix = "secretariat.direction.gen";

  it("asks the server the first 20 characters and narrows locally with the whole text", async () => {
    const { search, server } = harness();
    expect(offered(await search.search(longPrefix, null))).toEqual(["Anne Roux <secretariat.direction.generale@services.test>"]);
    const sent = server.calls.find((call) => call.kind === "search");
    expect(sent?.kind === "search" ? sent.query.query : "").toContain("secretariat.directio*");
    expect(sent?.kind === "search" ? sent.query.query : "").not.toContain("secretariat.direction*");
    // A text that only shares the first 20 characters is not a match.
    expect(offered(await search.search("secretariat.directiox", null))).toEqual([]);
    expect(offered(await search.search("secretariat.direction.generale@services.test", quickSearchQuery("secretariat.direction.generale@services.test")))).toEqual([
      "Anne Roux <secretariat.direction.generale@services.test>",
    ]);
  });

  it("narrows an incomplete answer to the cut words on what is known, and does not call it complete", async () => {
    const many = Array.from({ length: 12 }, (_, i) => person({ uid: `s${i}`, given: "Sam", family: `Roe${i}`, emails: [`secretariat.direction.${i}@dir.test`] }));
    const { search } = harness({ items: many, tuning: { searchSize: 5, maxSearchSize: 5 } });
    const found = await search.search("secretariat.direction.1", null);
    expect(found.isCompleteResult).toBe(false);
    expect(offered(found).length).toBeGreaterThan(0);
    for (const entry of offered(found)) expect(entry).toContain("<secretariat.direction.1");
  });
});

describe("a one-letter query in compose autocompletion", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("holds an empty answer for a second (Thunderbird then asks the longer text), sends nothing, and answers at once when memory knows someone", async () => {
    vi.useFakeTimers();
    const { search, server } = harness();
    let answered = false;
    const held = search.search("q", null).then((answer) => {
      answered = true;
      return answer;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await held).toEqual({ results: [], isCompleteResult: false });
    expect(server.calls).toEqual([]);
    // The search box is not held (it asks again at every change of its text).
    expect(await search.search("q", quickSearchQuery("q"))).toEqual({ results: [], isCompleteResult: false });

    vi.useRealTimers();
    await search.search("quercy", null);
    const known = await search.search("q", null);
    expect(offered(known)).toContain("Zéphyrin Quercy <zq.unique@dir.test>");
    expect(known.isCompleteResult).toBe(false);
  });
});

describe("searchPath", () => {
  it("calls a search without a query compose autocompletion, and one with a query the search box", () => {
    expect(searchPath(null)).toBe("autocomplete");
    expect(searchPath(undefined)).toBe("autocomplete");
    expect(searchPath("(and(or(DisplayName,c,zed)))")).toBe("searchBox");
    expect(searchPath("?(and(or(DisplayName,c,zed)))")).toBe("searchBox");
  });
});

// Search-only books against the fake BlueMind over HTTP, as each of Thunderbird's callers uses
// them (compose autocompletion: no query; the address book's search box: a query): what each
// costs the server on a 20,000-person directory, the per-book autocompletion switch, directory
// groups with an email, and addresses longer than BlueMind indexes.
import { afterEach, describe, expect, it } from "vitest";
import type { VCard } from "../../src/bluemind/models.ts";
import { person } from "../support/search-server.ts";
import { fnOf, searchRequests, searchWorld } from "./search-fixtures.ts";
import type { SearchWorld } from "./search-fixtures.ts";

let world: SearchWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function started(dataset = "minimal"): Promise<SearchWorld> {
  world = await searchWorld({ dataset });
  await world.sync();
  return world;
}

const primaryEmail = (vCard: string): string => /^EMAIL[^:]*:(.*)$/m.exec(vCard)?.[1] ?? "?";
const offered = (found: { vCard: string }[]): string[] => found.map((c) => `${fnOf(c.vCard)} <${primaryEmail(c.vCard)}>`);

describe("typing a name letter by letter on 20,000 people", () => {
  it.each([
    { caller: "the address book's search box", providerQuery: "searchBox" as const },
    { caller: "compose autocompletion", providerQuery: "autocomplete" as const },
  ])('costs at most 3 requests for "j", "je", "jea", "jean", "jeann" through $caller', async ({ providerQuery }) => {
    const w = await started("big");
    await w.books.searchOf(w.directoryUid)?.search("warm", null); // the fake builds its index
    const from = w.fake.requests.length;
    let last: { vCard: string }[] = [];
    for (const typed of ["j", "je", "jea", "jean", "jeann"]) last = await w.tb.quickSearch(typed, { providerQuery });
    const sent = searchRequests(w.fake, from);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(3);
    expect(last.length).toBeGreaterThan(0);
    // The answer is the cards, not summaries: the full card holds the name parts.
    expect(last.every((c) => /^N:/m.test(c.vCard))).toBe(true);
  });
});

describe("the per-book autocompletion switch", () => {
  it("keeps the book out of autocompletion without a request, while its search box still finds", async () => {
    const w = await started();
    w.autocompleteOff.add(w.directoryUid);
    const from = w.fake.requests.length;
    expect(await w.tb.quickSearch("quercy")).toEqual([]);
    expect(searchRequests(w.fake, from)).toEqual([]);
    expect(offered(await w.tb.quickSearch("quercy", { providerQuery: "searchBox" }))).toEqual(["Zéphyrin Quercy <zq.unique@example.com>"]);
    w.autocompleteOff.delete(w.directoryUid);
    expect(offered(await w.tb.quickSearch("quercy"))).toEqual(["Zéphyrin Quercy <zq.unique@example.com>", "Zéphyrin Quercy <zephyrin@home.example>"]);
  });
});

describe("what the directory offers", () => {
  it("offers a directory group with an email like a person, and not one without", async () => {
    const w = await started();
    w.fake.control.createCard(w.directoryUid, "grp-ventes", person({ uid: "grp-ventes", name: "Ventes Ouest", kind: "group", emails: ["ventes.ouest@example.com"] }).value as VCard);
    w.fake.control.createCard(w.directoryUid, "grp-none", person({ uid: "grp-none", name: "Ventes Est", kind: "group" }).value as VCard);
    expect(offered(await w.tb.quickSearch("ventes"))).toEqual(["Ventes Ouest <ventes.ouest@example.com>"]);
  });

  it("finds an address by a prefix longer than the 20 characters BlueMind indexes", async () => {
    const w = await started();
    const email = "secretariat.direction.generale@example.com";
    w.fake.control.createCard(w.directoryUid, "long-mail", person({ uid: "long-mail", given: "Anne", family: "Roux", emails: [email] }).value as VCard);
    // The fake server reproduces the cut: the whole prefix matches nothing there.
    const direct = await w.client.addressBook(w.directoryUid).search({ query: "value.communications.emails.value:secretariat.direction.gen*", from: 0, size: 10, orderBy: "Pertinance", escapeQuery: false });
    expect(direct.total).toBe(0);
    for (const typed of ["secretariat.direction.gen", email]) {
      expect(offered(await w.tb.quickSearch(typed)), typed).toEqual([`Anne Roux <${email}>`]);
      expect(offered(await w.tb.quickSearch(typed, { providerQuery: "searchBox" })), typed).toEqual([`Anne Roux <${email}>`]);
    }
  });
});

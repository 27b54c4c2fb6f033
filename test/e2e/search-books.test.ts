// Search-only (provider, globe icon) books in a real Thunderbird, against the fake BlueMind
// server: the "Done when" of the issue "Unsynced books", asserted through contacts.quickSearch
// (the path compose autocompletion takes: Thunderbird calls the provider book's listener) and
// from the fake server's request log.
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { providerBookId } from "../../src/search/book-id.ts";
import { startFakeBlueMind, type DatasetSpec, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { ProbeClient, type ProbeContact } from "../thunderbird/probe.ts";
import { killAllThunderbirds } from "../thunderbird/runner.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { BIG_DIRECTORY, recipientOf, searchCalls, startConnected, timed, waitForProviderBook, waitForSyncedContact, warmSearchIndex } from "./support/search-session.ts";

const JANE = "jdoe@example.com";
const DIRECTORY = "addressbook_example.com";
const BOB_BOOK = "book:Contacts_u-bob";
/** In the minimal dataset's directory and in no other book. */
const BENOIT = { name: "Benoît Prévost", email: "benoit.prevost@courriel.example" };
/** In Jane's "My contacts" and in Bob's "My contacts" (shared with Jane, synced) respectively. */
const GAEL_MOREAU = "gael.moreau2@example.com";
const MATHIS = "mathis.marchand1@boulangerie-lefevre.example";
/** Autocompletion shows the popup only once every book answered: this is the bound a user feels. */
const ANSWER_BOUND_MS = 3_500;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const fold = (text: string): string => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
const withEmail = (results: ProbeContact[], email: string): ProbeContact[] => results.filter((contact) => contact.properties.PrimaryEmail === email);
const inBook = (results: ProbeContact[], bookId: string): ProbeContact[] => results.filter((contact) => contact.parentId === bookId);
const searches = (fake: FakeBlueMind, sinceMs: number): number => searchCalls(fake, DIRECTORY, sinceMs).filter((entry) => entry.path.includes("/_search")).length;

/** Books of the fake server (by uid) that hold a card with this email. */
function booksHolding(fake: FakeBlueMind, email: string): string[] {
  return fake.control
    .snapshot()
    .books.filter((book) => book.items.some((item) => item.value.communications?.emails?.some((entry) => entry.value === email)))
    .map((book) => book.uid);
}

describeWithThunderbird("search-only (provider) books in a real Thunderbird", () => {
  let probe: ProbeClient;
  let fake: FakeBlueMind | undefined;

  async function freshFake(dataset: "minimal" | "demo" | DatasetSpec = "minimal"): Promise<FakeBlueMind> {
    fake = await startFakeBlueMind({ dataset });
    return fake;
  }

  beforeAll(async () => {
    probe = await ProbeClient.start();
  });
  afterAll(async () => {
    await probe?.close();
  });
  afterEach(async () => {
    await killAllThunderbirds();
    await fake?.close();
    fake = undefined;
  });

  it("finds a directory-only person by first name, last name, email prefix and two words, from the globe book", async () => {
    const server = await freshFake();
    expect(booksHolding(server, BENOIT.email)).toEqual([DIRECTORY]);
    const tb = await startConnected({ fake: server, probe, login: JANE });
    const directory = await waitForProviderBook(probe, "Directory");
    expect(directory).toMatchObject({ id: providerBookId(DIRECTORY), remote: true, readOnly: true });

    const timings: string[] = [];
    for (const [how, text] of [
      ["first name", "Benoît"],
      ["last name", "Prévost"],
      ["email prefix", "benoit.prev"],
      ["two words", "prévost ben"],
    ] as const) {
      const { value: results, ms } = await timed(() => probe.quickSearch(text));
      timings.push(`${how} "${text}" ${ms} ms`);
      const found = withEmail(results, BENOIT.email);
      expect(found, `${how}: "${text}"`).toHaveLength(1);
      expect(found[0]).toMatchObject({ parentId: directory.id, remote: true, readOnly: true });
      expect(found[0]!.properties.DisplayName).toBe(BENOIT.name);
    }
    // The first query reached the server (the answer is not a local copy)…
    expect(searchCalls(server, DIRECTORY).filter((entry) => entry.status === 200).length).toBeGreaterThan(0);
    // …and words are ANDed: a name that matches one word only is not offered.
    expect(inBook(await probe.quickSearch("benoît lemoine"), directory.id)).toEqual([]);
    console.log(`[search-books] directory person found by: ${timings.join(", ")}`);
    expect(await tb.quit()).toBe(0);
  });

  it("gives synced books no provider twin, before and after sync is switched on or off", async () => {
    const server = await freshFake();
    const tb = await startConnected({ fake: server, probe, login: JANE });
    const myContacts = await waitForSyncedContact(probe, "My contacts", GAEL_MOREAU);
    const bobs = await waitForSyncedContact(probe, "My contacts (Bob Martin)", MATHIS);
    const remoteNames = async (): Promise<string[]> =>
      (await probe.listBooks())
        .filter((book) => book.remote)
        .map((book) => book.name)
        .sort();
    expect(await remoteNames()).toEqual(["Directory"]);

    const once = async (text: string, email: string, bookId: string): Promise<void> => {
      const found = withEmail(await probe.quickSearch(text), email);
      expect(found.map((contact) => contact.parentId), `"${text}"`).toEqual([bookId]);
    };
    await once("gaël moreau", GAEL_MOREAU, myContacts.id);
    await once("mathis", MATHIS, bobs.id);
    expect(await tb.quit()).toBe(0);

    // Behind Thunderbird's back: Bob's book goes search-only, the directory gets synced.
    server.control.setOfflineSync("u-jdoe", BOB_BOOK, false);
    server.control.setOfflineSync("u-jdoe", DIRECTORY, true);
    const again = await startConnected({ fake: server, probe, login: JANE, profileDir: tb.profileDir });
    const bobsSearchOnly = await waitForProviderBook(probe, "My contacts (Bob Martin)");
    expect(bobsSearchOnly.id).toBe(providerBookId(BOB_BOOK));
    const directoryCopy = await waitForSyncedContact(probe, "Directory", BENOIT.email);
    await probe.waitFor(async () => (await remoteNames()).join() === "My contacts (Bob Martin)", { what: "only Bob's book search-only" });
    // The local copy of Bob's book goes (its pending changes pushed first): one book of that name.
    await probe.waitFor(async () => (await probe.listBooks()).filter((book) => book.name === "My contacts (Bob Martin)").length === 1, {
      what: "the local copy of Bob's book to go",
    });
    const switched = (await probe.listBooks()).filter((book) => ["My contacts (Bob Martin)", "Directory"].includes(book.name));
    expect(switched.map((book) => `${book.name}: ${book.remote ? "search-only" : "synced"}`).sort()).toEqual(["Directory: synced", "My contacts (Bob Martin): search-only"]);

    await once("mathis", MATHIS, bobsSearchOnly.id);
    await once("benoît prévost", BENOIT.email, directoryCopy.id);
    expect(await again.quit()).toBe(0);
  });

  // contacts.quickSearch takes the address-book search box's path (Thunderbird passes a query,
  // measured in provider-callers.test.ts), where the book also fetches the full cards of the hits
  // it shows so that a clicked card has its details — from three letters on: on 20,000 people
  // "je" (≈600 matches) is incomplete and shown from `_search`'s summaries, so typing the same
  // letters costs 3 requests here as in a compose window (compose-autocomplete.test.ts).
  it.each([
    { people: 2_000, dataset: "demo", login: "jeanne.dupont@example.fr", book: "Annuaire", uid: "addressbook_example.fr", someone: "Jeanne Mercier <jeanne.mercier@example.fr>", budget: 3 },
    { people: 20_000, dataset: BIG_DIRECTORY, login: "ann@example.com", book: "Directory", uid: DIRECTORY, someone: null, budget: 3 },
  ] as const)('costs at most $budget requests to search "j", "je", "jea", "jean", "jeann" in a $people-person directory', async ({ dataset, login, book, uid, someone, budget }) => {
    const server = await freshFake(dataset);
    await warmSearchIndex(server, login, uid);
    const tb = await startConnected({ fake: server, probe, login });
    const annuaire = await waitForProviderBook(probe, book);

    const start = Date.now();
    const steps: string[] = [];
    for (const text of ["j", "je", "jea", "jean", "jeann"]) {
      const before = Date.now();
      const { value: results, ms } = await timed(() => probe.quickSearch(text));
      const fromDirectory = inBook(results, annuaire.id);
      steps.push(`"${text}" ${ms} ms, ${fromDirectory.length} from the directory, ${searchCalls(server, uid, before).length} request(s)`);
      if (text === "j") {
        // Never sent: one letter matches a large share of any directory.
        expect(searchCalls(server, uid, before)).toEqual([]);
        continue;
      }
      expect(fromDirectory.length, `"${text}"`).toBeGreaterThan(0);
      for (const contact of fromDirectory) {
        const words = fold(`${contact.properties.DisplayName ?? ""} ${contact.properties.PrimaryEmail ?? ""}`).split(/[^a-z0-9]+/);
        expect(words.some((word) => word.startsWith(text)), `"${text}" offered ${recipientOf(contact)}`).toBe(true);
      }
      if (text === "jeann" && someone !== null) expect(fromDirectory.map(recipientOf)).toContain(someone);
    }
    await sleep(500); // a call still running (none expected) would be logged when it ends
    const calls = searchCalls(server, uid, start);
    console.log(`[search-books] letter by letter: ${steps.join("; ")}; requests: ${calls.map((call) => `${call.path.split("/").pop()} ${Math.round(call.durationMs)} ms`).join(", ")}`);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.length).toBeLessThanOrEqual(budget);
    expect(await tb.quit()).toBe(0);
  });

  it("answers within 3.5 s with what is known when the server is slow (5 s), then from the late answer", async () => {
    const server = await freshFake();
    const tb = await startConnected({ fake: server, probe, login: JANE });
    const directory = await waitForProviderBook(probe, "Directory");
    // Remembered: Gaël and Amélie Lemoine's cards.
    expect(inBook(await probe.quickSearch("lemoine"), directory.id)).toHaveLength(2);

    server.faults.inject({ pathPattern: "/api/addressbooks/*/_search", kind: "delay", delayMs: 5_000, times: Infinity });
    const known = await timed(() => probe.quickSearch("gaël"));
    expect(known.ms).toBeLessThan(ANSWER_BOUND_MS);
    expect(known.ms).toBeGreaterThan(2_000); // it did wait for the server, up to the time-out
    expect(inBook(known.value, directory.id).map(recipientOf)).toEqual(["Gaël Lemoine <gael.lemoine1@bjtech.example>"]);

    const before = Date.now();
    const unknown = await timed(() => probe.quickSearch("hugo"));
    expect(unknown.ms).toBeLessThan(ANSWER_BOUND_MS);
    expect(inBook(unknown.value, directory.id)).toEqual([]);

    // The request went on: once the server answers, the same query is served from memory.
    await probe.waitFor(async () => searches(server, before) === 1, { timeoutMs: 10_000, what: "the slow answer" });
    await sleep(300); // its _mget
    const late = await timed(() => probe.quickSearch("hugo"));
    expect(inBook(late.value, directory.id).map(recipientOf)).toEqual(["Hugo Lemaître <hugo.lemaitre@les-pres.example>"]);
    expect(searches(server, before)).toBe(1);
    console.log(`[search-books] slow server: known-answer ${known.ms} ms, unknown ${unknown.ms} ms, after the late answer ${late.ms} ms`);
    expect(await tb.quit()).toBe(0);
  });

  it("answers promptly with what is known, without an error, when the server is down (500)", async () => {
    const server = await freshFake();
    const tb = await startConnected({ fake: server, probe, login: JANE });
    const directory = await waitForProviderBook(probe, "Directory");
    expect(inBook(await probe.quickSearch("lemoine"), directory.id)).toHaveLength(2);

    server.faults.inject({ pathPattern: "/api/*", kind: "status", status: 500, times: Infinity });
    const before = Date.now();
    const down = await timed(() => probe.quickSearch("amélie"));
    expect(down.ms).toBeLessThan(ANSWER_BOUND_MS);
    expect(inBook(down.value, directory.id).map(recipientOf)).toEqual(["Amélie Lemoine <amelie.lemoine7@saint-etienne.example>"]);
    const failed = searchCalls(server, DIRECTORY, before);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((entry) => entry.status === 500)).toBe(true);

    // The next key strokes do not hammer a failing server and answer at once.
    const next = Date.now();
    const after = await timed(() => probe.quickSearch("chloé"));
    expect(after.ms).toBeLessThan(1_000);
    expect(inBook(after.value, directory.id)).toEqual([]);
    await sleep(500);
    expect(searchCalls(server, DIRECTORY, next)).toEqual([]);
    console.log(`[search-books] server down: ${down.ms} ms (${failed.length} failed request(s)), next query ${after.ms} ms with no request`);
    expect(await tb.quit()).toBe(0);
  });

  it("keeps the book's id across a restart and answers before the session's first sync finishes", async () => {
    const server = await freshFake();
    const tb = await startConnected({ fake: server, probe, login: JANE });
    const directory = await waitForProviderBook(probe, "Directory");
    expect(await tb.quit()).toBe(0);

    const listingDelayMs = 6_000;
    server.faults.inject({ pathPattern: "/api/users/*/subscriptions/*", kind: "delay", delayMs: listingDelayMs, times: 1 });
    const mark = server.requests.length;
    const listingsDone = (): number => server.requests.slice(mark).filter((entry) => entry.path.includes("/subscriptions/")).length;
    const restartedAt = Date.now();
    const again = await startConnected({ fake: server, probe, login: JANE, profileDir: tb.profileDir });
    const restored = await waitForProviderBook(probe, "Directory", 5_000);
    expect(restored.id).toBe(directory.id);
    const { value: results, ms } = await timed(() => probe.quickSearch("prévost"));
    expect(listingsDone()).toBe(0); // the first sync of this session is still waiting for the server
    expect(inBook(results, directory.id).map(recipientOf)).toEqual([`${BENOIT.name} <${BENOIT.email}>`]);
    const answeredAfterMs = Date.now() - restartedAt;

    // The listing was indeed held back by the fault (the test would prove nothing otherwise).
    await probe.waitFor(async () => listingsDone() > 0, { timeoutMs: listingDelayMs + 10_000, what: "the delayed subscription listing" });
    const listing = server.requests.slice(mark).find((entry) => entry.path.includes("/subscriptions/"))!;
    expect(listing.durationMs).toBeGreaterThanOrEqual(listingDelayMs - 50);
    expect(listing.at + listing.durationMs).toBeGreaterThan(restartedAt + answeredAfterMs);
    console.log(`[search-books] restart: directory answered ${answeredAfterMs} ms after the restart began (search ${ms} ms); subscription listing done after ${listing.at + Math.round(listing.durationMs) - restartedAt} ms`);
    expect(await again.quit()).toBe(0);
  });
});

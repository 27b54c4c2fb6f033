// What Thunderbird itself passes a provider (search-only) book and what it shows of the answer,
// measured with a provider book of the probe (no add-on in between): the facts the add-on's
// search is built on (src/search/results.ts, src/search/book-search.ts). Each caller is driven as
// a user drives it, in Thunderbird's real windows under Xvfb:
//  - compose autocompletion: keys typed in a new message's To field, entries read from the popup;
//  - the address book's search box: text typed in the box, rows read from the cards list;
//  - contacts.quickSearch, what another extension calls.
// The probe book answers every search with the same cards: "Zed Multi", one card with three
// EMAIL lines, and "Zed Split", three cards (distinct UIDs) of one address each.
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { ProbeClient, type ProbeSearchCall } from "../thunderbird/probe.ts";
import { killAllThunderbirds, startThunderbird } from "../thunderbird/runner.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import {
  clearRecipientInput,
  discardComposeWindow,
  openAddressBook,
  openComposeWindow,
  searchAddressBook,
  settledAutocomplete,
  switchToWindowOfType,
  waitForComposeReady,
} from "./support/search-ui.ts";

const BOOK_ID = "probe-zed-book";
const MULTI = ["zed.multi@one.example", "zed.multi@two.example", "zed.multi@three.example"];
const SPLIT = ["zed.split@one.example", "zed.split@two.example", "zed.split@three.example"];

function vCard(uid: string, name: string, emails: string[]): string {
  const [given, family] = name.split(" ");
  const lines = ["BEGIN:VCARD", "VERSION:4.0", `UID:${uid}`, `FN:${name}`, `N:${family};${given};;;`];
  emails.forEach((email, index) => lines.push(index === 0 ? `EMAIL;PREF=1:${email}` : `EMAIL:${email}`));
  lines.push("END:VCARD");
  return lines.join("\r\n");
}

/** Split first: whether a view keeps the provider's order shows in where Multi lands. */
const ANSWER = [...SPLIT.map((email, index) => vCard(`zed-split-${index}`, "Zed Split", [email])), vCard("zed-multi", "Zed Multi", MULTI)];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function describeCall(call: ProbeSearchCall): string {
  return `searchString=${JSON.stringify(call.searchString)} query=${JSON.stringify(call.query)}`;
}

describeWithThunderbird(
  "what Thunderbird passes a provider book, and shows of its answer",
  () => {
    let probe: ProbeClient;

    beforeAll(async () => {
      probe = await ProbeClient.start();
    });
    afterAll(async () => {
      await probe?.close();
    });
    afterEach(async () => {
      await killAllThunderbirds();
    });

    it("tells compose autocompletion (query null) from the address book's search box (a query) and quickSearch (a query)", async () => {
      const tb = await startThunderbird({ addons: [probe.addon], display: true, systemAccess: true });
      const hello = await probe.waitForReady();
      await probe.registerSearchBook(BOOK_ID, "Zed directory", ANSWER);
      const marionette = tb.marionette!;
      await marionette.setContext("chrome");
      await switchToWindowOfType(marionette, "mail:3pane");
      const version = hello.browserInfo.version;

      // ── compose autocompletion, typed key by key ──
      await openComposeWindow(marionette, { name: "Jane Doe", email: "jdoe@example.com" });
      await switchToWindowOfType(marionette, "msgcompose");
      await waitForComposeReady(marionette);
      const input = await marionette.findElement("#toAddrInput");
      await marionette.sendKeys(input, "z");
      const firstOffered = await settledAutocomplete(marionette);
      for (const key of ["e", "d"]) {
        await marionette.sendKeys(input, key);
        await sleep(300);
      }
      const offered = await settledAutocomplete(marionette);
      const composeCalls = await probe.searchCalls(BOOK_ID);
      // Two words typed in the field.
      await clearRecipientInput(marionette);
      const beforeTwoWords = composeCalls.length;
      await marionette.sendKeys(input, "zed mu");
      await settledAutocomplete(marionette);
      const twoWordCalls = (await probe.searchCalls(BOOK_ID)).slice(beforeTwoWords);
      await discardComposeWindow(marionette);

      // ── the address book's search box ──
      await switchToWindowOfType(marionette, "mail:3pane");
      await openAddressBook(marionette, BOOK_ID);
      const beforeSearchBox = (await probe.searchCalls(BOOK_ID)).length;
      const searched = await searchAddressBook(marionette, "zed");
      const searchBoxCalls = (await probe.searchCalls(BOOK_ID)).slice(beforeSearchBox);

      // ── contacts.quickSearch (another extension) ──
      const beforeQuick = (await probe.searchCalls(BOOK_ID)).length;
      const quick = (await probe.quickSearch("zed")).filter((contact) => contact.parentId === BOOK_ID);
      const quickCalls = (await probe.searchCalls(BOOK_ID)).slice(beforeQuick);

      console.log(`[provider-callers] Thunderbird ${version}`);
      console.log(`[provider-callers] compose, typing "z" "e" "d": ${composeCalls.map(describeCall).join(" | ")}`);
      console.log(`[provider-callers] compose, typing "zed mu": ${twoWordCalls.map(describeCall).join(" | ")}`);
      console.log(`[provider-callers] compose popup after "z": ${JSON.stringify(firstOffered)}; after "zed": ${JSON.stringify(offered)}`);
      console.log(`[provider-callers] address book search box "zed": ${searchBoxCalls.map(describeCall).join(" | ")}`);
      console.log(`[provider-callers] address book rows: ${JSON.stringify(searched.cards)}`);
      console.log(`[provider-callers] contacts.quickSearch("zed"): ${quickCalls.map(describeCall).join(" | ")}; ${quick.length} contacts`);

      // Compose autocompletion: no query, the text as typed, from the first letter on; after a
      // complete answer Thunderbird narrows the next key strokes itself and does not ask again.
      expect(composeCalls.map((call) => [call.searchString, call.query])).toEqual([["z", null]]);
      expect(twoWordCalls.map((call) => [call.searchString, call.query])).toEqual([["zed mu", null]]);
      // The address book's search box and quickSearch: the text, and a query in Thunderbird's
      // language built from mail.addr_book.quicksearchquery.format (Company, Department… included;
      // quickSearch keeps the format's leading "?").
      expect(searchBoxCalls.length).toBeGreaterThan(0);
      expect(quickCalls).toHaveLength(1);
      for (const call of [...searchBoxCalls, ...quickCalls]) {
        expect(call.searchString).toBe("zed");
        expect(call.query).toMatch(/^\??\(and\(or\(DisplayName,c,zed\)\(FirstName,c,zed\)/);
        expect(call.query).toContain("(Company,c,zed)");
      }

      // Autocompletion offers one entry per card, with the card's first (preferred) address: the
      // three-address card gives one entry, the three one-address cards three. The first answer
      // keeps the provider's order; once narrowed locally Thunderbird sorts the entries itself.
      expect(firstOffered).toEqual([...SPLIT.map((email) => `Zed Split <${email}>`), `Zed Multi <${MULTI[0]}>`]);
      expect([...offered].sort()).toEqual([`Zed Multi <${MULTI[0]}>`, ...SPLIT.map((email) => `Zed Split <${email}>`)].sort());
      // The address book shows one row per card, sorted by name, with the card's first address.
      expect(searched.cards).toEqual([`Zed Multi <${MULTI[0]}>`, ...SPLIT.map((email) => `Zed Split <${email}>`)]);
      expect(quick).toHaveLength(4);
      expect(await tb.quit()).toBe(0);
    });
  },
  { display: true },
);

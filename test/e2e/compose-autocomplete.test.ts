// The search-only directory book where users meet it, in Thunderbird's real windows under Xvfb:
// typing a recipient in a new message offers directory people, and the address book shows the
// book with the globe icon and finds them with its search box. Screenshots go to test-output/.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import type { MarionetteClient, WebElementRef } from "../thunderbird/marionette.ts";
import { ProbeClient, type ProbeBook } from "../thunderbird/probe.ts";
import { killAllThunderbirds, type ThunderbirdInstance } from "../thunderbird/runner.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { BIG_DIRECTORY, searchCalls, startConnected, TEST_OUTPUT, waitForProviderBook, warmSearchIndex } from "./support/search-session.ts";
import {
  autocompleteValues,
  discardComposeWindow,
  openAddressBook,
  openComposeWindow,
  searchAddressBook,
  settledAutocomplete,
  switchToWindowOfType,
  waitForComposeReady,
} from "./support/search-ui.ts";
import { screenshotDisplay } from "./support/search-xscreen.ts";

const JANE = { name: "Jane Doe", email: "jdoe@example.com" };
const DIRECTORY = "addressbook_example.com";
/** The minimal dataset's directory people whose last name starts with "Lem" (nobody else has one). */
const LEM_PEOPLE = [
  "Amélie Lemoine <amelie.lemoine7@saint-etienne.example>",
  "Chloé Lemaître <chloe.lemaitre3@bjtech.example>",
  "Gaël Lemoine <gael.lemoine1@bjtech.example>",
  "Hugo Lemaître <hugo.lemaitre@les-pres.example>",
];
/** What autocompletion offers for them: one entry per address (Chloé has a second, home one). */
const LEM_ENTRIES = [...LEM_PEOPLE, "Chloé Lemaître <chloe23@example.net>"].sort();
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const fold = (text: string): string => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

interface ComposeSession {
  tb: ThunderbirdInstance;
  marionette: MarionetteClient;
  /** The search-only book, once registered. */
  directory: ProbeBook;
  /** The To field. */
  input: WebElementRef;
}

/** A Thunderbird under Xvfb, connected as `user`, with a new-message window from `user` open and ready. */
async function composeFor(fake: FakeBlueMind, probe: ProbeClient, user: { name: string; email: string }, book: string): Promise<ComposeSession> {
  const tb = await startConnected({ fake, probe, login: user.email, display: true, systemAccess: true });
  const directory = await waitForProviderBook(probe, book);
  const marionette = tb.marionette!;
  await marionette.setContext("chrome");
  await switchToWindowOfType(marionette, "mail:3pane");
  await openComposeWindow(marionette, user);
  await switchToWindowOfType(marionette, "msgcompose");
  await waitForComposeReady(marionette);
  return { tb, marionette, directory, input: await marionette.findElement("#toAddrInput") };
}

function savePng(name: string, png: Buffer): string {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.readUInt32BE(16)).toBeGreaterThan(600); // width
  fs.mkdirSync(TEST_OUTPUT, { recursive: true });
  const file = path.join(TEST_OUTPUT, name);
  fs.writeFileSync(file, png);
  return file;
}

describeWithThunderbird(
  "a search-only directory book in Thunderbird's windows",
  () => {
    let probe: ProbeClient;
    let fake: FakeBlueMind;

    beforeAll(async () => {
      probe = await ProbeClient.start();
      fake = await startFakeBlueMind({ dataset: "minimal" });
    });
    afterAll(async () => {
      await probe?.close();
      await fake?.close();
    });
    afterEach(async () => {
      await killAllThunderbirds();
    });

    it("offers directory people in the compose window's recipient autocompletion", async () => {
      const { tb, marionette, input } = await composeFor(fake, probe, JANE, "Directory");
      const typedAt = Date.now();
      await marionette.sendKeys(input, "Lem");
      let offered: string[] = [];
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        offered = await autocompleteValues(marionette);
        if (LEM_ENTRIES.every((entry) => offered.includes(entry))) break;
        await sleep(100);
      }
      const popupMs = Date.now() - typedAt;
      expect([...offered].sort()).toEqual(LEM_ENTRIES);
      // Offered because the directory was asked (nothing of it is stored locally).
      expect(searchCalls(fake, DIRECTORY, typedAt).some((call) => call.path.endsWith("/_search") && call.status === 200)).toBe(true);

      const file = savePng("compose-autocomplete.png", await screenshotDisplay(tb.display!));
      console.log(`[compose-autocomplete] popup with ${offered.length} directory entries (${LEM_PEOPLE.length} people) ${popupMs} ms after typing "Lem"; screenshot ${file}`);
      await discardComposeWindow(marionette);
      expect(await tb.quit()).toBe(0);
    });

    it('costs at most 3 requests to type "j", "e", "a", "n", "n" in the To field with a 20,000-person directory', async () => {
      const big = await startFakeBlueMind({ dataset: BIG_DIRECTORY });
      try {
        await warmSearchIndex(big, "ann@example.com", DIRECTORY);
        const { tb, marionette, directory, input } = await composeFor(big, probe, { name: "Ann Lee", email: "ann@example.com" }, "Directory");
        expect(directory.remote).toBe(true);
        const start = Date.now();
        const steps: string[] = [];
        let offered: string[] = [];
        for (const key of ["j", "e", "a", "n", "n"]) {
          const before = Date.now();
          await marionette.sendKeys(input, key);
          offered = key === "j" ? await settledAutocomplete(marionette, 800, 2_000) : await settledAutocomplete(marionette);
          steps.push(`+"${key}": ${offered.length} offered, ${searchCalls(big, DIRECTORY, before).length} request(s)`);
        }
        await sleep(500); // a call still running would be logged when it ends
        const calls = searchCalls(big, DIRECTORY, start);
        console.log(`[compose-autocomplete] typing "jeann" on 20,000 people: ${steps.join("; ")}; requests: ${calls.map((call) => call.path.split("/").pop()).join(", ")}`);
        expect(offered.length).toBeGreaterThan(0);
        for (const entry of offered) expect(fold(entry).split(/[^a-z0-9]+/).some((word) => word.startsWith("jeann")), entry).toBe(true);
        expect(calls.length).toBeGreaterThan(0);
        expect(calls.length).toBeLessThanOrEqual(3);
        await discardComposeWindow(marionette);
        expect(await tb.quit()).toBe(0);
      } finally {
        await big.close();
      }
    });

    it("shows the directory with the globe icon in the address book and finds people with its search box", async () => {
      const tb = await startConnected({ fake, probe, login: JANE.email, display: true, systemAccess: true });
      const directory = await waitForProviderBook(probe, "Directory");
      // Wait for the synced books too, so the books pane shows both kinds side by side.
      await probe.waitForBook("My contacts (Bob Martin)");
      const marionette = tb.marionette!;
      await marionette.setContext("chrome");
      await switchToWindowOfType(marionette, "mail:3pane");

      const opened = await openAddressBook(marionette, directory.id);
      expect(opened.selectedUid).toBe(directory.id);
      const rows = new Map(opened.books.map((book) => [book.name, book]));
      expect(rows.get("Directory")).toMatchObject({ uid: directory.id, remote: true, readOnly: true });
      expect(rows.get("My contacts")).toMatchObject({ remote: false });
      expect(opened.cards).toEqual([]);
      expect(opened.placeholders).toEqual(["placeholderSearchOnly"]);
      savePng("address-book-directory-before-search.png", await marionette.takeScreenshot());

      const searched = await searchAddressBook(marionette, "lem", "Chloé Lemaître");
      expect([...searched.cards].sort()).toEqual(LEM_PEOPLE);
      // A search result carries the person's details: every email and phone, the organisation.
      expect(searched.details?.name).toBe("Chloé Lemaître");
      const chloe = fake.control
        .snapshot()
        .books.find((book) => book.uid === DIRECTORY)!
        .items.find((item) => item.value.identification?.formatedName?.value === "Chloé Lemaître")!.value;
      const shown = (lines: string[] | undefined, values: string[]): void => {
        expect(lines).toHaveLength(values.length);
        for (const value of values) expect(lines?.some((line) => line.endsWith(value)), value).toBe(true);
      };
      shown(searched.details?.emails, chloe.communications?.emails?.map((email) => email.value) ?? []);
      shown(searched.details?.phones, chloe.communications?.tels?.map((tel) => tel.value) ?? []);
      expect(searched.details?.phones.length).toBeGreaterThan(0);
      expect(searched.details?.other.join(" ")).toContain(chloe.organizational?.org?.company ?? "?");
      console.log(`[compose-autocomplete] details of Chloé Lemaître: ${JSON.stringify(searched.details)}`);
      const file = savePng("address-book-directory-search.png", await marionette.takeScreenshot());
      console.log(`[compose-autocomplete] address book: ${searched.cards.length} directory people for "lem"; screenshot ${file}`);
      expect(await tb.quit()).toBe(0);
    });
  },
  { display: true },
);

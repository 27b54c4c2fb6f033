// The directory in compose autocompletion, in Thunderbird's real windows under Xvfb, typed key by
// key as a user types and read from the recipient field's autocomplete controller: a person with
// three addresses offers three entries (and stays one readable row in the address book), a
// directory group with an email is offered (a single match the text starts with is completed in
// the field, popup closed: hence the controller, not the popup), a directory person whose name
// also matches a local contact from the first letter is still offered, and the options page's
// "Use in autocompletion" switch, turned off, keeps the directory out of compose while the
// address book's search still finds the person.
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { VCard } from "../../src/bluemind/models.ts";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import type { MarionetteClient } from "../thunderbird/marionette.ts";
import { ProbeClient } from "../thunderbird/probe.ts";
import { killAllThunderbirds } from "../thunderbird/runner.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { person } from "../support/search-server.ts";
import { bookSwitchState, clickAutocompleteSwitch, inOptionsPage, openOptionsTab } from "./support/options-tab.ts";
import { searchCalls, startConnected, waitForProviderBook } from "./support/search-session.ts";
import {
  clearRecipientInput,
  discardComposeWindow,
  openAddressBook,
  openComposeWindow,
  searchAddressBook,
  settledMatches,
  switchToWindowOfType,
  waitForComposeReady,
} from "./support/search-ui.ts";

const JANE = { name: "Jane Doe", email: "jdoe@example.com" };
const DIRECTORY = "addressbook_example.com";
const YSOLDE = { name: "Ysolde Marchetti", emails: ["ysolde.marchetti@example.com", "ysolde@maison.example", "y.marchetti@chorale.example"] };
const GROUP = { name: "Ventes Ouest", email: "ventes.ouest@example.com" };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Types `text` key by key in the To field, as a user does (a pause between keys), and reads the
 * autocomplete controller's entries once its search is over.
 */
async function typeRecipient(marionette: MarionetteClient, text: string): Promise<string[]> {
  await clearRecipientInput(marionette);
  const input = await marionette.findElement("#toAddrInput");
  for (const key of text) {
    await marionette.sendKeys(input, key);
    await sleep(250);
  }
  return settledMatches(marionette);
}

describeWithThunderbird(
  "the directory in compose autocompletion",
  () => {
    let probe: ProbeClient;
    let fake: FakeBlueMind;

    beforeAll(async () => {
      probe = await ProbeClient.start();
      fake = await startFakeBlueMind({ dataset: "minimal" });
      fake.control.createCard(DIRECTORY, "ysolde-3", person({ uid: "ysolde-3", given: "Ysolde", family: "Marchetti", emails: YSOLDE.emails, company: "Chorale du Lac" }).value as VCard);
      fake.control.createCard(DIRECTORY, "grp-ventes-ouest", person({ uid: "grp-ventes-ouest", name: GROUP.name, kind: "group", emails: [GROUP.email] }).value as VCard);
      fake.control.createCard(DIRECTORY, "grp-ventes-est", person({ uid: "grp-ventes-est", name: "Ventes Est", kind: "group" }).value as VCard);
    });
    afterAll(async () => {
      await probe?.close();
      await fake?.close();
    });
    afterEach(async () => {
      await killAllThunderbirds();
    });

    it("offers one entry per address and groups with an email; the switch keeps the directory out of compose only", async () => {
      const tb = await startConnected({ fake, probe, login: JANE.email, display: true, systemAccess: true });
      const directory = await waitForProviderBook(probe, "Directory");
      const marionette = tb.marionette!;
      await marionette.setContext("chrome");
      await switchToWindowOfType(marionette, "mail:3pane");
      await openComposeWindow(marionette, JANE);
      await switchToWindowOfType(marionette, "msgcompose");
      await waitForComposeReady(marionette);

      // ── a person with three addresses: three entries, as a local contact gives ──
      const ysolde = await typeRecipient(marionette, "ysol");
      expect([...ysolde].sort()).toEqual(YSOLDE.emails.map((email) => `${YSOLDE.name} <${email}>`).sort());
      // ── a directory group with an email is offered; one without is not ──
      const ventes = await typeRecipient(marionette, "ventes");
      expect(ventes).toEqual([`${GROUP.name} <${GROUP.email}>`]);

      // ── a name that also matches a local contact from its first letter on ──
      // ("g": Jane's own Gaël Moreau; the directory's Gaël Lemoine must still come.)
      const gael = await typeRecipient(marionette, "gael");
      expect(gael).toContain("Gaël Moreau <gael.moreau2@example.com>");
      expect(gael).toContain("Gaël Lemoine <gael.lemoine1@bjtech.example>");

      // ── the address book: one row for the person, every address in the details ──
      await switchToWindowOfType(marionette, "mail:3pane");
      await openAddressBook(marionette, directory.id);
      const searched = await searchAddressBook(marionette, "ysol", YSOLDE.name);
      expect(searched.cards).toEqual([`${YSOLDE.name} <${YSOLDE.emails[0]}>`]);
      expect(searched.details?.emails).toHaveLength(3);
      for (const email of YSOLDE.emails) expect(searched.details?.emails.some((line) => line.endsWith(email)), email).toBe(true);
      console.log(`[directory-autocompletion] compose offers ${JSON.stringify(ysolde)}; the address book shows ${JSON.stringify(searched.cards)} with ${JSON.stringify(searched.details?.emails)}`);

      // ── the options page: "Use in autocompletion" off for the directory ──
      await openOptionsTab(marionette);
      expect(await inOptionsPage<string | null>(marionette, bookSwitchState(DIRECTORY, "autocomplete"))).toBe("true");
      expect(await inOptionsPage<string | null>(marionette, bookSwitchState("book:Contacts_u-jdoe", "autocomplete"))).toBeNull();
      expect(await inOptionsPage<string>(marionette, clickAutocompleteSwitch(DIRECTORY))).toBe("true");
      await probe.waitFor(async () => (await inOptionsPage<string | null>(marionette, bookSwitchState(DIRECTORY, "autocomplete"))) === "false", { what: "the switch off" });

      // Compose: the directory offers nothing now, and is not even asked.
      await switchToWindowOfType(marionette, "msgcompose");
      const offAt = Date.now();
      const offered = await typeRecipient(marionette, "ysol");
      expect(offered).toEqual([]);
      expect(await typeRecipient(marionette, "ventes")).toEqual([]);
      expect(searchCalls(fake, DIRECTORY, offAt)).toEqual([]);
      // The address book's search still finds the person.
      await switchToWindowOfType(marionette, "mail:3pane");
      await openAddressBook(marionette, directory.id);
      expect((await searchAddressBook(marionette, "marchetti", YSOLDE.name)).cards).toEqual([`${YSOLDE.name} <${YSOLDE.emails[0]}>`]);

      // On again: compose offers the three addresses again.
      await openOptionsTab(marionette);
      expect(await inOptionsPage<string>(marionette, clickAutocompleteSwitch(DIRECTORY))).toBe("false");
      await probe.waitFor(async () => (await inOptionsPage<string | null>(marionette, bookSwitchState(DIRECTORY, "autocomplete"))) === "true", { what: "the switch on" });
      await switchToWindowOfType(marionette, "msgcompose");
      expect(await typeRecipient(marionette, "ysolde")).toHaveLength(3);

      await discardComposeWindow(marionette);
      expect(await tb.quit()).toBe(0);
    });
  },
  { display: true },
);

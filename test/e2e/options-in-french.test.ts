// A French Thunderbird (its language pack, intl.locale.requested = fr): the add-on's options page
// shows the activity log, a book's problem and the account's error in French — sentences the
// background stores as message ids and the page renders in Thunderbird's language — with
// BlueMind's own values (book names, uids) as they are. Screenshot: test-output/options-in-french.png.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { VCard } from "../../src/bluemind/models.ts";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { langpackFor } from "../thunderbird/langpack.ts";
import type { ProbeClient } from "../thunderbird/probe.ts";
import { describeIfAvailable, missingPrerequisite } from "../thunderbird/vitest-helpers.ts";
import { builtAddonXpi } from "./support/addon.ts";
import type { MarionetteClient } from "../thunderbird/marionette.ts";
import { inOptionsPage, openOptionsTab, readOptionsPage } from "./support/options-tab.ts";
import { useProbe } from "./support/probe-suite.ts";
import { JANE, bookStatus, startAddon, syncAndWait, waitForFirstSync } from "./support/synced.ts";

const TEST_OUTPUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../test-output");
const MY_CONTACTS = `book:Contacts_${JANE.uid}`;
const langpack = langpackFor("fr");

/** The main window as the user sees it, saved under test-output/; returns the file. */
async function screenshot(marionette: MarionetteClient, name: string): Promise<string> {
  await marionette.setContext("chrome");
  const png = await marionette.takeScreenshot();
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  fs.mkdirSync(TEST_OUTPUT, { recursive: true });
  const file = path.join(TEST_OUTPUT, name);
  fs.writeFileSync(file, png);
  return file;
}

describeIfAvailable(
  "the options page in a French Thunderbird",
  missingPrerequisite({ display: true }) ?? (langpack === null ? "Thunderbird's French language pack is not installed (apt-get install thunderbird-l10n-fr)" : null),
  () => {
    let fake: FakeBlueMind;
    let probe: ProbeClient;
    useProbe((p) => (probe = p));

    beforeAll(async () => {
      fake = await startFakeBlueMind({ dataset: "minimal" });
    });
    afterAll(async () => {
      await fake?.close();
    });

    it("shows the activity log, a book's problem and the account's error in French", async () => {
      // One card of "My contacts" is not a card: the book syncs, with a problem on its row.
      const book = fake.state.books.get(MY_CONTACTS);
      const bad = [...(book?.items.values() ?? [])].find((i) => i.value.kind !== "group");
      if (!book || !bad) throw new Error("no card to break");
      book.items.set(bad.uid, { ...bad, value: "not a card" as unknown as VCard });

      const startedAt = Date.now();
      const tb = await startAddon(fake, {
        probe,
        extra: { display: true, systemAccess: true, prefs: { "intl.locale.requested": "fr" }, addons: [probe.addon, builtAddonXpi(), langpack!] },
      });
      const first = await waitForFirstSync(probe, startedAt);
      expect(bookStatus(first, MY_CONTACTS).problem).toBe("bookCardsNotSynced");

      await openOptionsTab(tb.marionette!);
      const page = await readOptionsPage(tb.marionette!);
      expect(page.language).toMatch(/^fr/);
      expect(page.account).toBe("Connecté");
      expect(page.activity).toContain("Carnet d'adresses « My contacts » créé.");
      expect(page.activity).toContain(`Fiche ${bad.uid} non synchronisée : BlueMind a envoyé une valeur qui n'est pas une fiche`);
      expect(page.books[MY_CONTACTS]).toMatch(/^Synchronisé à .+Fiches qui n'ont pas pu être synchronisées : 1 \(voir l'activité\)\.$/);

      // The policy's key is deleted on BlueMind: the account's error, in French.
      fake.state.apiKeys.delete(fake.control.datasetInfo().apiKeys[JANE.login] as string);
      const refused = await syncAndWait(probe);
      expect(refused.account).toEqual({ status: "needs-sign-in", problem: "errorApiKeyRefused" });
      const after = await readOptionsPage(tb.marionette!);
      expect(after.account).toBe("Reconnexion nécessaire");
      expect(after.accountNotice).toBe(`BlueMind n'accepte plus la clé d'API de ${JANE.login}. Reconnectez-vous.`);
      expect(after.activity[0]).toBe(`La synchronisation a échoué : BlueMind n'accepte plus la clé d'API de ${JANE.login}. Reconnectez-vous.`);

      // The window shows the top of the page (account, books); a second shot the activity log.
      const top = await screenshot(tb.marionette!, "options-in-french.png");
      await inOptionsPage(tb.marionette!, `async (document) => document.querySelector(".activity").scrollIntoView({ block: "end" })`);
      const activity = await screenshot(tb.marionette!, "options-in-french-activity.png");
      console.log(`[options-in-french] screenshots ${top} and ${activity}`);
      expect(await tb.quit()).toBe(0);
    }, 180_000);
  },
);

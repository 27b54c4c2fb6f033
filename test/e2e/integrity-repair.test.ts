// The integrity check and Repair in a real Thunderbird: a contact of a read-only synced book is
// deleted while the add-on is disabled (no event reaches it, and a read-only book has no catch-up);
// once enabled again, its first sync finds the drift, the options page shows it, and Repair
// clicked there brings the contact back.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import type { MarionetteClient } from "../thunderbird/marionette.ts";
import type { ProbeClient } from "../thunderbird/probe.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { ADDON_ID } from "./support/addon.ts";
import { clickBookButton, inOptionsPage, openOptionsTab, type BookButtonClick } from "./support/options-tab.ts";
import { useProbe } from "./support/probe-suite.ts";
import { startAddon, waitForFirstSync } from "./support/synced.ts";

const BOB_BOOK = "book:Contacts_u-bob";

async function setAddonEnabled(marionette: MarionetteClient, enabled: boolean): Promise<void> {
  await marionette.setContext("chrome");
  await marionette.executeAsyncScript(
    `const [id, enabled, done] = arguments;
     const { AddonManager } = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
     AddonManager.getAddonByID(id).then((addon) => (enabled ? addon.enable() : addon.disable())).then(() => done(true), (e) => done(String(e)));`,
    [ADDON_ID, enabled],
  );
}

describeWithThunderbird("integrity check and Repair", () => {
  let fake: FakeBlueMind;
  let probe: ProbeClient;
  useProbe((p) => (probe = p));

  beforeAll(async () => {
    fake = await startFakeBlueMind({ dataset: "minimal" });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("reports a contact deleted behind the add-on's back as drift, and Repair restores it", async () => {
    const startedAt = Date.now();
    const tb = await startAddon(fake, { probe, extra: { systemAccess: true } });
    await waitForFirstSync(probe, startedAt, 60_000);
    const book = await probe.waitForBook("My contacts (Bob Martin)", 30_000);
    const [victim] = await probe.listContacts(book.id);
    if (!victim) throw new Error("Bob's book is empty");

    await setAddonEnabled(tb.marionette!, false);
    await probe.waitFor(async () => (await probe.listAddons()).some((a) => a.id === ADDON_ID && !a.enabled), { timeoutMs: 10_000, what: "the add-on disabled" });
    await probe.deleteContact(victim.id);
    await setAddonEnabled(tb.marionette!, true);

    await openOptionsTab(tb.marionette!);
    // The book's drift line, Repair clicked, and the line once Repair is no longer offered.
    const page = await inOptionsPage<BookButtonClick>(tb.marionette!, clickBookButton(BOB_BOOK, "Repair", { appear: 600, gone: 600 }), 90_000);
    expect(page.status).toContain("Differences with BlueMind: 1 contact");
    expect(page.stillOffered).toBe(false);
    expect(page.statusAfter).not.toContain("Differences");
    const back = await probe.waitFor(async () => (await probe.listContacts(book.id)).find((c) => c.id === victim.id), { timeoutMs: 30_000, what: "the contact back" });
    expect(back.properties.vCard).toBe(victim.properties.vCard);
    expect(await tb.quit()).toBe(0);
  });
});

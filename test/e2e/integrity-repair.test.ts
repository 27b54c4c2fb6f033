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
import { inOptionsPage, openOptionsTab } from "./support/options-tab.ts";
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

/** Page script: waits for the book's drift line, clicks Repair, and waits for the line to go. */
const repairFromPage = `async (document) => {
  const row = () => document.querySelector('li.book[data-container-uid="${BOB_BOOK}"]');
  const repair = () => [...(row()?.querySelectorAll("button") ?? [])].find((b) => b.textContent.trim() === "Repair");
  for (let i = 0; i < 600 && !repair(); i++) await new Promise((resolve) => document.defaultView.setTimeout(resolve, 50));
  if (!repair()) throw new Error("no Repair offered: " + (row()?.textContent ?? "no row"));
  const status = row().querySelector(".book-status").textContent;
  repair().click();
  for (let i = 0; i < 600 && repair(); i++) await new Promise((resolve) => document.defaultView.setTimeout(resolve, 50));
  return { status, offeredAfter: repair() !== undefined, statusAfter: row().querySelector(".book-status").textContent };
}`;

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
    const page = await inOptionsPage<{ status: string; offeredAfter: boolean; statusAfter: string }>(tb.marionette!, repairFromPage, 90_000);
    expect(page.status).toContain("Differences with BlueMind: 1 contact");
    expect(page.offeredAfter).toBe(false);
    expect(page.statusAfter).not.toContain("Differences");
    const back = await probe.waitFor(async () => (await probe.listContacts(book.id)).find((c) => c.id === victim.id), { timeoutMs: 30_000, what: "the contact back" });
    expect(back.properties.vCard).toBe(victim.properties.vCard);
    expect(await tb.quit()).toBe(0);
  });
});

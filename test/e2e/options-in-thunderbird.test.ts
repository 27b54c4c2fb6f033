// The options page in a real Thunderbird: the user turns a book's Sync off and on again with its
// switch; BlueMind's subscription changes first, then the local book becomes a search-only
// (globe) book and back.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { ProbeClient } from "../thunderbird/probe.ts";
import { useProbe } from "./support/probe-suite.ts";
import { startThunderbird } from "../thunderbird/runner.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { builtAddonXpi, policiesFor } from "./support/addon.ts";
import { inOptionsPage, openOptionsTab } from "./support/options-tab.ts";

const COLLECTED = "book:CollectedContacts_u-jdoe";

/** Clicks the Sync switch of a book's row; answers its aria-checked value before the click. */
const clickSwitch = (containerUid: string) => `async (document) => {
  for (let i = 0; i < 100; i++) {
    const row = document.querySelector('[data-container-uid="${containerUid}"]');
    const button = row && row.querySelector('[role=switch]');
    if (button && !button.disabled && button.getAttribute("aria-busy") !== "true") {
      const before = button.getAttribute("aria-checked");
      button.click();
      return before;
    }
    await new Promise((resolve) => document.defaultView.setTimeout(resolve, 100));
  }
  throw new Error("no enabled switch for ${containerUid}");
}`;

function subscription(fake: FakeBlueMind): { offlineSync: boolean } | undefined {
  return fake.control.snapshot().subscriptions["u-jdoe"]?.find((s) => s.containerUid === COLLECTED);
}

describeWithThunderbird("options page in a real Thunderbird", () => {
  let fake: FakeBlueMind;
  let probe: ProbeClient;
  useProbe((p) => (probe = p));

  beforeAll(async () => {
    fake = await startFakeBlueMind({ dataset: "minimal" });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("switching Sync off makes the local book a search-only book, and on brings it back", async () => {
    const apiKey = fake.control.datasetInfo().apiKeys["jdoe@example.com"]!;
    const tb = await startThunderbird({
      addons: [probe.addon, builtAddonXpi()],
      systemAccess: true,
      policies: policiesFor({ serverUrl: fake.url, login: "jdoe@example.com", apiKey }),
    });
    await probe.waitForReady();
    const local = await probe.waitForBook("Collected contacts", 20_000);
    expect(local.remote).toBe(false);
    await probe.waitFor(async () => (await probe.listContacts(local.id)).length === 3, { timeoutMs: 20_000, what: "3 collected contacts" });

    await openOptionsTab(tb.marionette!);
    expect(await inOptionsPage<string>(tb.marionette!, clickSwitch(COLLECTED))).toBe("true");
    await probe.waitFor(async () => subscription(fake)?.offlineSync === false, { timeoutMs: 10_000, what: "sync off on BlueMind" });
    const globe = await probe.waitFor(async () => {
      const books = await probe.listBooks();
      const named = books.filter((b) => b.name === "Collected contacts");
      return named.length === 1 && named[0]!.remote ? named[0] : undefined;
    }, { timeoutMs: 20_000, what: "the globe book" });
    expect(globe.readOnly).toBe(true);

    expect(await inOptionsPage<string>(tb.marionette!, clickSwitch(COLLECTED))).toBe("false");
    await probe.waitFor(async () => subscription(fake)?.offlineSync === true, { timeoutMs: 10_000, what: "sync on on BlueMind" });
    const back = await probe.waitFor(async () => {
      const named = (await probe.listBooks()).filter((b) => b.name === "Collected contacts");
      return named.length === 1 && !named[0]!.remote ? named[0] : undefined;
    }, { timeoutMs: 20_000, what: "the local book back" });
    await probe.waitFor(async () => (await probe.listContacts(back.id)).length === 3, { timeoutMs: 20_000, what: "its 3 contacts back" });
    expect(await tb.quit()).toBe(0);
  });
});

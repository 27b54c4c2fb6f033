// "Stop" in a real Thunderbird: the user stops the first sync of a 5,000-contact book from the
// options page; nothing more is written, the book waits, and the next sync completes it exactly —
// each card once, each group once, nothing left over from the stopped run.
import { afterAll, beforeAll, expect, it } from "vitest";
import { datasetSpec } from "../fake-bluemind/datasets.ts";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import type { ProbeClient } from "../thunderbird/probe.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { inOptionsPage, openOptionsTab } from "./support/options-tab.ts";
import { useProbe } from "./support/probe-suite.ts";
import { addonStatus, bookStatus, expectedBook, JANE, requestSync, startAddon, waitForSync } from "./support/synced.ts";

const MY_CONTACTS = `book:Contacts_${JANE.uid}`;
const CONTACTS = 5_000;

/** Page script: waits for the Stop button, clicks it, and answers once the sync shows as ended. */
const clickStop = `async (document) => {
  const stop = () => [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Stop");
  for (let i = 0; i < 400 && !stop(); i++) await new Promise((resolve) => document.defaultView.setTimeout(resolve, 50));
  if (!stop()) throw new Error("no Stop button while the sync runs");
  stop().click();
  for (let i = 0; i < 400 && stop(); i++) await new Promise((resolve) => document.defaultView.setTimeout(resolve, 50));
  return document.querySelector(".sync-summary")?.textContent ?? "";
}`;

describeWithThunderbird("Stop during a big first sync", () => {
  let fake: FakeBlueMind;
  let probe: ProbeClient;
  useProbe((p) => (probe = p));

  beforeAll(async () => {
    const big = datasetSpec("big");
    const [jane] = big.users;
    if (!jane) throw new Error("the big dataset has no user");
    fake = await startFakeBlueMind({ dataset: { ...big, directory: { count: 50 }, users: [{ ...jane, contacts: CONTACTS, contactGroups: 10, collected: 0 }] } });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("stops the sync from the options page, writes nothing more, and the next sync completes the book exactly", async () => {
    const tb = await startAddon(fake, { probe, extra: { systemAccess: true } });
    const book = await probe.waitForBook("My contacts", 60_000);
    await probe.waitFor(async () => ((await probe.listContacts(book.id)).length >= 300 ? true : undefined), { timeoutMs: 120_000, intervalMs: 500, what: "the first contacts written" });

    await openOptionsTab(tb.marionette!);
    const summary = await inOptionsPage<string>(tb.marionette!, clickStop, 40_000);
    expect(summary).not.toBe("Synchronizing…");
    const stopped = await addonStatus(probe);
    expect(stopped.syncing).toBe(false);
    expect(bookStatus(stopped, MY_CONTACTS)).toMatchObject({ state: "pending", progress: null, lastSuccess: null });
    const written = (await probe.listContacts(book.id)).length;
    expect(written).toBeLessThan(CONTACTS);
    // Stopped means stopped: nothing is written afterwards.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await probe.listContacts(book.id)).length).toBe(written);

    const status = await waitForSync(probe, await requestSync(probe), 240_000);
    expect(bookStatus(status, MY_CONTACTS).state).toBe("synced");
    const expected = await expectedBook(fake, MY_CONTACTS);
    const contacts = await probe.listContacts(book.id);
    expect(contacts.length).toBe(expected.contacts.size);
    expect(contacts.map((c) => c.id).sort()).toEqual([...expected.contacts.keys()].sort());
    expect((await probe.listMailingLists(book.id)).map((l) => l.name).sort()).toEqual(expected.lists.map((l) => l.name).sort());
    expect(await tb.quit()).toBe(0);
  });
});

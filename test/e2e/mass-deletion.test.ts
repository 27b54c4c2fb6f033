// The mass-deletion guard in a real Thunderbird: BlueMind drops 80 % of a synced book; nothing is
// deleted and the book asks in the options page; "Apply" clicked there removes exactly those
// contacts at the next sync.
import { afterAll, beforeAll, expect, it } from "vitest";
import { datasetSpec } from "../fake-bluemind/datasets.ts";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import type { ProbeClient } from "../thunderbird/probe.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { clickBookButton, inOptionsPage, openOptionsTab, type BookButtonClick } from "./support/options-tab.ts";
import { useProbe } from "./support/probe-suite.ts";
import { addonStatus, bookStatus, expectedBook, JANE, requestSync, startAddon, waitForFirstSync, waitForSync } from "./support/synced.ts";

const MY_CONTACTS = `book:Contacts_${JANE.uid}`;
const CONTACTS = 100;
const DROPPED = 80;

describeWithThunderbird("mass deletion on BlueMind", () => {
  let fake: FakeBlueMind;
  let probe: ProbeClient;
  useProbe((p) => (probe = p));

  beforeAll(async () => {
    const big = datasetSpec("big");
    const [jane] = big.users;
    if (!jane) throw new Error("the big dataset has no user");
    fake = await startFakeBlueMind({ dataset: { ...big, directory: { count: 20 }, users: [{ ...jane, contacts: CONTACTS, contactGroups: 0, collected: 0 }] } });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("deletes nothing until the user confirms in the options page, then exactly what BlueMind deleted", async () => {
    const startedAt = Date.now();
    const tb = await startAddon(fake, { probe, extra: { systemAccess: true } });
    await waitForFirstSync(probe, startedAt, 120_000);
    const book = await probe.waitForBook("My contacts", 60_000);
    expect(await probe.listContacts(book.id)).toHaveLength(CONTACTS);

    const cards = fake.control.snapshot().books.find((b) => b.uid === MY_CONTACTS)?.items ?? [];
    for (const card of cards.slice(0, DROPPED)) fake.control.deleteCard(MY_CONTACTS, card.uid);
    let status = await waitForSync(probe, await requestSync(probe));
    expect(bookStatus(status, MY_CONTACTS)).toMatchObject({ state: "held", problem: "errorDeletionsHeld" });
    expect(await probe.listContacts(book.id)).toHaveLength(CONTACTS);
    // Asked again at the next sync, still without deleting.
    status = await waitForSync(probe, await requestSync(probe));
    expect(bookStatus(status, MY_CONTACTS).state).toBe("held");
    expect(await probe.listContacts(book.id)).toHaveLength(CONTACTS);

    await openOptionsTab(tb.marionette!);
    const before = Date.now();
    // The held book's status line, then "Apply" clicked, then the row once it asks no more.
    const page = await inOptionsPage<BookButtonClick>(tb.marionette!, clickBookButton(MY_CONTACTS, "Apply", { appear: 200, gone: 400 }), 40_000);
    expect(page.status).toBe(`BlueMind says ${DROPPED} contacts of “My contacts” were deleted.`);
    expect(page.hint).toContain("Keep them puts them back on BlueMind");
    expect(page.questionAfter).toBe(false);

    status = await waitForSync(probe, before, 60_000);
    if (bookStatus(status, MY_CONTACTS).state !== "synced") status = await waitForSync(probe, Date.now(), 60_000);
    expect(bookStatus(status, MY_CONTACTS).state).toBe("synced");
    const expected = await expectedBook(fake, MY_CONTACTS);
    const contacts = await probe.listContacts(book.id);
    expect(contacts.map((c) => c.id).sort()).toEqual([...expected.contacts.keys()].sort());
    expect(contacts).toHaveLength(CONTACTS - DROPPED);
    expect((await addonStatus(probe)).books.find((b) => b.containerUid === MY_CONTACTS)?.problem).toBeNull();
    expect(await tb.quit()).toBe(0);
  });
});

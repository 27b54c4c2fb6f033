// Copies of synced contacts in a real Thunderbird: a contact of "My contacts" copied in the
// address book (the same card under a new UID) is not sent to BlueMind, the options page shows it
// as a copy, and "Remove copies" clicked there deletes it in Thunderbird only.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import type { ProbeClient } from "../thunderbird/probe.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { clickBookButton, inOptionsPage, openOptionsTab, type BookButtonClick } from "./support/options-tab.ts";
import { useProbe } from "./support/probe-suite.ts";
import { JANE, requestSync, startAddon, waitForFirstSync, waitForSync } from "./support/synced.ts";

const MY_CONTACTS = `book:Contacts_${JANE.uid}`;

describeWithThunderbird("copies of synced contacts", () => {
  let fake: FakeBlueMind;
  let probe: ProbeClient;
  useProbe((p) => (probe = p));

  beforeAll(async () => {
    fake = await startFakeBlueMind({ dataset: "minimal" });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("does not send a copy made in the address book, shows it, and Remove copies deletes it here only", async () => {
    const startedAt = Date.now();
    const tb = await startAddon(fake, { probe, extra: { systemAccess: true } });
    await waitForFirstSync(probe, startedAt, 60_000);
    const book = await probe.waitForBook("My contacts", 30_000);
    // Each card by uid and version: any write on BlueMind shows.
    const serverCards = () => (fake.control.snapshot().books.find((b) => b.uid === MY_CONTACTS)?.items ?? []).map((i) => `${i.uid} v${String(i.version)}`);
    const serverBefore = serverCards();
    const original = (await probe.listContacts(book.id)).find((c) => /^EMAIL/m.test(c.properties.vCard ?? ""));
    const vCard = original?.properties.vCard;
    if (original === undefined || vCard === undefined) throw new Error("no contact with an address in My contacts");
    const name = /^FN[^:]*:(.*)$/m.exec(vCard)?.[1]?.trim() ?? "";
    const copyId = await probe.createContact(book.id, vCard.replace(/^UID[^\r\n]*\r?\n/m, ""));

    await waitForSync(probe, await requestSync(probe));
    expect(serverCards()).toEqual(serverBefore);

    await openOptionsTab(tb.marionette!);
    // The book's line about the copy, Remove copies clicked, and the row once it is offered no more.
    const page = await inOptionsPage<BookButtonClick>(tb.marionette!, clickBookButton(MY_CONTACTS, "Remove copies", { appear: 600, gone: 600 }), 90_000);
    expect(page.status).toContain("1 contact of “My contacts” is a copy of a contact already there");
    expect(page.hint).toContain(`“${name}”`);
    expect(page.stillOffered).toBe(false);
    await probe.waitFor(async () => !(await probe.listContacts(book.id)).some((c) => c.id === copyId), { timeoutMs: 30_000, what: "the copy removed" });
    expect((await probe.getContact(original.id)).properties.vCard).toBe(vCard);

    await waitForSync(probe, await requestSync(probe));
    expect(serverCards()).toEqual(serverBefore);
    expect(await tb.quit()).toBe(0);
  });
});

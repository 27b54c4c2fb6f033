// Two-way sync in a real Thunderbird: the probe extension acts as the user (contacts.update,
// addressBooks.create…), and the results are read from the fake BlueMind's state — an edit lands
// on the server, an edit in a read-only book is undone, a book created in Thunderbird appears on
// BlueMind, subscribed with sync on, with its contact.
import { afterAll, beforeAll, expect, it } from "vitest";
import { contactIdFor } from "../../src/sync/contact-uid.ts";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { ProbeClient } from "../thunderbird/probe.ts";
import { useProbe } from "./support/probe-suite.ts";
import { createProfileDir } from "../thunderbird/profile.ts";
import { startThunderbird } from "../thunderbird/runner.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { builtAddonXpi, policiesFor } from "./support/addon.ts";

const JANE = { login: "jdoe@example.com", uid: "u-jdoe" };
const MY_CONTACTS = `book:Contacts_${JANE.uid}`;
const BOBS_CONTACTS = "book:Contacts_u-bob";

/** Replaces (or adds) one property of a vCard as Thunderbird returned it. */
function withProperty(vCard: string, name: string, value: string): string {
  const lines = vCard.replace(/\r?\n[ \t]/g, "").split(/\r?\n/).filter((l) => l !== "" && !new RegExp(`^${name}[;:]`, "i").test(l));
  lines.splice(lines.findIndex((l) => /^END:VCARD/i.test(l)), 0, `${name}:${value}`);
  return lines.join("\r\n");
}

describeWithThunderbird("two-way sync in a real Thunderbird", () => {
  let fake: FakeBlueMind;
  let probe: ProbeClient;
  useProbe((p) => (probe = p));

  /** Once the first sync is over: the `index`-th person of My contacts, as the server and
   * Thunderbird have it, with the request log cleared. */
  async function afterFirstSync(index: number) {
    const card = fake.control.snapshot().books.find((b) => b.uid === MY_CONTACTS)?.items.filter((i) => i.value.kind === "individual")[index];
    if (card === undefined) throw new Error("dataset without cards");
    const id = await contactIdFor(MY_CONTACTS, card.uid);
    const contact = await probe.waitFor(async () => (await probe.listContacts((await probe.waitForBook("My contacts")).id)).find((c) => c.id === id), {
      timeoutMs: 30_000,
      what: "the synced contact",
    });
    await probe.waitFor(async () => fake.requests.some((r) => r.path.includes(encodeURIComponent(BOBS_CONTACTS)) && r.path.includes("_changeset")), { what: "the first sync" });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    fake.control.clearRequestLog();
    return { card, id, contact };
  }

  beforeAll(async () => {
    fake = await startFakeBlueMind({ dataset: "minimal" });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("sends an edit, undoes one in a read-only book, and publishes a book created in Thunderbird", async () => {
    const apiKey = fake.control.datasetInfo().apiKeys[JANE.login];
    if (!apiKey) throw new Error("no API key");
    const tb = await startThunderbird({
      addons: [probe.addon, builtAddonXpi()],
      policies: policiesFor({ serverUrl: fake.url, login: JANE.login, apiKey }),
    });
    await probe.waitForReady();

    // The first sync fills both books.
    const card = fake.control.snapshot().books.find((b) => b.uid === MY_CONTACTS)?.items.find((i) => i.value.kind === "individual");
    const bobsCard = fake.control.snapshot().books.find((b) => b.uid === BOBS_CONTACTS)?.items.find((i) => i.value.kind === "individual");
    if (card === undefined || bobsCard === undefined) throw new Error("dataset without cards");
    const id = await contactIdFor(MY_CONTACTS, card.uid);
    const bobsId = await contactIdFor(BOBS_CONTACTS, bobsCard.uid);
    const mine = await probe.waitFor(async () => (await probe.listContacts((await probe.waitForBook("My contacts")).id)).find((c) => c.id === id), {
      timeoutMs: 30_000,
      what: "the synced contact",
    });
    const bobs = await probe.waitFor(async () => (await probe.listContacts((await probe.waitForBook("My contacts (Bob Martin)")).id)).find((c) => c.id === bobsId), {
      timeoutMs: 30_000,
      what: "Bob's synced contact",
    });
    // Let the first sync finish before editing (its pull would otherwise race the edit).
    await probe.waitFor(async () => fake.requests.some((r) => r.path.includes(encodeURIComponent(BOBS_CONTACTS)) && r.path.includes("_changeset")), { what: "the pull of Bob's book" });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const pushes = () => fake.requests.filter((r) => r.method === "PUT" && r.path.endsWith("/_mupdates")).length;
    // No echo: Thunderbird's events for the add-on's own writes sent nothing back.
    expect(pushes()).toBe(0);

    // 1. An edit in a writable book lands on BlueMind.
    await probe.updateContact(id, withProperty(mine.properties.vCard ?? "", "TITLE", "Edited in Thunderbird"));
    await probe.waitFor(async () => fake.control.getCard(MY_CONTACTS, card.uid)?.value.organizational?.title === "Edited in Thunderbird", {
      timeoutMs: 20_000,
      what: "the edit on the server",
    });

    // 2. An edit in a read-only book is undone; BlueMind is untouched.
    await probe.updateContact(bobsId, withProperty(bobs.properties.vCard ?? "", "TITLE", "Not allowed"));
    await probe.waitFor(async () => !((await probe.getContact(bobsId)).properties.vCard ?? "").includes("Not allowed"), {
      timeoutMs: 20_000,
      what: "the read-only edit to be undone",
    });
    expect(fake.control.getCard(BOBS_CONTACTS, bobsCard.uid)?.value).toEqual(bobsCard.value);

    // 3. A book created in Thunderbird becomes a BlueMind book, subscribed with sync on.
    const bookId = await probe.createBook("Made in Thunderbird");
    const contactId = await probe.createContact(bookId, "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Tess Local\r\nEMAIL:tess@example.org\r\nEND:VCARD");
    const published = await probe.waitFor(
      async () => fake.control.snapshot().books.find((b) => b.name === "Made in Thunderbird" && b.items.some((i) => i.uid === contactId)),
      { timeoutMs: 30_000, what: "the published book and its contact on the server" },
    );
    expect(published.owner).toBe(JANE.uid);
    expect(fake.control.snapshot().subscriptions[JANE.uid]?.find((s) => s.containerUid === published.uid)?.offlineSync).toBe(true);
    // Still one local book of that name, holding the one contact.
    expect((await probe.listBooks()).filter((b) => b.name === "Made in Thunderbird").map((b) => b.id)).toEqual([bookId]);
    // One push for the edit, one for the published book's contact: nothing bounced back.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(pushes()).toBe(2);

    expect(await tb.quit()).toBe(0);
  });

  it("pushes after a restart an edit queued just before Thunderbird quit, once", async () => {
    const apiKey = fake.control.datasetInfo().apiKeys[JANE.login];
    if (!apiKey) throw new Error("no API key");
    const profileDir = createProfileDir();
    const start = () =>
      startThunderbird({ addons: [probe.addon, builtAddonXpi()], profileDir, policies: policiesFor({ serverUrl: fake.url, login: JANE.login, apiKey }) });
    const first = await start();
    await probe.waitForReady();
    const { card, id, contact } = await afterFirstSync(1);

    await probe.updateContact(id, withProperty(contact.properties.vCard ?? "", "NOTE", "queued before quitting"));
    // Long enough for the queue to reach storage, shorter than the push delay (3 s).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await first.quit()).toBe(0);
    expect(fake.requests.filter((r) => r.path.endsWith("/_mupdates"))).toEqual([]);

    const second = await start();
    await probe.waitForReady();
    await probe.waitFor(async () => fake.control.getCard(MY_CONTACTS, card.uid)?.value.explanatory?.note?.includes("queued before quitting") === true, {
      timeoutMs: 30_000,
      what: "the queued edit on the server",
    });
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(fake.requests.filter((r) => r.method === "PUT" && r.path.endsWith("/_mupdates"))).toHaveLength(1);
    expect(await second.quit()).toBe(0);
  });

  it("lets BlueMind win a conflict: the local contact gets the server's values", async () => {
    const apiKey = fake.control.datasetInfo().apiKeys[JANE.login];
    if (!apiKey) throw new Error("no API key");
    const tb = await startThunderbird({
      addons: [probe.addon, builtAddonXpi()],
      policies: policiesFor({ serverUrl: fake.url, login: JANE.login, apiKey }),
    });
    await probe.waitForReady();
    const { card, id, contact } = await afterFirstSync(2);

    // Both sides change the card before the push (3 s after the local edit).
    await probe.updateContact(id, withProperty(contact.properties.vCard ?? "", "TITLE", "Local side"));
    fake.control.updateCard(MY_CONTACTS, card.uid, { ...card.value, organizational: { title: "Server side" } });
    await probe.waitFor(async () => ((await probe.getContact(id)).properties.vCard ?? "").includes("Server side"), {
      timeoutMs: 30_000,
      what: "the server's version in Thunderbird",
    });
    expect(fake.control.getCard(MY_CONTACTS, card.uid)?.value.organizational?.title).toBe("Server side");
    expect(fake.requests.filter((r) => r.method === "PUT" && r.path.endsWith("/_mupdates"))).toEqual([]);
    expect(await tb.quit()).toBe(0);
  });
});

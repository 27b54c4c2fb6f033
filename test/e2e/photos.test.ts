// Photos both ways in a real Thunderbird: a photo the user sets (contacts.setPhoto, as the
// contact editor does) reaches BlueMind as a PNG the background page scaled down to fit BlueMind's
// 1 MiB limit; a photo removed on BlueMind disappears from Thunderbird, the contact keeping its id
// and its mailing lists. The fake server stores photos re-encoded as PNG and refuses 1 MiB, as
// BlueMind does.
import { PNG } from "pngjs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { contactIdFor } from "../../src/sync/contact-uid.ts";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { noisyPng, solidPng } from "../fake-bluemind/png.ts";
import type { ProbeClient } from "../thunderbird/probe.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { useProbe } from "./support/probe-suite.ts";
import { JANE, startAddon, syncAndWait, waitForFirstSync } from "./support/synced.ts";

const MY_CONTACTS = `book:Contacts_${JANE.uid}`;


describeWithThunderbird("photos both ways", () => {
  let fake: FakeBlueMind;
  let probe: ProbeClient;
  useProbe((p) => (probe = p));

  beforeAll(async () => {
    fake = await startFakeBlueMind({ dataset: "minimal" });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("sends a photo set in Thunderbird, scaled to fit, and removes one BlueMind removed", async () => {
    const items = fake.control.snapshot().books.find((b) => b.uid === MY_CONTACTS)?.items ?? [];
    const group = items.find((i) => i.value.kind === "group" && (i.value.organizational?.member ?? []).some((m) => m.itemUid));
    const memberUid = group?.value.organizational?.member?.find((m) => m.itemUid)?.itemUid ?? null;
    const withPhoto = items.find((i) => i.uid === memberUid);
    const withoutPhoto = items.find((i) => i.value.kind === "individual" && i.uid !== withPhoto?.uid);
    if (withPhoto === undefined || withoutPhoto === undefined) throw new Error("dataset without a group member and another card");
    fake.control.setPhoto(MY_CONTACTS, withPhoto.uid, solidPng([30, 60, 90], 48));
    fake.control.setPhoto(MY_CONTACTS, withoutPhoto.uid, null);
    const photoId = await contactIdFor(MY_CONTACTS, withPhoto.uid);
    const plainId = await contactIdFor(MY_CONTACTS, withoutPhoto.uid);

    const startedAt = Date.now();
    const tb = await startAddon(fake, { probe });
    await waitForFirstSync(probe, startedAt, 60_000);
    const downloaded = await probe.waitFor(() => probe.getPhoto(photoId), { timeoutMs: 30_000, what: "the server's photo in Thunderbird" });
    expect(PNG.sync.read(downloaded.bytes)).toMatchObject({ width: 48, height: 48 });
    const book = await probe.waitForBook("My contacts");
    const listsOf = async (contactId: string): Promise<string[]> => {
      const names: string[] = [];
      for (const list of await probe.listMailingLists(book.id)) if ((await probe.listMembers(list.id)).some((m) => m.id === contactId)) names.push(list.name);
      return names.sort();
    };
    const listsBefore = await listsOf(photoId);
    expect(listsBefore.length).toBeGreaterThan(0);

    // 1. A picture far over BlueMind's limit, set by the user: on BlueMind, scaled down, as PNG.
    const big = noisyPng(700);
    expect(big.length).toBeGreaterThan(1024 * 1024);
    await probe.setPhoto(plainId, big, "image/png");
    const sent = await probe.waitFor(async () => fake.state.books.get(MY_CONTACTS)?.photos.get(withoutPhoto.uid), { timeoutMs: 30_000, what: "the photo on BlueMind" });
    expect(sent.length).toBeLessThan(1024 * 1024);
    // Scaled enough at the first try: BlueMind took the first PNG sent.
    expect(fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/photo")).map((r) => r.status)).toEqual([200]);
    const { width, height } = PNG.sync.read(sent);
    expect(width).toBeLessThan(700);
    expect(width).toBeGreaterThan(100);
    expect(height).toBe(width);
    expect(fake.control.getCard(MY_CONTACTS, withoutPhoto.uid)?.value.identification?.photo).toBe(true);
    // Thunderbird keeps the user's own picture.
    expect((await probe.getPhoto(plainId))?.bytes.length).toBe(big.length);

    // 2. Removed on BlueMind (the web app removes it and saves the card): gone here too.
    fake.control.clearRequestLog();
    fake.control.setPhoto(MY_CONTACTS, withPhoto.uid, null);
    fake.control.updateCard(MY_CONTACTS, withPhoto.uid, { ...withPhoto.value, identification: { ...withPhoto.value.identification, photo: false } });
    await syncAndWait(probe);
    await probe.waitFor(async () => (await probe.getPhoto(photoId)) === null || undefined, { timeoutMs: 30_000, what: "the photo gone from Thunderbird" });
    expect((await probe.getContact(photoId)).id).toBe(photoId);
    expect(await listsOf(photoId)).toEqual(listsBefore);
    // Nothing of this went back to BlueMind.
    await syncAndWait(probe);
    const writes = fake.requests.filter((r) => r.method !== "GET" && (r.path.endsWith("/_mupdates") || r.path.endsWith("/photo")));
    expect(writes).toEqual([]);
    expect(fake.control.getCard(MY_CONTACTS, withPhoto.uid)?.value.identification?.photo).toBe(false);
    expect(await tb.quit()).toBe(0);
  });
});

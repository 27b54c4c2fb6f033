// Crash safety of the initial sync in a real Thunderbird: Thunderbird is SIGKILLed in the middle of
// the first sync of a 5,000-contact book, then started again on the same profile. The book must
// end complete — exactly the server's 5,000 contacts, no twin, one book of that name — and the
// second run must resume (reuse what was written) rather than start the book over.
import { expect, it } from "vitest";
import { startFakeBlueMind } from "../fake-bluemind/index.ts";
import { findBook, readProfile } from "../thunderbird/profile-reader.ts";
import { ProbeClient, type ProbeContact } from "../thunderbird/probe.ts";
import { useProbe } from "./support/probe-suite.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import {
  JANE,
  addonStatus,
  bookRequests,
  bookStatus,
  changesetSinces,
  contactDifferences,
  expectedBook,
  localBookNamed,
  startAddon,
  waitForFirstSync,
} from "./support/synced.ts";

const BIG = "book:big-u-jdoe";
const BIG_NAME = "Big book";
const SIZE = 5_000;

describeWithThunderbird("crash in the middle of an initial sync", () => {
  let probe: ProbeClient;
  useProbe((p) => (probe = p));

  it("Thunderbird killed while a 5,000-contact book is being written, then restarted: the book ends complete, without duplicates", async () => {
    const fake = await startFakeBlueMind({ dataset: "minimal" });
    try {
      fake.control.addBook({ uid: BIG, name: BIG_NAME, owner: JANE.uid, items: SIZE });
      fake.control.subscribe(JANE.uid, BIG, true);
      const expected = await expectedBook(fake, BIG);
      expect(expected.contacts.size).toBe(SIZE);

      // First run: killed once a third of the book is written.
      const first = await startAddon(fake, { probe });
      const progressAtKill = await probe.waitFor(
        async () => {
          const book = (await addonStatus(probe)).books.find((b) => b.containerUid === BIG);
          const done = book?.progress?.done ?? 0;
          return done >= 1_500 ? done : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 50, what: "1,500 contacts of the big book written" },
      );
      const bookBeforeKill = await localBookNamed(probe, BIG_NAME);
      await first.kill();
      expect(progressAtKill).toBeLessThan(SIZE * 0.8);
      const firstRunRequests = fake.requests.length;
      expect(changesetSinces(bookRequests(fake, BIG))).toEqual([0]);

      // Second run, same profile.
      const restartedAt = Date.now();
      const second = await startAddon(fake, { probe, profileDir: first.profileDir });
      const sessionId = probe.hellos.at(-1)?.sessionId;
      const status = await waitForFirstSync(probe, restartedAt, 120_000);
      expect(bookStatus(status, BIG)).toMatchObject({ state: "synced", problem: null });

      const books = (await probe.listBooks()).filter((b) => b.name === BIG_NAME);
      expect(books).toHaveLength(1);
      const local = await localBookNamed(probe, BIG_NAME);
      const contacts = await probe.listContacts(local.id);
      expect(contacts).toHaveLength(SIZE);
      expect(new Set(contacts.map((c) => c.id)).size).toBe(SIZE);
      expect(contactDifferences(contacts, expected)).toEqual([]);

      // Resumed, not redone: the version was not stored, so the changeset is read from 0 again,
      // but the contacts written before the kill are not created a second time.
      expect(changesetSinces(bookRequests(fake, BIG, firstRunRequests))).toEqual([0]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const secondRun = probe.events.filter((e) => e.sessionId === sessionId);
      const created = secondRun.filter((e) => e.type === "contacts.onCreated" && (e.args[0] as ProbeContact).parentId === local.id).length;
      const deleted = secondRun.filter((e) => e.type === "contacts.onDeleted").length;
      console.log(`crash test: ${progressAtKill} of ${SIZE} cards handled at the kill; ${created} contacts created after the restart`);
      expect(deleted).toBe(0);
      // Thunderbird itself may lose the registration of a book created shortly before a SIGKILL
      // (test/thunderbird/README.md); the add-on then rightly starts a new book. Otherwise the
      // contacts already written must be found, not created again.
      if (local.id === bookBeforeKill.id) expect(created).toBeLessThanOrEqual(SIZE - 1_000);
      else console.log("crash test: Thunderbird lost the book's registration in the kill; resumption not measurable");

      // And so on disk, after a clean quit.
      expect(await second.quit()).toBe(0);
      const profile = await readProfile(second.profileDir);
      expect(profile.books.filter((b) => b.name === BIG_NAME)).toHaveLength(1);
      const onDisk = findBook(profile, BIG_NAME);
      expect(onDisk?.contacts).toHaveLength(SIZE);
      expect(new Set(onDisk?.contacts.map((c) => c.uid))).toEqual(new Set(expected.contacts.keys()));
    } finally {
      await fake.close();
    }
  });
});

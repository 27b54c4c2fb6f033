// Faults during a sync, in a real Thunderbird: 500s, a slow answer, dropped connections, a 401 in
// the middle, a garbled body and one card whose value is not a card. The sync must complete for
// everything valid, report the bad card with its reason, duplicate and lose nothing — and take the
// card once BlueMind serves it properly.
import { expect, it } from "vitest";
import type { VCard } from "../../src/bluemind/models.ts";
import { startFakeBlueMind, type FakeBlueMind, type FaultRule } from "../fake-bluemind/index.ts";
import { ProbeClient } from "../thunderbird/probe.ts";
import { useProbe } from "./support/probe-suite.ts";
import { openOptionsTab, readOptionsPage } from "./support/options-tab.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import {
  JANE,
  addonStatus,
  bookRequests,
  bookStatus,
  changesetSinces,
  contactDifferences,
  countOf,
  expectedBook,
  localBookNamed,
  requestSync,
  startAddon,
  syncAndWait,
  waitForFirstSync,
  type ExpectedBook,
} from "./support/synced.ts";

const FAULTY = "book:faulty-u-jdoe";
const FAULTY_NAME = "Faulty";
const SIZE = 1_000;
const MGET = new RegExp(`^/api/addressbooks/${encodeURIComponent(FAULTY)}/_mget$`);

/**
 * Injects `faults` one after the other on the book's _mget: each once the previous one was served
 * and another _mget answered normally, so that they hit different requests (a request retried
 * three times in a row would rightly fail).
 */
function injectInTurn(fake: FakeBlueMind, faults: Omit<FaultRule, "pathPattern">[]): { stop(): void } {
  let next = 0;
  let okSeen = 0;
  const timer = setInterval(() => {
    const oks = bookRequests(fake, FAULTY).filter((r) => MGET.test(r.path) && r.status === 200).length;
    if (oks <= okSeen || fake.faults.active().length > 0) return;
    okSeen = oks;
    const fault = faults[next++];
    if (fault) fake.faults.inject({ ...fault, pathPattern: MGET });
    else clearInterval(timer);
  }, 2);
  return { stop: () => clearInterval(timer) };
}

describeWithThunderbird("faults during a sync", () => {
  let probe: ProbeClient;
  useProbe((p) => (probe = p));

  it("500s, a delay, dropped connections, a 401, a garbled body and a bad card: everything valid arrives once, the bad card is reported, then fixed", async () => {
    const fake = await startFakeBlueMind({ dataset: "minimal" });
    try {
      fake.control.addBook({ uid: FAULTY, name: FAULTY_NAME, owner: JANE.uid, items: SIZE, groups: 5 });
      fake.control.subscribe(JANE.uid, FAULTY, true);
      // One card whose stored value is not a card: BlueMind sends it as is inside its _mget batch.
      const book = fake.state.books.get(FAULTY);
      const bad = [...(book?.items.values() ?? [])].find((i) => i.value.kind !== "group" && i.value.identification?.photo !== true);
      if (!book || !bad) throw new Error("no card to break");
      const goodValue = bad.value;
      book.items.set(bad.uid, { ...bad, value: "not a card" as unknown as VCard });
      const expected: ExpectedBook = await expectedBook(fake, FAULTY);
      const badId = [...expected.contacts.values()].find((c) => c.source === bad.uid)?.id as string;
      expected.contacts.delete(badId);

      // Faults before the book's pull, then on its _mget one after the other.
      fake.faults.inject({ method: "GET", pathPattern: "/api/users/*/subscriptions/*", kind: "drop" });
      fake.faults.inject({ method: "GET", pathPattern: `/api/addressbooks/${encodeURIComponent(FAULTY)}/_changeset`, kind: "status", status: 503 });
      const turns = injectInTurn(fake, [
        { kind: "status", status: 500 },
        { kind: "delay", delayMs: 1_500 },
        { kind: "drop" },
        { kind: "expire" },
        { kind: "malformed" },
        { kind: "status", status: 502 },
      ]);

      const startedAt = Date.now();
      const tb = await startAddon(fake, { probe, extra: { systemAccess: true } });
      const status = await waitForFirstSync(probe, startedAt, 90_000);
      turns.stop();

      // Every fault was met.
      const mgets = bookRequests(fake, FAULTY).filter((r) => MGET.test(r.path));
      const statuses = mgets.map((r) => r.status);
      expect(statuses).toEqual(expect.arrayContaining([500, 0, 401, 502]));
      expect(mgets.some((r) => r.durationMs >= 1_400)).toBe(true);
      expect(fake.faults.active()).toEqual([]);
      expect(fake.requests.find((r) => r.path.includes("/subscriptions/"))?.status).toBe(0);
      expect(bookRequests(fake, FAULTY).filter((r) => r.path.includes("/_changeset")).map((r) => r.status)).toEqual([503, 200]);

      // The sync completed; the account is fine; the bad card is reported with its reason.
      expect(status.account.status).toBe("connected");
      const faulty = bookStatus(status, FAULTY);
      expect(faulty.state).toBe("synced");
      expect(faulty.problem).toBe("bookCardsNotSynced");
      // The values are for the user's own pages: read where the user reads them.
      await openOptionsTab(tb.marionette!);
      const page = await readOptionsPage(tb.marionette!);
      expect(page.books[FAULTY]).toMatch(/^Synchronized at .+1 cards could not be synced \(see the activity log\)\.$/);
      expect(page.activity).toContain(`Card ${bad.uid} not synced: BlueMind sent a value that is not a card`);
      for (const other of ["book:Contacts_u-jdoe", "book:CollectedContacts_u-jdoe", "book:Contacts_u-bob"]) {
        expect(bookStatus(status, other)).toMatchObject({ state: "synced", problem: null });
      }

      // Everything valid, once.
      const local = await localBookNamed(probe, FAULTY_NAME);
      const contacts = await probe.listContacts(local.id);
      expect(contactDifferences(contacts, expected)).toEqual([]);
      expect(contacts).toHaveLength(expected.contacts.size);

      // BlueMind serves the card properly again (any edit): the next sync takes it, and only it.
      fake.control.updateCard(FAULTY, bad.uid, goodValue);
      const logFrom = fake.requests.length;
      const next = await syncAndWait(probe);
      expect(bookStatus(next, FAULTY)).toMatchObject({ state: "synced", problem: null });
      const requests = bookRequests(fake, FAULTY, logFrom);
      expect(changesetSinces(requests)[0]).toBeGreaterThan(0);
      expect(countOf(requests, "POST", /\/_mget$/)).toBe(1);
      const fixed = await probe.listContacts(local.id);
      expect(contactDifferences(fixed, await expectedBook(fake, FAULTY))).toEqual([]);
      expect(fixed).toHaveLength(expected.contacts.size + 1);
    } finally {
      await fake.close();
    }
  });

  it("an API key deleted on the server: one sync ends in \"needs sign-in\", the local books stay, and nothing more is sent", async () => {
    const fake = await startFakeBlueMind({ dataset: "minimal" });
    try {
      const startedAt = Date.now();
      await startAddon(fake, { probe });
      await waitForFirstSync(probe, startedAt);
      const before = await probe.listContacts((await localBookNamed(probe, "My contacts")).id);

      const sid = fake.control.datasetInfo().apiKeys[JANE.login] as string;
      fake.state.apiKeys.delete(sid);
      const status = await syncAndWait(probe);
      expect(status.account.status).toBe("needs-sign-in");
      expect(status.account.problem).toBe("errorApiKeyRefused");
      // Refused twice (the retry of a one-off refusal), then silence.
      const refused = fake.requests.filter((r) => r.status === 401);
      expect(refused).toHaveLength(2);
      const logFrom = fake.requests.length;
      await requestSync(probe);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(fake.requests.slice(logFrom)).toEqual([]);
      expect((await addonStatus(probe)).account.status).toBe("needs-sign-in");
      // Nothing local is thrown away because the server refused us.
      expect(await probe.listContacts((await localBookNamed(probe, "My contacts")).id)).toHaveLength(before.length);
    } finally {
      await fake.close();
    }
  });
});

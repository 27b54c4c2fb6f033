import { vCardContentHash } from "../../vcard/index.ts";
import { describe, expect, it } from "vitest";
import type { ItemValue, VCard } from "../../bluemind/models.ts";
import { InMemoryThunderbird } from "../../../test/unit/in-memory-thunderbird.ts";
import { contactIdFor } from "../contact-uid.ts";
import { BaseCopies } from "../state/base-copies.ts";
import { BookLedger } from "../state/book-ledger.ts";
import { pullBook, type PullOptions, type PullOutcome } from "./book-pull.ts";
import { CHECKPOINT_EVERY, checkpointInterval, MAX_CHECKPOINTS } from "./pull-types.ts";
import { silentReporter, type SyncReporter } from "../reporter.ts";
import { SyncCancelledError } from "../sync-errors.ts";
import { emptyBookState, type BookSyncState } from "../state/sync-state.ts";
import { group, individual, MemoryBook, pngBytes } from "../../../test/support/memory-content.ts";
import { inEnglish, text } from "../../shared/user-text.ts";

const BOOK = "book:A";

interface Rig {
  tb: InMemoryThunderbird;
  server: MemoryBook;
  bookId: string;
  state: BookSyncState;
  saves: BookSyncState[];
  logs: string[];
  /** The book's `_itemCount` the next pulls are given (null: unknown). */
  itemCount: number | null;
  pull(options?: PullOptions, signal?: AbortSignal): Promise<PullOutcome>;
}

async function rig(): Promise<Rig> {
  const tb = new InMemoryThunderbird();
  const server = new MemoryBook();
  const bookId = await tb.asUser.createBook("A");
  const saves: BookSyncState[] = [];
  const bases = new BaseCopies(tb.localStore, BOOK);
  const logs: string[] = [];
  const reporter: SyncReporter = { ...silentReporter, log: (level, message) => logs.push(`${level}: ${inEnglish(message)}`) };
  let fresh = true;
  const r: Rig = {
    tb,
    server,
    bookId,
    state: emptyBookState(BOOK, 1),
    saves,
    logs,
    itemCount: null,
    async pull(options = {}, signal) {
      const outcome = await pullBook(
        {
          containerUid: BOOK,
          localBookId: bookId,
          freshBook: fresh,
          internalId: 1,
          itemCount: r.itemCount,
          ledger: new BookLedger(r.state, bases, async (s) => void saves.push(structuredClone(s))),
          readOnly: false,
        },
        { books: tb.addressBooks, content: server, reporter, now: () => 1_000, signal },
        options,
      );
      fresh = false;
      return outcome;
    },
  };
  return r;
}

const idOf = (uid: string): Promise<string> => contactIdFor(BOOK, uid);
const withPhoto = (name: string): VCard => individual(name, `${name.toLowerCase()}@example.org`, { identification: { formatedName: { value: name }, photo: true } });

describe("pullBook", () => {
  it("fills a fresh book and stores the version last", async () => {
    const r = await rig();
    for (let i = 0; i < 5; i++) r.server.put(`c${i}`, individual(`Card ${i}`, `c${i}@example.org`));
    const outcome = await r.pull();
    expect(outcome.counts).toMatchObject({ created: 5, updated: 0, deleted: 0, failed: 0 });
    expect(outcome.listedLocalBook).toBe(false);
    expect(r.tb.contactCount(r.bookId)).toBe(5);
    expect(r.state.version).toBe(5);
    expect(r.saves.at(-1)?.version).toBe(5);
    expect(r.tb.calls.listContacts).toBe(0);
  });

  it("an empty _all at the daily check, or a changeset from 0 short of the count, deletes nothing and fails the pull", async () => {
    const r = await rig();
    for (let i = 0; i < 4; i++) r.server.put(`c${i}`, individual(`Card ${i}`));
    await r.pull();
    const allUids = r.server.allUids.bind(r.server);
    r.server.allUids = async () => [];
    const day = { fullCheckIntervalMs: 0 };
    await expect(r.pull(day)).rejects.toThrow(/listed 0 items in this address book, which could not be counted: nothing was removed/);
    expect(r.tb.contactCount(r.bookId)).toBe(4);
    expect(Object.keys(r.state.contacts)).toHaveLength(4);
    expect(r.state.version).toBe(4);

    // The count confirms an empty book: then the listing is the truth.
    r.itemCount = 0;
    for (let i = 0; i < 4; i++) r.server.remove(`c${i}`);
    r.server.allUids = allUids;
    await r.pull(day);
    expect(r.tb.contactCount(r.bookId)).toBe(0);

    const since0 = await rig();
    for (let i = 0; i < 40; i++) since0.server.put(`c${i}`, individual(`Card ${i}`));
    await since0.pull();
    since0.state.version = 0;
    since0.itemCount = 40;
    const changeset = since0.server.changeset.bind(since0.server);
    since0.server.changeset = async (since) => ({ ...(await changeset(since)), created: ["c0", "c1"] });
    await expect(since0.pull()).rejects.toThrow(/listed 2 items in this address book, which counts 40/);
    expect(since0.tb.contactCount(since0.bookId)).toBe(40);
  });

  it("does not rewrite the stored state when nothing changed, and does as soon as something did", async () => {
    const r = await rig();
    for (let i = 0; i < 3; i++) r.server.put(`c${i}`, individual(`Card ${i}`));
    await (await r.pull()).finishing;
    const savesAfterFirst = r.saves.length;
    await r.pull();
    expect(r.saves.length).toBe(savesAfterFirst);
    r.server.put("c1", individual("Card one, renamed"));
    await r.pull();
    expect(r.saves.length).toBe(savesAfterFirst + 1);
    expect(r.saves.at(-1)?.version).toBe(r.state.version);
  });

  it("hashes created contacts once the book is complete, and saves them", async () => {
    const r = await rig();
    for (let i = 0; i < 3; i++) r.server.put(`c${i}`, individual(`Card ${i}`));
    const outcome = await r.pull();
    // Right after the pull, before any timer ran: the hashes are still to come.
    const rightAfter = Object.values(r.state.contacts).map((c) => c.h);
    await outcome.finishing;
    expect(rightAfter).toEqual([null, null, null]);
    const ids = await Promise.all(["c0", "c1", "c2"].map(idOf));
    for (const id of ids) {
      const written = (await r.tb.asUser.getContact(id))!.vCard;
      expect(r.state.contacts[id]?.h).toBe(vCardContentHash(written));
    }
    expect(Object.values(r.saves.at(-1)!.contacts).every((c) => c.h !== null)).toBe(true);
  });

  it("checkpoints during a long pull with the old version, the new one only at the end", async () => {
    const r = await rig();
    for (let i = 0; i < 35; i++) r.server.put(`c${i}`, individual(`Card ${i}`));
    await r.pull({ batchSize: 10, checkpointEvery: 10, fetchConcurrency: 1 });
    // First, before any write: the version a first pull writes from (BookSyncState.firstPullFrom).
    const [note, ...rest] = r.saves;
    expect(note?.firstPullFrom).toBe(35);
    expect(note?.contacts).toEqual({});
    expect(r.saves.at(-1)?.firstPullFrom).toBeUndefined();
    const checkpoints = rest.slice(0, -1);
    expect(checkpoints.length).toBeGreaterThanOrEqual(3);
    expect(checkpoints.every((s) => s.version === 0)).toBe(true);
    expect(Object.keys(checkpoints[0]?.contacts ?? {}).length).toBe(10);
    expect(r.saves.at(-1)?.version).toBe(35);
  });

  it("a card that turns into a group loses its contact and gets a list, and back", async () => {
    const r = await rig();
    r.server.put("m", individual("Member", "m@example.org"));
    r.server.put("x", individual("Was a card", "x@example.org"));
    await r.pull();
    r.server.put("x", group("Now a group", [{ containerUid: BOOK, itemUid: "m" }]));
    await r.pull();
    expect(await r.tb.asUser.getContact(await idOf("x"))).toBeNull();
    const lists = await r.tb.asUser.listLists(r.bookId);
    expect(lists.map((l) => l.name)).toEqual(["Now a group"]);
    expect((await r.tb.asUser.listMembers(lists[0]?.id ?? "")).map((c) => c.id)).toEqual([await idOf("m")]);

    r.server.put("x", individual("A card again", "x@example.org"));
    await r.pull();
    expect(await r.tb.asUser.listLists(r.bookId)).toEqual([]);
    expect(await r.tb.asUser.getContact(await idOf("x"))).not.toBeNull();
    expect(r.state.groups).toEqual({});
  });

  it("photos: set once, not set again for the same bytes, set again for new bytes", async () => {
    const r = await rig();
    r.server.put("p", withPhoto("Pic"));
    r.server.photos.set("p", pngBytes(1));
    await r.pull();
    expect(r.tb.calls.setContactPhoto).toBe(1);
    expect(r.tb.photoOf(await idOf("p"))?.type).toBe("image/png");

    r.server.put("p", { ...withPhoto("Pic"), explanatory: { note: "edited" } });
    await r.pull();
    expect(r.tb.calls.updateContact).toBe(1);
    expect(r.tb.calls.setContactPhoto).toBe(1);

    r.server.put("p", { ...withPhoto("Pic"), explanatory: { note: "edited again" } });
    r.server.photos.set("p", pngBytes(2));
    await r.pull();
    expect(r.tb.calls.setContactPhoto).toBe(2);
  });

  it("a photo that fails to download is retried at the next pull without rewriting the contact", async () => {
    const r = await rig();
    r.server.put("p", withPhoto("Pic"));
    r.server.photos.set("p", pngBytes());
    let fail = true;
    r.server.beforeCall = (call) => {
      if (call === "photo" && fail) throw new Error("photo server down");
    };
    await r.pull();
    expect(r.state.retry.p).toMatch(/photo not downloaded/);
    expect(r.logs.some((l) => l.startsWith("warning: Photo of card p not downloaded"))).toBe(true);
    fail = false;
    r.tb.resetCalls();
    await r.pull();
    expect(r.tb.calls.createContact + r.tb.calls.updateContact).toBe(0);
    expect(r.tb.calls.setContactPhoto).toBe(1);
    expect(r.state.retry).toEqual({});
  });

  it("a new photo Thunderbird failed to store is stored at the next pull", async () => {
    const r = await rig();
    r.server.put("p", withPhoto("Pic"));
    r.server.photos.set("p", pngBytes(1));
    await r.pull();
    r.server.put("p", { ...withPhoto("Pic"), explanatory: { note: "new photo" } });
    r.server.photos.set("p", pngBytes(2));
    const original = r.tb.addressBooks.setContactPhoto;
    r.tb.addressBooks.setContactPhoto = () => Promise.reject(new Error("disk full"));
    await r.pull();
    expect(r.state.retry.p).toMatch(/photo not stored: disk full/);
    r.tb.addressBooks.setContactPhoto = original;
    await r.pull();
    expect(r.tb.photoOf(await idOf("p"))?.bytes).toEqual(pngBytes(2));
    expect(r.state.retry).toEqual({});
  });

  it("an image Thunderbird cannot take is skipped with a warning", async () => {
    const r = await rig();
    r.server.put("g", withPhoto("Gif"));
    r.server.photos.set("g", new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]));
    await r.pull();
    expect(r.tb.calls.setContactPhoto).toBe(0);
    expect(r.logs.some((l) => /only takes PNG and JPEG/.test(l))).toBe(true);
    expect(r.state.retry).toEqual({});
  });

  it("stops a book whose every write is refused, without moving its version", async () => {
    const r = await rig();
    for (let i = 0; i < 30; i++) r.server.put(`c${i}`, individual(`Card ${i}`));
    r.tb.addressBooks.createContact = () => Promise.reject(new Error("database is locked"));
    await expect(r.pull({ maxConsecutiveWriteFailures: 10 })).rejects.toThrow(/refused 10 contacts in a row.*database is locked/);
    expect(r.state.version).toBe(0);
  });

  it("a group waiting for a member card that failed is fetched again and completed", async () => {
    const r = await rig();
    r.server.put("m", individual("Member", "m@example.org"));
    r.server.put("g", group("Team", [{ containerUid: BOOK, itemUid: "m" }]));
    let broken = true;
    r.server.mapMget = (items) => items.map((i) => (broken && i.uid === "m" ? ({ ...i, value: { kind: "individual" } } as ItemValue<VCard>) : i));
    const convert = (card: VCard, id: string) =>
      card.identification === undefined ? { ok: false as const, uid: id, reason: text("vcardEmpty") } : { ok: true as const, value: `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${card.identification.formatedName?.value}\r\nEMAIL:m@example.org\r\nUID:${id}\r\nEND:VCARD\r\n`, warnings: [] };
    await r.pull({ convert });
    expect(Object.keys(r.state.retry).sort()).toEqual(["g", "m"]);
    const list = (await r.tb.asUser.listLists(r.bookId))[0];
    expect(await r.tb.asUser.listMembers(list?.id ?? "")).toEqual([]);

    broken = false;
    await r.pull({ convert });
    expect(r.state.retry).toEqual({});
    expect((await r.tb.asUser.listMembers(list?.id ?? "")).map((c) => c.id)).toEqual([await idOf("m")]);
  });

  it("a member Thunderbird refused to add is added at the next pull", async () => {
    const r = await rig();
    r.server.put("m", individual("Member", "m@example.org"));
    r.server.put("g", group("Team", [{ containerUid: BOOK, itemUid: "m" }]));
    const original = r.tb.addressBooks.addMember;
    r.tb.addressBooks.addMember = () => Promise.reject(new Error("busy"));
    await r.pull();
    expect(r.state.retry.g).toMatch(/mailing list not written: busy/);
    r.tb.addressBooks.addMember = original;
    await r.pull();
    const list = (await r.tb.asUser.listLists(r.bookId))[0];
    expect((await r.tb.asUser.listMembers(list?.id ?? "")).map((c) => c.id)).toEqual([await idOf("m")]);
    expect(r.state.retry).toEqual({});
    expect(await r.tb.asUser.listLists(r.bookId)).toHaveLength(1);
  });

  it("logs conversion warnings for a few cards, then one summary line", async () => {
    const r = await rig();
    for (let i = 0; i < 8; i++) r.server.put(`c${i}`, individual(`Card ${i}`));
    const convert = (card: VCard, id: string) => ({ ok: true as const, value: `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${card.identification?.formatedName?.value}\r\nUID:${id}\r\nEND:VCARD\r\n`, warnings: [text("vcardPartialDate", text("fieldBirthday"), "--03-15")] });
    await r.pull({ convert });
    expect(r.logs.filter((l) => /birthday: "--03-15" has no full date/.test(l))).toHaveLength(5);
    expect(r.logs).toContain("info: 3 more cards had data Thunderbird cannot hold.");
  });

  it("cancelled: rejects, keeps what was written, leaves the version", async () => {
    const r = await rig();
    for (let i = 0; i < 50; i++) r.server.put(`c${i}`, individual(`Card ${i}`));
    const controller = new AbortController();
    const original = r.tb.addressBooks.createContact;
    let n = 0;
    r.tb.addressBooks.createContact = async (bookId, vCard) => {
      const id = await original(bookId, vCard);
      if (++n === 20) controller.abort();
      return id;
    };
    await expect(r.pull({ batchSize: 10 }, controller.signal)).rejects.toBeInstanceOf(SyncCancelledError);
    expect(r.state.version).toBe(0);
    expect(Object.keys(r.saves.at(-1)?.contacts ?? {}).length).toBe(r.tb.contactCount(r.bookId));
  });
});

describe("checkpointInterval", () => {
  // Each checkpoint writes the whole book's records: their count must not grow with the book,
  // or a first sync writes bytes in the square of its size (issue 13: 50,000 contacts).
  it("checkpoints a big first sync at most ten times, a small one every 1,000 cards", () => {
    for (const cards of [10_000, 50_000, 200_000]) expect(Math.ceil(cards / checkpointInterval(cards))).toBeLessThanOrEqual(MAX_CHECKPOINTS);
    expect(checkpointInterval(5_000)).toBe(CHECKPOINT_EVERY);
    expect(checkpointInterval(0)).toBe(CHECKPOINT_EVERY);
  });
});

import { describe, expect, it } from "vitest";
import type { AddressBookInfo } from "../thunderbird/types.ts";
import { planBooks } from "./book-plan.ts";
import type { RemoteBook } from "../books/remote-books.ts";
import type { SyncIndex } from "./state/sync-state.ts";

function remote(containerUid: string, sync: boolean, displayName = containerUid): RemoteBook {
  return {
    containerUid,
    serverName: displayName,
    displayName,
    ownerUid: "u1",
    ownerDisplayName: "Jane",
    ownedByUser: true,
    isDomainDirectory: false,
    sync,
    readOnly: false,
    internalId: 1,
  };
}

function local(id: string, name: string): AddressBookInfo {
  return { id, name, readOnly: false, remote: false };
}

function index(entries: Record<string, string>): SyncIndex {
  return { schema: 1, books: Object.fromEntries(Object.entries(entries).map(([uid, localBookId]) => [uid, { localBookId }])) };
}

/** No book was missing from the previous listing. */
const NONE: ReadonlySet<string> = new Set();

describe("planBooks", () => {
  it("creates a local book for a synced subscription without one", () => {
    const a = remote("book:A", true, "My contacts");
    expect(planBooks([a], index({}), [], NONE)).toEqual({ operations: [{ kind: "create", book: a }], unsynced: [], unlisted: [] });
  });

  it("keeps a synced book, renaming it only when the name differs", () => {
    const a = remote("book:A", true, "Renamed");
    const b = remote("book:B", true, "Same");
    const plan = planBooks([a, b], index({ "book:A": "L1", "book:B": "L2" }), [local("L1", "Old"), local("L2", "Same")], NONE);
    expect(plan.operations).toEqual([
      { kind: "keep", book: a, localBookId: "L1", rename: "Renamed" },
      { kind: "keep", book: b, localBookId: "L2", rename: null },
    ]);
  });

  it("reports a synced book whose local copy the user deleted as missing", () => {
    const a = remote("book:A", true);
    expect(planBooks([a], index({ "book:A": "gone" }), [local("other", "x")], NONE).operations).toEqual([{ kind: "missing", book: a, localBookId: "gone" }]);
  });

  it("sync switched off: removes the local copy and lists the book as unsynced", () => {
    const a = remote("book:A", false);
    expect(planBooks([a], index({ "book:A": "L1" }), [local("L1", "A")], NONE)).toEqual({
      operations: [{ kind: "remove", containerUid: "book:A", localBookId: "L1", reason: "sync-off", book: a }],
      unsynced: [a],
      unlisted: [],
    });
  });

  it("an unsynced book never synced: only listed as unsynced", () => {
    const d = remote("addressbook_example.com", false);
    expect(planBooks([d], index({}), [], NONE)).toEqual({ operations: [], unsynced: [d], unlisted: [] });
  });

  it("unsubscribed (or container gone): removes the local copy, or only forgets it when already gone", () => {
    const plan = planBooks([], index({ "book:A": "L1", "book:B": "gone" }), [local("L1", "A")], new Set(["book:A", "book:B"]));
    expect(plan.operations).toEqual([
      { kind: "remove", containerUid: "book:A", localBookId: "L1", reason: "unsubscribed", book: null },
      { kind: "forget", containerUid: "book:B", reason: "unsubscribed" },
    ]);
  });

  it("a synced book missing from one listing is left alone until the next listing misses it too", () => {
    const books = index({ "book:A": "L1", "book:B": "L2" });
    const locals = [local("L1", "A"), local("L2", "B")];
    const first = planBooks([remote("book:B", true, "B")], books, locals, NONE);
    expect(first.operations).toEqual([{ kind: "keep", book: remote("book:B", true, "B"), localBookId: "L2", rename: null }]);
    expect(first.unlisted).toEqual(["book:A"]);
    // Listed again: nothing was confirmed, and nothing is pending any more.
    const back = planBooks([remote("book:A", true, "A"), remote("book:B", true, "B")], books, locals, new Set(first.unlisted));
    expect(back.operations.map((o) => o.kind)).toEqual(["keep", "keep"]);
    expect(back.unlisted).toEqual([]);
    // Missing twice in a row: it goes.
    const second = planBooks([remote("book:B", true, "B")], books, locals, new Set(first.unlisted));
    expect(second.operations).toContainEqual({ kind: "remove", containerUid: "book:A", localBookId: "L1", reason: "unsubscribed", book: null });
  });

  it("sync off with the local copy already gone: forget", () => {
    expect(planBooks([remote("book:A", false)], index({ "book:A": "gone" }), [], NONE).operations).toEqual([{ kind: "forget", containerUid: "book:A", reason: "sync-off" }]);
  });

  it("never touches Thunderbird books it did not create, and ignores a repeated subscription", () => {
    const a = remote("book:A", true);
    const plan = planBooks([a, { ...a, displayName: "dup" }], index({}), [local("P", "Personal Address Book")], NONE);
    expect(plan.operations).toEqual([{ kind: "create", book: a }]);
  });
});

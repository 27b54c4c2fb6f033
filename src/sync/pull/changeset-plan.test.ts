import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideContactWrite, FULL_CHECK_INTERVAL_MS, LISTING_SHORTFALL_ITEMS, listingContradictsCount, planPull, planPullStart } from "./changeset-plan.ts";
import { versionOf } from "../item-ids.ts";
import { emptyBookState, type BookSyncState, type ContactRecord } from "../state/sync-state.ts";
import { MemoryBook, individual } from "../../../test/support/memory-content.ts";

const NOW = 1_000_000_000;

function state(patch: Partial<BookSyncState>): BookSyncState {
  return { ...emptyBookState("book:A", 5), ...patch };
}

describe("planPullStart", () => {
  it("a book never fully applied starts from 0", () => {
    expect(planPullStart(state({}), 5, NOW)).toEqual({ since: 0, recreated: false, fullCheck: false });
  });

  it("a book synced before continues from its version", () => {
    expect(planPullStart(state({ version: 40, lastFullCheck: NOW - 1000 }), 5, NOW)).toEqual({ since: 40, recreated: false, fullCheck: false });
  });

  it("a new internalId means a re-created container: from 0", () => {
    expect(planPullStart(state({ version: 40, lastFullCheck: NOW }), 6, NOW)).toEqual({ since: 0, recreated: true, fullCheck: false });
  });

  it("an unknown internalId on either side is not taken as a re-creation", () => {
    expect(planPullStart(state({ version: 40, lastFullCheck: NOW, internalId: null }), 6, NOW).recreated).toBe(false);
    expect(planPullStart(state({ version: 40, lastFullCheck: NOW }), null, NOW).recreated).toBe(false);
  });

  it("asks for a full check against _all once the interval has passed, or if it never ran", () => {
    expect(planPullStart(state({ version: 40, lastFullCheck: NOW - FULL_CHECK_INTERVAL_MS }), 5, NOW).fullCheck).toBe(true);
    expect(planPullStart(state({ version: 40, lastFullCheck: NOW - FULL_CHECK_INTERVAL_MS + 1 }), 5, NOW).fullCheck).toBe(false);
    expect(planPullStart(state({ version: 40, lastFullCheck: null }), 5, NOW).fullCheck).toBe(true);
    expect(planPullStart(state({ version: 40, lastFullCheck: NOW - 10 }), 5, NOW, 5).fullCheck).toBe(true);
  });
});

describe("planPull", () => {
  const known = (...uids: string[]): Set<string> => new Set(uids);

  it("since 0: fetch everything, drop what the server no longer has", () => {
    const plan = planPull({ since: 0, changeset: { created: ["a", "b"], updated: [], deleted: [], version: 9 }, allUids: null, knownItems: known("a", "z"), retry: ["zz"] });
    expect(plan).toEqual({ deletions: ["z"], fetch: ["a", "b"], serverUids: new Set(["a", "b"]), droppedRetries: ["zz"], confirmGone: [] });
  });

  it("incremental: an item the push wrote after `since` that the changeset does not name is fetched, to go if the server lacks it", () => {
    // A card added by the push at version 7, deleted by another client at 8: a changeset from 5
    // names neither (created and deleted within the window).
    const plan = planPull({ since: 5, changeset: { created: [], updated: ["u"], deleted: ["d"], version: 9 }, allUids: null, knownItems: known("p", "u", "d"), retry: [], recordedAfter: ["p", "u", "d"] });
    expect(plan.fetch.sort()).toEqual(["p", "u"]);
    expect(plan.deletions).toEqual(["d"]);
    expect(plan.confirmGone).toEqual(["p"]);
  });

  it("incremental: deletions, created and updated, plus retries still on the server", () => {
    const plan = planPull({
      since: 5,
      changeset: { created: ["n"], updated: ["u"], deleted: ["d", "r2"], version: 9 },
      allUids: null,
      knownItems: known("u", "d"),
      retry: ["r1", "r2"],
    });
    expect(plan.deletions).toEqual(["d", "r2"]);
    expect(plan.fetch).toEqual(["n", "u", "r1"]);
    expect(plan.serverUids).toBeNull();
    expect(plan.droppedRetries).toEqual(["r2"]);
  });

  it("a uid deleted and re-created goes first, then comes back", () => {
    const plan = planPull({ since: 5, changeset: { created: ["x"], updated: [], deleted: ["x"], version: 9 }, allUids: null, knownItems: known("x"), retry: [] });
    expect(plan.deletions).toEqual(["x"]);
    expect(plan.fetch).toEqual(["x"]);
  });

  it("with _all: what the state knows and the server lacks goes, what the server has and the state lacks is fetched", () => {
    const plan = planPull({ since: 5, changeset: { created: [], updated: [], deleted: [], version: 5 }, allUids: ["a", "new"], knownItems: known("a", "purged"), retry: [] });
    expect(plan.deletions).toEqual(["purged"]);
    expect(plan.fetch).toEqual(["new"]);
    expect(plan.serverUids).toEqual(new Set(["a", "new"]));
  });

  it("model check: applying the plan always leaves the local set equal to the server's (incremental and full)", async () => {
    const pool = ["a", "b", "c", "d", "e", "f"];
    const op = fc.record({ kind: fc.constantFrom("put", "remove"), uid: fc.constantFrom(...pool) });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), fc.array(op, { maxLength: 12 }), fc.boolean(), fc.subarray(pool), async (before, after, full, drift) => {
        const server = new MemoryBook();
        const apply = (ops: { kind: string; uid: string }[]): void => {
          for (const o of ops) {
            if (o.kind === "put") server.put(o.uid, individual(o.uid));
            else server.remove(o.uid);
          }
        };
        apply(before);
        const since = server.version;
        // The local side knows the server's set at `since`, except in a full check where the state drifted.
        const local = new Set(full ? drift : server.items.keys());
        apply(after);
        const changeset = await server.changeset(since);
        const allUids = full ? [...server.items.keys()] : null;
        const plan = planPull({ since, changeset, allUids, knownItems: local, retry: [] });
        for (const uid of plan.deletions) local.delete(uid);
        for (const uid of plan.fetch) if (server.items.has(uid)) local.add(uid);
        expect([...local].sort()).toEqual([...server.items.keys()].sort());
        if (!full) {
          const touched = new Set(after.map((o) => o.uid));
          for (const uid of [...plan.fetch, ...plan.deletions]) expect(touched.has(uid)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("decideContactWrite", () => {
  const record = (v: number, h: string | null): ContactRecord => ({ item: "x", v, h });
  const listed = (exists: boolean, hash: string | null = null) => ({ exists, localHash: () => hash });

  it("without a listing: create what the state does not know, update what it knows, skip what is already written", () => {
    expect(decideContactWrite({ record: undefined, version: 3, hash: "h" })).toBe("create");
    expect(decideContactWrite({ record: record(2, "h"), version: 3, hash: "h" })).toBe("update");
    expect(decideContactWrite({ record: record(3, "old"), version: 3, hash: "h" })).toBe("update");
    expect(decideContactWrite({ record: record(3, "h"), version: 3, hash: "h" })).toBe("skip");
  });

  it("never skips when the content hash or the version is unknown", () => {
    expect(decideContactWrite({ record: record(3, null), version: 3, hash: null })).toBe("update");
    expect(decideContactWrite({ record: record(-1, "h"), version: -1, hash: "h" })).toBe("update");
  });

  it("with a listing: a missing contact is created even if the state knew it", () => {
    expect(decideContactWrite({ record: record(3, "h"), version: 3, hash: "h", listing: listed(false) })).toBe("create");
    expect(decideContactWrite({ record: undefined, version: 3, hash: "h", listing: listed(false) })).toBe("create");
  });

  it("with a listing: an existing contact is skipped when the state or Thunderbird's copy already has this content", () => {
    expect(decideContactWrite({ record: record(3, "h"), version: 3, hash: "h", listing: listed(true, "other") })).toBe("skip");
    expect(decideContactWrite({ record: undefined, version: 3, hash: "h", listing: listed(true, "h") })).toBe("skip");
    expect(decideContactWrite({ record: undefined, version: 3, hash: "h", listing: listed(true, "other") })).toBe("update");
    expect(decideContactWrite({ record: undefined, version: 3, hash: null, listing: listed(true, null) })).toBe("update");
  });

  it("only hashes Thunderbird's copy when it has to", () => {
    let hashed = 0;
    const listing = { exists: true, localHash: () => { hashed++; return "h"; } };
    decideContactWrite({ record: record(3, "h"), version: 3, hash: "h", listing });
    expect(hashed).toBe(0);
  });

  it("versionOf treats a missing or odd version as unknown", () => {
    expect(versionOf({ uid: "x", version: 4, value: null })).toBe(4);
    expect(versionOf({ uid: "x", value: null } as unknown as { uid: string; version: number; value: null })).toBe(-1);
  });
});

describe("listingContradictsCount", () => {
  it("refuses an empty listing of a book with something to lose, unless the count says it is empty", () => {
    expect(listingContradictsCount({ listed: 0, itemCount: 12, atRisk: 12 })).toBe(true);
    expect(listingContradictsCount({ listed: 0, itemCount: 1, atRisk: 1 })).toBe(true);
    expect(listingContradictsCount({ listed: 0, itemCount: null, atRisk: 3 })).toBe(true);
    expect(listingContradictsCount({ listed: 0, itemCount: 0, atRisk: 3 })).toBe(false);
  });

  it("refuses a listing far shorter than the count, within the margin it is the book's content", () => {
    expect(listingContradictsCount({ listed: 500, itemCount: 1_000, atRisk: 500 })).toBe(true);
    expect(listingContradictsCount({ listed: 920, itemCount: 1_000, atRisk: 80 })).toBe(false);
    expect(listingContradictsCount({ listed: 10, itemCount: 10 + LISTING_SHORTFALL_ITEMS, atRisk: 5 })).toBe(false);
    expect(listingContradictsCount({ listed: 9, itemCount: 10 + LISTING_SHORTFALL_ITEMS, atRisk: 5 })).toBe(true);
  });

  it("never refuses a listing that removes nothing, nor one longer than the count or without a count", () => {
    expect(listingContradictsCount({ listed: 0, itemCount: 500, atRisk: 0 })).toBe(false);
    expect(listingContradictsCount({ listed: 900, itemCount: 10, atRisk: 4 })).toBe(false);
    expect(listingContradictsCount({ listed: 3, itemCount: null, atRisk: 40 })).toBe(false);
  });
});

// What one pull of a book must do, decided from data alone (no I/O): where to start, which items
// go, which to fetch, and — per fetched card — whether Thunderbird needs a write at all.
//
// Starting point:
//  - a repair asked for (BookSyncState.repair) → since 0, the local book listed and reconciled;
//  - nothing fully applied yet (version 0: a new book, or a first sync cut short) → since 0;
//  - the container's internalId changed → it was deleted and re-created under the same uid: the
//    old versions mean nothing any more → since 0, and the local book is reconciled with it;
//  - otherwise the stored version, plus a comparison with the server's full list of uids (_all)
//    at most every FULL_CHECK_INTERVAL_MS: BlueMind purges deletion records after 60 days, and a
//    client that was away longer would otherwise keep those contacts for ever.
//
// Items:
//  - since 0: everything on the server is fetched; known items the server lacks go;
//  - since N: `deleted` go first (a uid deleted then re-created is in both lists: it goes, then
//    comes back), `created` ∪ `updated` are fetched, plus the uids kept for retry;
//  - with _all: also whatever the state knows and the server lacks goes, and whatever the server
//    has and the state does not know is fetched;
//  - items the state recorded at a version after `since` (the push's own writes, when no pull
//    completed since: a crash, a failed pull) that the changeset does not name at all: a card
//    created after `since` and deleted since is in no list of the changeset. They are fetched,
//    and the ones the server no longer returns go (`confirmGone`).
//
// Plausibility: a full listing (since 0, or _all) that would remove something here is checked
// against the book's `_itemCount` first (listingContradictsCount). One bad answer — an empty
// `_all`, a truncated changeset — would otherwise empty the book, and what it removed would only
// come back at the next full check. Such a listing is not applied at all; the pull is retried.
import type { ContainerChangeset } from "../../bluemind/models.ts";
import type { ReadonlyBookState } from "../state/book-ledger.ts";
import type { ContactRecord } from "../state/sync-state.ts";
import { text, UserError } from "../../shared/user-text.ts";

/** Once a day: cheap (one GET of uids), and a purged deletion is then at most a day late. */
export const FULL_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

export interface PullStart {
  since: number;
  /** The container was deleted and re-created under the same uid: start over and reconcile. */
  recreated: boolean;
  /** Compare with GET _all this time. */
  fullCheck: boolean;
  /** The user asked for a repair: from 0, the local book listed and reconciled. */
  repair?: true;
}

export function planPullStart(state: ReadonlyBookState, internalId: number | null, now: number, fullCheckIntervalMs = FULL_CHECK_INTERVAL_MS): PullStart {
  if (state.internalId !== null && internalId !== null && state.internalId !== internalId) {
    return { since: 0, recreated: true, fullCheck: false };
  }
  if (state.version <= 0) return { since: 0, recreated: false, fullCheck: false };
  if (state.repair === true) return { since: 0, recreated: false, fullCheck: false, repair: true };
  const due = state.lastFullCheck === null || now - state.lastFullCheck >= fullCheckIntervalMs;
  return { since: state.version, recreated: false, fullCheck: due };
}

/**
 * Items a listing may lack against the book's `_itemCount` before it is taken for a bad answer:
 * the count is read at the start of the run, before this run's own push and other clients'
 * writes of the seconds in between — a handful of items, or a few percent of a big book.
 */
export const LISTING_SHORTFALL_ITEMS = 20;
export const LISTING_SHORTFALL_RATIO = 0.1;

export interface ListingCheck {
  /** Items the listing names (uids of the changeset from 0, or of _all). */
  listed: number;
  /** The book's `_itemCount` (RemoteBookWithCount.itemCount); null when it could not be read. */
  itemCount: number | null;
  /** What applying the listing would remove here (planned deletions, local contacts to reconcile). */
  atRisk: number;
}

/**
 * True when a listing must not be applied: it would remove something, and it is empty while the
 * count does not confirm an empty book, or it falls short of the count by more than the margin.
 * A listing longer than the count removes nothing it should not: it is never refused.
 */
export function listingContradictsCount({ listed, itemCount, atRisk }: ListingCheck): boolean {
  if (atRisk === 0) return false;
  if (listed === 0) return itemCount !== 0;
  if (itemCount === null) return false;
  return itemCount - listed > Math.max(LISTING_SHORTFALL_ITEMS, itemCount * LISTING_SHORTFALL_RATIO);
}

export interface PullInputs {
  since: number;
  changeset: ContainerChangeset;
  /** Every item uid on the server (GET _all) when a full check ran, else null. */
  allUids: readonly string[] | null;
  /** Item uids the local book holds according to the state (contacts and groups). */
  knownItems: ReadonlySet<string>;
  /** Item uids kept for another try (state.retry). */
  retry: readonly string[];
  /** Item uids the state recorded at a version after `since` (BookLedger.itemsRecordedAfter). */
  recordedAfter?: readonly string[];
}

export interface PullPlan {
  /** Item uids whose local copy goes, before anything is written. */
  deletions: string[];
  /** Item uids to fetch with _mget and write, in server order. */
  fetch: string[];
  /** Every uid the server has, when known (since 0 or a full check): what a reconciliation keeps. */
  serverUids: ReadonlySet<string> | null;
  /** Retry uids no longer worth trying (the server no longer has them). */
  droppedRetries: string[];
  /** Fetched uids that go if the server does not return them (see recordedAfter). */
  confirmGone: string[];
}

export function planPull({ since, changeset, allUids, knownItems, retry, recordedAfter = [] }: PullInputs): PullPlan {
  const deletions = new Set<string>();
  const confirmGone: string[] = [];
  const fetch = new Set<string>();
  let serverUids: Set<string> | null = null;

  if (since <= 0) {
    serverUids = new Set([...changeset.created, ...changeset.updated]);
    for (const uid of serverUids) fetch.add(uid);
    for (const uid of knownItems) if (!serverUids.has(uid)) deletions.add(uid);
  } else {
    for (const uid of changeset.deleted) deletions.add(uid);
    const comesBack = new Set([...changeset.created, ...changeset.updated]);
    for (const uid of comesBack) fetch.add(uid);
    for (const uid of retry) if (!deletions.has(uid) || comesBack.has(uid)) fetch.add(uid);
    for (const uid of recordedAfter) {
      if (deletions.has(uid) || comesBack.has(uid)) continue;
      fetch.add(uid);
      confirmGone.push(uid);
    }
    if (allUids !== null) {
      serverUids = new Set(allUids);
      for (const uid of knownItems) if (!serverUids.has(uid)) deletions.add(uid);
      for (const uid of allUids) if (!knownItems.has(uid)) fetch.add(uid);
    }
  }

  if (serverUids !== null) {
    for (const uid of retry) if (!serverUids.has(uid)) fetch.delete(uid);
  }
  const droppedRetries = retry.filter((uid) => !fetch.has(uid));
  return { deletions: [...deletions], fetch: [...fetch], serverUids, droppedRetries, confirmGone: confirmGone.filter((uid) => fetch.has(uid) && !deletions.has(uid)) };
}

export type ContactWrite = "create" | "update" | "skip";

export interface ContactWriteInputs {
  /** What the add-on last wrote for this contact, if anything. */
  record: ContactRecord | undefined;
  /** Server version of the fetched card. */
  version: number;
  /** vCardContentHash of the vCard about to be written (null if it could not be computed). */
  hash: string | null;
  /**
   * What a listing of the local book says, when the pull listed it (since 0 on a book that
   * already had contacts); undefined otherwise. `localHash` is only called when needed: hashing
   * a Thunderbird vCard costs a parse.
   */
  listing?: { exists: boolean; localHash: () => string | null };
}

/**
 * Create, update, or leave alone. Without a listing, a card the state knows is updated and one it
 * does not is created (the writer falls back if Thunderbird disagrees). A card already written at
 * this version with this content is left alone — that is what makes a resumed sync cheap.
 */
export function decideContactWrite({ record, version, hash, listing }: ContactWriteInputs): ContactWrite {
  const unchanged = record !== undefined && hash !== null && version >= 0 && record.v === version && record.h === hash;
  if (listing === undefined) return unchanged ? "skip" : record === undefined ? "create" : "update";
  if (!listing.exists) return "create";
  if (unchanged) return "skip";
  return hash !== null && listing.localHash() === hash ? "skip" : "update";
}



/** Throws, before anything is written, when the server's full listing contradicts its count. */
export function throwIfImplausible(check: ListingCheck): void {
  if (!listingContradictsCount(check)) return;
  const { listed, itemCount } = check;
  throw new UserError(itemCount === null ? text("errorListingUncounted", String(listed)) : text("errorListingContradictsCount", String(listed), String(itemCount)));
}

/** What a pull did besides its plan, for pullMovedNothing. */
export interface PullAftermath {
  versionBefore: number;
  version: number;
  listsWritten: number;
  removedMembers: number;
  /** The local book was listed (a reconciliation). */
  listed: boolean;
}

/** A pull that changed nothing at all: its state need not be written again. */
export function pullMovedNothing(start: PullStart, plan: PullPlan, after: PullAftermath): boolean {
  return (
    start.since !== 0 &&
    !start.fullCheck &&
    after.version === after.versionBefore &&
    plan.droppedRetries.length === 0 &&
    plan.deletions.length === 0 &&
    plan.fetch.length === 0 &&
    after.listsWritten === 0 &&
    after.removedMembers === 0 &&
    !after.listed
  );
}

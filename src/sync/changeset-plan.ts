// What one pull of a book must do, decided from data alone (no I/O): where to start, which items
// go, which to fetch, and — per fetched card — whether Thunderbird needs a write at all.
//
// Starting point:
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
//    has and the state does not know is fetched.
import type { ContainerChangeset, ItemValue } from "../bluemind/models.ts";
import type { BookSyncState, ContactRecord } from "./sync-state.ts";

/** Once a day: cheap (one GET of uids), and a purged deletion is then at most a day late. */
export const FULL_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

export interface PullStart {
  since: number;
  /** The container was deleted and re-created under the same uid: start over and reconcile. */
  recreated: boolean;
  /** Compare with GET _all this time. */
  fullCheck: boolean;
}

export function planPullStart(state: BookSyncState, internalId: number | null, now: number, fullCheckIntervalMs = FULL_CHECK_INTERVAL_MS): PullStart {
  if (state.internalId !== null && internalId !== null && state.internalId !== internalId) {
    return { since: 0, recreated: true, fullCheck: false };
  }
  if (state.version <= 0) return { since: 0, recreated: false, fullCheck: false };
  const due = state.lastFullCheck === null || now - state.lastFullCheck >= fullCheckIntervalMs;
  return { since: state.version, recreated: false, fullCheck: due };
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
}

export function planPull({ since, changeset, allUids, knownItems, retry }: PullInputs): PullPlan {
  const deletions = new Set<string>();
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
  return { deletions: [...deletions], fetch: [...fetch], serverUids, droppedRetries };
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

/** The client does not check an item's `version`; a card without one is never "unchanged". */
export function versionOf(item: ItemValue<unknown>): number {
  return typeof item.version === "number" && Number.isFinite(item.version) ? item.version : -1;
}

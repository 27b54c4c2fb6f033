// What a pull is given and what it reports: its target book, its dependencies, its tuning.
import type { VCard } from "../../bluemind/models.ts";
import type { AddressBooksApi } from "../../thunderbird/types.ts";
import type { ConversionResult } from "../../vcard/index.ts";
import type { BookContent } from "../remote-content.ts";
import type { SyncReporter } from "../reporter.ts";
import type { BookLedger } from "../state/book-ledger.ts";
import type { CardFailure } from "./fetch-cards.ts";
import type { DeletionAnswer, DeletionLimits } from "../deletion-guard.ts";

/** BlueMind's own connector reads 100 cards per _mget: small bodies, few round-trips. */
export const FETCH_CONCURRENCY = 2;
/** Measured on Thunderbird 153: creates cost 2.3 ms one at a time, 1.5 ms with 16 in flight. */
export const WRITE_CONCURRENCY = 16;
/** Photos are small; a few downloads at once keep pace with the writes without crowding them. */
export const PHOTO_CONCURRENCY = 4;
/** Cards between checkpoints: a crash redoes at most this many writes' worth of bookkeeping. */
export const CHECKPOINT_EVERY = 1_000;
/**
 * At most this many checkpoints per pull: each writes the book's whole record object and its base
 * shards, so a fixed interval makes a first sync write bytes in the square of the book (50 of up
 * to 50,000 records for 50,000 cards); a tenth of the book at a time keeps it linear, and a crash
 * still redoes at most a tenth.
 */
export const MAX_CHECKPOINTS = 10;

/** Cards between checkpoints for a pull that fetches `cards`. */
export function checkpointInterval(cards: number): number {
  return Math.max(CHECKPOINT_EVERY, Math.ceil(cards / MAX_CHECKPOINTS));
}

export interface PullOptions {
  batchSize?: number;
  fetchConcurrency?: number;
  writeConcurrency?: number;
  photoConcurrency?: number;
  checkpointEvery?: number;
  fullCheckIntervalMs?: number;
  maxConsecutiveWriteFailures?: number;
  /** The BlueMind → vCard conversion (tests inject failures). */
  convert?: (card: VCard, contactId: string) => ConversionResult<string>;
}

export interface PullTarget {
  containerUid: string;
  localBookId: string;
  /** Created empty by this run: nothing to look up in it. */
  freshBook: boolean;
  /** The container's current internalId (RemoteBook.internalId). */
  internalId: number | null;
  /** The book's `_itemCount` as listed at the start of the run; null or absent when unknown. */
  itemCount?: number | null;
  /** The book's state, changed as the pull goes, so readers of it (echo suppression) stay current. */
  ledger: BookLedger;
  /** Local edits are undone rather than merged. */
  readOnly: boolean;
}

/** The book's queue of local changes, as far as a pull needs it (ChangeQueue, book-bound). */
export interface PendingChanges {
  pending(contactId: string): "upsert" | "delete" | null;
  /** What the queue holds for a mailing list. */
  listPending(listId: string): "upsert" | "delete" | null;
  /** Keeps (or puts) an upsert queued: Thunderbird holds something BlueMind lacks. */
  requeue(contactId: string, item: string): Promise<void>;
  /** Keeps (or puts) a list queued: its merge holds members BlueMind lacks, or lacks some it has. */
  requeueList(listId: string, groupUid: string): Promise<void>;
  /** Drops whatever is queued: the server's side won. */
  drop(contactId: string): Promise<void>;
}

export interface PullDeps {
  books: AddressBooksApi;
  content: BookContent;
  /** Without it (a book with no two-way), only Thunderbird's content tells a local change. */
  changes?: PendingChanges;
  reporter: SyncReporter;
  now(): number;
  signal?: AbortSignal;
  /** The mass-deletion guard (deletion-guard.ts): its limits and the user's answer for this book. */
  deletions?: { limits: DeletionLimits; answer: DeletionAnswer | null };
}

export interface PullCounts {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** Deleted on BlueMind, kept here by the user's answer to the deletion guard. */
  kept: number;
  failed: number;
  lists: number;
}

export interface PullOutcome {
  since: number;
  version: number;
  recreated: boolean;
  fullCheck: boolean;
  /** The pull was a repair the user asked for (BookSyncState.repair). */
  repair?: true;
  listedLocalBook: boolean;
  counts: PullCounts;
  failures: CardFailure[];
  /** The user's answer to the deletion guard was used (and is spent). */
  deletionAnswerUsed: boolean;
  /** Work left after the book is complete (hashes for echo suppression), then saved. */
  finishing: Promise<void>;
}

// The sync engine's public shapes: what it is given (deps, options, the push hook) and what a
// run tells its caller. Apart from engine.ts so that the hooks' implementers (two-way.ts) and the
// background read them without the engine's workings.
import type { RemoteBook } from "../books/remote-books.ts";
import type { RemoteBookWithCount } from "../books/fetch-remote-books.ts";
import type { UserText } from "../shared/user-text.ts";
import type { AddressBooksApi, KeyValueStore } from "../thunderbird/types.ts";
import type { RemovalReason } from "./book-plan.ts";
import type { PendingChanges, PullOptions, PullOutcome } from "./pull/book-pull.ts";
import type { BookContent } from "./remote-content.ts";
import type { SyncReporter } from "./reporter.ts";
import type { BookLedger } from "./state/book-ledger.ts";
import type { DeletionGuard } from "./deletion-guard.ts";

/** What to do with a synced book whose local copy the user deleted. */
export type MissingBookDecision = "recreate" | "forget";

export interface PushContext {
  book: RemoteBook;
  localBookId: string;
  /** The book's state (records, bases, versions): read, and changed only through it. */
  ledger: BookLedger;
  content: BookContent;
  signal?: AbortSignal;
  /**
   * Only what the queue holds, no catch-up (the full comparison with the records): a release a
   * crash cut short deleted contacts unobserved, which a catch-up would send as deletions.
   */
  queuedOnly?: boolean;
}

/** What a push tells the engine: problems to show on the book's status (with the pull's own). */
export interface PushReport {
  /** One line per change BlueMind refused, e.g. `“Jane Doe”: Email invalid: 'x'`. */
  problems: UserText[];
  /** Names of the new contacts held back as copies of synced ones (local-copies.ts). */
  copies?: string[];
}

export interface SyncEngineOptions extends PullOptions {
  now?: () => number;
  /** Default: "recreate". The background passes TwoWaySync's, which switches sync off on BlueMind. */
  onLocalBookMissing?: (book: RemoteBook) => MissingBookDecision | Promise<MissingBookDecision>;
  /**
   * Runs before each synced book's pull, and before a book whose sync was switched off is
   * removed: the place where pending local changes go to BlueMind (TwoWaySync). A rejection
   * fails that book for this run (its pull is skipped, so local changes are never overwritten
   * before they were sent). Resolving with a report puts its problems on the book's status.
   */
  pushPending?: (context: PushContext) => Promise<PushReport | void>;
  /** The queue of local changes of a book (TwoWaySync's), so a pull never overwrites one. */
  pendingChanges?: (containerUid: string) => Promise<PendingChanges>;
  /**
   * A synced book stopped being synced (sync off, unsubscribed, sign-out), its index entry and
   * state are gone: forget what was queued for it, and when `keptIn` names the book that now holds
   * what BlueMind does not have, tell the user (TwoWaySync).
   */
  onBookReleased?: (released: ReleasedBook) => Promise<void>;
  /** The mass-deletion guard's limits and answers (the background's); no guard without it. */
  deletionGuard?: DeletionGuard;
  /** Renders what the engine writes into Thunderbird's own data (a detached book's name) in
   * Thunderbird's language; English when not given. */
  render?: (value: UserText) => string;
}

export interface ReleasedBook {
  containerUid: string;
  /** Its Thunderbird book (gone when `deleted`). */
  localBookId: string;
  /** The name the user knew the book by. */
  bookName: string;
  /** The plain Thunderbird book now holding what BlueMind does not have; null when there is none. */
  keptIn: string | null;
  /** The local copy was deleted. */
  deleted: boolean;
}

export interface SyncEngineDeps {
  books: AddressBooksApi;
  store: KeyValueStore;
  reporter?: SyncReporter;
}

export interface BookRunResult {
  containerUid: string;
  localBookId: string;
  ok: boolean;
  error: UserText | null;
  outcome: PullOutcome | null;
}

export interface SyncRunResult {
  /** Every synced book pulled without error. */
  ok: boolean;
  books: BookRunResult[];
  /** Subscribed books with sync off: register their search-only (provider) books. */
  unsynced: RemoteBook[];
  /** Local books removed by this run. */
  removed: { containerUid: string; reason: RemovalReason }[];
}

/** A book as the caller lists it: the background's listing also carries `_itemCount`. */
export type ListedBook = RemoteBook | RemoteBookWithCount;

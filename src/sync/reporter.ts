// What the engine tells the outside world while it works: per-book state and progress, and
// activity-log lines. The background connects it to its StatusStore (statusReporter below);
// tests collect the calls.
import type { ActivityLevel, BookStatus } from "../shared/status.ts";
import type { UserText } from "../shared/user-text.ts";

/** "pending": stopped before its end (Stop, a sign-out), waiting for the next sync. "held": its
 * deletions wait for the user's answer (deletion-guard.ts). */
export type BookRunState = "syncing" | "synced" | "error" | "pending" | "held";

export interface BookStateChange {
  state: BookRunState;
  /** Epoch ms of the end of the last successful pull (set with "synced"). */
  lastSuccess?: number;
  /** The reason of an "error", null to clear a previous one. */
  lastError?: UserText | null;
  /** Contacts the local copy holds after the pull (set with "synced"). */
  contactCount?: number;
  /** The deletions waiting for the user (set with "held"). */
  heldDeletions?: number;
  /** Contacts that differ from the sync state, when the integrity check ran (0: none). */
  drift?: number;
  /** Names of the book's local-only copies of synced contacts, when they were looked for. */
  copies?: readonly string[];
}

export interface SyncReporter {
  bookState(containerUid: string, change: BookStateChange): void;
  /** `null` once the book is done. */
  progress(containerUid: string, progress: { done: number; total: number } | null): void;
  log(level: ActivityLevel, message: UserText, containerUid?: string): void;
}

export const silentReporter: SyncReporter = {
  bookState: () => undefined,
  progress: () => undefined,
  log: () => undefined,
};

/** Enough names for the user to recognise the copies, few enough for a status line. */
const COPY_NAMES_SHOWN = 3;

/** The slice of the background's StatusStore the reporter needs. */
export interface StatusSink {
  updateBook(containerUid: string, change: Partial<BookStatus>): void;
  log(level: ActivityLevel, message: UserText, containerUid?: string): void;
}

/** Maps engine reports onto the options page's book status (BookStatus has no contact count). */
export function statusReporter(sink: StatusSink): SyncReporter {
  return {
    bookState(containerUid, change) {
      // Cleared by any other state: the question is answered, or no longer asked.
      const update: Partial<BookStatus> = { state: change.state, heldDeletions: change.heldDeletions };
      if (change.lastSuccess !== undefined) update.lastSuccess = change.lastSuccess;
      if (change.lastError !== undefined) update.lastError = change.lastError;
      if (change.state !== "syncing") update.progress = null;
      // Shown until the next check says otherwise (it runs once per session, then daily).
      if (change.drift !== undefined) update.drift = change.drift > 0 ? change.drift : undefined;
      if (change.copies !== undefined) update.copies = change.copies.length > 0 ? { count: change.copies.length, names: change.copies.slice(0, COPY_NAMES_SHOWN) } : undefined;
      sink.updateBook(containerUid, update);
    },
    progress(containerUid, progress) {
      sink.updateBook(containerUid, { progress });
    },
    log(level, message, containerUid) {
      sink.log(level, message, containerUid);
    },
  };
}

/**
 * Progress reports at most every `step` items (1 % of the book, at least 25), plus the first and
 * the last: the options page shows a moving counter without one message per contact.
 */
export class ProgressTicker {
  private done = 0;
  private lastReported = -1;
  private readonly step: number;

  constructor(
    private readonly report: (progress: { done: number; total: number }) => void,
    readonly total: number,
  ) {
    this.step = Math.max(25, Math.ceil(total / 100));
    this.emit();
  }

  advance(count = 1): void {
    this.done = Math.min(this.total, this.done + count);
    if (this.done === this.total || this.done - this.lastReported >= this.step) this.emit();
  }

  get value(): number {
    return this.done;
  }

  private emit(): void {
    this.lastReported = this.done;
    this.report({ done: this.done, total: this.total });
  }
}

// The single place the background keeps what it tells the user: account state, per-book status
// and the activity log. Changes are pushed to listeners (the open options page) at once and
// written to storage.local at most every PERSIST_INTERVAL_MS, so a 10,000-contact sync reporting
// progress does not turn into 10,000 storage writes.
import type { KeyValueStore } from "../thunderbird/types.ts";
import { isRecord } from "../shared/parse.ts";
import {
  ACTIVITY_LIMIT,
  STATUS_KEY,
  emptyAccountState,
  isActivityEntry,
  isBookStatus,
  type AccountState,
  type ActivityLevel,
  type BookStatus,
  type StatusSnapshot,
} from "../shared/status.ts";

export const PERSIST_INTERVAL_MS = 500;

export type StatusListener = (snapshot: StatusSnapshot) => void;

export class StatusStore {
  private snapshot: StatusSnapshot = {
    account: emptyAccountState(),
    books: [],
    syncing: false,
    lastSyncStarted: null,
    lastSyncEnded: null,
    activity: [],
  };
  private readonly listeners = new Set<StatusListener>();
  private persistTimer: ReturnType<typeof setTimeout> | null = null;
  private persisting: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Restores the activity log and last known books, so the page has content before the network. */
  async load(): Promise<void> {
    const saved = await this.store.get(STATUS_KEY);
    if (!isRecord(saved)) return;
    // Entry by entry: one unreadable book or log line (hand-edited storage) costs only itself.
    const books = Array.isArray(saved.books) ? saved.books.filter(isBookStatus) : [];
    const activity = Array.isArray(saved.activity) ? saved.activity.filter(isActivityEntry) : [];
    this.snapshot = {
      ...this.snapshot,
      books: books.map((b) => ({ ...b, progress: null, state: b.state === "syncing" ? "pending" : b.state })),
      activity: activity.slice(-ACTIVITY_LIMIT),
      lastSyncEnded: typeof saved.lastSyncEnded === "number" ? saved.lastSyncEnded : null,
    };
  }

  get current(): StatusSnapshot {
    return this.snapshot;
  }

  subscribe(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setAccount(change: Partial<AccountState>): void {
    this.update({ account: { ...this.snapshot.account, ...change } });
  }

  setBooks(books: BookStatus[]): void {
    this.update({ books });
  }

  updateBook(containerUid: string, change: Partial<BookStatus>): void {
    const books = this.snapshot.books.map((b) => (b.containerUid === containerUid ? { ...b, ...change } : b));
    this.update({ books });
  }

  setSyncing(syncing: boolean): void {
    const at = this.now();
    this.update(syncing ? { syncing, lastSyncStarted: at } : { syncing, lastSyncEnded: at });
  }

  log(level: ActivityLevel, message: string, containerUid?: string): void {
    const entry = containerUid === undefined ? { at: this.now(), level, message } : { at: this.now(), level, message, containerUid };
    const activity = [...this.snapshot.activity, entry].slice(-ACTIVITY_LIMIT);
    this.update({ activity });
  }

  /** Writes the pending state now instead of after the persist delay; resolves once it is stored. */
  async flush(): Promise<void> {
    if (this.persistTimer !== null) {
      clearTimeout(this.persistTimer);
      this.persistTimer = null;
      this.persisting = this.persisting.then(() => this.write());
    }
    await this.persisting;
  }

  private update(change: Partial<StatusSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener(this.snapshot);
    if (this.persistTimer === null) {
      this.persistTimer = setTimeout(() => {
        this.persistTimer = null;
        this.persisting = this.persisting.then(() => this.write());
      }, PERSIST_INTERVAL_MS);
    }
  }

  private async write(): Promise<void> {
    try {
      await this.store.set(STATUS_KEY, this.snapshot);
    } catch {
      // Status is advisory and rewritten at the next change; a failed write must not break a sync.
    }
  }
}

// The single place the background keeps what it tells the user: account state, per-book status
// and the activity log. Changes are pushed to listeners (the open options page) at once and
// written to storage.local at most every PERSIST_INTERVAL_MS (progress alone not at all), so a
// 10,000-contact sync reporting progress does not turn into 10,000 storage writes.
//
// It is also the last guard against a secret in a message: every text it takes in (account
// message, book error, log line) and every text the background shows elsewhere (redact: error
// answers, notifications) loses the account's known secrets — the API key, the password of a
// sign-in in progress — whatever the code that wrote it did.
import type { KeyValueStore } from "../thunderbird/types.ts";
import { isRecord } from "../shared/parse.ts";
import { redactText } from "../shared/redact.ts";
import { legacyText, type UserText } from "../shared/user-text.ts";
import {
  ACTIVITY_LIMIT,
  STATUS_KEY,
  emptyAccountState,
  isActivityEntry,
  isBookStatus,
  type AccountState,
  type ActivityEntry,
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
  private secrets: readonly string[] = [];

  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Restores the activity log and last known books, so the page has content before the network. */
  async load(): Promise<void> {
    const saved = await this.store.get(STATUS_KEY);
    if (!isRecord(saved)) return;
    // Entry by entry: one unreadable book or log line (hand-edited storage) costs only itself.
    const books = Array.isArray(saved.books) ? saved.books.map(upgradeBook).filter(isBookStatus) : [];
    const activity = Array.isArray(saved.activity) ? saved.activity.map(upgradeEntry).filter(isActivityEntry) : [];
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

  /** The account's secrets of the moment: no text the store takes in or redacts may show them. */
  useSecrets(secrets: readonly (string | null)[]): void {
    this.secrets = secrets.filter((secret): secret is string => secret !== null && secret !== "");
  }

  /** `value` without the account's secrets: for what the background shows besides the status. */
  redact(value: UserText): UserText {
    return redactText(value, this.secrets);
  }

  setAccount(change: Partial<AccountState>): void {
    const account = { ...this.snapshot.account, ...change };
    this.update({ account: account.message === null ? account : { ...account, message: this.redact(account.message) } });
  }

  setBooks(books: BookStatus[]): void {
    this.update({ books: books.map((b) => this.redactBook(b)) });
  }

  updateBook(containerUid: string, change: Partial<BookStatus>): void {
    const books = this.snapshot.books.map((b) => (b.containerUid === containerUid ? this.redactBook({ ...b, ...change }) : b));
    // Progress alone is not written: load() drops it (an interrupted sync shows as pending), and
    // a big sync reports it hundreds of times, each write a storage transaction competing with
    // Thunderbird's own disk flushes. It goes to storage with the next change that matters.
    const progressOnly = Object.keys(change).every((key) => key === "progress");
    this.update({ books }, !progressOnly);
  }

  setSyncing(syncing: boolean): void {
    const at = this.now();
    this.update(syncing ? { syncing, lastSyncStarted: at } : { syncing, lastSyncEnded: at });
  }

  log(level: ActivityLevel, text: UserText, containerUid?: string): void {
    const message = this.redact(text);
    const entry: ActivityEntry = containerUid === undefined ? { at: this.now(), level, message } : { at: this.now(), level, message, containerUid };
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

  private redactBook(book: BookStatus): BookStatus {
    return book.lastError === null ? book : { ...book, lastError: this.redact(book.lastError) };
  }

  private update(change: Partial<StatusSnapshot>, persist = true): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener(this.snapshot);
    if (persist && this.persistTimer === null) {
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

// Version 0.1.0 stored English sentences where UserTexts are now: kept, shown as they were written,
// so an upgrade does not lose the activity log.
function upgradeEntry(entry: unknown): unknown {
  return isRecord(entry) && typeof entry.message === "string" ? { ...entry, message: legacyText(entry.message) } : entry;
}

function upgradeBook(book: unknown): unknown {
  return isRecord(book) && typeof book.lastError === "string" ? { ...book, lastError: legacyText(book.lastError) } : book;
}

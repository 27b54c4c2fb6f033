// The set of provider (search-only, globe icon) books: one per BlueMind subscription whose sync
// is off.
//
// Lifecycle and invariants:
//  - Registered at start-up from the last known list in storage.local, before the network
//    answers, so the directory works in the first compose window even when the server is slow
//    or unreachable — and under the same id as before the restart (ids derive from container
//    uids, book-id.ts).
//  - Reconciled with the server's list at every sync: a new unsynced subscription is registered;
//    a book whose sync turned on, or whose subscription went away, is unregistered (the sync
//    engine creates the local copy; a synced book never has a provider twin, so nobody sees a
//    person twice); a renamed book is registered again under its new name (Thunderbird has no
//    rename for provider books). The list is then stored for the next start.
//  - An id is never registered twice (Thunderbird throws "addressBook with id=… already
//    exists"): every change goes through one queue, and unregistrations run before
//    registrations.
//  - Kept out of autocompletion by the user (options page, per book): the book stays registered
//    and answers the address book's search box; compose autocompletion gets nothing from it
//    (book-search.ts tells the two callers apart).
//  - After an authentication failure the books stay: their searches answer from memory and send
//    nothing until the user signs in again (BookSearch asks `canQuery`). Signing out removes
//    them and forgets the stored list.
import { isRecord } from "../shared/parse.ts";
import type { KeyValueStore, SearchProviderApi, Unsubscribe } from "../thunderbird/types.ts";
import type { RemoteBook } from "../books/remote-books.ts";
import { providerBookId } from "./book-id.ts";
import { BookSearch } from "./book-search.ts";
import { consoleSearchLog } from "./ports.ts";
import type { SearchLog, SearchServer } from "./ports.ts";
import type { Clock } from "../shared/clock.ts";
import { describeError } from "../shared/error-message.ts";
import { text } from "../shared/user-text.ts";
import type { SearchTuning } from "./tuning.ts";

/** storage.local key of the last known list of provider books. */
export const PROVIDER_BOOKS_KEY = "search.providerBooks";

export interface ProviderBookSpec {
  /** Thunderbird's id of the book. */
  id: string;
  containerUid: string;
  /** What Thunderbird shows (design.md naming rule, RemoteBook.displayName). */
  name: string;
}

interface StoredList {
  version: 1;
  books: { containerUid: string; name: string }[];
}

/** The provider books the server's list calls for: the unsynced subscriptions. */
export function desiredProviderBooks(remoteBooks: readonly RemoteBook[]): ProviderBookSpec[] {
  const byId = new Map<string, ProviderBookSpec>();
  for (const book of remoteBooks) {
    if (book.sync) continue;
    const id = providerBookId(book.containerUid);
    // Two uids with one id would need an FNV collision on top of equal readable parts.
    if (!byId.has(id)) byId.set(id, { id, containerUid: book.containerUid, name: book.displayName });
  }
  return [...byId.values()];
}

export interface ProviderBooksPlan {
  /** Ids to unregister: gone, synced now, renamed (then registered again), or re-pointed. */
  unregister: string[];
  register: ProviderBookSpec[];
}

/** What to change to go from the registered books to the desired ones. */
export function planProviderBooks(registered: readonly ProviderBookSpec[], desired: readonly ProviderBookSpec[]): ProviderBooksPlan {
  const wanted = new Map(desired.map((spec) => [spec.id, spec]));
  const current = new Map(registered.map((spec) => [spec.id, spec]));
  const unregister: string[] = [];
  const register: ProviderBookSpec[] = [];
  for (const spec of registered) {
    const target = wanted.get(spec.id);
    if (target === undefined || target.name !== spec.name || target.containerUid !== spec.containerUid) unregister.push(spec.id);
  }
  for (const spec of desired) {
    const now = current.get(spec.id);
    if (now === undefined || now.name !== spec.name || now.containerUid !== spec.containerUid) register.push(spec);
  }
  return { unregister, register };
}

function parseStoredList(value: unknown): ProviderBookSpec[] | null {
  if (!isRecord(value) || !Array.isArray(value.books)) return null;
  const books: unknown[] = value.books;
  const specs: ProviderBookSpec[] = [];
  for (const book of books) {
    if (!isRecord(book)) continue;
    const { containerUid, name } = book;
    if (typeof containerUid !== "string" || containerUid === "" || typeof name !== "string") continue;
    specs.push({ id: providerBookId(containerUid), containerUid, name });
  }
  return specs;
}

export interface ProviderBooksOptions {
  providers: SearchProviderApi;
  store: KeyValueStore;
  /** The content API of a book (`client.addressBook(uid)`), or null with no account; may wait
   * for the connection being restored. */
  server: (containerUid: string) => SearchServer | null | Promise<SearchServer | null>;
  /** False while the account is signed out, needs sign-in, or Thunderbird is offline. */
  canQuery: () => boolean;
  /**
   * The user's "Use in autocompletion" switch of a book (options page; default on). Read at
   * every search, so a change applies to the next key stroke without registering anything again.
   */
  useInAutocomplete?: (containerUid: string) => boolean;
  clock?: Clock;
  tuning?: Partial<SearchTuning>;
  log?: SearchLog;
}

interface Registration {
  spec: ProviderBookSpec;
  search: BookSearch;
  unregister: Unsubscribe;
}

export class ProviderBooks {
  private readonly registrations = new Map<string, Registration>();
  /** Searches outlive a rename (same id, new name): their caches stay warm. */
  private readonly searches = new Map<string, BookSearch>();
  private queue: Promise<void> = Promise.resolve();
  private readonly log: SearchLog;

  constructor(private readonly options: ProviderBooksOptions) {
    this.log = options.log ?? consoleSearchLog;
  }

  /** The books registered now. */
  list(): ProviderBookSpec[] {
    return [...this.registrations.values()].map((registration) => ({ ...registration.spec }));
  }

  /** The search behind a registered book (tests, bench, diagnostics). */
  searchOf(containerUid: string): BookSearch | undefined {
    return this.registrations.get(providerBookId(containerUid))?.search;
  }

  /** At start-up: registers the books of the stored list. Never throws. */
  restore(): Promise<void> {
    return this.enqueue(async () => {
      let stored: unknown;
      try {
        stored = await this.options.store.get(PROVIDER_BOOKS_KEY);
      } catch (error) {
        this.log("error", text("logProvidersUnreadable", describeError(error)));
        return;
      }
      if (stored === undefined) return;
      const specs = parseStoredList(stored);
      if (specs === null) {
        this.log("warning", text("logProvidersStoredListBad"));
        return;
      }
      // Books registered meanwhile (a sync finished first) are newer than the stored list: kept.
      this.apply({ unregister: [], register: specs.filter((spec) => !this.registrations.has(spec.id)) });
    });
  }

  /** After the server's list of subscriptions: brings the registered books in line, stores the
   * list for the next start. Never throws. */
  reconcile(remoteBooks: readonly RemoteBook[]): Promise<void> {
    return this.enqueue(async () => {
      const desired = desiredProviderBooks(remoteBooks);
      this.apply(planProviderBooks(this.list(), desired));
      await this.persist(desired);
    });
  }

  /** Sign-out: removes every provider book and forgets the stored list. Never throws. */
  removeAll(): Promise<void> {
    return this.enqueue(async () => {
      this.apply({ unregister: [...this.registrations.keys()], register: [] });
      this.searches.clear();
      try {
        await this.options.store.remove(PROVIDER_BOOKS_KEY);
      } catch (error) {
        this.log("error", text("logProvidersNotForgotten", describeError(error)));
      }
    });
  }

  private apply(plan: ProviderBooksPlan): void {
    for (const id of plan.unregister) this.unregister(id);
    for (const spec of plan.register) this.register(spec);
    for (const id of [...this.searches.keys()]) if (!this.registrations.has(id)) this.searches.delete(id);
  }

  private register(spec: ProviderBookSpec): void {
    if (this.registrations.has(spec.id)) this.unregister(spec.id);
    let search = this.searches.get(spec.id);
    if (search === undefined || search.containerUid !== spec.containerUid) {
      search = new BookSearch({
        containerUid: spec.containerUid,
        bookId: spec.id,
        server: () => this.options.server(spec.containerUid),
        canQuery: () => this.options.canQuery(),
        useInAutocomplete: () => this.options.useInAutocomplete?.(spec.containerUid) ?? true,
        clock: this.options.clock,
        tuning: this.options.tuning,
        log: this.log,
      });
      this.searches.set(spec.id, search);
    }
    try {
      const unregister = this.options.providers.register(spec.id, spec.name, search.handler);
      this.registrations.set(spec.id, { spec: { ...spec }, search, unregister });
    } catch (error) {
      // Left unregistered: the next reconcile tries again.
      this.log("error", text("logProviderNotRegistered", spec.name, spec.containerUid, describeError(error)));
    }
  }

  private unregister(id: string): void {
    const registration = this.registrations.get(id);
    if (registration === undefined) return;
    this.registrations.delete(id);
    try {
      registration.unregister();
    } catch (error) {
      this.log("error", text("logProviderNotRemoved", registration.spec.name, describeError(error)));
    }
  }

  private async persist(specs: readonly ProviderBookSpec[]): Promise<void> {
    const stored: StoredList = { version: 1, books: specs.map(({ containerUid, name }) => ({ containerUid, name })) };
    try {
      await this.options.store.set(PROVIDER_BOOKS_KEY, stored);
    } catch (error) {
      this.log("error", text("logProvidersNotStored", describeError(error)));
    }
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const run = this.queue.then(operation).catch((error: unknown) => {
      this.log("error", text("logProvidersFailed", describeError(error)));
    });
    this.queue = run;
    return run;
  }
}

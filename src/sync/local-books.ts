// Books as the user handles them in Thunderbird, mirrored on BlueMind (design.md §2):
//
//  - A book the user creates in Thunderbird becomes a BlueMind book (owner = the user, random uid),
//    subscribed with sync on; its contacts and lists are pushed, and it is synced from then on
//    under its own Thunderbird id. Setting "Publish address books created in Thunderbird"
//    (publishLocalBooks) turns this off. Only books created while the add-on runs are candidates —
//    never the user's pre-existing books — and never the add-on's own books (in the sync index, or
//    marked as own writes) nor remote ones (provider, LDAP: the globe icon).
//  - Renaming a synced book the user owns renames it on BlueMind; any other synced book gets its
//    BlueMind name back (the user is told why).
//  - Deleting a synced book turns its sync off on BlueMind and deletes nothing there: the engine
//    reports the missing book (onLocalBookMissing) and the book comes back as a search-only one.
//
// Candidates and renames wait in storage (LOCAL_BOOKS_KEY) until the next sync, which runs a few
// seconds later, or after a restart. Publishing is restartable: the uid is chosen and stored
// before the book is created on BlueMind, so a replay finds ALREADY_EXISTS instead of making a
// second book; the full push is requested before the book is adopted by the engine, so its
// contacts cannot be forgotten.
import type { BlueMindClient } from "../bluemind/client.ts";
import { BlueMindError } from "../bluemind/errors.ts";
import type { AuthUser } from "../bluemind/models.ts";
import { isRecord } from "../shared/parse.ts";
import type { AddressBookInfo, AddressBooksApi, KeyValueStore, NotificationsApi } from "../thunderbird/types.ts";
import { describeError } from "../shared/error-message.ts";
import { text, UserError } from "../shared/user-text.ts";
import type { ChangeQueue } from "./state/change-queue.ts";
import type { SyncEngine } from "./engine.ts";
import type { MissingBookDecision } from "./engine-types.ts";
import type { RemoteBookWithCount } from "../books/fetch-remote-books.ts";
import { displayNameOf, type RemoteBook } from "../books/remote-books.ts";
import type { SyncReporter } from "./reporter.ts";

export const LOCAL_BOOKS_KEY = "sync.local-books";
const SCHEMA = 1;

/** What the add-on remembers of a synced book between syncs, to judge local events. */
export interface KnownBook {
  displayName: string;
  ownerDisplayName: string;
  ownedByUser: boolean;
  isDomainDirectory: boolean;
  readOnly: boolean;
}

export interface LocalBooksState {
  schema: number;
  /** Container uid → the book as of the last sync. */
  known: Record<string, KnownBook>;
  /** Container uid → the name the user gave it in Thunderbird, to set on BlueMind. */
  renames: Record<string, string>;
  /** Thunderbird book id → the BlueMind uid chosen for it (null until publishing starts). */
  candidates: Record<string, { uid: string | null }>;
}

function emptyState(): LocalBooksState {
  return { schema: SCHEMA, known: {}, renames: {}, candidates: {} };
}

export function parseLocalBooks(value: unknown): LocalBooksState {
  if (!isRecord(value) || value.schema !== SCHEMA || !isRecord(value.known) || !isRecord(value.renames) || !isRecord(value.candidates)) return emptyState();
  const state = emptyState();
  for (const [uid, book] of Object.entries(value.known)) {
    if (isRecord(book) && typeof book.displayName === "string" && typeof book.ownedByUser === "boolean" && typeof book.readOnly === "boolean") {
      state.known[uid] = {
        displayName: book.displayName,
        ownerDisplayName: typeof book.ownerDisplayName === "string" ? book.ownerDisplayName : "",
        ownedByUser: book.ownedByUser,
        isDomainDirectory: book.isDomainDirectory === true,
        readOnly: book.readOnly,
      };
    }
  }
  for (const [uid, name] of Object.entries(value.renames)) if (typeof name === "string") state.renames[uid] = name;
  for (const [id, candidate] of Object.entries(value.candidates)) {
    if (isRecord(candidate) && (candidate.uid === null || typeof candidate.uid === "string")) state.candidates[id] = { uid: candidate.uid };
  }
  return state;
}

export interface LocalBooksDeps {
  /** The add-on's (marked) address-book interface. */
  books: AddressBooksApi;
  store: KeyValueStore;
  engine: Pick<SyncEngine, "containerOfLocalBook" | "adoptLocalBook">;
  queue: ChangeQueue;
  notifications: NotificationsApi;
  reporter: SyncReporter;
  client(): BlueMindClient | null;
  publishLocalBooks(): Promise<boolean>;
  /** Something to do at the next sync: ask for one soon. */
  requestSync(): void;
  newUid?: () => string;
}

export class LocalBooks {
  private loaded: Promise<LocalBooksState> | null = null;

  constructor(private readonly deps: LocalBooksDeps) {}

  private state(): Promise<LocalBooksState> {
    this.loaded ??= this.deps.store.get(LOCAL_BOOKS_KEY).then(parseLocalBooks, () => emptyState());
    return this.loaded;
  }

  private async save(): Promise<void> {
    await this.deps.store.set(LOCAL_BOOKS_KEY, await this.state());
  }

  /** The synced book as of the last sync, if known. */
  async known(containerUid: string): Promise<KnownBook | undefined> {
    return (await this.state()).known[containerUid];
  }

  /** A book the engine let go: nothing about it is kept (a later sign-in may be another account). */
  async forget(containerUid: string): Promise<void> {
    const state = await this.state();
    if (state.known[containerUid] === undefined && state.renames[containerUid] === undefined) return;
    delete state.known[containerUid];
    delete state.renames[containerUid];
    await this.save();
  }

  // ───────────── Thunderbird events (own writes already filtered out) ─────────────

  async bookCreated(book: AddressBookInfo): Promise<void> {
    if (book.remote || (await this.deps.engine.containerOfLocalBook(book.id)) !== null) return;
    if (!(await this.deps.publishLocalBooks())) return;
    (await this.state()).candidates[book.id] = { uid: null };
    await this.save();
    this.deps.requestSync();
  }

  async bookRenamed(book: AddressBookInfo): Promise<void> {
    const containerUid = await this.deps.engine.containerOfLocalBook(book.id);
    if (containerUid === null) return;
    const state = await this.state();
    const known = state.known[containerUid];
    if (known === undefined || book.name === known.displayName) {
      // Renamed back to the BlueMind name before the rename was sent: nothing to send.
      if (known !== undefined && state.renames[containerUid] !== undefined) {
        delete state.renames[containerUid];
        await this.save();
      }
      return;
    }
    if (known.ownedByUser && !known.isDomainDirectory && book.name.trim() !== "") {
      state.renames[containerUid] = book.name.trim();
      await this.save();
      this.deps.requestSync();
      return;
    }
    await this.deps.books.renameBook(book.id, known.displayName).catch(() => undefined);
    const owner = known.ownerDisplayName || text("someoneElse");
    this.deps.reporter.log("info", text("logNotOursKeepsName", known.displayName, owner), containerUid);
    await this.deps.notifications.notify(text("notifyNotOursRename", known.displayName, owner)).catch(() => undefined);
  }

  async bookDeleted(bookId: string): Promise<void> {
    const state = await this.state();
    if (state.candidates[bookId] !== undefined && state.candidates[bookId].uid === null) {
      delete state.candidates[bookId];
      await this.save();
    }
    // The engine sees the book missing at the next sync and asks onLocalBookMissing.
    if ((await this.deps.engine.containerOfLocalBook(bookId)) !== null) this.deps.requestSync();
  }

  // ───────────── sync time ─────────────

  /**
   * Before the engine's run: remembers the books as BlueMind lists them, sends the renames made
   * here, and publishes the books created here. Returns the list for the engine, with renamed
   * books under their new names and published books added (so the engine neither renames them
   * back nor removes them as unsubscribed).
   */
  async beforeSync(user: AuthUser, remote: readonly RemoteBookWithCount[]): Promise<RemoteBookWithCount[]> {
    const books = remote.map((b) => ({ ...b }));
    const state = await this.state();
    await this.sendRenames(state, books);
    await this.publishCandidates(state, user, books);
    state.known = {};
    for (const book of books) {
      state.known[book.containerUid] = {
        displayName: book.displayName,
        ownerDisplayName: book.ownerDisplayName,
        ownedByUser: book.ownedByUser,
        isDomainDirectory: book.isDomainDirectory,
        readOnly: book.readOnly,
      };
    }
    await this.save();
    return books;
  }

  /** The engine's policy for a synced book the user deleted in Thunderbird. */
  async localBookMissing(book: RemoteBook): Promise<MissingBookDecision> {
    const client = this.deps.client();
    // Thrown: the engine reports it and asks again at the next sync.
    if (client === null) throw new UserError(text("errorSyncOffWaits"));
    await client.subscriptions.setSync(book.containerUid, false);
    await this.deps.queue.drop(book.containerUid);
    this.deps.reporter.log("info", text("logDeletedHereSyncOff", book.displayName), book.containerUid);
    // Its search-only book is registered from the next list of subscriptions.
    this.deps.requestSync();
    return "forget";
  }

  private async sendRenames(state: LocalBooksState, books: RemoteBookWithCount[]): Promise<void> {
    const client = this.deps.client();
    if (client === null) return;
    for (const [containerUid, name] of Object.entries(state.renames)) {
      const book = books.find((b) => b.containerUid === containerUid);
      if (book === undefined || !book.sync || !book.ownedByUser) {
        delete state.renames[containerUid];
        continue;
      }
      try {
        await client.management.rename(containerUid, name);
        book.serverName = name;
        book.displayName = displayNameOf(name, book.ownerDisplayName, book.ownedByUser, book.isDomainDirectory);
        this.deps.reporter.log("info", text("logBookRenamedOnServer", name), containerUid);
        delete state.renames[containerUid];
      } catch (error) {
        if (error instanceof BlueMindError && error.retryable) continue;
        // Refused for good: the engine gives the local book its BlueMind name back.
        delete state.renames[containerUid];
        this.deps.reporter.log("warning", text("logRenameRefused", book.displayName, name, describeError(error)), containerUid);
      }
      await this.save();
    }
  }

  private async publishCandidates(state: LocalBooksState, user: AuthUser, books: RemoteBookWithCount[]): Promise<void> {
    const ids = Object.keys(state.candidates);
    if (ids.length === 0) return;
    if (!(await this.deps.publishLocalBooks())) {
      // Only the ones not started: a book half-published finishes, or BlueMind keeps an empty twin.
      for (const id of ids) if (state.candidates[id]?.uid === null) delete state.candidates[id];
    }
    const client = this.deps.client();
    if (client === null) return;
    const local = new Map((await this.deps.books.listBooks()).map((b) => [b.id, b]));
    for (const [bookId, candidate] of Object.entries(state.candidates)) {
      const book = local.get(bookId);
      if (book === undefined || book.remote || (await this.deps.engine.containerOfLocalBook(bookId)) !== null) {
        delete state.candidates[bookId];
        await this.save();
        continue;
      }
      try {
        books.push(await this.publish(client, user, book, candidate, state));
      } catch (error) {
        this.deps.reporter.log("error", text("logPublishFailed", book.name, describeError(error)));
        if (!(error instanceof BlueMindError && error.retryable)) {
          delete state.candidates[bookId];
          await this.save();
        }
      }
    }
  }

  private async publish(
    client: BlueMindClient,
    user: AuthUser,
    book: AddressBookInfo,
    candidate: { uid: string | null },
    state: LocalBooksState,
  ): Promise<RemoteBookWithCount> {
    if (candidate.uid === null) {
      candidate.uid = (this.deps.newUid ?? (() => crypto.randomUUID()))();
      await this.save();
    }
    const uid = candidate.uid;
    try {
      await client.management.create(uid, { name: book.name });
    } catch (error) {
      // A replay after a crash: the book is there already (ours: the uid is random).
      if (!(error instanceof BlueMindError && error.code === "ALREADY_EXISTS")) throw error;
    }
    await client.subscriptions.setSync(uid, true);
    const remote: RemoteBookWithCount = {
      containerUid: uid,
      serverName: book.name,
      displayName: book.name,
      ownerUid: user.uid,
      ownerDisplayName: user.displayName,
      ownedByUser: true,
      isDomainDirectory: false,
      sync: true,
      readOnly: false,
      internalId: null,
      itemCount: null,
    };
    await this.deps.queue.requestFullPush(uid);
    await this.deps.queue.flush();
    await this.deps.engine.adoptLocalBook(remote, book.id);
    delete state.candidates[book.id];
    await this.save();
    this.deps.reporter.log("info", text("logPublished", book.name), uid);
    return remote;
  }
}

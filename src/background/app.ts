// Wires the add-on together: settings and account, the sync scheduler, and the status the
// options page shows. Kept to wiring; behaviour lives in the modules it composes.
import type { BlueMindClient } from "../bluemind/client.ts";
import { ProviderBooks } from "../search/index.ts";
import { SyncCancelledError, SyncEngine, statusReporter } from "../sync/index.ts";
import type { AccountStatus, BookStatus } from "../shared/status.ts";
import { fetchRemoteBooks, type RemoteBookWithCount } from "../books/fetch-remote-books.ts";
import { SyncScheduler, type SyncReason } from "../sync/scheduler.ts";
import { waitUntilIdle } from "../sync/ui-idle.ts";
import { TwoWaySync } from "../sync/two-way.ts";
import { detachedBookMessage } from "../sync/detach-book.ts";
import type { NotificationsApi, Thunderbird, Unsubscribe } from "../thunderbird/types.ts";
import { describeError } from "../shared/error-message.ts";
import { MAX_SYNC_INTERVAL_MINUTES, MIN_SYNC_INTERVAL_MINUTES } from "../shared/settings.ts";
import { listOf, text, UserError, type MessageKey } from "../shared/user-text.ts";
import { Account, type AccountOptions } from "./account.ts";
import { SettingsStore } from "./settings-store.ts";
import { StatusStore } from "./status-store.ts";
import { DeletionQuestions } from "./deletion-questions.ts";
import type { DeletionDecision } from "../sync/deletion-guard.ts";

const WAKE_UP_ALARM = "bluemind-sync-wake-up";

/** What started a sync, as the activity log names it. */
const SYNC_REASONS: Record<SyncReason, MessageKey> = {
  startup: "syncReasonStartup",
  interval: "syncReasonInterval",
  manual: "syncReasonManual",
  "local-change": "syncReasonLocalChange",
  online: "syncReasonOnline",
  retry: "syncReasonRetry",
};

/** Account states in which search-only books send nothing: no credential, or one refused. */
const QUIET_STATES = new Set<AccountStatus>(["disconnected", "needs-sign-in"]);

export interface AppOptions {
  clientOptions?: AccountOptions["clientOptions"];
}

export class BackgroundApp {
  readonly status: StatusStore;
  readonly settings: SettingsStore;
  readonly account: Account;
  readonly engine: SyncEngine;
  readonly twoWay: TwoWaySync;
  readonly providers: ProviderBooks;
  readonly deletionQuestions: DeletionQuestions;
  private scheduler: SyncScheduler | null = null;
  private stopWatchingInterval: Unsubscribe | null = null;
  /** Set while signing out: no sync starts until it is done. */
  private signingOut = false;
  private readonly unsubscribes: Unsubscribe[] = [];
  /** The books kept out of autocompletion (settings), read by every autocompletion search. */
  private autocompleteOff = new Set<string>();

  constructor(
    private readonly tb: Thunderbird,
    options: AppOptions = {},
  ) {
    this.status = new StatusStore(tb.localStore);
    this.settings = new SettingsStore(tb.localStore, tb.managed);
    // Notifications go through the status store's redaction like every other message.
    const notifications: NotificationsApi = { notify: (message) => tb.notifications.notify(this.status.redact(message)) };
    this.account = new Account({
      settings: this.settings,
      status: this.status,
      clientOptions: options.clientOptions,
    });
    const reporter = statusReporter(this.status);
    this.twoWay = new TwoWaySync({
      books: tb.addressBooks,
      images: tb.images,
      store: tb.localStore,
      notifications,
      reporter,
      engine: () => this.engine,
      client: () => this.account.connectedClient,
      publishLocalBooks: async () => (await this.settings.load()).publishLocalBooks,
      onLocalChange: (urgent) => (urgent ? void this.scheduler?.syncNow("local-change") : this.scheduler?.localChange()),
    });
    this.deletionQuestions = new DeletionQuestions({
      notify: (message) => void notifications.notify(message),
      log: (level, message, containerUid) => this.status.log(level, message, containerUid),
      bookName: (containerUid) => this.bookStatusOf(containerUid)?.name ?? containerUid,
    });
    // The engine writes through the two-way module's marked books: its writes are not user edits.
    this.engine = SyncEngine.forThunderbird({ addressBooks: this.twoWay.books, localStore: tb.localStore }, reporter, {
      ...this.twoWay.engineOptions(),
      deletionGuard: this.deletionQuestions,
      render: (value) => tb.render(value),
    });
    this.providers = new ProviderBooks({
      providers: tb.searchProviders,
      store: tb.localStore,
      server: async (containerUid) => {
        // A search typed right after start waits for the stored credential to be restored.
        await this.restoring;
        return this.account.connectedClient?.addressBook(containerUid) ?? null;
      },
      canQuery: () => tb.connectivity.isOnline() && !QUIET_STATES.has(this.status.current.account.status),
      useInAutocomplete: (containerUid) => !this.autocompleteOff.has(containerUid),
      // Searches happen at every keystroke: only their problems belong in the activity log.
      log: (level, message) => {
        if (level !== "info") this.status.log(level, message);
      },
    });
  }

  async start(): Promise<void> {
    await this.status.load();
    await this.engine.loadStates();
    this.unsubscribes.push(this.twoWay.start());
    // Search-only books are there from the last session before any network answer.
    const settings = await this.settings.load();
    this.autocompleteOff = new Set(settings.autocompleteOff);
    await this.providers.restore();
    this.scheduler = new SyncScheduler({
      intervalMinutes: settings.syncIntervalMinutes,
      isOnline: () => this.tb.connectivity.isOnline(),
      runSync: (reason, signal) => this.runSync(reason, signal),
      beforeFirstSync: () => waitUntilIdle({ ping: () => this.tb.addressBooks.listBooks() }),
    });
    this.unsubscribes.push(this.tb.connectivity.onChange((online) => this.scheduler?.onlineChanged(online)));
    this.watchInterval(settings.syncIntervalMinutes);
    // The scheduler starts before the account is restored so the first sync is never later than
    // FIRST_SYNC_DELAY_MS; the sync itself waits for the connection.
    this.scheduler.start();
    this.restoring = this.account.restore(settings).then(() => undefined);
  }

  /** Thunderbird's alarm backs up the scheduler's timers: it still fires after the computer slept. */
  private watchInterval(minutes: number): void {
    this.stopWatchingInterval?.();
    this.stopWatchingInterval = this.tb.alarms.every(WAKE_UP_ALARM, minutes, () => this.scheduler?.wake());
  }

  stop(): void {
    this.stopWatchingInterval?.();
    this.scheduler?.stop();
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
  }

  syncNow(): Promise<void> {
    return this.scheduler?.syncNow("manual") ?? Promise.resolve();
  }

  /**
   * "Stop": the running sync is cancelled and waited for. It stops at its next safe point — every
   * write checks the signal first, and what was written is recorded (a pull checkpoints on its way
   * out, a push settles each batch) — so the next sync, at the usual interval or on "Sync now",
   * goes on from there. The engine shows the book it was syncing as pending again.
   */
  async stopSync(): Promise<void> {
    if (this.scheduler?.isRunning !== true) return;
    await this.scheduler.cancel();
    this.status.log("info", text("logSyncStopped"));
  }

  /** The user's answer to a book's held deletions; the sync that applies it starts at once. */
  answerDeletions(containerUid: string, decision: DeletionDecision): void {
    const book = this.bookStatusOf(containerUid);
    this.deletionQuestions.give(containerUid, decision, book?.state === "held" ? book.heldDeletions : undefined);
    this.status.updateBook(containerUid, { state: "pending", heldDeletions: undefined });
    void this.syncNow();
  }

  /** Repair: the book is re-read from BlueMind and reconciled at the sync that starts now. */
  async repairBook(containerUid: string): Promise<void> {
    await this.engine.requestRepair(containerUid);
    this.status.log("info", text("logRepairAsked", this.bookStatusOf(containerUid)?.name ?? containerUid), containerUid);
    void this.syncNow();
  }

  /** "Remove copies": the book's copies of synced contacts are deleted at the sync that starts now. */
  removeCopies(containerUid: string): void {
    this.engine.requestCopiesRemoval(containerUid);
    void this.syncNow();
  }

  async signIn(serverUrl: string, login: string, password: string): Promise<void> {
    const settings = await this.settings.load();
    if (settings.managed.includes("serverUrl") && serverUrl !== settings.serverUrl) {
      throw new UserError(text("errorServerManaged"));
    }
    await this.account.signIn(serverUrl, login, password);
    void this.syncNow();
  }

  /**
   * Disconnect. A running sync is cancelled and waited for (it would re-create what goes next);
   * while the key still works, what is pending is pushed; then every synced book stops being the
   * add-on's — removed (keeping what BlueMind does not have, renamed) or kept whole — and only
   * then does the key go.
   */
  async signOut(removeLocalBooks: boolean): Promise<void> {
    this.signingOut = true;
    try {
      await this.scheduler?.cancel();
      await this.engine.settled();
      const settings = await this.settings.load();
      await this.twoWay.idle();
      const client = this.account.connectedClient;
      const user = this.account.currentUser;
      // What is queued since the last session is pushed even when no sync ran yet in this one.
      const listing = client !== null && user !== null ? await fetchRemoteBooks(client, user.uid).catch(() => []) : [];
      const released = await this.engine.releaseAllLocalBooks(client, removeLocalBooks, listing);
      await this.account.signOut(settings);
      if (removeLocalBooks) this.status.log("info", text("logLocalBooksRemoved", String(released.filter((b) => b.deleted).length)));
      const kept = released.flatMap((b) => (b.keptIn === null ? [] : [detachedBookMessage(b.bookName, b.keptIn)]));
      if (kept.length > 0) this.status.setAccount({ message: listOf(kept) });
      await this.providers.removeAll();
      this.status.setBooks([]);
    } finally {
      this.signingOut = false;
    }
  }

  async setSync(containerUid: string, sync: boolean): Promise<void> {
    const client = this.account.connectedClient;
    if (!client) throw new UserError(text("errorNotConnected"));
    // BlueMind first: if the server refuses, nothing changed locally and the switch goes back.
    await client.subscriptions.setSync(containerUid, sync);
    this.status.updateBook(containerUid, { sync, state: sync ? "pending" : "search-only" });
    void this.syncNow();
  }

  /** A search-only book's "Use in autocompletion" switch: stored, and used from the next key stroke. */
  async setAutocomplete(containerUid: string, enabled: boolean): Promise<void> {
    const off = new Set((await this.settings.load()).autocompleteOff);
    if (enabled) off.delete(containerUid);
    else off.add(containerUid);
    const settings = await this.settings.save({ autocompleteOff: [...off] });
    this.autocompleteOff = new Set(settings.autocompleteOff);
  }

  /** Only these two fields, checked: the page cannot store anything else (a server, a key). */
  async saveSettings({ syncIntervalMinutes, publishLocalBooks }: { syncIntervalMinutes?: number; publishLocalBooks?: boolean }): Promise<void> {
    const change: { syncIntervalMinutes?: number; publishLocalBooks?: boolean } = {};
    if (syncIntervalMinutes !== undefined) {
      if (!Number.isInteger(syncIntervalMinutes) || syncIntervalMinutes < MIN_SYNC_INTERVAL_MINUTES || syncIntervalMinutes > MAX_SYNC_INTERVAL_MINUTES) {
        throw new UserError(text("intervalInvalid", String(MIN_SYNC_INTERVAL_MINUTES), String(MAX_SYNC_INTERVAL_MINUTES)));
      }
      change.syncIntervalMinutes = syncIntervalMinutes;
    }
    if (publishLocalBooks !== undefined) change.publishLocalBooks = publishLocalBooks;
    const settings = await this.settings.save(change);
    this.scheduler?.setInterval(settings.syncIntervalMinutes);
    if (this.scheduler) this.watchInterval(settings.syncIntervalMinutes);
  }

  private restoring: Promise<void> = Promise.resolve();

  private async runSync(reason: SyncReason, signal: AbortSignal): Promise<boolean> {
    await this.restoring;
    const client = await this.account.ensureConnected();
    const user = this.account.currentUser;
    // Cancelled (a sign-out waits for this sync to end): nothing more may be written.
    if (signal.aborted || this.signingOut) return true;
    if (!client || !user) return this.status.current.account.status !== "error";
    this.status.setSyncing(true);
    try {
      this.deletionQuestions.setLimits(await this.settings.deletionLimits());
      // Local renames and books created in Thunderbird reach BlueMind before the engine compares.
      const books = await this.twoWay.beforeSync(user, await fetchRemoteBooks(client, user.uid, signal));
      if (signal.aborted) throw new SyncCancelledError();
      this.account.noteContact();
      this.status.setBooks(books.map((b) => this.bookStatus(b)));
      await this.providers.reconcile(books);
      return await this.syncBooks(client, books, reason, signal);
    } catch (error) {
      if (signal.aborted) return true;
      this.account.noteFailure(error);
      this.status.log("error", text("logSyncFailed", describeError(error)));
      return false;
    } finally {
      this.status.setSyncing(false);
    }
  }

  private async syncBooks(client: BlueMindClient, books: RemoteBookWithCount[], reason: SyncReason, signal: AbortSignal): Promise<boolean> {
    const result = await this.engine.syncAll(client, books, signal);
    const failed = result.books.filter((b) => !b.ok).length;
    if (failed > 0) this.status.log("warning", text("logSyncBooksFailed", text(SYNC_REASONS[reason]), String(failed)));
    return result.ok;
  }

  private bookStatusOf(containerUid: string): BookStatus | undefined {
    return this.status.current.books.find((b) => b.containerUid === containerUid);
  }

  private bookStatus(book: RemoteBookWithCount): BookStatus {
    const previous = this.bookStatusOf(book.containerUid);
    return {
      containerUid: book.containerUid,
      name: book.displayName,
      ownerDisplayName: book.ownerDisplayName,
      ownedByUser: book.ownedByUser,
      isDomainDirectory: book.isDomainDirectory,
      sync: book.sync,
      readOnly: book.readOnly,
      itemCount: book.itemCount,
      // A held book keeps asking until its next pull (deletion-guard.ts).
      state: book.sync ? (previous?.state === "synced" || previous?.state === "held" ? previous.state : "pending") : "search-only",
      progress: null,
      lastSuccess: previous?.lastSuccess ?? null,
      lastError: null,
      ...(book.sync && previous?.state === "held" && previous.heldDeletions !== undefined ? { heldDeletions: previous.heldDeletions } : {}),
      ...(book.sync && previous?.drift !== undefined ? { drift: previous.drift } : {}),
      ...(book.sync && !book.readOnly && previous?.copies !== undefined ? { copies: previous.copies } : {}),
    };
  }
}

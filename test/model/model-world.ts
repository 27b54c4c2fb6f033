// The world the model-based test drives: a fake BlueMind (its store driven directly as "another
// BlueMind client"), an in-memory Thunderbird (local edits made as the user, through `asUser`, so
// the change tracker sees them), and the add-on as a process that can crash (crashable-process.ts)
// and be restarted on the same Thunderbird and storage. The add-on's parts are wired as the
// background wires them: TwoWaySync's hooks on the engine, beforeSync then syncAll.
import type { AuthUser, VCard } from "../../src/bluemind/models.ts";
import { BlueMindClient } from "../../src/bluemind/client.ts";
import { fetchRemoteBooks } from "../../src/books/fetch-remote-books.ts";
import { SyncEngine } from "../../src/sync/engine.ts";
import type { ReleasedBook, SyncRunResult } from "../../src/sync/engine-types.ts";
import { SyncCancelledError } from "../../src/sync/sync-errors.ts";
import { TwoWaySync } from "../../src/sync/two-way.ts";
import { SYNC_INDEX_KEY, parseIndex } from "../../src/sync/state/sync-state.ts";
import type { Unsubscribe } from "../../src/thunderbird/types.ts";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { InMemoryThunderbird } from "../unit/in-memory-thunderbird.ts";
import { RecordingReporter, type LogLine } from "../integration/sync-fixtures.ts";
import type { SyncReporter } from "../../src/sync/reporter.ts";
import { Life, mortalBooks, mortalFetch, mortalNotifications, mortalStore } from "../support/crashable-process.ts";

/** The password is one no log line could hold by chance (the "no secret in any log" check). */
export const JANE = { uid: "u-jdoe", login: "jdoe@example.com", password: "pw-Zq8#model-secret" };
export const CONTACTS_BOOK = "book:Contacts_u-jdoe";
export const WORK_BOOK = "model-work-book";
/** The books the model edits; both writable, owned by Jane, synced at the start. */
export const MODEL_BOOKS = [CONTACTS_BOOK, WORK_BOOK] as const;
export type ModelBook = (typeof MODEL_BOOKS)[number];

/** Something the user or another client does while one request of a sync waits for its answer. */
export interface Meanwhile {
  /** The request (counted from 1 in this sync, writes not counted) whose answer is slow. */
  atRequest: number;
  run: () => Promise<void>;
}

/** One running add-on: its own life, client, engine and two-way module. */
class AddonProcess {
  readonly life = new Life();
  client: BlueMindClient;
  readonly engine: SyncEngine;
  readonly twoWay: TwoWaySync;
  private unsubscribe: Unsubscribe = () => undefined;
  user: AuthUser | null = null;
  /** Requests sent so far, and what happens while one of them waits. */
  private requests = 0;
  meanwhile: Meanwhile | null = null;

  constructor(
    private readonly fake: FakeBlueMind,
    tb: InMemoryThunderbird,
    reporter: SyncReporter,
    now: () => number,
  ) {
    const life = this.life;
    this.client = this.newClient();
    const liveReporter: SyncReporter = {
      bookState: (uid, change) => (life.isDead ? undefined : reporter.bookState(uid, change)),
      progress: (uid, progress) => (life.isDead ? undefined : reporter.progress(uid, progress)),
      log: (level, text, uid) => (life.isDead ? undefined : reporter.log(level, text, uid)),
    };
    const books = mortalBooks(tb.addressBooks, life);
    const store = mortalStore(tb.localStore, life);
    const twoWay: TwoWaySync = new TwoWaySync({
      books,
      images: tb.images,
      store,
      notifications: mortalNotifications(tb.notifications, life),
      reporter: liveReporter,
      engine: () => engine,
      client: () => this.client,
      publishLocalBooks: async () => true,
      onLocalChange: () => undefined,
      notifyDelayMs: 0,
      now,
    });
    const engine: SyncEngine = new SyncEngine({ books: twoWay.books, store, reporter: liveReporter }, { ...twoWay.engineOptions(), now });
    this.engine = engine;
    this.twoWay = twoWay;
  }

  /** A client as a sign-in makes it: a new session. */
  newClient(): BlueMindClient {
    const inner = mortalFetch(this.life, this.fake.fetch);
    return new BlueMindClient({
      baseUrl: this.fake.url,
      origin: "model-tests",
      credential: { kind: "password", login: JANE.login, password: JANE.password },
      sleep: async () => undefined,
      fetch: async (input, init) => {
        const meanwhile = this.meanwhile;
        // Not while a write is on its way: _mupdates has no compare-and-swap (bluemind-api.md), so
        // a card another client changes between its arrival and its write is overwritten whole,
        // whatever the add-on does — a window of one request, left out of the model.
        if (meanwhile !== null && !String(input).includes("/_mupdates") && ++this.requests >= meanwhile.atRequest) {
          this.meanwhile = null;
          await meanwhile.run();
        }
        return inner(input, init);
      },
    });
  }

  async start(): Promise<void> {
    await this.engine.loadStates();
    this.unsubscribe = this.twoWay.start();
  }

  stop(): void {
    this.unsubscribe();
  }

  /** One sync as the background runs it (app.ts runSync). */
  async sync(signal?: AbortSignal): Promise<SyncRunResult> {
    this.requests = 0;
    this.user ??= await this.client.connect();
    const books = await this.twoWay.beforeSync(this.user, await fetchRemoteBooks(this.client, JANE.uid, signal));
    if (signal?.aborted === true) throw new SyncCancelledError();
    const result = await this.engine.syncAll(this.client, books, signal);
    await this.engine.settled();
    return result;
  }

  /** Disconnect as the background does it (app.ts signOut), the running sync already cancelled. */
  async signOut(remove: boolean): Promise<ReleasedBook[]> {
    await this.engine.settled();
    await this.twoWay.idle();
    this.user ??= await this.client.connect().catch(() => null);
    const listing = this.user === null ? [] : await fetchRemoteBooks(this.client, JANE.uid).catch(() => []);
    const released = await this.engine.releaseAllLocalBooks(this.client, remove, listing);
    this.client = this.newClient();
    this.user = null;
    return released;
  }
}

export interface SyncAttempt {
  /** The run rejected, or a book failed. */
  ok: boolean;
  crashed: boolean;
  error: unknown;
  /** The account needed a sign-in afterwards, and the user signed in. */
  signedInAgain?: boolean;
}

export class ModelWorld {
  readonly reporter = new RecordingReporter();
  private process: AddonProcess;
  /** Processes started (1 + restarts). */
  restarts = 0;
  /** Added to the add-on's clock (a day passes: the daily full check is due). */
  clockOffset = 0;
  private readonly now = (): number => Date.now() + this.clockOffset;
  /** Plain local books the add-on left to the user (Disconnect), checked when they were left. */
  readonly plainBooks = new Set<string>();
  /** Secrets the add-on held: its password and every session key BlueMind gave it. */
  readonly secrets = new Set<string>([JANE.password]);
  /** What the add-on wrote to the console. */
  readonly console: string[] = [];

  private constructor(
    readonly fake: FakeBlueMind,
    readonly tb: InMemoryThunderbird,
  ) {
    this.process = new AddonProcess(fake, tb, this.reporter, this.now);
  }

  static async create(): Promise<ModelWorld> {
    const fake = await startFakeBlueMind({
      dataset: {
        domain: "example.com",
        directory: { count: 0 },
        users: [{ uid: JANE.uid, login: JANE.login, password: JANE.password, displayName: "Jane Doe", lang: "en", roles: ["hasTbird", "hasMail"], contacts: 0, collected: 0 }],
        books: [{ uid: WORK_BOOK, name: "Work", owner: JANE.uid, items: 0, subscribers: [{ userUid: JANE.uid, offlineSync: true }] }],
      },
    });
    const world = new ModelWorld(fake, new InMemoryThunderbird());
    world.captureConsole();
    await world.process.start();
    return world;
  }

  private restoreConsole: () => void = () => undefined;

  /** The add-on's console output goes to `console` (shown too with MODEL_VERBOSE=1). */
  private captureConsole(): void {
    const methods = ["log", "info", "warn", "error", "debug"] as const;
    const original = methods.map((m) => [m, console[m]] as const);
    for (const [name, method] of original) {
      console[name] = (...args: unknown[]) => {
        this.console.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack ?? ""}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
        if (process.env.MODEL_VERBOSE === "1") method.apply(console, args);
      };
    }
    this.restoreConsole = () => {
      for (const [name, method] of original) console[name] = method;
    };
  }

  get lines(): LogLine[] {
    return this.reporter.lines;
  }

  /**
   * A sync of every book; with `crashAt`, the process dies at that point (if the run gets that
   * far) and a new one is started on the same Thunderbird and storage.
   */
  async sync(crashAt = Infinity, meanwhile: Meanwhile | null = null): Promise<SyncAttempt> {
    const process = this.process;
    process.life.crashAt = process.life.points + crashAt;
    process.meanwhile = meanwhile;
    let attempt: SyncAttempt;
    try {
      const result = await process.sync();
      attempt = { ok: result.ok && !process.life.isDead, crashed: process.life.isDead, error: result.ok ? null : result.books.find((b) => !b.ok)?.error };
    } catch (error) {
      attempt = { ok: false, crashed: process.life.isDead, error };
    }
    process.life.crashAt = Infinity;
    process.meanwhile = null;
    this.noteSecrets();
    await this.settle();
    if (attempt.crashed) await this.restart(true);
    // BlueMind refused the credential twice in a row: the account waits for the user, who signs in.
    else if (process.client.session.needsSignIn) {
      process.user = await process.client.connect();
      attempt.signedInAgain = true;
    }
    return attempt;
  }

  /** Repair of a book (the options page's button): a sync that re-reads it whole. */
  async repair(book: ModelBook): Promise<SyncAttempt & { asked: boolean }> {
    const asked = this.process.engine.ledgerOf(book) !== undefined;
    if (asked) await this.process.engine.requestRepair(book);
    return { ...(await this.sync()), asked };
  }

  /**
   * A sync the user stops (the options page's Stop) at that point of it: the run is cancelled and
   * waited for, as the background's stopSync does; the add-on goes on running.
   */
  async stoppedSync(stopAt: number): Promise<SyncAttempt> {
    const attempt = await this.cancelledSync(stopAt);
    this.noteSecrets();
    await this.settle();
    return attempt;
  }

  /** A sync cancelled at that point of it (an AbortSignal, as the scheduler's), waited for. */
  private async cancelledSync(at: number): Promise<SyncAttempt> {
    const process = this.process;
    const controller = new AbortController();
    process.life.at(process.life.points + at, () => controller.abort());
    try {
      const result = await process.sync(controller.signal);
      return { ok: result.ok, crashed: false, error: null };
    } catch (error) {
      return { ok: false, crashed: false, error };
    } finally {
      process.life.clearTrigger();
    }
  }

  /**
   * Disconnect, then a sign-in with the same account (the next sync brings the books back). With
   * `cancelAt`, a sync is running and the sign-out comes at that point of it: the run is cancelled
   * and waited for, as the background's scheduler does, before the books are released.
   */
  async signOut(remove: boolean, cancelAt?: number): Promise<{ released: ReleasedBook[]; run: SyncAttempt | null; synced: Record<string, string> }> {
    const process = this.process;
    const run = cancelAt === undefined ? null : await this.cancelledSync(cancelAt);
    this.noteSecrets();
    await this.settle();
    // The books being released (a cancelled run may have created one); not one whose release a
    // crash cut short (sync went off): the sign-out finishes that one, and it may be gone already.
    const index = parseIndex(await this.tb.localStore.get(SYNC_INDEX_KEY));
    const synced = Object.fromEntries(Object.entries(index.books).filter(([, entry]) => entry.releasing !== true).map(([uid, entry]) => [uid, entry.localBookId]));
    const released = await process.signOut(remove);
    await this.settle();
    return { released, run, synced };
  }

  /** Keys BlueMind gave out so far (a session may end before the logs are checked). */
  noteSecrets(): void {
    for (const key of this.fake.state.sessions.keys()) this.secrets.add(key);
    for (const key of this.fake.state.apiKeys.keys()) this.secrets.add(key);
  }

  /** Waits for Thunderbird's pending events and the module's handling of them. */
  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await this.tb.settled();
      if (!this.process.life.isDead) await this.process.twoWay.idle().catch(() => undefined);
    }
  }

  /** A restarted add-on. `crashed`: the old one is dead already; else it stops cleanly first. */
  async restart(crashed = false): Promise<void> {
    if (!crashed) await this.settle();
    this.process.stop();
    this.process.life.kill();
    // Events of the old process's last writes are delivered to nobody, as after a real crash.
    await this.tb.settled();
    this.process = new AddonProcess(this.fake, this.tb, this.reporter, this.now);
    this.restarts++;
    await this.process.start();
  }

  /** The local book of a synced BlueMind book, from the engine's index; null when not synced. */
  async localBookOf(containerUid: string): Promise<string | null> {
    const index = parseIndex(await this.tb.localStore.get(SYNC_INDEX_KEY));
    const entry = index.books[containerUid];
    if (entry === undefined) return null;
    const exists = (await this.tb.asUser.listBooks()).some((b) => b.id === entry.localBookId);
    return exists ? entry.localBookId : null;
  }

  /** Whether Jane's subscription to `containerUid` has sync on. */
  syncOn(containerUid: string): boolean {
    return this.fake.state.subscriptions.get(JANE.uid)?.get(containerUid)?.offlineSync === true;
  }

  setSync(containerUid: string, on: boolean): void {
    this.fake.control.setOfflineSync(JANE.uid, containerUid, on);
  }

  serverCards(containerUid: string): { uid: string; value: VCard }[] {
    const book = this.fake.state.books.get(containerUid);
    if (book === undefined) throw new Error(`no server book ${containerUid}`);
    return [...book.items.values()].map((i) => ({ uid: i.uid, value: i.value }));
  }

  async close(): Promise<void> {
    this.restoreConsole();
    this.process.stop();
    this.process.life.kill();
    await this.tb.settled();
    await this.fake.close();
  }
}

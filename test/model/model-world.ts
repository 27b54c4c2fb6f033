// The world the model-based test drives: a fake BlueMind (its store driven directly as "another
// BlueMind client"), an in-memory Thunderbird (local edits made as the user, through `asUser`, so
// the change tracker sees them), and the add-on as a process that can crash (crashable-process.ts)
// and be restarted on the same Thunderbird and storage. The add-on's parts are wired as the
// background wires them: TwoWaySync's hooks on the engine, beforeSync then syncAll.
import type { AuthUser, VCard } from "../../src/bluemind/models.ts";
import { BlueMindClient } from "../../src/bluemind/client.ts";
import { fetchRemoteBooks } from "../../src/books/fetch-remote-books.ts";
import { SyncEngine } from "../../src/sync/engine.ts";
import type { SyncRunResult } from "../../src/sync/engine-types.ts";
import { TwoWaySync } from "../../src/sync/two-way.ts";
import { SYNC_INDEX_KEY, parseIndex } from "../../src/sync/state/sync-state.ts";
import type { Unsubscribe } from "../../src/thunderbird/types.ts";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { InMemoryThunderbird } from "../unit/in-memory-thunderbird.ts";
import { RecordingReporter, type LogLine } from "../integration/sync-fixtures.ts";
import type { SyncReporter } from "../../src/sync/reporter.ts";
import { Life, mortalBooks, mortalFetch, mortalNotifications, mortalStore } from "../support/crashable-process.ts";

export const JANE = { uid: "u-jdoe", login: "jdoe@example.com", password: "secret" };
export const CONTACTS_BOOK = "book:Contacts_u-jdoe";
export const WORK_BOOK = "model-work-book";
/** The books the model edits; both writable, owned by Jane, synced at the start. */
export const MODEL_BOOKS = [CONTACTS_BOOK, WORK_BOOK] as const;
export type ModelBook = (typeof MODEL_BOOKS)[number];

/** One running add-on: its own life, client, engine and two-way module. */
class AddonProcess {
  readonly life = new Life();
  readonly client: BlueMindClient;
  readonly engine: SyncEngine;
  readonly twoWay: TwoWaySync;
  private unsubscribe: Unsubscribe = () => undefined;
  user: AuthUser | null = null;

  constructor(fake: FakeBlueMind, tb: InMemoryThunderbird, reporter: SyncReporter) {
    const life = this.life;
    this.client = new BlueMindClient({
      baseUrl: fake.url,
      origin: "model-tests",
      credential: { kind: "password", login: JANE.login, password: JANE.password },
      sleep: async () => undefined,
      fetch: mortalFetch(life, fake.fetch),
    });
    const liveReporter: SyncReporter = {
      bookState: (uid, change) => (life.isDead ? undefined : reporter.bookState(uid, change)),
      progress: (uid, progress) => (life.isDead ? undefined : reporter.progress(uid, progress)),
      log: (level, text, uid) => (life.isDead ? undefined : reporter.log(level, text, uid)),
    };
    const books = mortalBooks(tb.addressBooks, life);
    const store = mortalStore(tb.localStore, life);
    const twoWay: TwoWaySync = new TwoWaySync({
      books,
      store,
      notifications: mortalNotifications(tb.notifications, life),
      reporter: liveReporter,
      engine: () => engine,
      client: () => this.client,
      publishLocalBooks: async () => true,
      onLocalChange: () => undefined,
      notifyDelayMs: 0,
    });
    const engine: SyncEngine = new SyncEngine({ books: twoWay.books, store, reporter: liveReporter }, twoWay.engineOptions());
    this.engine = engine;
    this.twoWay = twoWay;
  }

  async start(): Promise<void> {
    await this.engine.loadStates();
    this.unsubscribe = this.twoWay.start();
  }

  stop(): void {
    this.unsubscribe();
  }

  /** One sync as the background runs it. */
  async sync(): Promise<SyncRunResult> {
    this.user ??= await this.client.connect();
    const books = await this.twoWay.beforeSync(this.user, await fetchRemoteBooks(this.client, JANE.uid));
    const result = await this.engine.syncAll(this.client, books);
    await this.engine.settled();
    return result;
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

  private constructor(
    readonly fake: FakeBlueMind,
    readonly tb: InMemoryThunderbird,
  ) {
    this.process = new AddonProcess(fake, tb, this.reporter);
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
    await world.process.start();
    return world;
  }

  get lines(): LogLine[] {
    return this.reporter.lines;
  }

  /**
   * A sync of every book; with `crashAt`, the process dies at that point (if the run gets that
   * far) and a new one is started on the same Thunderbird and storage.
   */
  async sync(crashAt = Infinity): Promise<SyncAttempt> {
    const process = this.process;
    process.life.crashAt = process.life.points + crashAt;
    let attempt: SyncAttempt;
    try {
      const result = await process.sync();
      attempt = { ok: result.ok && !process.life.isDead, crashed: process.life.isDead, error: result.ok ? null : result.books.find((b) => !b.ok)?.error };
    } catch (error) {
      attempt = { ok: false, crashed: process.life.isDead, error };
    }
    process.life.crashAt = Infinity;
    await this.settle();
    if (attempt.crashed) await this.restart(true);
    // BlueMind refused the credential twice in a row: the account waits for the user, who signs in.
    else if (process.client.session.needsSignIn) {
      process.user = await process.client.connect();
      attempt.signedInAgain = true;
    }
    return attempt;
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
    this.process = new AddonProcess(this.fake, this.tb, this.reporter);
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
    this.process.stop();
    this.process.life.kill();
    await this.tb.settled();
    await this.fake.close();
  }
}

// Set-up of the two-way integration tests: the sync world of sync-fixtures.ts (fake BlueMind over
// HTTP, the add-on's client, the in-memory Thunderbird), with the two-way module wired to the
// engine as the background wires it — the engine writes through the marked books, pushes before
// each pull, and the module listens to Thunderbird's events. Local edits are made with
// `tb.asUser`, as a user in Thunderbird's window would.
import { afterEach, beforeEach } from "vitest";
import type { AuthUser, VCard } from "../../src/bluemind/models.ts";
import { SyncEngine } from "../../src/sync/engine.ts";
import type { SyncRunResult } from "../../src/sync/engine-types.ts";
import { fetchRemoteBooks } from "../../src/books/fetch-remote-books.ts";
import { TwoWaySync } from "../../src/sync/two-way.ts";
import type { Unsubscribe } from "../../src/thunderbird/types.ts";
import { blueMindToVCard } from "../../src/vcard/index.ts";
import { JANE, makeWorld, type SyncWorld, type WorldOptions } from "./sync-fixtures.ts";
import { inEnglish } from "../../src/shared/user-text.ts";

export interface TwoWayWorld extends Omit<SyncWorld, "sync" | "restart"> {
  twoWay: TwoWaySync;
  user: AuthUser;
  /** Requests for a sync the module made: [urgent] per call. */
  syncRequests: boolean[];
  publish: { enabled: boolean };
  /** As the background: beforeSync, then the engine's run. */
  sync(): Promise<SyncRunResult>;
  /** Waits for Thunderbird's pending events and the module's handling of them. */
  settle(): Promise<void>;
  /** A restarted add-on: new module and engine on the same Thunderbird and storage. */
  restart(): Promise<void>;
  stop(): void;
}

export async function makeTwoWayWorld(options: WorldOptions = {}): Promise<TwoWayWorld> {
  const base = await makeWorld(options);
  const user = await base.client.connect();
  let unsubscribe: Unsubscribe = () => undefined;
  const world = base as unknown as TwoWayWorld;
  world.user = user;
  world.syncRequests = [];
  world.publish = { enabled: true };

  const wire = async (): Promise<void> => {
    const twoWay: TwoWaySync = new TwoWaySync({
      books: base.tb.addressBooks,
      images: base.tb.images,
      store: base.tb.localStore,
      notifications: base.tb.notifications,
      reporter: base.reporter,
      engine: () => engine,
      client: () => base.client,
      publishLocalBooks: async () => world.publish.enabled,
      onLocalChange: (urgent) => void world.syncRequests.push(urgent),
      notifyDelayMs: 0,
    });
    const engine: SyncEngine = new SyncEngine({ books: twoWay.books, store: base.tb.localStore, reporter: base.reporter }, { ...options.engine, ...twoWay.engineOptions() });
    await engine.loadStates();
    unsubscribe = twoWay.start();
    world.twoWay = twoWay;
    world.engine = engine;
  };
  await wire();

  world.sync = async () => {
    const books = await world.twoWay.beforeSync(user, await fetchRemoteBooks(base.client, JANE.uid));
    return world.engine.syncAll(base.client, books);
  };
  world.settle = async () => {
    for (let i = 0; i < 3; i++) {
      await base.tb.settled();
      await world.twoWay.idle();
    }
  };
  world.stop = () => unsubscribe();
  world.restart = async () => {
    await world.settle();
    unsubscribe();
    await wire();
  };
  return world;
}

/** A fresh two-way world per test of the calling file. */
export function useTwoWayWorld(options: WorldOptions = {}): { readonly world: TwoWayWorld } {
  const holder: { world: TwoWayWorld | null } = { world: null };
  beforeEach(async () => {
    holder.world = await makeTwoWayWorld(options);
  });
  afterEach(async () => {
    holder.world?.stop();
    await holder.world?.fake.close();
    holder.world = null;
  });
  return {
    get world(): TwoWayWorld {
      if (holder.world === null) throw new Error("the two-way world is not set up");
      return holder.world;
    },
  };
}

/** A vCard as a user would type it in Thunderbird (random UID chosen by Thunderbird). */
export function typedVCard(name: string, email: string, extra: string[] = []): string {
  const [given = "", family = ""] = name.split(" ");
  return ["BEGIN:VCARD", "VERSION:4.0", `FN:${name}`, `N:${family};${given};;;`, `EMAIL;TYPE=work:${email}`, ...extra, "END:VCARD"].join("\r\n");
}

/** The vCard of a server card, as the pull wrote it under `contactId`. */
export function vCardOf(card: VCard, contactId: string): string {
  const converted = blueMindToVCard(card, contactId);
  if (!converted.ok) throw new Error(inEnglish(converted.reason));
  return converted.value;
}

/** Replaces (or adds) one property line of a vCard, e.g. setProperty(v, "TITLE", "CTO"). */
export function setProperty(vCard: string, name: string, value: string): string {
  const lines = vCard.replace(/\r?\n[ \t]/g, "").split(/\r?\n/).filter((l) => l !== "");
  const kept = lines.filter((l) => !new RegExp(`^${name}[;:]`, "i").test(l));
  const end = kept.findIndex((l) => /^END:VCARD/i.test(l));
  kept.splice(end, 0, `${name}:${value}`);
  return kept.join("\r\n");
}

/** Counts the _mupdates calls the fake saw. */
export function mupdatesCalls(world: TwoWayWorld, containerUid?: string): number {
  return world.fake.requests.filter((r) => r.method === "PUT" && r.path.endsWith("/_mupdates") && (containerUid === undefined || r.path.includes(encodeURIComponent(containerUid)))).length;
}

// Shared set-up of the sync engine's integration tests: the fake BlueMind over real HTTP, the
// add-on's BlueMind client, the in-memory Thunderbird, and helpers that compare a local book
// with what the server holds.
import { afterEach, beforeEach, expect } from "vitest";
import { BlueMindClient } from "../../src/bluemind/client.ts";
import type { BlueMindClientOptions } from "../../src/bluemind/client.ts";
import type { ItemValue, VCard } from "../../src/bluemind/models.ts";
import type { RetryInfo } from "../../src/bluemind/transport.ts";
import { contactIdFor, memberContactIdFor } from "../../src/sync/contact-uid.ts";
import { SyncEngine } from "../../src/sync/engine.ts";
import type { SyncEngineOptions, SyncRunResult } from "../../src/sync/engine-types.ts";
import { fetchRemoteBooks } from "../../src/books/fetch-remote-books.ts";
import { groupMembers, listFieldsOf } from "../../src/sync/groups.ts";
import type { BookStateChange, SyncReporter } from "../../src/sync/reporter.ts";
import { SYNC_INDEX_KEY, type SyncIndex } from "../../src/sync/state/sync-state.ts";
import type { ActivityLevel } from "../../src/shared/status.ts";
import type { Thunderbird } from "../../src/thunderbird/types.ts";
import { blueMindToVCard, vCardContentHash } from "../../src/vcard/index.ts";
import { startFakeBlueMind } from "../fake-bluemind/index.ts";
import type { FakeBlueMindOptions } from "../fake-bluemind/index.ts";
import { InMemoryThunderbird } from "../unit/in-memory-thunderbird.ts";
import { clientFor } from "./bluemind-fixtures.ts";

export type Fake = Awaited<ReturnType<typeof startFakeBlueMind>>;

import { BOOKS, JANE } from "../fake-bluemind/test-helpers.ts";
import { inEnglish, type UserText } from "../../src/shared/user-text.ts";

export { BOOKS, JANE };

export interface LogLine {
  level: ActivityLevel;
  /** In English, as the tests read it; `text` is what the reporter was given. */
  message: string;
  text: UserText;
  containerUid?: string;
}

/** A reporter that keeps everything it hears. */
export class RecordingReporter implements SyncReporter {
  readonly stateLog: { containerUid: string; change: BookStateChange }[] = [];
  readonly progressLog: { containerUid: string; progress: { done: number; total: number } | null }[] = [];
  readonly lines: LogLine[] = [];

  bookState(containerUid: string, change: BookStateChange): void {
    this.stateLog.push({ containerUid, change });
  }

  progress(containerUid: string, progress: { done: number; total: number } | null): void {
    this.progressLog.push({ containerUid, progress });
  }

  log(level: ActivityLevel, text: UserText, containerUid?: string): void {
    const message = inEnglish(text);
    this.lines.push(containerUid === undefined ? { level, message, text } : { level, message, text, containerUid });
  }

  progressOf(containerUid: string): ({ done: number; total: number } | null)[] {
    return this.progressLog.filter((p) => p.containerUid === containerUid).map((p) => p.progress);
  }

  lastState(containerUid: string): BookStateChange | undefined {
    return this.stateLog.filter((s) => s.containerUid === containerUid).at(-1)?.change;
  }
}

export interface SyncWorld {
  fake: Fake;
  tb: InMemoryThunderbird;
  client: BlueMindClient;
  retries: RetryInfo[];
  reporter: RecordingReporter;
  engine: SyncEngine;
  /** fetchRemoteBooks + engine.syncAll, as the background runs a sync. */
  sync(signal?: AbortSignal): Promise<SyncRunResult>;
  /** A new engine on the same Thunderbird and storage (a restarted add-on). */
  restart(options?: SyncEngineOptions, tb?: Thunderbird): void;
}

export interface WorldOptions {
  fake?: FakeBlueMindOptions;
  engine?: SyncEngineOptions;
  client?: Partial<BlueMindClientOptions>;
}

/** A fresh fake BlueMind and in-memory Thunderbird per test of the calling file. */
export function useSyncWorld(options: WorldOptions = {}): { readonly world: SyncWorld } {
  const holder: { world: SyncWorld | null } = { world: null };
  beforeEach(async () => {
    holder.world = await makeWorld(options);
  });
  afterEach(async () => {
    await holder.world?.fake.close();
    holder.world = null;
  });
  return {
    get world(): SyncWorld {
      if (holder.world === null) throw new Error("the sync world is not set up");
      return holder.world;
    },
  };
}

export async function makeWorld(options: WorldOptions = {}): Promise<SyncWorld> {
  const fake = await startFakeBlueMind(options.fake);
  const tb = new InMemoryThunderbird();
  // A password session (not the API key) so that an expired session is re-logged into.
  const { client, retries } = clientFor(fake, { origin: "sync-tests", ...options.client });
  const reporter = new RecordingReporter();
  const world: SyncWorld = {
    fake,
    tb,
    client,
    retries,
    reporter,
    engine: SyncEngine.forThunderbird(tb, reporter, options.engine),
    async sync(signal) {
      const books = await fetchRemoteBooks(client, JANE.uid, signal);
      return world.engine.syncAll(client, books, signal);
    },
    restart(engineOptions = options.engine, onTb: Thunderbird = tb) {
      world.engine = SyncEngine.forThunderbird(onTb, reporter, engineOptions);
    },
  };
  return world;
}

export function indexOf(tb: InMemoryThunderbird): SyncIndex {
  return (tb.storeSnapshot()[SYNC_INDEX_KEY] as SyncIndex | undefined) ?? { schema: 1, books: {} };
}

export function localBookIdOf(tb: InMemoryThunderbird, containerUid: string): string {
  const entry = indexOf(tb).books[containerUid];
  if (entry === undefined) throw new Error(`no local book for ${containerUid}`);
  return entry.localBookId;
}

export function serverItems(fake: Fake, containerUid: string): ItemValue<VCard>[] {
  const book = fake.control.snapshot().books.find((b) => b.uid === containerUid);
  if (book === undefined) throw new Error(`no server book ${containerUid}`);
  return book.items;
}

/**
 * Asserts that the local copy of `containerUid` holds exactly the server's cards: one contact per
 * individual card, with the derived id and the content the converter gives; one mailing list per
 * group, with its members; plus the contacts of bare-email members, and nothing else.
 */
export async function expectBookMatchesServer(world: SyncWorld, containerUid: string): Promise<void> {
  const { fake, tb } = world;
  const bookId = localBookIdOf(tb, containerUid);
  const items = serverItems(fake, containerUid);
  const contacts = await tb.asUser.listContacts(bookId);
  const byId = new Map(contacts.map((c) => [c.id, c.vCard]));

  const expectedIds = new Set<string>();
  const groups = items.filter((i) => i.value.kind === "group");
  for (const item of items) {
    if (item.value.kind === "group") continue;
    const id = await contactIdFor(containerUid, item.uid);
    expectedIds.add(id);
    const local = byId.get(id);
    expect(local, `contact of card ${item.uid}`).toBeDefined();
    const converted = blueMindToVCard(item.value, id);
    if (!converted.ok) throw new Error(inEnglish(converted.reason));
    expect(vCardContentHash(local as string), `content of card ${item.uid}`).toBe(vCardContentHash(converted.value));
  }

  const lists = await tb.asUser.listLists(bookId);
  expect(lists.map((l) => l.name).sort()).toEqual(groups.map((g) => listFieldsOf(g).name).sort());
  for (const group of groups) {
    const list = lists.find((l) => l.name === listFieldsOf(group).name);
    if (list === undefined) throw new Error(`no list for group ${group.uid}`);
    const members = groupMembers(group.value, containerUid, (uid) => items.some((i) => i.uid === uid && i.value.kind !== "group"));
    const want: string[] = [];
    for (const uid of members.sameBook) {
      const card = items.find((i) => i.uid === uid);
      if (card !== undefined && hasPrimaryEmail(card.value)) want.push(await contactIdFor(containerUid, uid));
    }
    for (const bare of members.bare) {
      const id = await memberContactIdFor(containerUid, bare.email);
      expectedIds.add(id);
      want.push(id);
    }
    const have = (await tb.asUser.listMembers(list.id)).map((c) => c.id);
    expect(new Set(have), `members of ${group.uid}`).toEqual(new Set(want));
  }
  expect(new Set(byId.keys())).toEqual(expectedIds);
}

/** Thunderbird's addMember ignores contacts without a primary email. */
function hasPrimaryEmail(card: VCard): boolean {
  return (card.communications?.emails ?? []).some((e) => typeof e.value === "string" && e.value.trim() !== "");
}

/** Requests the fake saw, as "METHOD path?query", optionally filtered by a path regex. */
export function requestsMatching(fake: Fake, pattern: RegExp): string[] {
  return fake.requests.map((r) => `${r.method} ${r.path}`).filter((line) => pattern.test(line));
}

export function person(given: string, family: string, email: string): VCard {
  return {
    kind: "individual",
    identification: {
      formatedName: { value: `${given} ${family}`, parameters: [] },
      name: { givenNames: given, familyNames: family, parameters: [] },
    },
    communications: { emails: [{ value: email, parameters: [{ label: "TYPE", value: "work" }] }] },
  };
}

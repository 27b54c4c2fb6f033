// A BlueMind address book in memory for the engine's unit tests: versions and a changelog with
// BlueMind's changeset rules (simplified: no purge), photos, and hooks to make a call fail.
import type { ContainerChangeset, ItemValue, VCard } from "../../src/bluemind/models.ts";
import type { CallOptions } from "../../src/bluemind/transport.ts";
import type { BookContent, ContentSource } from "../../src/sync/remote-content.ts";

interface Entry {
  version: number;
  uid: string;
  op: "created" | "updated" | "deleted";
}

export class MemoryBook implements BookContent {
  version = 0;
  readonly items = new Map<string, ItemValue<VCard>>();
  readonly photos = new Map<string, Uint8Array>();
  readonly calls: string[] = [];
  /** Called before every request; throw from it to make the request fail. */
  beforeCall: (call: string, detail: unknown) => void = () => undefined;
  /** Rewrites an _mget answer (e.g. to slip a broken value in). */
  mapMget: (items: ItemValue<VCard>[]) => unknown[] = (items) => items;
  private log: Entry[] = [];

  put(uid: string, value: VCard): number {
    const op = this.items.has(uid) ? "updated" : "created";
    this.version++;
    this.items.set(uid, { uid, version: this.version, value: structuredClone(value) });
    this.log.push({ version: this.version, uid, op });
    return this.version;
  }

  remove(uid: string): number {
    if (!this.items.delete(uid)) return this.version;
    this.photos.delete(uid);
    this.version++;
    this.log.push({ version: this.version, uid, op: "deleted" });
    return this.version;
  }

  async changeset(since: number, _options?: CallOptions): Promise<ContainerChangeset> {
    this.calls.push(`changeset ${since}`);
    this.beforeCall("changeset", since);
    if (since <= 0) return { created: [...this.items.keys()], updated: [], deleted: [], version: this.version };
    const window = new Map<string, { first: Entry["op"]; sawDelete: boolean }>();
    let version = since;
    for (const entry of this.log) {
      if (entry.version <= since) continue;
      version = Math.max(version, entry.version);
      const seen = window.get(entry.uid);
      if (seen) seen.sawDelete ||= entry.op === "deleted";
      else window.set(entry.uid, { first: entry.op, sawDelete: entry.op === "deleted" });
    }
    const result: ContainerChangeset = { created: [], updated: [], deleted: [], version };
    for (const [uid, { first, sawDelete }] of window) {
      const existed = first !== "created";
      if (this.items.has(uid)) {
        if (!existed) result.created.push(uid);
        else if (sawDelete) {
          result.deleted.push(uid);
          result.created.push(uid);
        }
        else result.updated.push(uid);
      } else if (existed) result.deleted.push(uid);
    }
    return result;
  }

  async allUids(_options?: CallOptions): Promise<string[]> {
    this.calls.push("all");
    this.beforeCall("all", null);
    return [...this.items.keys()];
  }

  async mget(uids: readonly string[], _options?: CallOptions): Promise<ItemValue<VCard>[]> {
    this.calls.push(`mget ${uids.length}`);
    this.beforeCall("mget", uids);
    const found = uids.map((uid) => this.items.get(uid)).filter((i): i is ItemValue<VCard> => i !== undefined);
    return this.mapMget(structuredClone(found)) as ItemValue<VCard>[];
  }

  async getPhoto(uid: string, _options?: CallOptions): Promise<Uint8Array | null> {
    this.calls.push(`photo ${uid}`);
    this.beforeCall("photo", uid);
    return this.photos.get(uid) ?? null;
  }
}

export class MemorySource implements ContentSource {
  readonly books = new Map<string, MemoryBook>();

  book(containerUid: string): MemoryBook {
    let book = this.books.get(containerUid);
    if (book === undefined) {
      book = new MemoryBook();
      this.books.set(containerUid, book);
    }
    return book;
  }

  addressBook(containerUid: string): BookContent {
    return this.book(containerUid);
  }
}

export function individual(name: string, email?: string, extra: Partial<VCard> = {}): VCard {
  return {
    kind: "individual",
    identification: { formatedName: { value: name, parameters: [] } },
    communications: { emails: email === undefined ? [] : [{ value: email, parameters: [] }] },
    ...extra,
  };
}

export function group(name: string, members: { containerUid: string | null; itemUid: string | null; mailto?: string | null; commonName?: string | null }[]): VCard {
  return {
    kind: "group",
    identification: { formatedName: { value: name, parameters: [] } },
    organizational: { member: members.map((m) => ({ containerUid: m.containerUid, itemUid: m.itemUid, commonName: m.commonName ?? null, mailto: m.mailto ?? null })) },
  };
}

/** Minimal valid PNG signature + IHDR start: enough for type detection. */
export function pngBytes(seed = 0): Uint8Array {
  return new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, seed & 0xff, 1, 2, 3]);
}

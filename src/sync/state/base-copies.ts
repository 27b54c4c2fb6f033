// The merge base of each contact of a synced book: the vCard both sides last agreed on (what a
// pull wrote from the server's card, or what a push sent and BlueMind accepted). A three-way merge
// needs it to tell which side changed a field; a hash cannot say that.
//
// Storage: one book's bases are spread over SHARDS keys ("sync.base.<containerUid>.<n>", the
// shard chosen from the contact id), so reading the base of a few contacts loads a few small
// objects, not the whole book, and the records of the sync state stay small.
//
// Invariants and costs:
//  - A base is written in memory with the record it belongs to, and reaches storage at flush():
//    the pull flushes when it ends (completed or failed), the push after each checkpoint. A crash
//    in between leaves records without a base; the merge then works without history (every
//    difference between the sides is a conflict the server wins, and the local value is logged):
//    slower to agree, never silent.
//  - Shards are kept in memory only while dirty or being read in one pass: after flush() they are
//    dropped, so a 50,000-contact book costs its bases' memory only while it is being written.
import type { KeyValueStore } from "../../thunderbird/types.ts";
import { isRecord } from "../../shared/parse.ts";

export const BASE_PREFIX = "sync.base.";
/** Enough that a shard of a 50,000-contact book stays under 1 MB; few enough to list cheaply. */
export const SHARDS = 64;

export function baseKey(containerUid: string, shard: number): string {
  return `${BASE_PREFIX}${containerUid}.${shard}`;
}

/** FNV-1a of the id: stable across versions (it decides where a stored base is looked up). */
export function shardOf(contactId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < contactId.length; i++) hash = Math.imul(hash ^ contactId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % SHARDS;
}

function parseShard(value: unknown): Map<string, string> {
  const shard = new Map<string, string>();
  if (!isRecord(value)) return shard;
  for (const [id, vCard] of Object.entries(value)) if (typeof vCard === "string") shard.set(id, vCard);
  return shard;
}

export class BaseCopies {
  private readonly shards = new Map<number, Promise<Map<string, string>>>();
  private readonly dirty = new Set<number>();

  constructor(
    private readonly store: KeyValueStore,
    readonly containerUid: string,
  ) {}

  async get(contactId: string): Promise<string | null> {
    return (await this.shard(shardOf(contactId))).get(contactId) ?? null;
  }

  async set(contactId: string, vCard: string): Promise<void> {
    const index = shardOf(contactId);
    (await this.shard(index)).set(contactId, vCard);
    this.dirty.add(index);
  }

  async delete(contactId: string): Promise<void> {
    const index = shardOf(contactId);
    if ((await this.shard(index)).delete(contactId)) this.dirty.add(index);
  }

  /** Writes the changed shards, then forgets every shard held in memory. */
  async flush(): Promise<void> {
    const written = [...this.dirty];
    this.dirty.clear();
    for (const index of written) {
      const shard = await this.shard(index);
      if (shard.size === 0) await this.store.remove(baseKey(this.containerUid, index));
      else await this.store.set(baseKey(this.containerUid, index), Object.fromEntries(shard));
    }
    for (const index of [...this.shards.keys()]) if (!this.dirty.has(index)) this.shards.delete(index);
  }

  /** Removes every stored base of the book (it is no longer synced). */
  async drop(): Promise<void> {
    this.shards.clear();
    this.dirty.clear();
    for (let index = 0; index < SHARDS; index++) await this.store.remove(baseKey(this.containerUid, index));
  }

  private shard(index: number): Promise<Map<string, string>> {
    let shard = this.shards.get(index);
    if (shard === undefined) {
      shard = this.store.get(baseKey(this.containerUid, index)).then(parseShard, () => new Map<string, string>());
      this.shards.set(index, shard);
    }
    return shard;
  }
}

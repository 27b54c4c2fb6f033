// Per-container changelog and BlueMind's changeset rules (bluemind-api.md §5):
//  - since <= 0: every current uid in `created`, `deleted` empty, version = container version;
//  - otherwise, per uid changed after `since`: created after since → created; existed at since and
//    still exists → updated, or deleted + created when it was deleted and re-created meanwhile;
//    existed at since and is gone → deleted; born and gone within the window → nothing;
//  - version = highest version seen after since, or since when nothing changed.
// Entries are appended in version order, so a binary search finds the window in O(log n).
import type { ContainerChangeset } from "../../src/bluemind/models.ts";

export type ChangeOp = "created" | "updated" | "deleted";

export interface ChangeEntry {
  version: number;
  uid: string;
  op: ChangeOp;
}

export class Changelog {
  private entries: ChangeEntry[] = [];

  record(version: number, uid: string, op: ChangeOp): void {
    this.entries.push({ version, uid, op });
  }

  get length(): number {
    return this.entries.length;
  }

  all(): readonly ChangeEntry[] {
    return this.entries;
  }

  /** Index of the first entry whose version is > since. */
  private firstAfter(since: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as ChangeEntry).version <= since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  changeset(
    since: number,
    containerVersion: number,
    currentUids: () => Iterable<string>,
    exists: (uid: string) => boolean,
  ): ContainerChangeset {
    if (since <= 0) return { created: [...currentUids()], updated: [], deleted: [], version: containerVersion };

    const window = new Map<string, { firstOp: ChangeOp; sawDelete: boolean }>();
    let version = since;
    for (let i = this.firstAfter(since); i < this.entries.length; i++) {
      const e = this.entries[i] as ChangeEntry;
      if (e.version > version) version = e.version;
      const seen = window.get(e.uid);
      if (seen) seen.sawDelete ||= e.op === "deleted";
      else window.set(e.uid, { firstOp: e.op, sawDelete: e.op === "deleted" });
    }

    const created: string[] = [];
    const updated: string[] = [];
    const deleted: string[] = [];
    for (const [uid, { firstOp, sawDelete }] of window) {
      const existedAtSince = firstOp !== "created";
      if (exists(uid)) {
        if (!existedAtSince) created.push(uid);
        else if (sawDelete) {
          deleted.push(uid);
          created.push(uid);
        } else updated.push(uid);
      } else if (existedAtSince) deleted.push(uid);
    }
    return { created, updated, deleted, version };
  }

  /**
   * Forget the records of deleted items older than `beforeVersion`, as BlueMind's purge job does
   * (60 days by default): a client whose `since` is older never hears of those deletions.
   */
  purge(beforeVersion: number, exists: (uid: string) => boolean): number {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.version >= beforeVersion || exists(e.uid));
    return before - this.entries.length;
  }
}

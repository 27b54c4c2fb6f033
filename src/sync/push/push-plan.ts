// What a push does with each queued change, decided from data alone (no I/O): book-push.ts fetches the
// server's current copy of every changed item first (one _mget per batch), then asks here.
//
// Conflicts (design.md §2): both sides changed an item since the last sync — the server's version
// is newer than the one the state recorded, and the user changed the contact here. The server
// wins: nothing is sent, the pull that follows overwrites the local contact, and what the user
// typed goes to the activity log (describeOverwritten) so nothing disappears silently. Two copies
// that already agree are no conflict whatever their versions ("in-sync": a push whose answer was
// lost, the same edit made on both sides).
//
// Deletions: only a contact the user deleted here is deleted on BlueMind, and not if someone
// changed it there meanwhile — then the card comes back (server wins again).
import { clipForLog } from "../conflict-report.ts";
import type { ReadonlyGroupRecord } from "../state/book-ledger.ts";
import type { ContactRecord } from "../state/sync-state.ts";
import { text, type UserText } from "../../shared/user-text.ts";

/** The server's copy of an item as the push compares it. */
export interface ServerCopy<T> {
  version: number;
  content: T;
}

export type UpsertDecision =
  /** Send it: a new item (add) or the local content merged onto the server copy (modify). */
  | "send"
  /** BlueMind already holds exactly this: only the record needs updating. */
  | "in-sync"
  /** Both sides changed: the server wins, the local values are logged. */
  | "conflict"
  /** Deleted on BlueMind while changed here: the server wins (the pull removes the contact). */
  | "gone";

export type DeleteDecision = "delete" | "already-gone" | "conflict";

/**
 * An edited or created contact. `record` is what the last sync wrote (undefined for a contact born
 * here and never pushed, or whose record was lost); `server` is the current copy (null: not on the
 * server; undefined: not looked up).
 */
export function decideContactUpsert(input: { record: ContactRecord | undefined; localHash: string | null; server: ServerCopy<string | null> | null | undefined }): UpsertDecision {
  const { record, localHash, server } = input;
  if (server === undefined) return "send";
  // Kept by the user when BlueMind deleted it (deletion-guard.ts): it goes back.
  if (server === null) return record === undefined || record.restore === true ? "send" : "gone";
  if (localHash !== null && server.content === localHash) return "in-sync";
  // On BlueMind without a record here (the record was lost): both sides may have changed it.
  if (record === undefined) return "conflict";
  return server.version > record.v ? "conflict" : "send";
}

/**
 * A contact deleted here. `baseHash`: the content hash of its stored merge base — a pull cut by a
 * crash may have written the server's newer card here (and its base) without its record: the
 * user then deleted what BlueMind holds, which is no change there (the pull's rule, incoming-card.ts).
 */
export function decideContactDelete(input: { record: ContactRecord; server: ServerCopy<string | null> | null; baseHash?: string | null }): DeleteDecision {
  const { record, server, baseHash = null } = input;
  if (server === null) return "already-gone";
  const seenHere = server.content !== null && (server.content === record.h || server.content === baseHash);
  const changedThere = server.version > record.v && !seenHere;
  return changedThere ? "conflict" : "delete";
}

/** A mailing list as the push compares it: members are Thunderbird contact ids. */
export interface ListSnapshot {
  name: string;
  description: string;
  members: readonly string[];
}

export function sameList(a: ListSnapshot, b: ListSnapshot): boolean {
  if (a.name !== b.name || a.description !== b.description || a.members.length !== b.members.length) return false;
  const members = new Set(a.members);
  return b.members.every((m) => members.has(m));
}

function snapshotOf(record: ReadonlyGroupRecord): ListSnapshot {
  return { name: record.name, description: record.description, members: record.members };
}

/** A list deleted here: deleted on BlueMind too, unless someone changed it there since the last sync. */
export function decideListDelete(input: { record: ReadonlyGroupRecord; server: ServerCopy<ListSnapshot> | null }): DeleteDecision {
  const { record, server } = input;
  if (server === null) return "already-gone";
  return server.version > record.v && !sameList(server.content, snapshotOf(record)) ? "conflict" : "delete";
}

export function describeListOverwritten(local: ListSnapshot, memberNames: ReadonlyMap<string, string>): UserText {
  const members = local.members.map((id) => memberNames.get(id) ?? id);
  const shown = members.length > 0 ? clipForLog(members.join(", ")) : text("listNoMembers");
  const name = clipForLog(local.name);
  return local.description ? text("listValuesDescribed", name, clipForLog(local.description), shown) : text("listValues", name, shown);
}

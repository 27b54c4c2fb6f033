// What a pull does with one server card when Thunderbird's copy may hold changes not sent yet.
//
// The rule (design.md §2): a pull never overwrites an unsent local change. Before an update, the
// contact's current vCard is read (from the listing, or with one getContact right before the
// write: Thunderbird has no compare-and-swap, so the window is one call wide) and compared with
// what the last sync agreed on (the record's hash):
//  - Thunderbird's copy unchanged → the server's card is written, carrying over what only
//    Thunderbird holds (Custom 1–4, time zone…): an update replaces the whole vCard;
//  - changed, in a writable book → three-way merge (vcard/contact-merge.ts) with the stored base:
//    a field changed on one side only is taken from it; a field changed on both sides is a
//    conflict the server wins, reported with the local value. The merged contact is written here
//    when it differs from Thunderbird's copy, and stays queued for the push when it differs from
//    the server's;
//  - changed in a read-only book → the server's card is written: the edit is undone (read-only.ts
//    told the user);
//  - deleted here (recorded, no longer in Thunderbird, queued or not yet) while the server changed
//    it → the server wins: the contact comes back and the deletion is dropped; unchanged there →
//    left alone, for the push to delete it on BlueMind — except in a repair, where a deletion not
//    queued is drift: the contact comes back.
//  - no record, but a queued change (a cut pull wrote the contact without recording it, then the
//    user changed it) → merged like a changed contact, with the base the cut pull may have left;
//    deleted → not written, only recorded, so the push deletes the card on BlueMind, if that base
//    shows no change on the server since; else (or with no base) the card comes back;
//  - missing here while the add-on was writing it anew (ContactRecord.rewrite, a crash between
//    deleting and creating it) → created again.
// A card already written at this version with this content is left alone without reading
// Thunderbird at all: that keeps a resumed first sync cheap.
import { blueMindToVCard, mergeContacts, vCardContentHash, type FieldConflict } from "../../vcard/index.ts";
import type { VCard } from "../../shared/bluemind-card.ts";
import type { ContactRecord } from "../state/sync-state.ts";
import { clipForLog, vCardValueLines } from "../conflict-report.ts";

export type IncomingAction =
  /** Nothing to write in Thunderbird. */
  | { kind: "skip" }
  | { kind: "create"; vCard: string }
  /** Thunderbird's copy is replaced by the server's card (with Thunderbird-only fields kept). */
  | { kind: "update"; vCard: string }
  /** Both sides changed: `vCard` (null when Thunderbird already holds it) and what the server won. */
  | { kind: "merge"; vCard: string | null; conflicts: FieldConflict[]; push: boolean }
  /** Deleted here, changed on the server: created again, the queued deletion dropped. */
  | { kind: "comes-back"; vCard: string };

export interface IncomingCard {
  contactId: string;
  card: VCard;
  version: number;
  /** The server's card as Thunderbird would store it (blueMindToVCard, no carry-over). */
  serverVCard: string;
  /** vCardContentHash(serverVCard); null when not computed (a plain create). */
  hash: string | null;
  record: ContactRecord | undefined;
  /** The pull listed the book: the contact's vCard there (undefined: not in the listing). */
  listed: { vCard: string | undefined } | null;
  readOnly: boolean;
  /** What the change queue holds for this contact. */
  pending: "upsert" | "delete" | null;
  /** A repair the user asked for: a contact missing here whose deletion is not queued comes back. */
  repair?: boolean;
}

export interface IncomingReaders {
  /** Thunderbird's current vCard of the contact, null if there is none. */
  readLocal(contactId: string): Promise<string | null>;
  /** The stored merge base, null if unknown. */
  readBase(contactId: string): Promise<string | null>;
}

export async function decideIncoming(card: IncomingCard, readers: IncomingReaders): Promise<IncomingAction> {
  const { record, version, hash, serverVCard, listed } = card;
  const unchangedOnServer = record !== undefined && hash !== null && record.v === version && record.h === hash;
  // A contact the add-on was writing anew when it stopped (ContactRecord.rewrite) may be missing.
  if (unchangedOnServer && listed === null && record.rewrite !== true) return { kind: "skip" };
  // No record but a queued change: a contact a cut pull wrote unrecorded, that the user changed since.
  const editedUnrecorded = record === undefined && card.pending === "upsert" && !card.readOnly;
  const deletedUnrecorded = record === undefined && card.pending === "delete" && !card.readOnly;
  if (record === undefined && listed === null && !editedUnrecorded && !deletedUnrecorded) return { kind: "create", vCard: serverVCard };

  const local = listed !== null ? (listed.vCard ?? null) : await readers.readLocal(card.contactId);
  if (local === null) {
    if ((record === undefined && !deletedUnrecorded) || card.readOnly) return { kind: "create", vCard: serverVCard };
    // Every deletion the user made is queued (an event, or the catch-up at start): one that is not
    // is drift the repair undoes.
    if ((card.repair === true || record?.rewrite === true) && card.pending !== "delete") return { kind: "create", vCard: serverVCard };
    // Deleted here: recorded (whether or not its deletion reached the queue yet: the event may land
    // while this pull runs), or written unrecorded by a cut pull and queued for deletion. The
    // deletion stands (left to the push; an unrecorded card is recorded by the caller so the push
    // can delete it) if the base shows the server did not change the card since — the echo of
    // one's own push is no change. Else, or with no base to tell, the card comes back, as for any
    // contact deleted here and changed there: nothing of the server's is lost.
    if (unchangedOnServer) return { kind: "skip" };
    const base = await readers.readBase(card.contactId);
    const unchangedThere = base !== null && vCardContentHash(base) === (hash ?? vCardContentHash(serverVCard));
    return unchangedThere ? { kind: "skip" } : { kind: "comes-back", vCard: serverVCard };
  }
  const localHash = vCardContentHash(local);
  const serverHash = hash ?? vCardContentHash(serverVCard);
  // No record (a listed contact the state lost track of): the add-on wrote it, nothing to keep —
  // unless the user changed it since; then it is merged with whatever base is left (maybe none:
  // every field that differs is then a conflict, the local value logged).
  // No hash to compare with (no record, or one whose hash a cut run never computed): the queue tells.
  const changedHere = record !== undefined && record.h !== null ? localHash !== record.h : card.pending === "upsert" && !card.readOnly;
  if (!changedHere || card.readOnly) {
    if (localHash !== null && localHash === serverHash) return { kind: "skip" };
    return { kind: "update", vCard: withThunderbirdFields(card, local) };
  }
  // Changed here and not on the server: the push sends it — in a repair, the change was never
  // queued (drift), so it is queued now.
  if (unchangedOnServer) return card.repair === true ? { kind: "merge", vCard: null, conflicts: [], push: true } : { kind: "skip" };

  const server = withThunderbirdFields(card, local);
  const merged = mergeContacts({ base: await readers.readBase(card.contactId), local, server });
  if (!merged.ok) {
    // A vCard the merge cannot read: the server's copy wins whole, the local one is reported.
    // The values, readable and short, not the raw vCard text.
    return { kind: "merge", vCard: server, conflicts: [{ field: "vCard", localValue: clipForLog(vCardValueLines(local).join("; ")), serverValue: null }], push: false };
  }
  const { value } = merged;
  return { kind: "merge", vCard: value.thunderbirdOutdated ? value.merged : null, conflicts: value.conflicts, push: value.serverOutdated };
}

/** The server's card with what only Thunderbird holds carried over from its copy. */
function withThunderbirdFields(card: IncomingCard, local: string): string {
  const converted = blueMindToVCard(card.card, card.contactId, { thunderbirdVCard: local });
  return converted.ok ? converted.value : card.serverVCard;
}

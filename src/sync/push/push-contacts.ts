// The contact half of a book's push: each queued contact read from Thunderbird as it is now,
// compared with the ledger (an echo of the add-on's own write, or Thunderbird's internal update,
// is dropped), then sent in batches with the server's copies fetched first — a conflict is only
// visible on the server's current version, and the merge needs it.
//
// Contacts born in Thunderbird get their Thunderbird id as item uid (item-ids.ts). A contact under
// a derived id (contact-uid.ts) but without a record is never sent as new: it waits for the pull
// to re-link it, or BlueMind would get its twin.
//
// An add is recorded (ContactRecord.sent) and checkpointed before its `_mupdates`: after a crash
// or a lost answer, the next push finds out whether BlueMind has it, or had it and deleted it
// since (unconfirmed-adds.ts), before anything else is decided — so a card deleted there is not
// sent again as new, and a card that never got there is.
//
// _mupdates is not transactional: a card BlueMind refuses (INVALID_EMAIL…) is reported with the
// contact's name and the server's message, stays queued with the refused content's hash (not sent
// again until the user changes it), and the rest of the batch lands.
import type { ItemValue, VCard, VCardChanges } from "../../bluemind/models.ts";
import { describeError } from "../../shared/error-message.ts";
import { text, type TextArg } from "../../shared/user-text.ts";
import type { ContactInfo } from "../../thunderbird/types.ts";
import { blueMindToVCard, describeFieldConflict, mergeContacts, vCardContentHash, vCardToBlueMind } from "../../vcard/index.ts";
import { chunk } from "../concurrency.ts";
import { describeOverwritten, vCardValueLines } from "../conflict-report.ts";
import { isDerivedContactId } from "../contact-uid.ts";
import { versionOf } from "../item-ids.ts";
import type { BookQueue, ContactChange } from "../state/change-queue.ts";
import type { ContactRecord } from "../state/sync-state.ts";
import { throwIfAborted } from "../sync-errors.ts";
import { cardSummary } from "./card-summary.ts";
import { HeldCopies } from "./held-copies.ts";
import { decideContactDelete, decideContactUpsert, type ServerCopy } from "./push-plan.ts";
import type { PushRun } from "./push-run.ts";
import { PhotoPush } from "./push-photo.ts";
import { photoStateOf } from "../photo-state.ts";
import { UnconfirmedAdds } from "./unconfirmed-adds.ts";

/** Above this many changed contacts, one listing of the book is cheaper than one get each. */
const LISTING_THRESHOLD = 20;

interface PendingContactFields {
  id: string;
  rev: number;
  item: string;
  hash: string | null;
  name: string;
}

/** A contact to send: its vCard, or for a deletion the record of what the last sync wrote. */
type PendingContact = PendingContactFields &
  (
    | {
        kind: "add" | "modify";
        record: ContactRecord | undefined;
        /** Thunderbird's vCard, or after a merge with the server's changes the merged one. */
        vCard: string;
        /** The merged vCard is not what Thunderbird holds: write it there once BlueMind took it,
         * if Thunderbird still holds this vCard the merge read. */
        writeHere?: string;
      }
    | { kind: "delete"; record: ContactRecord; vCard: null }
  );

export class ContactPush {
  private readonly unconfirmed: UnconfirmedAdds;
  private readonly photos: PhotoPush;

  constructor(private readonly run: PushRun) {
    this.unconfirmed = new UnconfirmedAdds(run);
    this.photos = new PhotoPush(run);
  }

  async push(queue: BookQueue): Promise<void> {
    const entries = Object.entries(queue.contacts).map(([id, change]): [string, ContactChange] => [id, { ...change }]);
    if (entries.length === 0) return;
    const local = await this.readContacts(entries.map(([id]) => id));
    const copies = new HeldCopies(this.run, queue);
    const pending: PendingContact[] = [];
    for (const [id, change] of entries) {
      const record = this.run.ledger.state.contacts[id];
      if (change.op === "delete") {
        // A derived id without a record: a card a cut pull wrote unrecorded, deleted here. It stays
        // queued: the pull records the card without writing it, and the next push deletes it.
        if (record === undefined && isDerivedContactId(id)) continue;
        // No record: the pull removed it meanwhile, or BlueMind never had it.
        // Back in the book: a pull brought the card back over a deletion that reached the queue late.
        const back = local.get(id)?.parentId === this.run.target.localBookId;
        if (record === undefined || record.item === null || back) this.run.done(id, change.rev);
        else pending.push({ kind: "delete", id, rev: change.rev, item: record.item, record, vCard: null, hash: this.run.ledger.hashOf(id), name: "a deleted contact" });
        continue;
      }
      const contact = local.get(id);
      // Gone (its deletion is queued too) or moved to another book: nothing to send from here.
      // A contact made for a group member known only by an address has no card of its own.
      if (contact === undefined || contact.parentId !== this.run.target.localBookId || (record !== undefined && record.item === null)) {
        this.run.done(id, change.rev);
        continue;
      }
      // A derived id is a BlueMind card's: without a record (first sync cut short, state lost,
      // container re-created) an add would make its twin on BlueMind. It stays queued until the
      // pull re-links it; then it is compared with its record like any other.
      if (record === undefined && isDerivedContactId(id)) continue;
      const hash = vCardContentHash(contact.vCard);
      // An unconfirmed add is looked up on BlueMind whatever its content: it may not be there.
      // A contact kept to be put back on BlueMind goes whatever its content.
      if (record !== undefined && record.item !== null && record.sent === undefined && record.restore === undefined && hash !== null && this.run.ledger.hashOf(id) === hash) {
        this.photos.after({ id, rev: change.rev, item: record.item, vCard: contact.vCard });
        continue;
      }
      const name = cardSummary(contact.vCard).name;
      // A copy of a synced card (local-copies.ts): sent, BlueMind would hold the card twice.
      if (record === undefined && copies.hold(hash, name)) continue;
      if (change.refused !== undefined && change.refused.hash === hash) {
        this.run.outcome.problems.push(text("problemNamed", name, change.refused.message));
        continue;
      }
      const item = record?.item ?? id;
      pending.push({ kind: record === undefined ? "add" : "modify", id, rev: change.rev, item, record, vCard: contact.vCard, hash, name });
    }
    await this.photos.flush();
    for (const batch of chunk(pending, this.run.batchSize)) {
      throwIfAborted(this.run.deps.signal);
      await this.sendContacts(batch);
      await this.photos.flush();
      if (this.run.stopped) return;
      await this.run.maybeCheckpoint();
    }
  }

  private async readContacts(ids: string[]): Promise<Map<string, ContactInfo>> {
    const { run } = this;
    if (run.localContacts === null && ids.length > LISTING_THRESHOLD) {
      const all = await run.deps.books.listContacts(run.target.localBookId);
      run.localContacts = new Map(all.map((c) => [c.id, c]));
    }
    if (run.localContacts !== null) return run.localContacts;
    const found = new Map<string, ContactInfo>();
    for (const id of ids) {
      const contact = await run.deps.books.getContact(id);
      if (contact !== null) found.set(id, contact);
    }
    return found;
  }

  private async sendContacts(batch: PendingContact[]): Promise<void> {
    // Adds are looked up too: a contact born here whose record was lost (state unreadable, a sync
    // cut short) may already be on BlueMind, and an add of its uid would be refused for good.
    // The container's version for the adds (ContactRecord.sent) is read first, so that no request
    // stands between reading the server's copies and the write: _mupdates has no compare-and-swap,
    // and a change another client makes in between is overwritten.
    const since = batch.some((p) => p.kind === "add" || p.record?.sent !== undefined) ? await this.run.deps.server.version({ signal: this.run.deps.signal }) : null;
    const server = await this.run.serverCopies(batch.map((p) => p.item));
    const changes: Required<VCardChanges> = { add: [], modify: [], delete: [] };
    const sent = new Map<string, PendingContact>();
    for (const p of batch) {
      const found = server.get(p.item) ?? null;
      // A new contact BlueMind does not have is simply sent; one it has is merged like any edit.
      const item = p.kind === "add" && found === null ? undefined : found;
      // A contact kept to be put back (ContactRecord.restore) is an add while BlueMind lacks it.
      const kind = p.kind === "add" && found !== null ? "modify" : p.kind !== "delete" && found === null && p.record?.restore === true ? "add" : p.kind;
      const serverVCard = item ? serverCardAsVCard(item, p.id) : null;
      const copy: ServerCopy<string | null> | null | undefined =
        item === undefined ? undefined : item === null ? null : { version: versionOf(item), content: serverVCard === null ? null : vCardContentHash(serverVCard) };
      if (p.kind === "delete") {
        const base = copy?.content === undefined || copy.content === p.record.h ? null : await this.run.ledger.base(p.id);
        const decision = decideContactDelete({ record: p.record, server: copy ?? null, baseHash: base === null ? null : vCardContentHash(base) });
        // An unconfirmed add deleted here, and not on BlueMind: nothing left to record.
        if (decision === "already-gone" && p.record.sent !== undefined) await this.run.ledger.removeContact(p.id);
        if (decision === "delete") {
          changes.delete.push({ uid: p.item });
          sent.set(p.item, p);
        } else {
          if (decision === "conflict") {
            this.run.outcome.conflicts++;
            this.run.log("warning", text("logDeletedContactChanged", copy?.content === null ? p.item : nameOnServer(item)));
          }
          this.run.done(p.id, p.rev);
        }
        continue;
      }
      const vCard = p.vCard;
      const sentBefore = p.record?.sent;
      if (item === null && sentBefore !== undefined) {
        if (await this.unconfirmed.deletedThere(p.item, sentBefore)) {
          await this.deletedThere(p, sentBefore);
          continue;
        }
        // It never got there: a new contact, as it was.
        const converted = vCardToBlueMind(vCard, null);
        if (!converted.ok) {
          this.refuse(p, text("reasonContactUnreadable", converted.reason));
          continue;
        }
        changes.add.push({ uid: p.item, value: converted.value });
        sent.set(p.item, { ...p, kind: "add" });
        continue;
      }
      const decision = decideContactUpsert({ record: p.record, localHash: p.hash, server: copy });
      if (decision === "in-sync" && item) {
        await this.run.ledger.putContact(p.id, { ...p.record, item: p.item, v: versionOf(item), h: p.hash }, vCard);
        this.photos.after({ id: p.id, rev: p.rev, item: p.item, vCard });
      } else if (decision === "conflict" && item) {
        const merged = await this.mergeWithServer(p, item);
        if (merged === null) continue;
        const converted = vCardToBlueMind(merged.vCard, item.value);
        if (!converted.ok) {
          this.refuse(p, text("reasonContactUnreadable", converted.reason));
          continue;
        }
        changes.modify.push({ uid: p.item, value: converted.value });
        sent.set(p.item, { ...p, vCard: merged.vCard, hash: vCardContentHash(merged.vCard), ...(merged.writeHere ? { writeHere: p.vCard } : {}) });
      } else if (decision === "conflict" || decision === "gone") {
        this.run.outcome.conflicts++;
        this.run.log("warning", text(decision === "gone" ? "logConflictGone" : "logConflictChanged", p.name, describeOverwritten(vCard, serverVCard)));
        this.run.done(p.id, p.rev);
      } else {
        const converted = vCardToBlueMind(vCard, item ? item.value : null);
        if (!converted.ok) {
          this.refuse(p, text("reasonContactUnreadable", converted.reason));
          continue;
        }
        (kind === "add" ? changes.add : changes.modify).push({ uid: p.item, value: converted.value });
        sent.set(p.item, kind === "add" ? { ...p, kind: "add" } : p);
      }
    }
    if (sent.size === 0) return;
    await this.recordAdds(changes, sent, since);
    await this.run.send(
      changes,
      sent,
      (p, version) => this.sent(p, version),
      async (p, message) => {
        if (p.kind === "add") await this.run.ledger.removeContact(p.id);
        this.refuse(p, message);
      },
    );
  }

  /** The adds of the batch, recorded and checkpointed before it goes (ContactRecord.sent). */
  private async recordAdds(changes: Required<VCardChanges>, batch: Map<string, PendingContact>, versionBefore: number | null): Promise<void> {
    const adds = [...batch.values()].filter((p) => p.kind === "add");
    if (adds.length === 0) return;
    const since = versionBefore ?? (await this.run.deps.server.version({ signal: this.run.deps.signal }));
    const count = changes.add.length + changes.modify.length + changes.delete.length;
    for (const p of adds) if (p.vCard !== null) await this.run.ledger.addSent(p.id, p.item, p.hash, p.vCard, { since, changes: count });
    await this.run.ledger.checkpoint();
  }

  /**
   * BlueMind took the add and deleted the card since: its deletion wins, as for any synced
   * contact; what was changed here after the add goes to the activity log.
   */
  private async deletedThere(p: PendingContact & { kind: "add" | "modify" }, sent: ContactRecord["sent"]): Promise<void> {
    if (sent === undefined) return;
    if (p.hash !== p.record?.h) this.run.log("warning", text("logChangedContactDeleted", vCardValueLines(p.vCard).join("; ")));
    try {
      await this.run.deps.books.deleteContact(p.id);
    } catch (error) {
      // Still here: it stays queued and is looked at again at the next push.
      this.run.log("warning", text("logRemovedContactKept", p.name, describeError(error)));
      return;
    }
    await this.run.ledger.removeContact(p.id);
    this.run.done(p.id, p.rev);
  }

  private async sent(p: PendingContact, version: number): Promise<void> {
    if (p.kind === "delete") {
      const base = await this.run.ledger.base(p.id);
      const email = base === null ? null : cardSummary(base).email;
      if (email !== null) this.run.ledger.noteDeletedCard(email, p.id);
      await this.run.ledger.removeContact(p.id);
    } else {
      // The container's version after the batch bounds this card's new version from above: a
      // later change by someone else is newer, which is what conflict detection needs.
      const record: ContactRecord = { item: p.item, v: version, h: p.hash, ...photoStateOf(p.record) };
      await this.run.ledger.putContact(p.id, record, p.vCard);
      this.run.ledger.retried(p.item);
      if (p.writeHere !== undefined) await this.writeMerged(p.id, p.vCard, p.writeHere);
      // The merged vCard keeps Thunderbird's PHOTO (BlueMind has no field for it).
      this.photos.after({ id: p.id, rev: p.rev, item: p.item, vCard: p.vCard });
      return;
    }
    this.run.done(p.id, p.rev);
  }

  /**
   * Both sides changed the contact since the last sync: three-way merge with the stored base
   * (vcard/contact-merge.ts). Fields changed on one side come from that side; a field changed on
   * both is the server's, and the user's value goes to the activity log. Null when nothing is left
   * to send (the record then follows the server, and Thunderbird gets the merged contact).
   */
  private async mergeWithServer(p: PendingContact & { kind: "add" | "modify" }, item: ItemValue<VCard>): Promise<{ vCard: string; writeHere: boolean } | null> {
    const server = blueMindToVCard(item.value, p.id, { thunderbirdVCard: p.vCard });
    const merged = server.ok ? mergeContacts({ base: await this.run.ledger.base(p.id), local: p.vCard, server: server.value }) : null;
    if (!server.ok || merged === null || !merged.ok) {
      // Unreadable on one side: the server's copy wins whole, as before the merge existed.
      this.run.outcome.conflicts++;
      this.run.log("warning", text("logConflictChanged", p.name, describeOverwritten(p.vCard, server.ok ? server.value : null)));
      this.run.done(p.id, p.rev);
      return null;
    }
    const { conflicts, merged: vCard, serverOutdated, thunderbirdOutdated } = merged.value;
    if (conflicts.length > 0) this.run.outcome.conflicts++;
    for (const conflict of conflicts) {
      this.run.log("warning", text("logFieldConflict", p.name, describeFieldConflict(conflict)));
    }
    if (serverOutdated) return { vCard, writeHere: thunderbirdOutdated };
    await this.run.ledger.putContact(p.id, { ...p.record, item: p.item, v: versionOf(item), h: vCardContentHash(server.value) }, server.value);
    if (thunderbirdOutdated) await this.writeMerged(p.id, vCard, p.vCard);
    this.photos.after({ id: p.id, rev: p.rev, item: p.item, vCard: p.vCard });
    return null;
  }

  /**
   * Thunderbird gets the merged contact (an own write: it does not bounce back) — unless the user
   * changed it since the merge read it (`read`): that edit stays queued, its record saying it was
   * made on `read` (base `read`, version unknown), so the next merge weighs it like any edit (a
   * field BlueMind changed too is a conflict, logged). Read right before the write (model, seed 77).
   */
  private async writeMerged(contactId: string, vCard: string, read: string): Promise<void> {
    try {
      const now = await this.run.deps.books.getContact(contactId);
      if (now === null) return;
      const readHash = vCardContentHash(read);
      if (vCardContentHash(now.vCard) !== readHash) {
        const record = this.run.ledger.state.contacts[contactId];
        if (record !== undefined) await this.run.ledger.putContact(contactId, { ...record, v: -1, h: readHash }, read);
        return;
      }
      await this.run.deps.books.updateContact(contactId, vCard);
    } catch (error) {
      this.run.log("warning", text("logMergedNotWritten", describeError(error)));
    }
  }

  private refuse(p: PendingContact, message: TextArg): void {
    this.run.refusedChange("contact", p.id, p.rev, { hash: p.hash, message }, p.name);
  }
}

/** The server's card as the pull would write it, to compare contents by hash. */
function serverCardAsVCard(item: ItemValue<VCard>, contactId: string): string | null {
  const converted = blueMindToVCard(item.value, contactId);
  return converted.ok ? converted.value : null;
}

function nameOnServer(item: ItemValue<VCard> | null | undefined): string {
  return item?.value.identification?.formatedName?.value ?? item?.displayName ?? item?.uid ?? "?";
}

// The photo half of applying one pulled card: download BlueMind's photo when needed (photos.ts
// decides), store it in Thunderbird when its bytes changed, remove the photo here when BlueMind's
// is gone, and record what was done in the contact's photo state (photo-state.ts) through the
// ledger. A photo changed here and not sent yet is left alone: the push sends it — except in a
// read-only book, where a card the pull sees again (a server change, or a local edit undone,
// read-only.ts) gets BlueMind's photo back, or none. A photo that could not be downloaded or
// stored puts the card on the retry list (the card itself is in sync, so only its photo is
// fetched again) and never fails the card.
import type { ItemValue, VCard } from "../../bluemind/models.ts";
import { describeError } from "../../shared/error-message.ts";
import type { ActivityLevel } from "../../shared/status.ts";
import { inEnglish, text, type UserText } from "../../shared/user-text.ts";
import type { Limiter } from "../concurrency.ts";
import { localPhotoFingerprint, NO_PHOTO, photoHere, photoOnBothSides, photoStates } from "../photo-state.ts";
import type { BookLedger } from "../state/book-ledger.ts";
import type { ContactRecord } from "../state/sync-state.ts";
import type { ContactInfo } from "../../thunderbird/types.ts";
import { isRunFatal } from "../sync-errors.ts";
import type { ContactWrite } from "./changeset-plan.ts";
import type { ContactWriter } from "./contact-writer.ts";
import { fingerprintBytes } from "../fingerprint.ts";
import { removeContactPhoto } from "./photo-removal.ts";
import { hasPhotoFlag, imageTypeOf, needsPhotoDownload } from "./photos.ts";
import type { BookContent } from "../remote-content.ts";

export interface PhotoStepDeps {
  ledger: BookLedger;
  content: BookContent;
  writer: ContactWriter;
  limiter: Limiter;
  log(level: ActivityLevel, message: UserText): void;
  signal?: AbortSignal;
  /** Read-only on BlueMind: no photo of the user's survives a rewrite of the card. */
  readOnly?: boolean;
}

export class PhotoStep {
  constructor(private readonly deps: PhotoStepDeps) {}

  /** `changed`: the card's version is not the one recorded (changed there, or marked to undo). */
  async sync(item: ItemValue<VCard>, contactId: string, decision: ContactWrite, changed = false): Promise<void> {
    const { ledger, signal } = this.deps;
    const record = ledger.state.contacts[contactId];
    const state = record?.p;
    // A card BlueMind saved again without a change of content (its photo changed, say) is "skip"
    // for the card but seen again for its photo.
    const seenAgain = decision !== "skip" || changed;
    // A card of a read-only book seen again (changed there, or fetched again to undo a local edit
    // — a photo-only edit leaves the card unchanged): whatever photo the user set there goes.
    const undoing = this.deps.readOnly === true && changed && decision !== "create";
    if (!hasPhotoFlag(item.value)) {
      const removed = photoOnBothSides(state);
      if (removed !== null || undoing) await this.removedThere(item.uid, contactId, removed);
      else if (photoHere(state) === null) ledger.setPhoto(contactId, undefined);
      return;
    }
    if (!needsPhotoDownload(item.value, record, seenAgain)) return;
    let bytes: Uint8Array | null;
    try {
      bytes = await this.deps.limiter.run(() => this.deps.content.getPhoto(item.uid, { signal }));
    } catch (error) {
      if (isRunFatal(error, signal)) throw error;
      this.failed(item.uid, contactId, "photo not downloaded", text("logPhotoNotDownloaded", item.uid, describeError(error)), error);
      return;
    }
    if (bytes === null || bytes.length === 0) {
      ledger.setPhoto(contactId, NO_PHOTO);
      return;
    }
    const fingerprint = fingerprintBytes(bytes);
    if (decision !== "create" && (await this.keptHere(contactId, record, fingerprint, seenAgain, undoing))) return;
    const type = imageTypeOf(bytes);
    if (type === null) {
      this.deps.log("warning", text("logPhotoSkipped", item.uid));
      ledger.setPhoto(contactId, photoStates.thereOnly(fingerprint));
      return;
    }
    try {
      await this.deps.writer.setPhoto(contactId, bytes, type);
      ledger.setPhoto(contactId, fingerprint);
    } catch (error) {
      if (isRunFatal(error, signal)) throw error;
      this.failed(item.uid, contactId, "photo not stored", text("logPhotoNotStored", item.uid, describeError(error)), error);
    }
  }

  /**
   * Whether Thunderbird keeps its photo rather than BlueMind's `fingerprint`: it is that photo
   * already, or one set here and not sent yet. Thunderbird is only read when the user may have
   * set one: the card changed on BlueMind or was written here, or a photo is known here (a card
   * merely fetched again, in a resumed first sync, is not read).
   */
  private async keptHere(contactId: string, record: ContactRecord | undefined, fingerprint: string, seenAgain: boolean, undoing: boolean): Promise<boolean> {
    const state = record?.p;
    if ((state === fingerprint || record?.q === fingerprint) && !undoing) return true;
    if (!seenAgain && photoHere(state) === null) return false;
    const { here } = await this.readHere(contactId);
    if (here === fingerprint) {
      // Thunderbird already shows BlueMind's photo (sent from here, say): only the state lags.
      this.deps.ledger.setPhoto(contactId, fingerprint);
      return true;
    }
    return !undoing && here !== null && here !== photoHere(state);
  }

  /** The contact as Thunderbird holds it now, and the fingerprint of its photo. */
  private async readHere(contactId: string): Promise<{ contact: ContactInfo | null; here: string | null }> {
    const contact = await this.deps.writer.call(() => this.deps.writer.books.getContact(contactId));
    return { contact, here: contact === null ? null : localPhotoFingerprint(contact.vCard) };
  }

  /**
   * BlueMind has no photo: the one both sides had (`fingerprint`) goes here too, unless changed
   * here; in a read-only book any photo goes.
   */
  private async removedThere(itemUid: string, contactId: string, fingerprint: string | null): Promise<void> {
    const { ledger, writer, signal } = this.deps;
    try {
      const { contact, here } = await this.readHere(contactId);
      if (here !== null && here !== fingerprint && this.deps.readOnly !== true) return;
      const rewriting = async (on: boolean): Promise<void> => {
        ledger.markRewrite(contactId, on);
        if (!on) return ledger.retried(itemUid);
        ledger.retryLater(itemUid, "written anew without its photo");
        await ledger.checkpoint();
      };
      if (contact !== null && here !== null && !(await removeContactPhoto({ books: writer.books, call: (task) => writer.call(task), rewriting }, contact))) return;
      ledger.setPhoto(contactId, undefined);
    } catch (error) {
      if (isRunFatal(error, signal)) throw error;
      this.deps.ledger.retryLater(itemUid, `photo not removed: ${inEnglish(describeError(error))}`);
      this.deps.log("warning", text("logPhotoNotRemoved", itemUid, describeError(error)));
    }
  }

  /** The retry of the card (unchanged, so not rewritten) fetches its photo again. */
  private failed(itemUid: string, contactId: string, what: string, message: UserText, error: unknown): void {
    this.deps.ledger.setPhoto(contactId, photoStates.pending(this.deps.ledger.state.contacts[contactId]?.p));
    this.deps.ledger.retryLater(itemUid, `${what}: ${inEnglish(describeError(error))}`);
    this.deps.log("warning", message);
  }
}

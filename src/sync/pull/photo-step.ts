// The photo half of applying one pulled card: download it when needed (photos.ts decides), store
// it in Thunderbird when its bytes changed, and record what was stored in the contact's record
// through the ledger. A photo that could not be downloaded or stored puts the card on the retry
// list (the card itself is in sync, so only its photo is fetched again) and never fails the card.
import type { ItemValue, VCard } from "../../bluemind/models.ts";
import { describeError } from "../../shared/error-message.ts";
import type { ActivityLevel } from "../../shared/status.ts";
import { inEnglish, text, type UserText } from "../../shared/user-text.ts";
import type { Limiter } from "../concurrency.ts";
import type { BookLedger } from "../state/book-ledger.ts";
import { isRunFatal } from "../sync-errors.ts";
import type { ContactWrite } from "./changeset-plan.ts";
import type { ContactWriter } from "./contact-writer.ts";
import { fingerprintBytes } from "./fingerprint.ts";
import { hasPhotoFlag, imageTypeOf, needsPhotoDownload, NO_PHOTO } from "./photos.ts";
import type { BookContent } from "../remote-content.ts";

export interface PhotoStepDeps {
  ledger: BookLedger;
  content: BookContent;
  writer: ContactWriter;
  limiter: Limiter;
  log(level: ActivityLevel, message: UserText): void;
  signal?: AbortSignal;
}

export class PhotoStep {
  constructor(private readonly deps: PhotoStepDeps) {}

  async sync(item: ItemValue<VCard>, contactId: string, decision: ContactWrite): Promise<void> {
    const { ledger, signal } = this.deps;
    if (!hasPhotoFlag(item.value)) {
      // Thunderbird's interface cannot remove a photo; forget it so a new one is downloaded.
      ledger.setPhoto(contactId, undefined);
      return;
    }
    if (!needsPhotoDownload(item.value, ledger.state.contacts[contactId], decision !== "skip")) return;
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
    if (decision !== "create" && ledger.state.contacts[contactId]?.p === fingerprint) return;
    const type = imageTypeOf(bytes);
    if (type === null) {
      this.deps.log("warning", text("logPhotoSkipped", item.uid));
      ledger.setPhoto(contactId, fingerprint);
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

  /** No photo on record: the retry of the card (unchanged, so not rewritten) fetches it again. */
  private failed(itemUid: string, contactId: string, what: string, message: UserText, error: unknown): void {
    this.deps.ledger.setPhoto(contactId, undefined);
    this.deps.ledger.retryLater(itemUid, `${what}: ${inEnglish(describeError(error))}`);
    this.deps.log("warning", message);
  }
}

// The photo half of a contact's push. `_mupdates` carries no photo BlueMind would check, so a
// photo set, changed or removed in Thunderbird goes through setPhoto / deletePhoto once the
// contact itself is settled (photo-state.ts tells what changed). BlueMind stores photos as PNG
// under 1 MiB: the photo is sent as a PNG scaled down to fit first. A photo BlueMind still refuses
// (or that cannot be decoded) stays in Thunderbird only, logged, and is not sent again until it
// changes; a failure of the network leaves the contact queued.
import { NotFoundError, PermissionError, ValidationError } from "../../bluemind/errors.ts";
import { describeError, messageOf } from "../../shared/error-message.ts";
import { text } from "../../shared/user-text.ts";
import type { VCardPhoto } from "../../vcard/index.ts";
import { localPhotoChange, photoStates } from "../photo-state.ts";
import { fingerprintBytes } from "../fingerprint.ts";
import { isRunFatal, throwIfAborted } from "../sync-errors.ts";
import { cardSummary } from "./card-summary.ts";
import type { PushRun } from "./push-run.ts";

/**
 * BlueMind refuses a photo whose PNG reaches 1 MiB (ImageUtils.checkAndSanitize) — its own PNG,
 * re-encoded by Java's ImageIO, which may compress less than Thunderbird's encoder: a margin.
 */
export const PHOTO_MAX_PNG_BYTES = 768 * 1024;
/** Refused as too big at this size still: it is not the size. */
const MIN_RETRY_BYTES = 32 * 1024;

export interface PhotoWork {
  /** Thunderbird contact id. */
  id: string;
  /** The queue revision to settle once the photo is sent. */
  rev: number;
  /** BlueMind item uid. */
  item: string;
  /** The contact's vCard as Thunderbird shows it (with its photo). */
  vCard: string;
}

class UnreadablePhotoError extends Error {}

function refused(error: unknown): boolean {
  return error instanceof ValidationError || error instanceof PermissionError || error instanceof NotFoundError || error instanceof UnreadablePhotoError;
}

export class PhotoPush {
  private readonly waiting: PhotoWork[] = [];

  constructor(private readonly run: PushRun) {}

  /** The contact's change is settled once its photo is sent too (flush). */
  after(work: PhotoWork): void {
    this.waiting.push(work);
  }

  async flush(): Promise<void> {
    for (let work = this.waiting.shift(); work !== undefined; work = this.waiting.shift()) {
      throwIfAborted(this.run.deps.signal);
      await this.push(work);
      this.run.done(work.id, work.rev);
    }
  }

  private async push(work: PhotoWork): Promise<void> {
    const { ledger, deps } = this.run;
    const change = localPhotoChange(ledger.state.contacts[work.id]?.p, work.vCard);
    if (change === null) return;
    try {
      if (change.kind === "remove") {
        await deps.server.deletePhoto(work.item, { signal: deps.signal });
        ledger.setPhoto(work.id, undefined);
      } else {
        await this.send(work.item, change.photo);
        ledger.setPhoto(work.id, change.fingerprint, await this.storedThere(work.item, change.fingerprint));
      }
      this.run.outcome.sent++;
    } catch (error) {
      if (!refused(error)) throw error;
      ledger.setPhoto(work.id, change.kind === "set" ? photoStates.hereOnly(change.fingerprint) : undefined);
      this.run.log("warning", text("logPhotoNotSent", cardSummary(work.vCard).name, describeError(error)));
    }
  }

  /**
   * BlueMind's fingerprint of the photo just sent, when its bytes are not ours (it re-encodes
   * them): so the next pull of the card knows them for the same photo and leaves the user's
   * picture in place. Unknown (a failed read) costs one rewrite with BlueMind's bytes, no more.
   */
  private async storedThere(item: string, fingerprint: string): Promise<string | undefined> {
    try {
      const bytes = await this.run.deps.server.getPhoto(item, { signal: this.run.deps.signal });
      const there = bytes === null ? null : fingerprintBytes(bytes);
      return there === null || there === fingerprint ? undefined : there;
    } catch (error) {
      if (isRunFatal(error, this.run.deps.signal)) throw error;
      return undefined;
    }
  }

  /** BlueMind's PNG of our PNG may still be too big (another encoder, alpha added): smaller then. */
  private async send(item: string, photo: VCardPhoto): Promise<void> {
    for (let limit = PHOTO_MAX_PNG_BYTES; ; limit = Math.floor(limit / 4)) {
      try {
        await this.run.deps.server.setPhoto(item, await this.fit(photo, limit), { signal: this.run.deps.signal });
        return;
      } catch (error) {
        const tooBig = error instanceof ValidationError && error.code === "ENTITY_TOO_LARGE";
        if (!tooBig || limit < MIN_RETRY_BYTES) throw error;
      }
    }
  }

  private async fit(photo: VCardPhoto, maxBytes: number): Promise<Uint8Array> {
    try {
      return await this.run.deps.images.pngWithin(photo.bytes, photo.type, maxBytes);
    } catch (error) {
      throw new UnreadablePhotoError(messageOf(error));
    }
  }
}

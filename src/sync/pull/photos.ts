// Contact photos (the pure part). BlueMind serves a card's photo separately (GET …/{uid}/photo)
// and flags it in `identification.photo`; Thunderbird takes it through contacts.setPhoto, which
// accepts PNG and JPEG only.
//
// When to download: the card has the flag and either it was just written or BlueMind's photo was
// not stored yet (photo-state.ts: never tried, or failed). An unchanged card is not fetched at
// all, so its photo is not downloaded again. After an update, the downloaded bytes are compared
// with the fingerprint of the photo here, and Thunderbird is only asked to store them if they
// differ (contacts.update leaves the stored photo in place).
// Known limit: BlueMind does not bump a card's version for a photo-only change, so such a change
// made there shows up with the card's next edit (or a Repair, which reads every card).
import type { VCard } from "../../bluemind/models.ts";
import { photoDownloadDue } from "../photo-state.ts";
import type { ContactRecord } from "../state/sync-state.ts";

export function hasPhotoFlag(card: VCard): boolean {
  return card.identification?.photo === true;
}

export function needsPhotoDownload(card: VCard, record: ContactRecord | undefined, written: boolean): boolean {
  return hasPhotoFlag(card) && (written || photoDownloadDue(record?.p));
}

export type ImageType = "image/png" | "image/jpeg";

export function imageTypeOf(bytes: Uint8Array): ImageType | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "image/png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return null;
}

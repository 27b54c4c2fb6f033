// What the sync knows of a contact's photo (ContactRecord.p), and what a photo in Thunderbird's
// vCard means against it. The content hash ignores PHOTO, so a photo has its own state:
//  - absent: no photo on either side as far as the sync knows;
//  - "none": BlueMind flagged a photo but served none;
//  - a fingerprint: the photo Thunderbird holds and BlueMind has (either side may have set it);
//  - "l:" + fingerprint: a photo set here that BlueMind refused: here only;
//  - "x:" + fingerprint: BlueMind's photo, in a format Thunderbird refuses: there only;
//  - "?" + fingerprint (maybe empty): BlueMind's photo is to be downloaded again (it failed);
//    the fingerprint is the older photo Thunderbird may still show.
// A photo in Thunderbird is a local change when it differs from the photo the state says is here;
// a photo gone from Thunderbird is a removal to send only when BlueMind has it. BlueMind does not
// version photos (bluemind-api.md), so a photo changed on both sides cannot be told from one
// changed here: the local one is pushed — nothing set here is lost.
import { photoOfVCard, type VCardPhoto } from "../vcard/index.ts";
import { fingerprintBytes } from "./fingerprint.ts";

export const NO_PHOTO = "none";
const HERE_ONLY = "l:";
const THERE_ONLY = "x:";
const PENDING = "?";

type PhotoState =
  | { kind: "unknown" | "none" }
  | { kind: "both" | "here-only" | "there-only"; fingerprint: string }
  | { kind: "pending"; fingerprint: string | null };

function parse(state: string | undefined): PhotoState {
  if (state === undefined) return { kind: "unknown" };
  if (state === NO_PHOTO) return { kind: "none" };
  if (state.startsWith(HERE_ONLY)) return { kind: "here-only", fingerprint: state.slice(HERE_ONLY.length) };
  if (state.startsWith(THERE_ONLY)) return { kind: "there-only", fingerprint: state.slice(THERE_ONLY.length) };
  if (state.startsWith(PENDING)) return { kind: "pending", fingerprint: state.length > PENDING.length ? state.slice(PENDING.length) : null };
  return { kind: "both", fingerprint: state };
}

export const photoStates = {
  hereOnly: (fingerprint: string): string => HERE_ONLY + fingerprint,
  thereOnly: (fingerprint: string): string => THERE_ONLY + fingerprint,
  /** A download to try again; Thunderbird keeps showing what it had. */
  pending(previous: string | undefined): string {
    return PENDING + (photoHere(previous) ?? "");
  },
};

/** The fingerprint of the photo Thunderbird should show according to the state, if any. */
export function photoHere(state: string | undefined): string | null {
  const parsed = parse(state);
  return parsed.kind === "both" || parsed.kind === "here-only" || parsed.kind === "pending" ? parsed.fingerprint : null;
}

/** The photo both sides had at the last sync (so one that went from BlueMind is removed here). */
export function photoOnBothSides(state: string | undefined): string | null {
  const parsed = parse(state);
  return parsed.kind === "both" ? parsed.fingerprint : null;
}

/** BlueMind's photo has not been stored here yet (never tried, or it failed). */
export function photoDownloadDue(state: string | undefined): boolean {
  const kind = parse(state).kind;
  return kind === "unknown" || kind === "pending";
}

export type LocalPhotoChange = { kind: "set"; photo: VCardPhoto; fingerprint: string } | { kind: "remove" };

/** The photo change Thunderbird's vCard of a contact holds against its photo state, if any. */
export function localPhotoChange(state: string | undefined, vCard: string): LocalPhotoChange | null {
  const photo = photoOfVCard(vCard);
  if (photo === null) return photoOnBothSides(state) !== null ? { kind: "remove" } : null;
  const fingerprint = fingerprintBytes(photo.bytes);
  return fingerprint === photoHere(state) ? null : { kind: "set", photo, fingerprint };
}

/** What a record knows of the photo, for a new record of the same contact to keep. */
export function photoStateOf(record: { p?: string; q?: string } | undefined): { p?: string; q?: string } {
  const kept: { p?: string; q?: string } = {};
  if (record?.p !== undefined) kept.p = record.p;
  if (record?.q !== undefined) kept.q = record.q;
  return kept;
}

/** The fingerprint of the photo in Thunderbird's vCard, null without one. */
export function localPhotoFingerprint(vCard: string): string | null {
  const photo = photoOfVCard(vCard);
  return photo === null ? null : fingerprintBytes(photo.bytes);
}

import { describe, expect, it } from "vitest";
import { fingerprintBytes } from "./fingerprint.ts";
import { localPhotoChange, NO_PHOTO, photoDownloadDue, photoHere, photoOnBothSides, photoStates } from "./photo-state.ts";

const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const other = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 4, 5, 6]);
const base64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));
const withPhoto = (b: Uint8Array): string => ["BEGIN:VCARD", "VERSION:4.0", "FN:Ana", `PHOTO;VALUE=URL:data:image/png;base64,${base64(b)}`, "END:VCARD"].join("\r\n");
const noPhoto = ["BEGIN:VCARD", "VERSION:4.0", "FN:Ana", "END:VCARD"].join("\r\n");
const fp = fingerprintBytes(bytes);

describe("photo state", () => {
  it("tells which photo is here and which both sides have", () => {
    expect(photoHere(fp)).toBe(fp);
    expect(photoOnBothSides(fp)).toBe(fp);
    expect(photoHere(photoStates.hereOnly(fp))).toBe(fp);
    expect(photoOnBothSides(photoStates.hereOnly(fp))).toBeNull();
    expect(photoHere(photoStates.thereOnly(fp))).toBeNull();
    expect(photoHere(photoStates.pending(fp))).toBe(fp);
    expect(photoHere(photoStates.pending(undefined))).toBeNull();
    expect(photoHere(NO_PHOTO)).toBeNull();
    expect(photoHere(undefined)).toBeNull();
  });

  it("downloads again only what was never stored or failed", () => {
    expect(photoDownloadDue(undefined)).toBe(true);
    expect(photoDownloadDue(photoStates.pending(fp))).toBe(true);
    expect(photoDownloadDue(fp)).toBe(false);
    expect(photoDownloadDue(NO_PHOTO)).toBe(false);
    expect(photoDownloadDue(photoStates.thereOnly(fp))).toBe(false);
  });

  it("sees a new or changed photo here as a change to send", () => {
    expect(localPhotoChange(undefined, withPhoto(bytes))).toMatchObject({ kind: "set", fingerprint: fp });
    expect(localPhotoChange(fingerprintBytes(other), withPhoto(bytes))).toMatchObject({ kind: "set", fingerprint: fp });
    expect(localPhotoChange(photoStates.thereOnly(fp), withPhoto(bytes))).toMatchObject({ kind: "set" });
    expect(localPhotoChange(fp, withPhoto(bytes))).toBeNull();
    expect(localPhotoChange(photoStates.hereOnly(fp), withPhoto(bytes))).toBeNull();
    expect(localPhotoChange(photoStates.pending(fp), withPhoto(bytes))).toBeNull();
  });

  it("sends a removal only for a photo BlueMind has", () => {
    expect(localPhotoChange(fp, noPhoto)).toEqual({ kind: "remove" });
    expect(localPhotoChange(undefined, noPhoto)).toBeNull();
    expect(localPhotoChange(NO_PHOTO, noPhoto)).toBeNull();
    expect(localPhotoChange(photoStates.thereOnly(fp), noPhoto)).toBeNull();
    expect(localPhotoChange(photoStates.hereOnly(fp), noPhoto)).toBeNull();
    // A download that failed: Thunderbird may show nothing yet; that is no removal.
    expect(localPhotoChange(photoStates.pending(fp), noPhoto)).toBeNull();
  });
});

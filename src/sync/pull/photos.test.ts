import { describe, expect, it } from "vitest";
import { NO_PHOTO, photoStates } from "../photo-state.ts";
import { hasPhotoFlag, imageTypeOf, needsPhotoDownload } from "./photos.ts";
import { individual, pngBytes } from "../../../test/support/memory-content.ts";

const withPhoto = individual("A", "a@b.c", { identification: { formatedName: { value: "A" }, photo: true } });
const without = individual("B");

describe("photos", () => {
  it("reads the flag", () => {
    expect(hasPhotoFlag(withPhoto)).toBe(true);
    expect(hasPhotoFlag(without)).toBe(false);
  });

  it("downloads after a write, or when no photo was stored yet; not for an unchanged card that has one", () => {
    expect(needsPhotoDownload(withPhoto, undefined, true)).toBe(true);
    expect(needsPhotoDownload(withPhoto, { item: "x", v: 1, h: "h", p: "abc" }, true)).toBe(true);
    expect(needsPhotoDownload(withPhoto, { item: "x", v: 1, h: "h" }, false)).toBe(true);
    expect(needsPhotoDownload(withPhoto, { item: "x", v: 1, h: "h", p: "abc" }, false)).toBe(false);
    expect(needsPhotoDownload(withPhoto, { item: "x", v: 1, h: "h", p: NO_PHOTO }, false)).toBe(false);
    expect(needsPhotoDownload(without, undefined, true)).toBe(false);
    // A download that failed is tried again; a photo Thunderbird cannot take, or one set here and
    // refused by BlueMind, is not fetched again for an unchanged card.
    expect(needsPhotoDownload(withPhoto, { item: "x", v: 1, h: "h", p: photoStates.pending("abc") }, false)).toBe(true);
    expect(needsPhotoDownload(withPhoto, { item: "x", v: 1, h: "h", p: photoStates.thereOnly("abc") }, false)).toBe(false);
    expect(needsPhotoDownload(withPhoto, { item: "x", v: 1, h: "h", p: photoStates.hereOnly("abc") }, false)).toBe(false);
  });

  it("recognises PNG and JPEG only", () => {
    expect(imageTypeOf(pngBytes())).toBe("image/png");
    expect(imageTypeOf(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(imageTypeOf(new Uint8Array([0x47, 0x49, 0x46, 0x38]))).toBeNull();
    expect(imageTypeOf(new Uint8Array([]))).toBeNull();
  });
});

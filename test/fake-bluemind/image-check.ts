// What BlueMind does with a photo sent to POST /{uid}/photo (ImageUtils.checkAndSanitize): decode
// it (any format Java's ImageIO reads; PNG and JPEG here), store it re-encoded as PNG, and refuse
// it when that PNG reaches 1 MiB (ENTITY_TOO_LARGE) or when it is not an image (INVALID_PARAMETER).
// Both faults are 500s. The client therefore downloads other bytes than it sent.
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { ServerFault } from "./errors.ts";

export const MAX_PHOTO_PNG_BYTES = 1024 * 1024;

interface Decoded {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  data: Buffer | Uint8Array;
}

function decode(bytes: Buffer): Decoded | null {
  try {
    if (bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return PNG.sync.read(bytes);
    if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  } catch {
    return null;
  }
  return null;
}

function opaque(rgba: Buffer): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

export function checkAndSanitizePhoto(bytes: Buffer): Buffer {
  const image = decode(bytes);
  if (image === null) throw new ServerFault("INVALID_PARAMETER", "not an image (not valid format)");
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  // ImageIO reads an opaque image (a JPEG, an RGB PNG) without alpha and writes it back so.
  const asPng = PNG.sync.write(png, opaque(png.data) ? { colorType: 2, inputHasAlpha: true } : {});
  if (asPng.length >= MAX_PHOTO_PNG_BYTES) {
    throw new ServerFault("ENTITY_TOO_LARGE", `Image is too big, original size is ${bytes.length} byte(s), new size is ${asPng.length} byte(s)`);
  }
  return asPng;
}

// Tiny solid-colour PNGs, so that generated contacts can carry real, decodable photos.
import { randomBytes } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** An 8-bit RGB PNG of `size` × `size` pixels from its rows (3 bytes a pixel). */
function rgbPng(size: number, rows: Buffer[]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const filtered = rows.map((row) => Buffer.concat([Buffer.from([0]), row]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(filtered))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export function solidPng(rgb: [number, number, number], size = 32): Buffer {
  const row = Buffer.alloc(size * 3);
  for (let x = 0; x < size; x++) row.set(rgb, x * 3);
  return rgbPng(size, Array.from({ length: size }, () => row));
}

/** Random pixels, as incompressible as a photo gets: about 3 bytes a pixel as PNG. */
export function noisyPng(size: number): Buffer {
  return rgbPng(size, Array.from({ length: size }, () => randomBytes(size * 3)));
}

/** A stable colour per uid. */
export function pngFor(uid: string): Buffer {
  const h = crc32(uid);
  return solidPng([h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff]);
}


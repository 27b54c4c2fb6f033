// ImagesApi for tests, in Node: PNG and JPEG decoded with pngjs and jpeg-js, scaled down with
// nearest-neighbour sampling until the PNG fits — what the background page does with a canvas
// (src/thunderbird/images.ts), close enough for the sizes the sync cares about.
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import type { ImagesApi } from "../../src/thunderbird/types.ts";

interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

function decode(bytes: Uint8Array, type: string): Rgba {
  const buffer = Buffer.from(bytes);
  if (type === "image/png" || buffer.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return PNG.sync.read(buffer);
  if (type === "image/jpeg" || (buffer[0] === 0xff && buffer[1] === 0xd8)) return jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true });
  throw new Error(`cannot decode ${type}`);
}

function scaled(image: Rgba, scale: number): Rgba {
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.floor(y / scale));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(image.width - 1, Math.floor(x / scale));
      data.set(image.data.subarray((sy * image.width + sx) * 4, (sy * image.width + sx) * 4 + 4), (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

function encodePng(image: Rgba): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data);
  return new Uint8Array(PNG.sync.write(png));
}

export class NodeImages implements ImagesApi {
  /** Every call, for tests that check what was asked. */
  readonly calls: { type: string; maxBytes: number; bytesIn: number; bytesOut: number }[] = [];

  async pngWithin(bytes: Uint8Array, type: string, maxBytes: number): Promise<Uint8Array> {
    await Promise.resolve();
    const image = decode(bytes, type);
    let scale = 1;
    for (let attempt = 0; attempt < 8; attempt++) {
      const png = encodePng(scale === 1 ? image : scaled(image, scale));
      if (png.length <= maxBytes) {
        this.calls.push({ type, maxBytes, bytesIn: bytes.length, bytesOut: png.length });
        return png;
      }
      scale *= Math.min(0.9, Math.sqrt(maxBytes / png.length) * 0.9);
    }
    throw new Error(`the image stays over ${maxBytes} bytes as PNG`);
  }
}

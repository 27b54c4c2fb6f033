// Photos made fit for BlueMind, with the browser's own decoders in the background page: BlueMind
// re-encodes every photo as PNG and refuses it when that PNG reaches 1 MiB (bluemind-api.md), so
// a photo is sent as a PNG already small enough — a camera picture of a few megapixels is not.
import type { ImagesApi } from "./types.ts";

/** Each try shrinks the sides by the square root of the size ratio, with some margin: PNG size
 * follows the pixel count, roughly. */
const MAX_TRIES = 8;

function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the image could not be encoded as PNG"))), "image/png"));
}

export const browserImages: ImagesApi = {
  async pngWithin(bytes, type, maxBytes) {
    const bitmap = await createImageBitmap(new Blob([bytes.slice()], { type }));
    try {
      let scale = 1;
      for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
        const canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(bitmap.width * scale));
        canvas.height = Math.max(1, Math.round(bitmap.height * scale));
        const context = canvas.getContext("2d");
        if (context === null) throw new Error("no 2D canvas to scale the image");
        context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        const png = await canvasToPng(canvas);
        if (png.size <= maxBytes) return new Uint8Array(await png.arrayBuffer());
        scale *= Math.min(0.9, Math.sqrt(maxBytes / png.size) * 0.9);
      }
      throw new Error(`the image stays over ${maxBytes} bytes as PNG`);
    } finally {
      bitmap.close();
    }
  },
};

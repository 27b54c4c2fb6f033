// A PNG of a whole X display (the private Xvfb of a `display: true` Thunderbird).
//
// Why not Marionette's screenshot: it draws one window's document, and the compose window's
// autocompletion popup is a separate native popup that it leaves out. Reading the root window
// shows what a user would see. No X tools are installed here, so this speaks the two X11
// requests it needs (connection setup, GetImage) over the display's Unix socket; Xvfb is started
// without access control, so no authentication is sent.
import * as net from "node:net";
import { deflateSync } from "node:zlib";
import { crc32 } from "../../thunderbird/zip.ts";

interface Screen {
  root: number;
  width: number;
  height: number;
  depth: number;
}

/** Reads exactly the bytes asked for, across socket chunks. */
class SocketReader {
  private buffered = Buffer.alloc(0);
  private waiting: { size: number; resolve(data: Buffer): void; reject(error: Error): void } | null = null;
  private failure: Error | null = null;

  constructor(socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.deliver();
    });
    const fail = (error: Error): void => {
      this.failure = error;
      this.waiting?.reject(error);
      this.waiting = null;
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("X server closed the connection")));
  }

  read(size: number): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { size, resolve, reject };
      this.deliver();
    });
  }

  private deliver(): void {
    if (!this.waiting || this.buffered.length < this.waiting.size) return;
    const { size, resolve } = this.waiting;
    this.waiting = null;
    const data = this.buffered.subarray(0, size);
    this.buffered = this.buffered.subarray(size);
    resolve(data);
  }
}

const pad4 = (n: number): number => (4 - (n % 4)) % 4;

async function connectionSetup(socket: net.Socket, reader: SocketReader): Promise<Screen> {
  // Little-endian ('l'), protocol 11.0, no authorization.
  const request = Buffer.alloc(12);
  request.writeUInt8(0x6c, 0);
  request.writeUInt16LE(11, 2);
  socket.write(request);
  const head = await reader.read(8);
  const extra = await reader.read(head.readUInt16LE(6) * 4);
  if (head.readUInt8(0) !== 1) throw new Error(`X server refused the connection: ${extra.toString("latin1", 0, head.readUInt8(1))}`);
  const vendorLength = extra.readUInt16LE(16);
  const formatCount = extra.readUInt8(21);
  const screenAt = 32 + vendorLength + pad4(vendorLength) + 8 * formatCount;
  return {
    root: extra.readUInt32LE(screenAt),
    width: extra.readUInt16LE(screenAt + 20),
    height: extra.readUInt16LE(screenAt + 22),
    depth: extra.readUInt8(screenAt + 38),
  };
}

/** GetImage (ZPixmap) of the whole root window: 32 bits per pixel, BGRX, for a depth-24 screen. */
async function rootImage(socket: net.Socket, reader: SocketReader, screen: Screen): Promise<Buffer> {
  const request = Buffer.alloc(20);
  request.writeUInt8(73, 0); // GetImage
  request.writeUInt8(2, 1); // ZPixmap
  request.writeUInt16LE(5, 2);
  request.writeUInt32LE(screen.root, 4);
  request.writeUInt16LE(screen.width, 12);
  request.writeUInt16LE(screen.height, 14);
  request.writeUInt32LE(0xffffffff, 16);
  socket.write(request);
  const head = await reader.read(32);
  if (head.readUInt8(0) === 0) throw new Error(`X GetImage failed with error code ${head.readUInt8(1)}`);
  return reader.read(head.readUInt32LE(4) * 4);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0);
  return Buffer.concat([length, typed, crc]);
}

/** RGB PNG from 32-bit BGRX rows. */
function encodePng(pixels: Buffer, width: number, height: number): Buffer {
  const stride = width * 4;
  if (pixels.length < stride * height) throw new Error(`X image has ${pixels.length} bytes, expected ${stride * height} (is the screen depth 24?)`);
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let out = 0;
  for (let y = 0; y < height; y++) {
    raw[out++] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const at = y * stride + x * 4;
      raw[out++] = pixels[at + 2]!;
      raw[out++] = pixels[at + 1]!;
      raw[out++] = pixels[at]!;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(raw)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** PNG of everything shown on `display` (":<n>"), popups included. */
export async function screenshotDisplay(display: string): Promise<Buffer> {
  const number = /^:(\d+)(?:\.\d+)?$/.exec(display)?.[1];
  if (number === undefined) throw new Error(`not a local X display: ${display}`);
  const socket = net.createConnection(`/tmp/.X11-unix/X${number}`);
  const reader = new SocketReader(socket);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const screen = await connectionSetup(socket, reader);
    if (screen.depth !== 24) throw new Error(`unsupported X screen depth ${screen.depth}`);
    return encodePng(await rootImage(socket, reader, screen), screen.width, screen.height);
  } finally {
    socket.destroy();
  }
}

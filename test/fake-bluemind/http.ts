// HTTP plumbing shared by every route: reading and decoding request bodies the way BlueMind's REST
// layer does, turning handler results into responses (object → 200 JSON, null → 204, void → 200
// empty), and writing ServerFault error bodies.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ServerFault } from "./errors.ts";

/** BlueMind refuses request bodies over 10,000,000 bytes. */
export const MAX_BODY_BYTES = 10_000_000;

/**
 * Status for refused bodies (too large, or chunked). BlueMind's docs only say "refused"; we chose
 * 413 Payload Too Large because it names the cause, and a client must treat it as a non-retryable
 * error either way (a 500 would look like a transient server fault and invite retries).
 */
export const BODY_REFUSED_STATUS = 413;

export type RequestBody =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  | { kind: "text"; text: string }
  | { kind: "bytes"; bytes: Buffer };

/** A response a handler builds itself (photo bytes). */
export class RawReply {
  constructor(
    readonly status: number,
    readonly body: Buffer | string,
    readonly contentType: string | null,
  ) {}
}

export class BodyRefused extends Error {}

export function checkBodyAcceptable(req: IncomingMessage): void {
  const te = req.headers["transfer-encoding"];
  if (te && /chunked/i.test(te)) throw new BodyRefused("chunked request bodies are not accepted");
  const length = Number(req.headers["content-length"] ?? 0);
  if (length > MAX_BODY_BYTES) throw new BodyRefused(`request body of ${length} bytes exceeds ${MAX_BODY_BYTES}`);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyRefused(`request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** JSON unless the content type is *exactly* text/plain or application/octet-stream. */
export function decodeBody(contentType: string | undefined, raw: Buffer): RequestBody {
  if (contentType === "application/octet-stream") return { kind: "bytes", bytes: raw };
  if (contentType === "text/plain") return { kind: "text", text: raw.toString("utf8") };
  if (raw.length === 0) return { kind: "none" };
  try {
    return { kind: "json", value: JSON.parse(raw.toString("utf8")) as unknown };
  } catch (e) {
    throw new ServerFault("UNKNOWN", `Failed to decode JSON body: ${(e as Error).message}`);
  }
}

/** Path parameters are URL-decoded and `+` becomes a space (JAX-RS form decoding). */
export function decodePathParam(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, " "));
}

export function sendResult(res: ServerResponse, result: unknown): number {
  if (result instanceof RawReply) {
    if (result.contentType) res.setHeader("Content-Type", result.contentType);
    res.writeHead(result.status).end(result.body);
    return result.status;
  }
  if (result === undefined) {
    res.writeHead(200, { "Content-Length": "0" }).end();
    return 200;
  }
  if (result === null) {
    res.writeHead(204).end();
    return 204;
  }
  const body = JSON.stringify(result);
  res.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)) }).end(body);
  return 200;
}

export function faultBody(errorCode: string, message: string): string {
  return JSON.stringify({ errorCode, errorType: "ServerFault", message });
}

/** BlueMind often sends error bodies without a Content-Type; so do we, to keep clients honest. */
export function sendFault(res: ServerResponse, status: number, errorCode: string, message: string): number {
  const body = faultBody(errorCode, message);
  res.writeHead(status, { "Content-Length": String(Buffer.byteLength(body)) }).end(body);
  return status;
}

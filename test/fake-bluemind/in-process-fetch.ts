// A `fetch` that hands requests to the fake server's request listener in the same process, without
// a socket: the same pipeline (control bypass, faults, routes, authentication, request log), the
// same answers, but no loopback round trip — which on a busy machine costs a scheduler quantum per
// request and made randomized tests that run thousands of syncs (test/model/) needlessly slow.
// A dropped connection (fault "drop") rejects like undici does: TypeError "fetch failed".
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

function connectionLost(): TypeError {
  return new TypeError("fetch failed", { cause: new Error("other side closed") });
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
  return Buffer.from(await new Response(body as BodyInit).arrayBuffer());
}

export function inProcessFetch(listener: RequestListener): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    init?.signal?.throwIfAborted();
    const url = new URL(request.url);
    const bytes = await bodyBytes(init?.body);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    if (bytes.length > 0 && headers["content-length"] === undefined) headers["content-length"] = String(bytes.length);

    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const fail = (): void => {
        if (!settled) reject(connectionLost());
        settled = true;
      };
      const req = Object.assign(Readable.from(bytes.length > 0 ? [bytes] : []), {
        method: request.method,
        url: url.pathname + url.search,
        headers,
        socket: { destroy: fail },
      });
      let status = 200;
      const responseHeaders = new Headers();
      const res = {
        setHeader(name: string, value: string | number): void {
          responseHeaders.set(name, String(value));
        },
        writeHead(code: number, extra?: Record<string, string>) {
          status = code;
          for (const [name, value] of Object.entries(extra ?? {})) responseHeaders.set(name, value);
          return res;
        },
        end(body?: string | Buffer) {
          if (settled) return res;
          settled = true;
          const payload = status === 204 || body === undefined ? null : typeof body === "string" ? body : new Uint8Array(body);
          resolve(new Response(payload, { status, headers: responseHeaders }));
          return res;
        },
        destroy: fail,
      };
      listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    });
  };
}

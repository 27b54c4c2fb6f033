// A tiny scripted HTTP server for the client's unit tests, to assert exactly what goes on the
// wire and to answer exactly what a test needs (statuses, bodies, drops, delays). On node:http,
// which the add-on cannot use: lint keeps src/ product files from importing test/ and node:*.

import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface WireRequest {
  method: string;
  /** Raw request target as sent, query included: what encoding assertions look at. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export type WireReply =
  | {
      status?: number;
      headers?: Record<string, string>;
      /** Sent as is, with no Content-Type unless given in headers. */
      body?: string | Uint8Array;
      /** Sent as JSON with Content-Type application/json. */
      json?: unknown;
      delayMs?: number;
    }
  | { drop: true };

export type WireHandler = (request: WireRequest, index: number) => WireReply | Promise<WireReply>;

export interface WireServer {
  url: string;
  requests: WireRequest[];
  /** Replaces the handler; `index` counts requests since the server started. */
  handle(handler: WireHandler): void;
  /** Shorthand: answer these replies in order, then 500 for anything more. */
  script(...replies: WireReply[]): void;
  close(): Promise<void>;
}

export async function startWireServer(): Promise<WireServer> {
  const requests: WireRequest[] = [];
  let handler: WireHandler = () => ({ status: 200 });
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const request: WireRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body,
        text: body.toString("utf8"),
      };
      const index = requests.length;
      requests.push(request);
      void Promise.resolve(handler(request, index)).then((reply) => {
        if ("drop" in reply) {
          req.socket.destroy();
          return;
        }
        const send = (): void => {
          if (res.destroyed) return;
          const headers: Record<string, string> = { ...reply.headers };
          let payload: string | Uint8Array | undefined = reply.body;
          if (reply.json !== undefined) {
            payload = JSON.stringify(reply.json);
            headers["Content-Type"] ??= "application/json";
          }
          res.writeHead(reply.status ?? 200, headers);
          res.end(payload);
        };
        if (reply.delayMs === undefined) send();
        else {
          const timer = setTimeout(() => {
            timers.delete(timer);
            send();
          }, reply.delayMs);
          timers.add(timer);
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      handler = next;
    },
    script(...replies) {
      const start = requests.length;
      handler = (_request, index) => replies[index - start] ?? { status: 500, json: { errorCode: "UNKNOWN", message: "unscripted request" } };
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// The fake BlueMind server: node:http on loopback, one request pipeline —
// control API bypass → fault injection → route → body limits → authentication → body → handler →
// response — and a request log of every /api call (method, path, status, duration).
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { authenticate } from "./auth.ts";
import { callControl, createControl, isControlMethod } from "./control.ts";
import type { FakeControl } from "./control.ts";
import { buildDataset, datasetSpec } from "./datasets.ts";
import { invalidSession, ServerFault } from "./errors.ts";
import { Faults } from "./faults.ts";
import { inProcessFetch } from "./in-process-fetch.ts";
import { BODY_REFUSED_STATUS, BodyRefused, checkBodyAcceptable, decodeBody, readBody, sendFault, sendResult } from "./http.ts";
import { addressBookRoutes } from "./routes-addressbook.ts";
import { authRoutes } from "./routes-auth.ts";
import { containerRoutes } from "./routes-containers.ts";
import { mgmtRoutes } from "./routes-mgmt.ts";
import { subscriptionRoutes } from "./routes-subscriptions.ts";
import { systemRoutes } from "./routes-system.ts";
import { Router } from "./router.ts";
import { FakeState } from "./state.ts";
import type { FakeBlueMindOptions, FaultInjector, FaultRule, RequestLogEntry } from "./types.ts";

export interface FakeBlueMind {
  /** "http://127.0.0.1:<port>" (routes are under /api). */
  url: string;
  close(): Promise<void>;
  state: FakeState;
  control: FakeControl;
  /** Live log of /api requests (control calls are not logged). */
  requests: RequestLogEntry[];
  /** The same server without a socket, for tests that make many calls (in-process-fetch.ts). */
  fetch: typeof fetch;
  faults: FaultInjector;
}

/** The log is capped so that a long demo session does not grow without bound. */
const MAX_LOG_ENTRIES = 50_000;

const router = new Router([...authRoutes, ...systemRoutes, ...subscriptionRoutes, ...containerRoutes, ...addressBookRoutes, ...mgmtRoutes]);

const MALFORMED_JSON = '{"created":["broken", "updated":';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function apiKeyOf(req: IncomingMessage): string | undefined {
  const h = req.headers["x-bm-apikey"];
  return Array.isArray(h) ? h[0] : h;
}

export async function startFakeBlueMind(opts: FakeBlueMindOptions = {}): Promise<FakeBlueMind> {
  const state = new FakeState(opts.sessionIdleMs);
  const seed = opts.seed ?? 1;
  const spec = typeof opts.dataset === "object" ? opts.dataset : datasetSpec(opts.dataset ?? "minimal");
  const dataset = buildDataset(state, spec, seed);
  state.defaultDomain = opts.defaultDomain === undefined ? spec.domain : opts.defaultDomain;
  state.installationInfos = opts.installationInfos ?? true;
  const faults = new Faults();
  const requests: RequestLogEntry[] = [];
  const control = createControl({ state, faults, requests, dataset, seed });

  /** Returns the status sent (0 when the connection was dropped). */
  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
    const method = req.method ?? "GET";
    const fault = faults.take(method, url.pathname);
    if (fault) {
      const early = await applyFault(fault, req, res);
      if (early !== null) return early;
    }
    try {
      const match = router.match(method, url.pathname);
      if (!match) throw new ServerFault("UNKNOWN", `no route for ${method} ${url.pathname}`);
      checkBodyAcceptable(req);
      const base = { state, req, params: match.params, query: url.searchParams };
      if (match.route.anonymous) {
        const body = decodeBody(req.headers["content-type"], await readBody(req));
        return sendResult(res, await match.route.handle({ ...base, body }));
      }
      const caller = authenticate(state, apiKeyOf(req));
      const body = decodeBody(req.headers["content-type"], await readBody(req));
      return sendResult(res, await match.route.handle({ ...base, body, caller }));
    } catch (e) {
      if (e instanceof BodyRefused) {
        res.setHeader("Connection", "close");
        return sendFault(res, BODY_REFUSED_STATUS, "UNKNOWN", e.message);
      }
      if (e instanceof ServerFault) return sendFault(res, e.httpStatus, e.errorCode, e.message);
      return sendFault(res, 500, "UNKNOWN", e instanceof Error ? e.message : String(e));
    }
  }

  /** Returns the status sent when the fault answers the call itself, null to carry on. */
  async function applyFault(fault: FaultRule, req: IncomingMessage, res: ServerResponse): Promise<number | null> {
    switch (fault.kind) {
      case "delay":
        await sleep(fault.delayMs ?? 1000);
        return null;
      case "drop":
        req.socket.destroy();
        return 0;
      case "malformed":
        res.writeHead(200, { "Content-Type": "application/json" }).end(MALFORMED_JSON);
        return 200;
      case "empty":
        // A well-formed answer that lists nothing (an `_all` of a book that has cards).
        res.writeHead(200, { "Content-Type": "application/json" }).end("[]");
        return 200;
      case "expire": {
        // A session key dies for good; an API key stays valid (only this call fails), as on a
        // real server where API keys never expire.
        const key = apiKeyOf(req) ?? "";
        state.sessions.delete(key);
        const fault401 = invalidSession(key);
        return sendFault(res, 401, fault401.errorCode, fault401.message);
      }
      case "status": {
        const status = fault.status ?? 500;
        return sendFault(res, status, fault.errorCode ?? "UNKNOWN", fault.message ?? `injected fault ${status}`);
      }
    }
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    try {
      if (!isControlMethod(name)) throw new Error(`unknown control method ${name}`);
      const raw = await readBody(req);
      const body: unknown = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : null;
      const result = callControl(control, name, body);
      if (result === undefined) res.writeHead(204).end();
      else res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(result));
    } catch (e) {
      res.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ message: e instanceof Error ? e.message : String(e) }));
    }
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    if (url.pathname.startsWith("/__control/")) {
      void handleControl(req, res, url.pathname.slice("/__control/".length));
      return;
    }
    const at = Date.now();
    const started = performance.now();
    void handleApi(req, res, url).then(
      (status) => {
        requests.push({ method: req.method ?? "GET", path: url.pathname + url.search, status, durationMs: performance.now() - started, at });
        if (requests.length > MAX_LOG_ENTRIES) requests.splice(0, requests.length - MAX_LOG_ENTRIES);
      },
      () => res.destroy(),
    );
  };
  const server = createServer(listener);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    state,
    control,
    requests,
    faults,
    fetch: inProcessFetch(listener),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

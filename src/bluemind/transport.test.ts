import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  CancelledError,
  MalformedResponseError,
  NetworkError,
  NotFoundError,
  PermissionError,
  ServerError,
  ServerUrlError,
  TimeoutError,
  ValidationError,
} from "./errors.ts";
import { Transport } from "./transport.ts";
import type { RequestSpec, TransportOptions } from "./transport.ts";
import { startWireServer } from "../../test/support/wire-server.ts";
import type { WireServer } from "../../test/support/wire-server.ts";
import { apiPath } from "./url.ts";
import { failure } from "../../test/support/bluemind-failure.ts";

let wire: WireServer;
let sleeps: number[];

beforeEach(async () => {
  wire = await startWireServer();
  sleeps = [];
});
afterEach(async () => {
  await wire.close();
});

function transport(options: Partial<TransportOptions> = {}): Transport {
  return new Transport({
    baseUrl: `${wire.url}/api/`,
    origin: "bm-tb-test/1.0",
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
}

const get = (extra: Partial<RequestSpec> = {}): RequestSpec => ({
  method: "GET",
  path: apiPath`/addressbooks/${"book:Contacts_u1"}/_version`,
  response: "json",
  idempotent: true,
  ...extra,
});

describe("request line and headers", () => {
  it("asks Thunderbird not to keep any answer in its HTTP cache (contact data must not stay on disk)", async () => {
    wire.script({ json: 42 }, { json: 43 });
    const inits: RequestInit[] = [];
    const spy: typeof fetch = (input, init) => {
      inits.push(init ?? {});
      return globalThis.fetch(input, init);
    };
    await transport({ fetch: spy }).send(get(), "key-123");
    await transport({ fetch: spy }).send(get({ method: "POST", path: apiPath`/addressbooks/${"book:Contacts_u1"}/_mget`, body: { json: ["a"] } }), "key-123");
    expect(inits.map((init) => init.cache)).toEqual(["no-store", "no-store"]);
  });

  it("sends the key, the origin and Accept: application/json on a JSON call, no Content-Type without body", async () => {
    wire.script({ json: 42 });
    await expect(transport().send(get(), "key-123")).resolves.toBe(42);
    const [request] = wire.requests;
    expect(request?.method).toBe("GET");
    expect(request?.url).toBe("/api/addressbooks/book%3AContacts_u1/_version");
    expect(request?.headers["x-bm-apikey"]).toBe("key-123");
    expect(request?.headers["x-bm-origin"]).toBe("bm-tb-test/1.0");
    expect(request?.headers["accept"]).toBe("application/json");
    expect(request?.headers["content-type"]).toBeUndefined();
  });

  it("sends neither key nor origin when there are none", async () => {
    wire.script({ json: 1 });
    await transport({ origin: null }).send(get(), null);
    expect(wire.requests[0]?.headers["x-bm-apikey"]).toBeUndefined();
    expect(wire.requests[0]?.headers["x-bm-origin"]).toBeUndefined();
  });

  it.each([
    ["book:Contacts_u-jdoe", "book%3AContacts_u-jdoe"],
    ["a/b", "a%2Fb"],
    ["a+b", "a%2Bb"],
    ["with space", "with%20space"],
    ["Carnet d'adresses été", "Carnet%20d%27adresses%20%C3%A9t%C3%A9"],
    ["100%?#&=", "100%25%3F%23%26%3D"],
  ])("encodes the uid %j as %s on the wire", async (uid, encoded) => {
    wire.script({ json: null, status: 200 });
    await transport().send({ ...get(), path: apiPath`/addressbooks/b/${uid}/complete`, query: { since: 3, q: "a b+c" } }, "k");
    expect(wire.requests[0]?.url).toBe(`/api/addressbooks/b/${encoded}/complete?since=3&q=a%20b%2Bc`);
    const segment = wire.requests[0]?.url.split("/")[4] ?? "";
    expect(decodeURIComponent(segment)).toBe(uid);
  });

  it.each(["", "/", "/api", "/api/"])("accepts a base URL ending in %j", async (suffix) => {
    wire.script({ json: 1 });
    await transport({ baseUrl: wire.url + suffix }).send(get(), "k");
    expect(wire.requests[0]?.url).toBe("/api/addressbooks/book%3AContacts_u1/_version");
  });

  it("refuses a plain http:// remote server before sending anything", () => {
    expect(() => transport({ baseUrl: "http://bm.example.com" })).toThrow(ServerUrlError);
  });
});

describe("bodies", () => {
  it("JSON-encodes objects with Content-Type application/json", async () => {
    wire.script({ json: [] });
    await transport().send({ ...get(), method: "POST", body: { json: ["a", "é"] } }, "k");
    expect(wire.requests[0]?.headers["content-type"]).toBe("application/json");
    expect(wire.requests[0]?.text).toBe('["a","é"]');
  });

  it("JSON-encodes a string body: the password travels with its quotes", async () => {
    wire.script({ json: {} });
    await transport().send({ ...get(), method: "POST", body: { json: 'se"cret' } }, null);
    expect(wire.requests[0]?.text).toBe('"se\\"cret"');
    expect(JSON.parse(wire.requests[0]?.text ?? "")).toBe('se"cret');
  });

  it("sends bytes as application/octet-stream without Accept: application/json", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    wire.script({ status: 200 });
    await transport().send({ ...get(), method: "POST", body: { bytes: png }, response: "bytes" }, "k");
    const request = wire.requests[0];
    expect(request?.headers["content-type"]).toBe("application/octet-stream");
    expect(request?.headers["accept"]).not.toContain("application/json");
    expect([...(request?.body ?? [])]).toEqual([...png]);
  });
});

describe("answers", () => {
  it("reads 204 as null and an empty 200 as undefined on JSON endpoints", async () => {
    wire.script({ status: 204 }, { status: 200 }, { status: 200, body: "  " });
    const t = transport();
    await expect(t.send(get(), "k")).resolves.toBeNull();
    await expect(t.send(get(), "k")).resolves.toBeUndefined();
    await expect(t.send(get(), "k")).resolves.toBeUndefined();
  });

  it("parses JSON even without a Content-Type", async () => {
    wire.script({ body: '{"created":[],"version":3}' });
    await expect(transport().send(get(), "k")).resolves.toEqual({ created: [], version: 3 });
  });

  it("ignores the body of a void call", async () => {
    wire.script({ body: "not json at all" }, { status: 204 });
    await expect(transport().send({ ...get(), response: "void" }, "k")).resolves.toBeUndefined();
    await expect(transport().send({ ...get(), response: "void" }, "k")).resolves.toBeUndefined();
  });

  it("returns image bytes, and null for 204 or an empty body, without asking for JSON", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10]);
    wire.script({ body: png, headers: { "Content-Type": "image/png" } }, { status: 204 }, { status: 200 });
    const t = transport();
    const spec: RequestSpec = { ...get(), response: "bytes" };
    const bytes = await t.send(spec, "k");
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...(bytes as Uint8Array)]).toEqual([...png]);
    await expect(t.send(spec, "k")).resolves.toBeNull();
    await expect(t.send(spec, "k")).resolves.toBeNull();
    expect(wire.requests[0]?.headers["accept"]).not.toContain("application/json");
  });

  it("reports a 200 body that is not JSON as MalformedResponseError, without retrying", async () => {
    wire.script({ body: "<html>login</html>" }, { json: 1 });
    const error = await failure(transport().send(get(), "k"));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error.code).toBe("MALFORMED_RESPONSE");
    expect(error.message).toContain("<html>login");
    expect(error.retryable).toBe(false);
    expect(wire.requests).toHaveLength(1);
  });

  it("does not follow a redirect (it would carry the key elsewhere)", async () => {
    wire.script({ status: 302, headers: { Location: `${wire.url}/login` } });
    const error = await failure(transport().send(get(), "k"));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.code).toBe("REDIRECT");
    expect(error.message).toContain("/login");
    expect(wire.requests).toHaveLength(1);
  });
});

describe("error mapping from the wire", () => {
  const fault = (errorCode: string | undefined, message: string): string =>
    JSON.stringify({ errorCode, errorType: "ServerFault", message });

  it.each([
    [401, fault("AUTHENTICATION_FAIL", "invalid accesstoken"), AuthenticationError, "AUTHENTICATION_FAIL"],
    [403, fault("PERMISSION_DENIED", "no write"), PermissionError, "PERMISSION_DENIED"],
    [404, fault("NOT_FOUND", "no such book"), NotFoundError, "NOT_FOUND"],
    [500, fault("INVALID_EMAIL", "Email invalid: 'x'"), ValidationError, "INVALID_EMAIL"],
    [500, fault("INVALID_PARAMETER", "kind must be assigned"), ValidationError, "INVALID_PARAMETER"],
    [500, fault("ALREADY_EXISTS", "exists"), ValidationError, "ALREADY_EXISTS"],
    [500, fault("MAX_ITEM_COUNT", "too many"), ValidationError, "MAX_ITEM_COUNT"],
    [500, fault("UNKNOWN", "NullPointerException"), ServerError, "UNKNOWN"],
    [500, fault(undefined, "no code"), ServerError, "HTTP_500"],
    [500, "<html>Internal error</html>", ServerError, "HTTP_500"],
    [502, "", ServerError, "HTTP_502"],
    [403, "", PermissionError, "HTTP_403"],
  ])("%i %s → %s", async (status, body, type, code) => {
    // No Content-Type: BlueMind often sends none on errors.
    wire.handle(() => ({ status, body }));
    const error = await failure(transport({ retry: { maxAttempts: 1 } }).send(get(), "k"));
    expect(error).toBeInstanceOf(type);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.request).toEqual({ method: "GET", path: "/api/addressbooks/book%3AContacts_u1/_version" });
    if (body.startsWith("{")) expect(error.message).toContain(JSON.parse(body).message);
    expect(error.message).not.toContain("<html>");
  });

  it("removes the session key BlueMind quotes in its 401 message", async () => {
    wire.script({ status: 401, body: fault("AUTHENTICATION_FAIL", "invalid accesstoken: session id sess-SECRET-42 is not valid") });
    const error = await failure(transport().send(get(), "sess-SECRET-42"));
    expect(error.message).not.toContain("sess-SECRET-42");
    expect(error.serverMessage).toBe("invalid accesstoken: session id … is not valid");
  });

  it("does not retry a 401: re-login belongs to the session", async () => {
    wire.handle(() => ({ status: 401, body: fault("AUTHENTICATION_FAIL", "x") }));
    await failure(transport().send(get(), "k"));
    expect(wire.requests).toHaveLength(1);
  });

  it("reports a refused connection as a retryable NetworkError naming the cause", async () => {
    const closed = await startWireServer();
    await closed.close();
    const error = await failure(transport({ baseUrl: closed.url, retry: { maxAttempts: 1 } }).send(get(), "k"));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.retryable).toBe(true);
    expect(error.status).toBeNull();
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("reports a dropped connection as NetworkError", async () => {
    wire.handle(() => ({ drop: true }));
    const error = await failure(transport({ retry: { maxAttempts: 1 } }).send(get(), "k"));
    expect(error).toBeInstanceOf(NetworkError);
  });
});

describe("time limit and cancellation", () => {
  it("gives up after the per-request time limit with a TimeoutError", async () => {
    wire.handle(() => ({ json: 1, delayMs: 2_000 }));
    const started = Date.now();
    const error = await failure(transport({ timeoutMs: 100, retry: { maxAttempts: 1 } }).send(get(), "k"));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(100);
    expect(error.code).toBe("CLIENT_TIMEOUT");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("100 ms");
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("lets one call override the time limit", async () => {
    wire.handle(() => ({ json: 7, delayMs: 150 }));
    const t = transport({ timeoutMs: 50, retry: { maxAttempts: 1 } });
    await expect(t.send(get({ timeoutMs: 1_000 }), "k")).resolves.toBe(7);
    await expect(t.send(get(), "k")).rejects.toBeInstanceOf(TimeoutError);
  });

  it("default time limit is 30 s", () => {
    expect(transport().timeoutMs).toBe(30_000);
  });

  it("fails with CancelledError, not TimeoutError, when the caller aborts mid-request", async () => {
    wire.handle(() => ({ json: 1, delayMs: 2_000 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(transport().send(get({ signal: controller.signal }), "k"));
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.retryable).toBe(false);
    expect(wire.requests).toHaveLength(1);
  });

  it("sends nothing when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(transport().send(get({ signal: controller.signal }), "k")).rejects.toBeInstanceOf(CancelledError);
    expect(wire.requests).toHaveLength(0);
  });

  it("stops waiting between retries when cancelled", async () => {
    wire.handle(() => ({ status: 503 }));
    const controller = new AbortController();
    const t = new Transport({ baseUrl: wire.url, retry: { baseDelayMs: 5_000 } });
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(t.send(get({ signal: controller.signal }), "k")).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(wire.requests).toHaveLength(1);
  });
});

describe("retries", () => {
  it("retries an idempotent call on 5xx with exponential, jittered back-off, then succeeds", async () => {
    const seen: number[] = [];
    wire.script({ status: 500, body: '{"errorCode":"UNKNOWN"}' }, { status: 503 }, { json: 5 });
    const t = transport({ onRetry: (info) => seen.push(info.attempt) });
    await expect(t.send(get(), "k")).resolves.toBe(5);
    expect(wire.requests).toHaveLength(3);
    // base 500 ms: steps 500 then 1000; with random 0.5 → 3/4 of each step.
    expect(sleeps).toEqual([375, 750]);
    expect(seen).toEqual([1, 2]);
  });

  it("gives up after maxAttempts and throws the last error", async () => {
    wire.handle(() => ({ status: 503 }));
    const error = await failure(transport().send(get(), "k"));
    expect(error).toBeInstanceOf(ServerError);
    expect(wire.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it("retries dropped connections and time-outs of idempotent calls", async () => {
    wire.script({ drop: true }, { json: 1, delayMs: 500 }, { json: 9 });
    await expect(transport({ timeoutMs: 100 }).send(get(), "k")).resolves.toBe(9);
    expect(wire.requests).toHaveLength(3);
  });

  it.each([
    ["a validation error", { status: 500, body: '{"errorCode":"INVALID_PARAMETER","message":"x"}' }],
    ["a 404", { status: 404 }],
    ["a 403", { status: 403 }],
  ])("does not retry %s", async (_name, reply) => {
    wire.handle(() => reply);
    await failure(transport().send(get(), "k"));
    expect(wire.requests).toHaveLength(1);
    expect(sleeps).toHaveLength(0);
  });

  it.each([
    ["a 503", { status: 503 }],
    ["a dropped connection", { drop: true } as const],
  ])("never retries a non-idempotent call after %s", async (_name, reply) => {
    wire.handle(() => reply);
    const error = await failure(transport().send({ ...get(), method: "PUT", body: { json: {} }, idempotent: false }, "k"));
    expect(error.retryable).toBe(true);
    expect(wire.requests).toHaveLength(1);
    expect(sleeps).toHaveLength(0);
  });

  it("caps the back-off and keeps the jitter within half a step", () => {
    const low = transport({ random: () => 0, retry: { baseDelayMs: 100, maxDelayMs: 1_000 } });
    const high = transport({ random: () => 0.999999, retry: { baseDelayMs: 100, maxDelayMs: 1_000 } });
    expect([1, 2, 3, 4, 5, 10].map((n) => low.backoff(n))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 10].map((n) => high.backoff(n))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});

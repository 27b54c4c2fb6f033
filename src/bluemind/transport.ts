// One HTTP exchange with BlueMind, done right: URL, headers, body encoding, time limit, reading
// the answer, mapping failures to typed errors, and bounded retries of idempotent calls.
// It knows nothing about sessions: the key to send is given per call (see session.ts), so a
// re-login never happens here. Uses only web globals (fetch, AbortController, setTimeout) so the
// same code runs in Node and in the extension's background page.

import { isRecord } from "../shared/parse.ts";
import { isSecretName, redact } from "../shared/redact.ts";
import { text } from "../shared/user-text.ts";
import {
  BlueMindError,
  CancelledError,
  MalformedResponseError,
  NetworkError,
  ServerError,
  TimeoutError,
  errorFromHttp,
} from "./errors.ts";
import type { RequestRef } from "./errors.ts";
import { normaliseBaseUrl, queryString } from "./url.ts";
import type { ApiPath, QueryValue } from "./url.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** `json` is JSON-encoded, strings included (the login password goes out as `"secret"`). */
export type RequestBody = { json: unknown } | { bytes: Uint8Array };

/**
 * What the endpoint returns, which sets the Accept header and how the answer is read:
 *  - `json`: parsed JSON; 204 → null (BlueMind's "no such item"); empty 200 → undefined.
 *  - `void`: the body is ignored; resolves to undefined.
 *  - `bytes`: raw bytes (photos); 204 or empty → null. No `Accept: application/json` is sent.
 */
export type ResponseKind = "json" | "void" | "bytes";

export interface RequestSpec {
  method: HttpMethod;
  path: ApiPath;
  query?: Readonly<Record<string, QueryValue>>;
  body?: RequestBody;
  response: ResponseKind;
  /**
   * Whether sending the request twice leaves the server as sending it once. Only such requests
   * are retried after a failure that may or may not have reached the server. Each API module says
   * why it marks a write idempotent.
   */
  idempotent: boolean;
  signal?: AbortSignal;
  /** Overrides the transport's per-request time limit for this call. */
  timeoutMs?: number;
  /**
   * Secret values the request carries elsewhere than in a header, a secret-named query parameter
   * or a secret-named JSON field (which are found by themselves): an API key in the path, the
   * password sent as the whole body. Never part of any error.
   */
  secrets?: readonly string[];
}

/** Per-call options every API method takes last. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface RetryPolicy {
  /** Total tries including the first one. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryInfo {
  error: BlueMindError;
  /** The attempt that just failed (1 = first try). */
  attempt: number;
  delayMs: number;
  request: RequestRef;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface TransportOptions {
  /** What the user typed: normalised by normaliseBaseUrl (which refuses remote http://). */
  baseUrl: string;
  /** Sent as X-BM-Origin and as the login `origin`; BlueMind shows it in its session logs. */
  origin?: string | null;
  /** Per-attempt limit, from sending the request to the end of the body. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Injected by tests to observe back-off without waiting. */
  sleep?: Sleep;
  /** Injected by tests to make jitter deterministic; returns [0, 1). */
  random?: () => number;
  fetch?: typeof fetch;
  onRetry?: (info: RetryInfo) => void;
}

/** 30 s: a 15,000-uid changeset or a 100-card _mget answers in well under a second on a healthy
 * server; past 30 s the connection is as good as dead and the user is better served by an error. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Three tries spaced ~0.5 s then ~1 s: rides out a proxy hiccup or a server restart's first
 * seconds without making a user-initiated action hang; the sync scheduler backs off further. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8_000 };

/** Longest server message kept in an error: error pages of proxies can be whole HTML documents. */
const MAX_SERVER_MESSAGE = 300;

export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export class Transport {
  readonly baseUrl: string;
  readonly origin: string | null;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly fetchImpl: typeof fetch;
  private readonly onRetry: ((info: RetryInfo) => void) | undefined;

  constructor(options: TransportOptions) {
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.origin = options.origin ?? null;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    // Bound to globalThis: calling an unbound `fetch` stored on an object throws in browsers.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.onRetry = options.onRetry;
  }

  urlFor(spec: Pick<RequestSpec, "path" | "query">): string {
    return `${this.baseUrl}/api${spec.path}${queryString(spec.query)}`;
  }

  /** Sends `spec` with `apiKey` as X-BM-ApiKey (null: anonymous, for login), retrying idempotent
   * calls on retryable failures. Resolves to the decoded answer (see ResponseKind). */
  async send(spec: RequestSpec, apiKey: string | null): Promise<unknown> {
    const secrets = secretsOf(spec, apiKey);
    // Every error below is built from this ref and from texts passed through `clean`: no secret
    // of the request can reach a message, whatever the server or the network says.
    const clean = (value: string) => redact(value, secrets);
    const ref: RequestRef = { method: spec.method, path: clean(`/api${spec.path}`) };
    for (let attempt = 1; ; attempt++) {
      throwIfCancelled(spec.signal, ref);
      try {
        return await this.attempt(spec, apiKey, ref, clean);
      } catch (error) {
        if (!(error instanceof BlueMindError)) throw error;
        const again = spec.idempotent && error.retryable && attempt < this.retry.maxAttempts;
        if (!again) throw error;
        const delayMs = this.backoff(attempt);
        this.onRetry?.({ error, attempt, delayMs, request: ref });
        try {
          await this.sleep(delayMs, spec.signal);
        } catch (cause) {
          throw cancelled(ref, cause);
        }
      }
    }
  }

  /** Exponential with "equal jitter": half the step is fixed, half random, so clients that failed
   * together (a server restart) do not all come back at the same instant. */
  backoff(failedAttempt: number): number {
    const step = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (failedAttempt - 1));
    return Math.round(step / 2 + this.random() * (step / 2));
  }

  private async attempt(spec: RequestSpec, apiKey: string | null, ref: RequestRef, clean: (value: string) => string): Promise<unknown> {
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = (): void => controller.abort();
    spec.signal?.addEventListener("abort", onCallerAbort, { once: true });

    const failure = (cause: unknown): BlueMindError => {
      if (spec.signal?.aborted) return cancelled(ref, cause);
      if (timedOut) {
        return new TimeoutError(text("errorTimeout", formatSeconds(timeoutMs), where(ref)), { code: "CLIENT_TIMEOUT", request: ref, timeoutMs, cause });
      }
      return new NetworkError(text("errorNetwork", this.baseUrl, where(ref), clean(describeCause(cause))), {
        code: "NETWORK_ERROR",
        retryable: true,
        request: ref,
        cause,
      });
    };

    try {
      let response: Response;
      try {
        response = await this.fetchImpl(this.urlFor(spec), {
          method: spec.method,
          headers: this.headers(spec, apiKey),
          body: encodeBody(spec.body),
          // A redirect on the API means a misconfigured URL or a login portal; following it
          // would send the API key to wherever it points.
          redirect: "manual",
          // Contacts, photos and search answers must not stay on disk in Thunderbird's HTTP cache
          // (it stored every answer of a sync: 38 MB after a 10,000-contact bench run), and its
          // writes and fsyncs compete with the address book's own during a big sync.
          cache: "no-store",
          signal: controller.signal,
        });
      } catch (cause) {
        throw failure(cause);
      }
      try {
        if (spec.response === "bytes" && response.ok) {
          return bytesAnswer(response.status, new Uint8Array(await response.arrayBuffer()));
        }
        return this.interpret(response, await response.text(), spec, ref, clean);
      } catch (cause) {
        if (cause instanceof BlueMindError) throw cause;
        throw failure(cause);
      }
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  private headers(spec: RequestSpec, apiKey: string | null): Record<string, string> {
    const headers: Record<string, string> = {};
    if (apiKey !== null) headers["X-BM-ApiKey"] = apiKey;
    if (this.origin !== null) headers["X-BM-Origin"] = this.origin;
    // Without it a String-returning BlueMind method may answer raw text; image endpoints would
    // refuse it (bluemind-api.md §1).
    if (spec.response !== "bytes") headers["Accept"] = "application/json";
    if (spec.body !== undefined) {
      headers["Content-Type"] = "json" in spec.body ? "application/json" : "application/octet-stream";
    }
    return headers;
  }

  private interpret(response: Response, body: string, spec: RequestSpec, ref: RequestRef, clean: (value: string) => string): unknown {
    if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
      const to = response.headers.get("location");
      throw new ServerError(to ? text("errorRedirectTo", where(ref), clean(to)) : text("errorRedirect", where(ref)), {
        status: response.status || null,
        code: "REDIRECT",
        retryable: false,
        request: ref,
      });
    }
    if (!response.ok) {
      const fault = parseFault(body);
      throw errorFromHttp({
        status: response.status,
        errorCode: fault.errorCode,
        // BlueMind's 401 message quotes the session key ("session id <k> is not valid"). Redacted
        // before it is cut short: a cut through a secret would leave its start behind.
        serverMessage: fault.message === null ? null : truncate(clean(fault.message)),
        request: ref,
      });
    }
    if (response.status === 204) return spec.response === "json" ? null : undefined;
    if (spec.response === "void") return undefined;
    if (body.trim() === "") return undefined;
    try {
      const parsed: unknown = JSON.parse(body);
      return parsed;
    } catch (cause) {
      const start = clean(body.trim()).slice(0, 40).replace(/\s+/g, " ");
      throw new MalformedResponseError(start === "" ? text("errorNotJsonEmpty", where(ref)) : text("errorNotJson", where(ref), start), {
        status: response.status,
        code: "MALFORMED_RESPONSE",
        request: ref,
        cause,
      });
    }
  }
}

function encodeBody(body: RequestBody | undefined): BodyInit | undefined {
  if (body === undefined) return undefined;
  if ("json" in body) return JSON.stringify(body.json ?? null);
  // Copy into a fresh ArrayBuffer-backed view: BodyInit does not take views of SharedArrayBuffer.
  return new Uint8Array(body.bytes);
}

function bytesAnswer(status: number, bytes: Uint8Array): Uint8Array | null {
  return status === 204 || bytes.length === 0 ? null : bytes;
}

/** BlueMind's fault body; errorCode may be missing and the Content-Type is often absent. */
function parseFault(text: string): { errorCode: string | null; message: string | null } {
  try {
    const record: unknown = JSON.parse(text);
    if (isRecord(record)) {
      const errorCode = typeof record.errorCode === "string" && record.errorCode !== "" ? record.errorCode : null;
      const message = typeof record.message === "string" && record.message !== "" ? record.message : null;
      return { errorCode, message };
    }
  } catch {
    // Not JSON: a proxy's HTML page or plain text. Its content is not worth showing a user.
  }
  return { errorCode: null, message: null };
}

/**
 * The secrets `spec` carries: the key of the X-BM-ApiKey header, the values of secret-named query
 * parameters and JSON body fields (shared/redact.ts names them), and what the caller declared.
 */
function secretsOf(spec: RequestSpec, apiKey: string | null): string[] {
  const secrets = [...(spec.secrets ?? [])];
  if (apiKey !== null) secrets.push(apiKey);
  for (const [name, value] of Object.entries(spec.query ?? {})) {
    if (isSecretName(name) && value !== null && value !== undefined) secrets.push(String(value));
  }
  if (spec.body !== undefined && "json" in spec.body) collectSecretFields(spec.body.json, secrets);
  return secrets;
}

function collectSecretFields(value: unknown, into: string[], depth = 0): void {
  if (depth > 4 || typeof value !== "object" || value === null) return;
  for (const [name, field] of Object.entries(value)) {
    if (typeof field === "string" && isSecretName(name)) into.push(field);
    else collectSecretFields(field, into, depth + 1);
  }
}

function where(ref: RequestRef): string {
  return `${ref.method} ${ref.path}`;
}

function truncate(text: string): string {
  return text.length <= MAX_SERVER_MESSAGE ? text : `${text.slice(0, MAX_SERVER_MESSAGE)}…`;
}

function describeCause(cause: unknown): string {
  // Node's fetch hides the interesting part (ECONNREFUSED, ECONNRESET…) in `cause`.
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  if (inner instanceof Error) {
    const code = "code" in inner ? inner.code : undefined;
    return typeof code === "string" ? `${inner.message} (${code})` : inner.message;
  }
  return String(inner);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function cancelled(ref: RequestRef, cause: unknown): CancelledError {
  return new CancelledError(text("errorCancelled", where(ref)), { code: "CANCELLED", request: ref, cause });
}

function throwIfCancelled(signal: AbortSignal | undefined, ref: RequestRef): void {
  if (signal?.aborted) throw cancelled(ref, signal.reason);
}

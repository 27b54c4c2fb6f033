// Typed failures of the BlueMind client. Every failure the client raises is a BlueMindError, so a
// caller can tell "our bug" (anything else) from "the server or the network said no".
//
// Each error carries:
//  - `status`: the HTTP status when the server answered (null for network/time-out/cancel/config);
//  - `code`: BlueMind's `errorCode` when the server sent one, otherwise a client-side code naming
//    the failure (`HTTP_502`, `NETWORK_ERROR`, `CLIENT_TIMEOUT`, …) so that `code` is never empty;
//  - `retryable`: whether sending the same request again later may succeed. The transport only
//    acts on it for idempotent calls; the sync engine uses it to pick back-off vs. "show the user".
// Each error's text is a UserText (a message id and its arguments, rendered in the user's language
// where it is shown), built by the transport from redacted pieces: it never contains the API key,
// the session key, a password or any other secret of the request.
import { text, UserError, type UserText } from "../shared/user-text.ts";

export interface RequestRef {
  method: string;
  /** Path without query string (the login query carries the user's login, not worth repeating),
   * with any secret in it redacted. */
  path: string;
}

export interface BlueMindErrorInit {
  status?: number | null;
  code: string;
  retryable?: boolean;
  request?: RequestRef | null;
  /** The server's own message, already stripped of secrets. */
  serverMessage?: string | null;
  cause?: unknown;
}

export class BlueMindError extends UserError {
  readonly status: number | null;
  readonly code: string;
  readonly retryable: boolean;
  readonly request: RequestRef | null;
  readonly serverMessage: string | null;

  constructor(value: UserText, init: BlueMindErrorInit) {
    super(value, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status ?? null;
    this.code = init.code;
    this.retryable = init.retryable ?? false;
    this.request = init.request ?? null;
    this.serverMessage = init.serverMessage ?? null;
  }
}

/**
 * The server does not accept who we are: a 401 (dead session or dead API key) or a login answered
 * `Bad`. `needsSignIn` is true once the client has given up (the stored credential itself is
 * refused): nothing will work until the user signs in again, so callers must stop sending requests.
 */
export class AuthenticationError extends BlueMindError {
  readonly needsSignIn: boolean;
  constructor(value: UserText, init: BlueMindErrorInit & { needsSignIn: boolean }) {
    super(value, { ...init, retryable: false });
    this.needsSignIn = init.needsSignIn;
  }
}

/** Login answered `Expired`: the password must be changed in BlueMind's web app first. */
export class PasswordExpiredError extends AuthenticationError {
  constructor(login: string, serverMessage: string | null) {
    super(text("errorPasswordExpired", login), { code: "PASSWORD_EXPIRED", needsSignIn: true, serverMessage });
  }
}

/**
 * A login typed without "@domain" that could not be completed: BlueMind would read it as one of
 * its global domain and refuse it, and the server names no default domain (or does not say).
 */
export class LoginNeedsDomainError extends AuthenticationError {
  constructor(login: string) {
    super(text("errorLoginNeedsDomain", login), {
      code: "LOGIN_NEEDS_DOMAIN",
      needsSignIn: true,
    });
  }
}

/** The account signs in but lacks a role the product requires (BlueMind's `hasTbird`). */
export class MissingRoleError extends BlueMindError {
  readonly role: string;
  constructor(login: string, role: string) {
    super(text("errorMissingRole", login, role), { code: "MISSING_ROLE", retryable: false });
    this.role = role;
  }
}

export class PermissionError extends BlueMindError {}

export class NotFoundError extends BlueMindError {}

/** The server refused the data we sent (500 with a validation errorCode, or a 4xx). Not retryable. */
export class ValidationError extends BlueMindError {}

/** The server failed (5xx without a validation code, `UNKNOWN`, unknown codes). Usually retryable. */
export class ServerError extends BlueMindError {}

/** No HTTP answer: connection refused, reset, dropped mid-body, DNS failure… Retryable. */
export class NetworkError extends BlueMindError {}

/** No complete answer within the per-request time limit. Retryable. */
export class TimeoutError extends BlueMindError {
  readonly timeoutMs: number;
  constructor(value: UserText, init: BlueMindErrorInit & { timeoutMs: number }) {
    super(value, { ...init, retryable: true });
    this.timeoutMs = init.timeoutMs;
  }
}

/**
 * The server answered 2xx but not with what the endpoint returns (not JSON, wrong shape). Not
 * retried: a complete body is deterministic, and a body cut short surfaces as a NetworkError.
 */
export class MalformedResponseError extends BlueMindError {}

/** The caller's AbortSignal fired. Never retried. */
export class CancelledError extends BlueMindError {}

/** The configured server URL is unusable (not a URL, or plain http:// to a non-loopback host). */
export class ServerUrlError extends BlueMindError {}

/**
 * errorCodes that mean "your input is wrong": sending it again will fail again (bluemind-api.md
 * §1, §5, §7). Any other code on a 500 is treated as a server failure, which is retried.
 * BlueMind answers single-card writes and setPhoto with HTTP 500 for these too: a card or photo
 * too big (ENTITY_TOO_LARGE), a group member it cannot resolve (INVALID_GROUP_MEMBER), a key or
 * certificate it cannot parse (INVALID_PEM_CERTIFICATE), a change the user may not make
 * (FORBIDDEN, not PERMISSION_DENIED's 403).
 */
export const VALIDATION_CODES: ReadonlySet<string> = new Set([
  "INVALID_PARAMETER",
  "INVALID_EMAIL",
  "ALREADY_EXISTS",
  "MAX_ITEM_COUNT",
  "VERSION_HAS_CHANGED",
  "INVALID_QUERY",
  "ENTITY_TOO_LARGE",
  "INVALID_GROUP_MEMBER",
  "INVALID_PEM_CERTIFICATE",
  "FORBIDDEN",
]);

export interface HttpFailure {
  status: number;
  errorCode: string | null;
  serverMessage: string | null;
  request: RequestRef;
}

/** `value`, followed by the server's own words when it sent some. */
function withServerMessage(value: UserText, serverMessage: string | null): UserText {
  return serverMessage ? text("withServerMessage", value, serverMessage) : value;
}

/** Picks the error class for an HTTP error answer. The code is decisive when present: BlueMind
 * reports some failures (e.g. "No subscription for container") as 500 with a precise code. */
export function errorFromHttp(failure: HttpFailure): BlueMindError {
  const { status, errorCode, serverMessage, request } = failure;
  const code = errorCode ?? `HTTP_${status}`;
  const where = `${request.method} ${request.path}`;
  const said = (value: UserText) => withServerMessage(value, serverMessage);
  const init = { status, code, request, serverMessage };

  if (status === 401 || errorCode === "AUTHENTICATION_FAIL") {
    return new AuthenticationError(said(text("errorSessionRefused", String(status))), { ...init, needsSignIn: false });
  }
  if (status === 403 || errorCode === "PERMISSION_DENIED") {
    return new PermissionError(said(text("errorAccessDenied", where)), init);
  }
  if (status === 404 || errorCode === "NOT_FOUND") {
    return new NotFoundError(said(text("errorNotFound", where)), init);
  }
  if (errorCode !== null && VALIDATION_CODES.has(errorCode)) {
    return new ValidationError(said(text("errorDataRefused", errorCode)), init);
  }
  // 408 and 429 come from proxies and rate limiters: waiting helps.
  if (status === 408 || status === 429) {
    return new ServerError(said(text("errorServerBusy", String(status), where)), { ...init, retryable: true });
  }
  if (status >= 400 && status < 500) {
    return new ValidationError(said(text("errorRequestRefused", String(status), where)), init);
  }
  // 501/505 describe a server that cannot do this at all; anything else 5xx may be transient.
  const retryable = status !== 501 && status !== 505;
  return new ServerError(said(text("errorServer", String(status), code, where)), { ...init, retryable });
}

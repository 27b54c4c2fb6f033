// Who we are to BlueMind, and keeping that valid: login, transparent re-login, logout.
//
// Strategy, made explicit because it decides what happens on a 401:
//  - credential `password` → POST /api/auth/login gives a session key; sessions die after 20
//    minutes idle (or a server restart), so a 401 means "log in again once, then retry the call".
//  - credential `apiKey` with strategy `direct` (default) → the sid itself is the X-BM-ApiKey. It
//    never expires, so there is no login round-trip; a 401 is tried once more with the same key
//    (a one-off refusal passes), and a second one means the key was deleted: the account needs a
//    new sign-in.
//  - credential `apiKey` with strategy `login` → the sid is used as the password of a normal login
//    (for servers or proxies that would not take the sid as a header); re-login as for a password.
// A login typed without "@domain" is completed with the server's default domain before the first
// login (BlueMind reads a bare login as its global domain's and answers Bad).
// Once the credential itself is refused (login `Bad`/`Expired`, a 401 right after a fresh login,
// a dead direct key, a missing role) the session is "dead": every call fails at once with the same
// error, without touching the network, until `setCredential` or `open` (the user acting).

import {
  AuthenticationError,
  BlueMindError,
  CancelledError,
  LoginNeedsDomainError,
  MalformedResponseError,
  MissingRoleError,
  NetworkError,
  PasswordExpiredError,
  TimeoutError,
} from "./errors.ts";
import type { RequestRef } from "./errors.ts";
import { requestPublicInfos } from "./installation-api.ts";
import type { AuthUser, LoginResponse } from "./models.ts";
import { Transport } from "./transport.ts";
import type { RequestSpec } from "./transport.ts";
import { apiPath } from "./url.ts";
import { isRecord } from "../shared/parse.ts";
import { text } from "../shared/user-text.ts";
import { malformed, objectWith, trustedAs } from "./validate.ts";
import type { Check } from "./validate.ts";

export type Credential =
  | { kind: "password"; login: string; password: string }
  | { kind: "apiKey"; login: string; sid: string };

export type ApiKeyStrategy = "direct" | "login";

/** The role BlueMind's own Thunderbird connector requires (bluemind-api.md §2). */
export const THUNDERBIRD_ROLE = "hasTbird";

export interface SessionOptions {
  credential: Credential;
  apiKeyStrategy?: ApiKeyStrategy;
  /** Role checked on every login; null to accept any account. Default `hasTbird`. */
  requiredRole?: string | null;
}

/** What the API modules need from a session: authenticated calls and the caller's identity. */
export interface ApiCaller {
  call<T>(spec: RequestSpec, check: Check<T>): Promise<T>;
  identity(signal?: AbortSignal): Promise<AuthUser>;
}

export function refOf(spec: Pick<RequestSpec, "method" | "path">): RequestRef {
  return { method: spec.method, path: `/api${spec.path}` };
}

/** Throws MissingRoleError unless `user` has `role`. */
export function requireRole(user: AuthUser, role: string, login: string = user.value?.login ?? user.displayName): void {
  if (!user.roles.includes(role)) throw new MissingRoleError(login, role);
}

const authUser = objectWith<AuthUser>("uid");

const checkAuthUser: Check<AuthUser> = (value, ref) => {
  const user = authUser(value, ref);
  if (typeof user.domainUid !== "string" || !Array.isArray(user.roles)) {
    throw malformed(ref, "the user lacks domainUid or roles");
  }
  return user;
};

const checkLoginResponse: Check<LoginResponse> = (value, ref) => {
  if (!isRecord(value) || typeof value.status !== "string") throw malformed(ref, "expected a login response");
  return trustedAs<LoginResponse>(value);
};

/** POST /api/auth/login. Always 200: the outcome is in `status`. Marked idempotent because it
 * changes no user data; a repeated attempt at worst leaves an unused session that expires. */
export async function requestLogin(
  transport: Transport,
  login: string,
  secret: string,
  signal?: AbortSignal,
): Promise<LoginResponse> {
  const spec: RequestSpec = {
    method: "POST",
    path: apiPath`/auth/login`,
    query: { login, origin: transport.origin },
    body: { json: secret },
    // The password (or key) is the whole body: no field name tells the transport it is secret.
    secrets: [secret],
    response: "json",
    idempotent: true,
    signal,
  };
  return checkLoginResponse(await transport.send(spec, null), refOf(spec));
}

export class Session implements ApiCaller {
  private cred: Credential;
  private readonly strategy: ApiKeyStrategy;
  private readonly requiredRole: string | null;
  private key: string | null = null;
  private currentUser: AuthUser | null = null;
  private pendingLogin: Promise<string> | null = null;
  private dead: BlueMindError | null = null;

  constructor(
    private readonly transport: Transport,
    options: SessionOptions,
  ) {
    this.cred = options.credential;
    this.strategy = options.apiKeyStrategy ?? "direct";
    this.requiredRole = options.requiredRole === undefined ? THUNDERBIRD_ROLE : options.requiredRole;
  }

  get credential(): Credential {
    return this.cred;
  }

  /** The signed-in user, once known (after a login, `open` or `identity`). */
  get user(): AuthUser | null {
    return this.currentUser;
  }

  /** True once the credential is refused: calls fail without network until the user acts. */
  get needsSignIn(): boolean {
    return this.dead !== null;
  }

  get usesDirectApiKey(): boolean {
    return this.cred.kind === "apiKey" && this.strategy === "direct";
  }

  /** Replaces the credential (new sign-in, password exchanged for an API key) and forgets the
   * previous session key without logging it out; see `logout` for that. */
  setCredential(credential: Credential): void {
    this.cred = credential;
    this.key = null;
    this.currentUser = null;
    this.dead = null;
  }

  /** Signs in now (the user clicked "Connect"), checking the required role. Clears a previous
   * "needs sign-in" state: this is the user acting. */
  async open(signal?: AbortSignal): Promise<AuthUser> {
    this.dead = null;
    this.key = null;
    this.currentUser = null;
    if (this.usesDirectApiKey) return this.identity(signal);
    await this.ensureKey(signal);
    return this.identityFromLogin();
  }

  async identity(signal?: AbortSignal): Promise<AuthUser> {
    if (this.currentUser !== null) return this.currentUser;
    if (this.usesDirectApiKey) {
      const user = await this.call({ method: "GET", path: apiPath`/auth`, response: "json", idempotent: true, signal }, checkAuthUser);
      this.checkRole(user);
      this.currentUser = user;
      return user;
    }
    await this.ensureKey(signal);
    return this.identityFromLogin();
  }

  async call<T>(spec: RequestSpec, check: Check<T>): Promise<T> {
    const key = await this.ensureKey(spec.signal);
    const ref = refOf(spec);
    try {
      return check(await this.transport.send(spec, key), ref);
    } catch (error) {
      if (!(error instanceof AuthenticationError) || error.needsSignIn) throw error;
      if (this.usesDirectApiKey) return this.retryDirectKey(spec, key, check);
    }
    const fresh = await this.renew(key, spec.signal);
    try {
      return check(await this.transport.send(spec, fresh), ref);
    } catch (error) {
      if (!(error instanceof AuthenticationError) || error.needsSignIn) throw error;
      throw this.die(
        new AuthenticationError(text("errorSessionRefusedAgain", this.cred.login), {
          status: error.status,
          code: error.code,
          request: ref,
          needsSignIn: true,
          cause: error,
        }),
      );
    }
  }

  /**
   * A 401 on a direct API key. The key never expires, so this is a deleted key — or a one-off
   * refusal (a server restarting, a proxy): presenting the key once more tells them apart, as the
   * single re-login does for a session. Only a second refusal is final; declaring the key dead on
   * the first would stop every sync until the user signs in again (for a key deployed by policy,
   * until Thunderbird restarts).
   */
  private async retryDirectKey<T>(spec: RequestSpec, key: string, check: Check<T>): Promise<T> {
    const ref = refOf(spec);
    try {
      return check(await this.transport.send(spec, key), ref);
    } catch (error) {
      if (!(error instanceof AuthenticationError) || error.needsSignIn) throw error;
      throw this.die(
        new AuthenticationError(text("errorApiKeyRefused", this.cred.login), {
          status: error.status,
          code: error.code,
          request: ref,
          needsSignIn: true,
          cause: error,
        }),
      );
    }
  }

  /** POST /api/auth/logout for a session key. A direct API key is not a session: nothing is sent
   * (deleting the key is AuthApi.deleteApiKey). Local state is cleared in every case. */
  async logout(signal?: AbortSignal): Promise<void> {
    const key = this.key;
    this.key = null;
    this.currentUser = null;
    if (key === null || this.usesDirectApiKey) return;
    try {
      await this.transport.send(
        { method: "POST", path: apiPath`/auth/logout`, response: "void", idempotent: true, signal },
        key,
      );
    } catch (error) {
      // An already dead session is as logged out as it gets.
      if (!(error instanceof AuthenticationError)) throw error;
    }
  }

  private directSid(): string {
    if (this.cred.kind !== "apiKey") throw new Error("not an API-key credential");
    return this.cred.sid;
  }

  private async ensureKey(signal: AbortSignal | undefined): Promise<string> {
    if (this.dead !== null) throw this.dead;
    if (this.usesDirectApiKey) return this.directSid();
    if (this.key !== null) return this.key;
    // One login for all the calls that find the session missing at the same time. It runs without
    // any one caller's signal (cancelling one call must not fail the others) and is bounded by
    // the transport's time limit; each caller stops waiting when its own signal fires.
    this.pendingLogin ??= this.login().finally(() => {
      this.pendingLogin = null;
    });
    return abortable(this.pendingLogin, signal);
  }

  /** A 401 on `staleKey`: reuse a key another call already renewed, else log in again. */
  private renew(staleKey: string, signal: AbortSignal | undefined): Promise<string> {
    if (this.key !== null && this.key !== staleKey) return Promise.resolve(this.key);
    if (this.key === staleKey) this.key = null;
    return this.ensureKey(signal);
  }

  private async login(): Promise<string> {
    const typed = this.cred.login;
    const cred = await this.withFullLogin();
    const secret = cred.kind === "password" ? cred.password : cred.sid;
    const answer = await requestLogin(this.transport, cred.login, secret);
    if (answer.status === "Bad") {
      // The domain was the server's guess: the user may belong to another one.
      const guessed = typed !== cred.login;
      const refusal = cred.kind === "password" ? (guessed ? "errorWrongPasswordGuessedDomain" : "errorWrongPassword") : guessed ? "errorApiKeyInvalidGuessedDomain" : "errorApiKeyInvalid";
      throw this.die(
        new AuthenticationError(text(refusal, cred.login), {
          code: "LOGIN_FAILED",
          needsSignIn: true,
          serverMessage: answer.message,
        }),
      );
    }
    if (answer.status === "Expired") throw this.die(new PasswordExpiredError(cred.login, answer.message));
    if (answer.status !== "Ok" || typeof answer.authKey !== "string" || answer.authUser === null) {
      throw new MalformedResponseError(text("errorLoginUnexpected", String(answer.status)), {
        code: "MALFORMED_RESPONSE",
        request: { method: "POST", path: "/api/auth/login" },
      });
    }
    const user = checkAuthUser(answer.authUser, { method: "POST", path: "/api/auth/login" });
    try {
      this.checkRole(user);
    } catch (error) {
      // Do not leave a session open for an account we will not use.
      await this.transport
        .send({ method: "POST", path: apiPath`/auth/logout`, response: "void", idempotent: true }, answer.authKey)
        .catch(() => undefined);
      throw error;
    }
    this.key = answer.authKey;
    this.currentUser = user;
    return answer.authKey;
  }

  /**
   * The credential with a `user@domain` login. A bare login gets the installation's default
   * domain, as BlueMind's own Thunderbird connector did, and keeps it for later logins. When the
   * server names none (or does not answer that question), the user must type the domain; when it
   * cannot be reached at all, that is the error to show.
   */
  private async withFullLogin(): Promise<Credential> {
    const cred = this.cred;
    if (cred.login.includes("@")) return cred;
    let domain: string | null;
    try {
      domain = (await requestPublicInfos(this.transport)).defaultDomain;
    } catch (error) {
      if (error instanceof NetworkError || error instanceof TimeoutError || error instanceof CancelledError || !(error instanceof BlueMindError)) {
        throw error;
      }
      domain = null;
    }
    if (domain === null) throw this.die(new LoginNeedsDomainError(cred.login));
    this.cred = { ...cred, login: `${cred.login}@${domain}` };
    return this.cred;
  }

  private checkRole(user: AuthUser): void {
    if (this.requiredRole === null) return;
    try {
      requireRole(user, this.requiredRole, this.cred.login);
    } catch (error) {
      if (error instanceof BlueMindError) throw this.die(error);
      throw error;
    }
  }

  private identityFromLogin(): AuthUser {
    if (this.currentUser === null) throw new Error("login finished without a user");
    return this.currentUser;
  }

  private die(error: BlueMindError): BlueMindError {
    this.dead = error;
    this.key = null;
    this.currentUser = null;
    return error;
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  const ref: RequestRef = { method: "POST", path: "/api/auth/login" };
  const cancelled = () => new CancelledError(text("errorSignInCancelled"), { code: "CANCELLED", request: ref });
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

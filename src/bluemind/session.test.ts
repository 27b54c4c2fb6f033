import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  CancelledError,
  LoginNeedsDomainError,
  MalformedResponseError,
  MissingRoleError,
  NetworkError,
  PasswordExpiredError,
} from "./errors.ts";
import type { AuthUser, LoginResponse } from "./models.ts";
import { Session, requireRole } from "./session.ts";
import type { SessionOptions } from "./session.ts";
import { startWireServer } from "../../test/support/wire-server.ts";
import type { WireReply, WireRequest, WireServer } from "../../test/support/wire-server.ts";
import { Transport } from "./transport.ts";
import type { RequestSpec } from "./transport.ts";
import { apiPath } from "./url.ts";
import { failure } from "../../test/support/bluemind-failure.ts";

const jane: AuthUser = {
  uid: "u-jdoe",
  domainUid: "example.com",
  displayName: "Jane Doe",
  value: { login: "jdoe" },
  roles: ["hasTbird", "hasMail"],
  settings: { lang: "en" },
};

/** A minimal BlueMind for sessions: login mints keys, `valid` holds live keys. */
class MiniServer {
  valid = new Set<string>();
  logins = 0;
  loginAnswer: (secret: string) => LoginResponse | null = () => this.ok();
  onData: (request: WireRequest) => WireReply | null = () => null;
  /** GET /api/system/installation/_infos, answered to anyone. */
  infos: WireReply = { json: { defaultDomain: "example.com", softwareVersion: "5.1.4", releaseName: "BlueMind 5" } };

  constructor(readonly wire: WireServer) {
    wire.handle((request) => this.route(request));
  }

  ok(user: AuthUser = jane): LoginResponse {
    const authKey = `session-key-${++this.logins}`;
    this.valid.add(authKey);
    return { status: "Ok", message: null, authKey, latd: "jdoe@example.com", authUser: user };
  }

  requests(path: string): WireRequest[] {
    return this.wire.requests.filter((r) => r.url.split("?")[0] === path);
  }

  private route(request: WireRequest): WireReply {
    const path = request.url.split("?")[0];
    if (path === "/api/system/installation/_infos") return this.infos;
    if (path === "/api/auth/login") {
      const answer = this.loginAnswer(JSON.parse(request.text) as string);
      return answer === null ? { drop: true } : { json: answer };
    }
    const key = request.headers["x-bm-apikey"];
    const live = typeof key === "string" && this.valid.has(key);
    if (path === "/api/auth/logout") {
      if (typeof key === "string") this.valid.delete(key);
      return { status: 200 };
    }
    if (!live) {
      return { status: 401, body: JSON.stringify({ errorCode: "AUTHENTICATION_FAIL", message: `invalid accesstoken: session id ${String(key)} is not valid` }) };
    }
    if (path === "/api/auth") return { json: jane };
    return this.onData(request) ?? { json: { ok: true, key } };
  }
}

let wire: WireServer;
let server: MiniServer;

beforeEach(async () => {
  wire = await startWireServer();
  server = new MiniServer(wire);
});
afterEach(async () => {
  await wire.close();
});

function session(options: Partial<SessionOptions> = {}): Session {
  const transport = new Transport({ baseUrl: wire.url, origin: "tb-test", sleep: async () => undefined });
  return new Session(transport, { credential: { kind: "password", login: "jdoe@example.com", password: "secret" }, ...options });
}

const data: RequestSpec = { method: "GET", path: apiPath`/addressbooks/${"book:Contacts_u-jdoe"}/_version`, response: "json", idempotent: true };
const pass = (value: unknown): unknown => value;

describe("password sessions", () => {
  it("logs in lazily with the JSON-encoded password, then calls with the session key", async () => {
    const s = session();
    await expect(s.call(data, pass)).resolves.toEqual({ ok: true, key: "session-key-1" });
    const [login, call] = wire.requests;
    expect(login?.method).toBe("POST");
    expect(login?.url).toBe("/api/auth/login?login=jdoe%40example.com&origin=tb-test");
    expect(login?.text).toBe('"secret"');
    expect(login?.headers["content-type"]).toBe("application/json");
    expect(login?.headers["x-bm-apikey"]).toBeUndefined();
    expect(call?.headers["x-bm-apikey"]).toBe("session-key-1");
    expect(s.user?.uid).toBe("u-jdoe");
  });

  it("logs in once for calls that start together", async () => {
    const s = session();
    await Promise.all([s.call(data, pass), s.call(data, pass), s.call(data, pass)]);
    expect(server.requests("/api/auth/login")).toHaveLength(1);
  });

  it("logs in again once on 401 and retries the call with the new key", async () => {
    const s = session();
    await s.call(data, pass);
    server.valid.clear(); // the session expired
    await expect(s.call(data, pass)).resolves.toEqual({ ok: true, key: "session-key-2" });
    expect(server.requests("/api/auth/login")).toHaveLength(2);
    expect(s.needsSignIn).toBe(false);
  });

  it("renews once for concurrent calls that all hit the expired session", async () => {
    const s = session();
    await s.call(data, pass);
    server.valid.clear();
    await Promise.all([s.call(data, pass), s.call(data, pass), s.call(data, pass)]);
    expect(server.requests("/api/auth/login")).toHaveLength(2);
  });

  it("gives up on a second 401 and stays in needs-sign-in without touching the network", async () => {
    const s = session();
    server.onData = () => ({ status: 401, body: '{"errorCode":"AUTHENTICATION_FAIL","message":"nope"}' });
    const error = await failure(s.call(data, pass));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).needsSignIn).toBe(true);
    expect(error.message).toMatch(/Sign in again/);
    expect(server.requests("/api/auth/login")).toHaveLength(2);
    expect(s.needsSignIn).toBe(true);

    const before = wire.requests.length;
    await expect(s.call(data, pass)).rejects.toBe(error);
    expect(wire.requests.length).toBe(before);
  });

  it("leaves needs-sign-in when given a new credential", async () => {
    const s = session();
    server.loginAnswer = () => ({ status: "Bad", message: null, authKey: null, authUser: null });
    await failure(s.call(data, pass));
    expect(s.needsSignIn).toBe(true);
    server.loginAnswer = () => server.ok();
    s.setCredential({ kind: "password", login: "jdoe@example.com", password: "secret2" });
    expect(s.needsSignIn).toBe(false);
    await expect(s.call(data, pass)).resolves.toBeTruthy();
    expect(wire.requests.at(-2)?.text).toBe('"secret2"');
  });

  it("turns a Bad login into AuthenticationError needing sign-in", async () => {
    server.loginAnswer = () => ({ status: "Bad", message: "bad credentials", authKey: null, authUser: null });
    const error = await failure(session().call(data, pass));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe("LOGIN_FAILED");
    expect((error as AuthenticationError).needsSignIn).toBe(true);
    expect(error.message).toContain("jdoe@example.com");
    expect(error.message).toContain("password is wrong");
  });

  it("turns an Expired login into PasswordExpiredError", async () => {
    server.loginAnswer = () => ({ status: "Expired", message: "expired", authKey: null, authUser: null });
    const error = await failure(session().open());
    expect(error).toBeInstanceOf(PasswordExpiredError);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(/expired/);
  });

  it("refuses an account without hasTbird, names the role, and closes that session", async () => {
    server.loginAnswer = () => server.ok({ ...jane, roles: ["hasMail"] });
    const s = session();
    const error = await failure(s.open());
    expect(error).toBeInstanceOf(MissingRoleError);
    expect((error as MissingRoleError).role).toBe("hasTbird");
    expect(error.message).toContain('"hasTbird"');
    expect(server.requests("/api/auth/logout")).toHaveLength(1);
    expect(server.valid.size).toBe(0);
    expect(s.needsSignIn).toBe(true);
  });

  it("accepts any account when no role is required", async () => {
    server.loginAnswer = () => server.ok({ ...jane, roles: [] });
    await expect(session({ requiredRole: null }).open()).resolves.toMatchObject({ uid: "u-jdoe" });
  });

  it("passes a network failure during re-login through as is (not a dead credential)", async () => {
    const s = session();
    await s.call(data, pass);
    server.valid.clear();
    server.loginAnswer = () => null; // drop the connection
    const error = await failure(s.call(data, pass));
    expect(error).toBeInstanceOf(NetworkError);
    expect(s.needsSignIn).toBe(false);
  });

  it("rejects an Ok login without a key as malformed", async () => {
    server.loginAnswer = () => ({ status: "Ok", message: null, authKey: null, authUser: jane });
    await expect(session().open()).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it("logs out with the session key and logs in again on the next call", async () => {
    const s = session();
    await s.open();
    await s.logout();
    expect(server.requests("/api/auth/logout")[0]?.headers["x-bm-apikey"]).toBe("session-key-1");
    expect(s.user).toBeNull();
    await s.call(data, pass);
    expect(server.requests("/api/auth/login")).toHaveLength(2);
  });

  it("a caller that cancels while the login runs stops waiting; the others still get the session", async () => {
    const s = session();
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    wire.handle(async (request) => {
      if (request.url.startsWith("/api/auth/login")) await gate;
      return { json: request.url.startsWith("/api/auth/login") ? server.ok() : 1 };
    });
    const controller = new AbortController();
    const cancelled = s.call({ ...data, signal: controller.signal }, pass);
    const patient = s.call(data, pass);
    controller.abort();
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    release();
    await expect(patient).resolves.toBe(1);
    expect(wire.requests.filter((r) => r.url.startsWith("/api/auth/login"))).toHaveLength(1);
  });

  it("open() is the user acting: it leaves needs-sign-in and signs in afresh", async () => {
    const s = session();
    server.loginAnswer = () => ({ status: "Bad", message: null, authKey: null, authUser: null });
    await failure(s.open());
    server.loginAnswer = () => server.ok();
    await expect(s.open()).resolves.toMatchObject({ uid: "u-jdoe" });
    expect(s.needsSignIn).toBe(false);
  });

  it("exposes identity from the login answer", async () => {
    await expect(session().identity()).resolves.toEqual(jane);
    expect(server.requests("/api/auth")).toHaveLength(0);
  });
});

describe("a login typed without @domain", () => {
  const bare = (): Session => session({ credential: { kind: "password", login: "jdoe", password: "secret" } });
  const loginsSent = () => server.requests("/api/auth/login").map((r) => new URL(r.url, "http://x").searchParams.get("login"));

  it("is completed with the server's default domain (asked without a session), once, and kept", async () => {
    const s = bare();
    await expect(s.call(data, pass)).resolves.toEqual({ ok: true, key: "session-key-1" });
    const [infos] = wire.requests;
    expect(infos?.method).toBe("GET");
    expect(infos?.url).toBe("/api/system/installation/_infos");
    expect(infos?.headers["x-bm-apikey"]).toBeUndefined();
    expect(loginsSent()).toEqual(["jdoe@example.com"]);
    expect(s.credential.login).toBe("jdoe@example.com");

    server.valid.clear(); // a later re-login uses the full login without asking again
    await s.call(data, pass);
    expect(loginsSent()).toEqual(["jdoe@example.com", "jdoe@example.com"]);
    expect(server.requests("/api/system/installation/_infos")).toHaveLength(1);
  });

  it.each([
    ["without that endpoint (404 NOT_FOUND)", { status: 404, json: { errorCode: "NOT_FOUND", errorType: "ServerFault", message: "no service registered on GET /api/system/installation/_infos" } }],
    ["with no default domain set", { json: { defaultDomain: null, softwareVersion: "5.1.4", releaseName: "BlueMind 5" } }],
    ["answering something else than the infos", { json: "5.1.4" }],
  ] as [string, WireReply][])("on a server %s, asks for user@domain without sending the login", async (_name, reply) => {
    server.infos = reply;
    const s = bare();
    const error = await failure(s.call(data, pass));
    expect(error).toBeInstanceOf(LoginNeedsDomainError);
    expect(error).toMatchObject({ code: "LOGIN_NEEDS_DOMAIN", needsSignIn: true });
    expect(error.message).toBe('BlueMind cannot tell which domain "jdoe" belongs to: enter your address as user@domain.');
    expect(loginsSent()).toEqual([]);
    expect(s.needsSignIn).toBe(true);
  });

  it("an unreachable server is reported as such, not as a missing domain", async () => {
    server.infos = { drop: true };
    const s = bare();
    const error = await failure(s.call(data, pass));
    expect(error).toBeInstanceOf(NetworkError);
    expect(s.needsSignIn).toBe(false);
  });

  it("a refused completed login names the address tried and how to give another domain", async () => {
    server.loginAnswer = () => ({ status: "Bad", message: "Invalid login or password", authKey: null, latd: null, authUser: null });
    const error = await failure(bare().call(data, pass));
    expect(error.message).toBe(
      "BlueMind refused to sign in jdoe@example.com: the login or password is wrong. If your account is in another domain, enter your address as user@domain.",
    );
  });
});

describe("API-key sessions", () => {
  const apiKey = { kind: "apiKey", login: "jdoe@example.com", sid: "sid-0123456789" } as const;

  it("direct: uses the sid as X-BM-ApiKey with no login", async () => {
    server.valid.add("sid-0123456789");
    const s = session({ credential: apiKey });
    await expect(s.call(data, pass)).resolves.toEqual({ ok: true, key: "sid-0123456789" });
    expect(server.requests("/api/auth/login")).toHaveLength(0);
  });

  it("direct: opening checks the role through GET /api/auth", async () => {
    server.valid.add("sid-0123456789");
    await expect(session({ credential: apiKey }).open()).resolves.toEqual(jane);
    expect(server.requests("/api/auth")).toHaveLength(1);
  });

  it("direct: a key refused twice in a row is dead: needs sign-in, no login attempt", async () => {
    const s = session({ credential: apiKey });
    const error = await failure(s.call(data, pass));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).needsSignIn).toBe(true);
    expect(error.message).toContain("API key");
    expect(server.wire.requests.filter((r) => r.url.includes("/_version"))).toHaveLength(2);
    expect(server.requests("/api/auth/login")).toHaveLength(0);
  });

  it("direct: a single 401 (a server hiccup) is tried once more with the same key and the call goes through", async () => {
    server.valid.add("sid-0123456789");
    let refusals = 1;
    server.onData = () =>
      refusals-- > 0 ? { status: 401, body: JSON.stringify({ errorCode: "AUTHENTICATION_FAIL", message: "invalid accesstoken" }) } : null;
    const s = session({ credential: apiKey });
    await expect(s.call(data, pass)).resolves.toEqual({ ok: true, key: "sid-0123456789" });
    expect(s.needsSignIn).toBe(false);
    expect(server.requests("/api/auth/login")).toHaveLength(0);
  });

  it("login strategy: logs in with the sid as password and re-logs in on 401", async () => {
    const s = session({ credential: apiKey, apiKeyStrategy: "login" });
    await s.call(data, pass);
    server.valid.clear();
    await s.call(data, pass);
    const logins = server.requests("/api/auth/login");
    expect(logins.map((r) => r.text)).toEqual(['"sid-0123456789"', '"sid-0123456789"']);
  });

  it("login strategy: a Bad answer says the key is no longer valid", async () => {
    server.loginAnswer = () => ({ status: "Bad", message: null, authKey: null, authUser: null });
    const error = await failure(session({ credential: apiKey, apiKeyStrategy: "login" }).open());
    expect(error.message).toContain("API key is no longer valid");
  });
});

describe("requireRole", () => {
  it("passes with the role and throws MissingRoleError naming it without", () => {
    expect(() => requireRole(jane, "hasTbird")).not.toThrow();
    expect(() => requireRole({ ...jane, roles: ["hasMail"] }, "hasTbird", "jdoe@example.com")).toThrow(
      /jdoe@example.com does not have the "hasTbird" role/,
    );
  });
});

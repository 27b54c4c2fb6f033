// Sign-in, sessions and API keys of the BlueMind client against the fake BlueMind over HTTP.
import { describe, expect, it } from "vitest";
import { BlueMindClient } from "../../src/bluemind/client.ts";
import { AuthenticationError, MissingRoleError, PasswordExpiredError, ServerUrlError } from "../../src/bluemind/errors.ts";
import { startFakeBlueMind } from "../fake-bluemind/index.ts";
import { BOOKS, JANE, NO_TBIRD, bookVersion, clientFor, jane, janeWithApiKey, rejection, requestsTo, useFakeBlueMind } from "./bluemind-fixtures.ts";

const env = useFakeBlueMind();

describe("password sign-in", () => {
  it("connects Jane and returns her user with the hasTbird role", async () => {
    const user = await jane(env.fake).connect();
    expect(user.uid).toBe(JANE.uid);
    expect(user.domainUid).toBe("example.com");
    expect(user.displayName).toBe(JANE.displayName);
    expect(user.roles).toContain("hasTbird");
    expect(user.settings?.lang).toBe("en");
    const login = requestsTo(env.fake, "POST", "/api/auth/login")[0];
    expect(login?.path).toContain("login=jdoe%40example.com");
    expect(login?.path).toContain("origin=bluemind-client-tests");
  });

  it("refuses a wrong password with AuthenticationError that needs sign-in, then stops calling", async () => {
    const client = jane(env.fake, { credential: { kind: "password", login: JANE.login, password: "wrong" } });
    const error = await rejection(client.connect());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).needsSignIn).toBe(true);
    expect((error as AuthenticationError).code).toBe("LOGIN_FAILED");
    expect(error.message).toContain(JANE.login);
    expect(client.session.needsSignIn).toBe(true);
    const seen = env.fake.requests.length;
    await expect(bookVersion(client, BOOKS.janeContacts)).rejects.toBe(error);
    expect(env.fake.requests.length).toBe(seen);
  });

  it("refuses an unknown login the same way", async () => {
    const client = jane(env.fake, { credential: { kind: "password", login: "nobody@example.com", password: "secret" } });
    await expect(client.connect()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it("refuses a user without hasTbird with MissingRoleError naming the role, and closes that session", async () => {
    const client = jane(env.fake, { credential: { kind: "password", login: NO_TBIRD.login, password: NO_TBIRD.password } });
    const error = await rejection(client.connect());
    expect(error).toBeInstanceOf(MissingRoleError);
    expect((error as MissingRoleError).role).toBe("hasTbird");
    expect(error.message).toContain("hasTbird");
    expect(requestsTo(env.fake, "POST", "/api/auth/logout")).toHaveLength(1);
    expect(env.fake.state.sessions.size).toBe(0);
  });

  it("reports an expired password with PasswordExpiredError", async () => {
    const fake = await startFakeBlueMind({
      dataset: {
        domain: "example.com",
        users: [{ uid: "u-old", login: "old@example.com", password: "secret", displayName: "Old Pw", roles: ["hasTbird"], passwordExpired: true }],
      },
    });
    try {
      const client = jane(fake, { credential: { kind: "password", login: "old@example.com", password: "secret" } });
      const error = await rejection(client.connect());
      expect(error).toBeInstanceOf(PasswordExpiredError);
      expect((error as PasswordExpiredError).needsSignIn).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it("signs in lazily on the first call", async () => {
    const client = jane(env.fake);
    await expect(bookVersion(client, BOOKS.janeContacts)).resolves.toBeGreaterThan(0);
    expect(requestsTo(env.fake, "POST", "/api/auth/login")).toHaveLength(1);
  });
});

describe("expired sessions", () => {
  it("logs in again once and retries the call transparently", async () => {
    const client = jane(env.fake);
    const version = await bookVersion(client, BOOKS.janeContacts);
    env.fake.control.expireSessions();
    await expect(bookVersion(client, BOOKS.janeContacts)).resolves.toBe(version);
    expect(requestsTo(env.fake, "POST", "/api/auth/login")).toHaveLength(2);
    const versions = requestsTo(env.fake, "GET", `/api/addressbooks/${encodeURIComponent(BOOKS.janeContacts)}/_version`);
    expect(versions.map((r) => r.status)).toEqual([200, 401, 200]);
    expect(client.session.needsSignIn).toBe(false);
  });

  it("needs sign-in when the re-login is refused (password changed elsewhere)", async () => {
    const client = jane(env.fake);
    await client.connect();
    env.fake.control.expireSessions();
    const user = env.fake.state.users.get(JANE.uid);
    if (!user) throw new Error("Jane is missing from the dataset");
    user.password = "changed";
    const error = await rejection(bookVersion(client, BOOKS.janeContacts));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).needsSignIn).toBe(true);
    expect(client.session.needsSignIn).toBe(true);
  });

  it("logout ends the session on the server", async () => {
    const client = jane(env.fake);
    await client.connect();
    expect(env.fake.state.sessions.size).toBe(1);
    await client.session.logout();
    expect(env.fake.state.sessions.size).toBe(0);
    expect(requestsTo(env.fake, "POST", "/api/auth/logout").map((r) => r.status)).toEqual([200]);
  });
});

describe("API keys", () => {
  it("uses the dataset's key directly as X-BM-ApiKey: no login, survives expireSessions", async () => {
    const client = janeWithApiKey(env.fake);
    const user = await client.connect();
    expect(user.uid).toBe(JANE.uid);
    env.fake.control.expireSessions();
    await expect(bookVersion(client, BOOKS.janeContacts)).resolves.toBeGreaterThan(0);
    expect(requestsTo(env.fake, "POST", "/api/auth/login")).toHaveLength(0);
    expect(requestsTo(env.fake, "GET", "/api/auth")).toHaveLength(1);
  });

  it("can log in with the key as password (login strategy)", async () => {
    const client = janeWithApiKey(env.fake, { apiKeyStrategy: "login" });
    await expect(client.connect()).resolves.toMatchObject({ uid: JANE.uid });
    env.fake.control.expireSessions();
    await expect(bookVersion(client, BOOKS.janeContacts)).resolves.toBeGreaterThan(0);
    expect(requestsTo(env.fake, "POST", "/api/auth/login")).toHaveLength(2);
  });

  it("creates and deletes keys; a deleted key needs sign-in", async () => {
    const owner = jane(env.fake);
    const key = await owner.auth.createApiKey("Thunderbird on Jane's laptop");
    expect(key.displayName).toBe("Thunderbird on Jane's laptop");
    expect(key.subject).toBe(JANE.uid);
    expect([...env.fake.state.apiKeys.keys()]).toContain(key.sid);

    const viaKey = jane(env.fake, { credential: { kind: "apiKey", login: JANE.login, sid: key.sid } });
    await expect(viaKey.session.identity()).resolves.toMatchObject({ uid: JANE.uid });

    await owner.auth.deleteApiKey(key.sid);
    expect([...env.fake.state.apiKeys.keys()]).not.toContain(key.sid);
    const error = await rejection(bookVersion(viaKey, BOOKS.janeContacts));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).needsSignIn).toBe(true);
    expect(error.message).toContain("API key");
    expect(error.message).not.toContain(key.sid);
  });

  it("a dead key used with the login strategy is refused at login", async () => {
    const client = jane(env.fake, { credential: { kind: "apiKey", login: JANE.login, sid: "no-such-key" }, apiKeyStrategy: "login" });
    const error = await rejection(client.connect());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain("API key is no longer valid");
  });

  it("switchToApiKey trades the password session for a key that keeps working", async () => {
    const client = jane(env.fake);
    await client.connect();
    const key = await client.switchToApiKey("Thunderbird");
    expect(env.fake.state.sessions.size).toBe(0);
    expect(env.fake.state.apiKeys.has(key.sid)).toBe(true);
    expect(client.session.credential).toEqual({ kind: "apiKey", login: JANE.login, sid: key.sid });
    env.fake.control.expireSessions();
    await expect(client.session.identity()).resolves.toMatchObject({ uid: JANE.uid });
    expect(requestsTo(env.fake, "POST", "/api/auth/login")).toHaveLength(1);
  });
});

describe("server address", () => {
  it("accepts the fake's URL with /api and a trailing slash", async () => {
    const { client } = clientFor(env.fake, { baseUrl: `${env.fake.url}/api/` });
    await expect(client.connect()).resolves.toMatchObject({ uid: JANE.uid });
  });

  it("refuses http:// to a remote host before any request", () => {
    expect(() => new BlueMindClient({ baseUrl: "http://bm.example.com", credential: { kind: "password", login: "a", password: "b" } })).toThrow(
      ServerUrlError,
    );
  });
});

// Failure handling of the BlueMind client end to end: the fake BlueMind injects server errors,
// dropped connections, slow answers, malformed bodies and session expiry.
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  CancelledError,
  MalformedResponseError,
  NetworkError,
  PermissionError,
  ServerError,
  TimeoutError,
  ValidationError,
} from "../../src/bluemind/errors.ts";
import type { VCard } from "../../src/bluemind/models.ts";
import { BOOKS, clientFor, jane, rejection, requestsTo, useFakeBlueMind } from "./bluemind-fixtures.ts";

const env = useFakeBlueMind();
const CHANGESET = /\/_changeset$/;
const card: VCard = { kind: "individual", identification: { formatedName: { value: "Faulty Card" } } };

/** Signs in first, so that injected faults hit the call under test and not the login. */
async function signedIn(options: Parameters<typeof clientFor>[1] = {}): Promise<ReturnType<typeof clientFor>> {
  const test = clientFor(env.fake, options);
  await test.client.connect();
  return test;
}

describe("server errors", () => {
  it("a 500 then success: the read is retried and succeeds", async () => {
    const { client, retries } = await signedIn();
    env.fake.faults.inject({ method: "GET", pathPattern: CHANGESET, kind: "status", status: 500, errorCode: "UNKNOWN", times: 1 });
    const changes = await client.addressBook(BOOKS.janeContacts).changeset(0);
    expect(changes.created.length).toBeGreaterThan(0);
    expect(requestsTo(env.fake, "GET", CHANGESET).map((r) => r.status)).toEqual([500, 200]);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.error).toBeInstanceOf(ServerError);
  });

  it("a 503 without errorCode twice, then success: retried twice (reads via POST too)", async () => {
    const { client, retries } = await signedIn();
    env.fake.faults.inject({ method: "POST", pathPattern: /\/_mget$/, kind: "status", status: 503, times: 2 });
    const uids = await client.addressBook(BOOKS.janeContacts).allUids();
    await expect(client.addressBook(BOOKS.janeContacts).mget(uids.slice(0, 3))).resolves.toHaveLength(3);
    expect(retries).toHaveLength(2);
  });

  it("a persistent 500 fails with ServerError after the bounded attempts", async () => {
    const { client, retries } = await signedIn();
    env.fake.faults.inject({ pathPattern: CHANGESET, kind: "status", status: 500, errorCode: "UNKNOWN", message: "database is down", times: Infinity });
    const error = await rejection(client.addressBook(BOOKS.janeContacts).changeset(0));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).retryable).toBe(true);
    expect(error.message).toContain("database is down");
    expect(requestsTo(env.fake, "GET", CHANGESET)).toHaveLength(3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it("a 500 on API-key creation (not idempotent) is not retried", async () => {
    const { client } = await signedIn();
    env.fake.faults.inject({ method: "PUT", pathPattern: "/api/auth/keys", kind: "status", status: 502 });
    await expect(client.auth.createApiKey("x")).rejects.toBeInstanceOf(ServerError);
    expect(requestsTo(env.fake, "PUT", "/api/auth/keys")).toHaveLength(1);
  });

  it("injected validation and permission faults map to their classes and are not retried", async () => {
    const { client, retries } = await signedIn();
    env.fake.faults.inject({ pathPattern: CHANGESET, kind: "status", status: 500, errorCode: "INVALID_PARAMETER", message: "since is bad" });
    const invalid = await rejection(client.addressBook(BOOKS.janeContacts).changeset(0));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).code).toBe("INVALID_PARAMETER");
    env.fake.faults.inject({ pathPattern: CHANGESET, kind: "status", status: 403, errorCode: "PERMISSION_DENIED" });
    await expect(client.addressBook(BOOKS.janeContacts).changeset(0)).rejects.toBeInstanceOf(PermissionError);
    expect(retries).toHaveLength(0);
  });
});

describe("connection failures", () => {
  it("a dropped connection on a read is retried", async () => {
    const { client, retries } = await signedIn();
    env.fake.faults.inject({ method: "GET", pathPattern: CHANGESET, kind: "drop" });
    await expect(client.addressBook(BOOKS.janeContacts).changeset(0)).resolves.toMatchObject({ deleted: [] });
    expect(retries[0]?.error).toBeInstanceOf(NetworkError);
    expect(requestsTo(env.fake, "GET", CHANGESET).map((r) => r.status)).toEqual([0, 200]);
  });

  it("a dropped connection on a create is NetworkError, sent once", async () => {
    const { client } = await signedIn();
    env.fake.faults.inject({ method: "PUT", pathPattern: /\/dropped$/, kind: "drop" });
    const error = await rejection(client.management.create("dropped", { name: "Dropped" }));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).retryable).toBe(true);
    expect(requestsTo(env.fake, "PUT", /\/dropped$/)).toHaveLength(1);
  });

  it("a dropped _mupdates is retried (explicit uids make it idempotent)", async () => {
    const { client } = await signedIn();
    env.fake.faults.inject({ method: "PUT", pathPattern: /\/_mupdates$/, kind: "drop" });
    const result = await client.addressBook(BOOKS.janeContacts).mupdates({ add: [{ uid: "m1", value: card }] });
    expect(result.added).toEqual(["m1"]);
    expect(requestsTo(env.fake, "PUT", /\/_mupdates$/)).toHaveLength(2);
  });

  it("an answer slower than the time limit is TimeoutError", async () => {
    const { client } = await signedIn({ timeoutMs: 200, retry: { maxAttempts: 1 } });
    env.fake.faults.inject({ method: "GET", pathPattern: CHANGESET, kind: "delay", delayMs: 1_500 });
    const started = Date.now();
    const error = await rejection(client.addressBook(BOOKS.janeContacts).changeset(0));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_200);
  });

  it("a slow answer once is retried within the time limit", async () => {
    const { client, retries } = await signedIn({ timeoutMs: 200 });
    env.fake.faults.inject({ method: "GET", pathPattern: CHANGESET, kind: "delay", delayMs: 600 });
    await expect(client.addressBook(BOOKS.janeContacts).changeset(0)).resolves.toMatchObject({ deleted: [] });
    expect(retries[0]?.error).toBeInstanceOf(TimeoutError);
  });

  it("a caller's cancellation stops a slow call with CancelledError", async () => {
    const { client } = await signedIn();
    env.fake.faults.inject({ method: "GET", pathPattern: CHANGESET, kind: "delay", delayMs: 1_500 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await rejection(client.addressBook(BOOKS.janeContacts).changeset(0, { signal: controller.signal }));
    expect(error).toBeInstanceOf(CancelledError);
  });
});

describe("bad answers and sessions", () => {
  it("a malformed JSON body is MalformedResponseError (not retried)", async () => {
    const { client, retries } = await signedIn();
    env.fake.faults.inject({ method: "GET", pathPattern: CHANGESET, kind: "malformed" });
    const error = await rejection(client.addressBook(BOOKS.janeContacts).changeset(0));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as MalformedResponseError).code).toBe("MALFORMED_RESPONSE");
    expect(retries).toHaveLength(0);
  });

  it("a malformed _mget answer is MalformedResponseError", async () => {
    const { client } = await signedIn();
    env.fake.faults.inject({ method: "POST", pathPattern: /\/_mget$/, kind: "malformed" });
    await expect(client.addressBook(BOOKS.janeContacts).mget(["a"])).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it("an expired session mid-sync is renewed transparently", async () => {
    const { client } = await signedIn();
    env.fake.faults.inject({ method: "GET", pathPattern: CHANGESET, kind: "expire" });
    await expect(client.addressBook(BOOKS.janeContacts).changeset(0)).resolves.toMatchObject({ deleted: [] });
    expect(requestsTo(env.fake, "POST", "/api/auth/login")).toHaveLength(2);
    expect(requestsTo(env.fake, "GET", CHANGESET).map((r) => r.status)).toEqual([401, 200]);
  });

  it("a session refused again right after re-login needs sign-in", async () => {
    const { client } = await signedIn();
    env.fake.faults.inject({ method: "GET", pathPattern: CHANGESET, kind: "expire", times: 2 });
    const error = await rejection(client.addressBook(BOOKS.janeContacts).changeset(0));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).needsSignIn).toBe(true);
    expect(client.session.needsSignIn).toBe(true);
    expect(requestsTo(env.fake, "POST", "/api/auth/login")).toHaveLength(2);
  });

  it("the login itself is retried on a transient failure", async () => {
    env.fake.faults.inject({ method: "POST", pathPattern: "/api/auth/login", kind: "status", status: 503 });
    await expect(jane(env.fake).connect()).resolves.toMatchObject({ uid: "u-jdoe" });
    expect(requestsTo(env.fake, "POST", "/api/auth/login").map((r) => r.status)).toEqual([503, 200]);
  });
});

// No secret a request carries reaches an error: not in its text (what the user reads), its
// English message (the console), its request reference or the server's message it quotes —
// whatever the server, a redirect or the network answered.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BlueMindError } from "./errors.ts";
import { AuthApi } from "./auth-api.ts";
import { Transport, type RequestSpec } from "./transport.ts";
import { apiPath } from "./url.ts";
import type { ApiCaller } from "./session.ts";
import { startWireServer, type WireServer } from "../../test/support/wire-server.ts";
import { failure } from "../../test/support/bluemind-failure.ts";

const KEY = "5a0d6f3e-9c41-4b8e-a2f7-0e1d3c4b5a69";
const HEADER_KEY = "session-7e2b9f41-c3d8-4a6e-b5f0-1a2b3c4d5e6f";
const PASSWORD = "Tr0ub4dor&3-horse";

let wire: WireServer;
beforeEach(async () => {
  wire = await startWireServer();
});
afterEach(async () => {
  await wire.close();
});

function transport(fetchImpl?: typeof fetch): Transport {
  return new Transport({ baseUrl: wire.url, retry: { maxAttempts: 1 }, sleep: async () => undefined, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}

/** Everything of the error a person or a log could see. */
function visible(error: BlueMindError): string {
  return JSON.stringify({ text: error.text, message: error.message, request: error.request, serverMessage: error.serverMessage });
}

function expectClean(error: BlueMindError, ...secrets: string[]): void {
  const shown = visible(error);
  for (const secret of secrets) {
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(encodeURIComponent(secret));
  }
}

const fault = (message: string) => JSON.stringify({ errorCode: "UNKNOWN", message });

describe("a secret in the request never reaches the error", () => {
  it("an API key in the path (Disconnect's DELETE /api/auth/keys/{sid}), quoted back by the server", async () => {
    wire.handle((request) => ({ status: 500, body: fault(`cannot delete ${request.url}`) }));
    // A session presenting HEADER_KEY, as the account's client does when it deletes its key.
    const caller: ApiCaller = {
      call: async (spec, check) => check(await transport().send(spec, HEADER_KEY), { method: spec.method, path: "" }),
      identity: () => Promise.reject(new Error("not used")),
    };
    const error = await failure(new AuthApi(caller).deleteApiKey(KEY));
    expect(wire.requests[0]?.url).toBe(`/api/auth/keys/${KEY}`);
    expect(error.request).toEqual({ method: "DELETE", path: "/api/auth/keys/…" });
    expect(error.message).toBe("BlueMind server error (HTTP 500, UNKNOWN, DELETE /api/auth/keys/…): cannot delete /api/auth/keys/…");
    expectClean(error, KEY, HEADER_KEY);
  });

  it("the X-BM-ApiKey header's value, quoted in a 401 and in a redirect's location", async () => {
    wire.script(
      { status: 401, body: fault(`invalid accesstoken: session id ${HEADER_KEY} is not valid`) },
      { status: 302, headers: { location: `https://sso.example.com/login?token=${HEADER_KEY}` } },
    );
    const spec: RequestSpec = { method: "GET", path: apiPath`/auth`, response: "json", idempotent: true };
    const refused = await failure(transport().send(spec, HEADER_KEY));
    expect(refused.serverMessage).toBe("invalid accesstoken: session id … is not valid");
    expectClean(refused, HEADER_KEY);
    const redirected = await failure(transport().send(spec, HEADER_KEY));
    expect(redirected.message).toContain("https://sso.example.com/login?token=…");
    expectClean(redirected, HEADER_KEY);
  });

  it("a query string's secret-named parameter (?password=…)", async () => {
    wire.handle((request) => ({ status: 400, body: fault(`bad request ${request.url}`) }));
    const spec: RequestSpec = { method: "POST", path: apiPath`/auth/login`, query: { login: "jdoe@example.com", password: PASSWORD }, response: "json", idempotent: true };
    const error = await failure(transport().send(spec, null));
    expect(wire.requests[0]?.url).toContain(encodeURIComponent(PASSWORD));
    expect(error.serverMessage).toContain("login=jdoe%40example.com");
    expectClean(error, PASSWORD);
  });

  it("a JSON body's password, apiKey and sid fields, at any depth, and a password sent as the whole body", async () => {
    wire.handle((request) => ({ status: 500, body: fault(`rejected ${request.text}`) }));
    const fields: RequestSpec = {
      method: "PUT",
      path: apiPath`/x`,
      body: { json: { user: "jdoe", password: PASSWORD, nested: { apiKey: KEY, items: [{ sid: HEADER_KEY }] } } },
      response: "void",
      idempotent: false,
    };
    const error = await failure(transport().send(fields, null));
    expect(error.serverMessage).toContain('"user":"jdoe"');
    expectClean(error, PASSWORD, KEY, HEADER_KEY);

    const login: RequestSpec = { method: "POST", path: apiPath`/auth/login`, body: { json: PASSWORD }, secrets: [PASSWORD], response: "json", idempotent: true };
    expectClean(await failure(transport().send(login, null)), PASSWORD);
  });

  it("a network error whose text quotes the URL and the key", async () => {
    const leaky: typeof fetch = async (input) => {
      throw new TypeError(`request to ${String(input)} with key ${HEADER_KEY} failed`);
    };
    const spec: RequestSpec = { method: "DELETE", path: apiPath`/auth/keys/${KEY}`, secrets: [KEY], response: "void", idempotent: true };
    const error = await failure(transport(leaky).send(spec, HEADER_KEY));
    expect(error.message).toMatch(/^Could not reach the BlueMind server at .* \(DELETE \/api\/auth\/keys\/…\): request to .*\/api\/auth\/keys\/… with key … failed\.$/);
    expectClean(error, KEY, HEADER_KEY);
  });

  it("an answer that is not JSON and starts with the key", async () => {
    wire.script({ status: 200, body: `${HEADER_KEY} <html>` });
    const error = await failure(transport().send({ method: "GET", path: apiPath`/auth`, response: "json", idempotent: true }, HEADER_KEY));
    expect(error.message).toContain('starts with "…');
    expectClean(error, HEADER_KEY);
  });
});

describe("what is not a secret stays readable", () => {
  it("keeps a login, a container uid and the server's words", async () => {
    wire.script({ status: 500, body: fault("Email invalid: 'not an email'") });
    const spec: RequestSpec = { method: "PUT", path: apiPath`/addressbooks/${"book:Contacts_u1"}/_mupdates`, body: { json: { login: "jdoe@example.com" } }, response: "void", idempotent: false };
    const error = await failure(transport().send(spec, HEADER_KEY));
    expect(error.message).toBe("BlueMind server error (HTTP 500, UNKNOWN, PUT /api/addressbooks/book%3AContacts_u1/_mupdates): Email invalid: 'not an email'");
  });
});

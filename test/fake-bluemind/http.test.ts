import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { BODY_REFUSED_STATUS, MAX_BODY_BYTES } from "./http.ts";
import { BOOKS, bookPath, login, useFake } from "./test-helpers.ts";

/** Raw request whose framing headers we control (fetch sets them itself). Sends "[" then waits. */
function rawPost(url: string, path: string, key: string, framing: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: "POST", headers: { "X-BM-ApiKey": key, "Content-Type": "application/json", ...framing } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on("error", reject);
    req.write("[");
  });
}

describe("HTTP behaviour", () => {
  const env = useFake();

  it("answers unknown routes with 500 and a ServerFault body", async () => {
    const api = await login(env.fake);
    for (const [method, path] of [["GET", "/api/nothing/here"], ["PATCH", bookPath(BOOKS.janeContacts, "/x")], ["GET", "/"]] as const) {
      const res = await api.call(method, path);
      expect(res.status).toBe(500);
      expect(res.json()).toMatchObject({ errorType: "ServerFault", errorCode: "UNKNOWN" });
    }
  });

  it("sends error bodies without a Content-Type, JSON results with one", async () => {
    const api = await login(env.fake);
    const err = await api.get(bookPath("book:missing", "/_version"));
    expect(err.status).toBe(404);
    expect(err.headers.get("content-type")).toBeNull();
    const ok = await api.get(bookPath(BOOKS.janeContacts, "/_version"));
    expect(ok.headers.get("content-type")).toBe("application/json");
    expect(typeof ok.json()).toBe("number");
  });

  it("refuses invalid JSON with a 500", async () => {
    const api = await login(env.fake);
    const res = await fetch(`${env.fake.url}${bookPath(BOOKS.janeContacts, "/_mget")}`, {
      method: "POST",
      headers: { "X-BM-ApiKey": api.key as string, "Content-Type": "application/json" },
      body: "[not json",
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ errorType: "ServerFault" });
  });

  it(`refuses bodies over ${MAX_BODY_BYTES} bytes with ${BODY_REFUSED_STATUS}`, async () => {
    const api = await login(env.fake);
    // Announce a body one byte too large; the server answers from the headers alone.
    expect(await rawPost(env.fake.url, bookPath(BOOKS.janeContacts, "/_mget"), api.key as string, { "Content-Length": String(MAX_BODY_BYTES + 1) })).toBe(BODY_REFUSED_STATUS);
    const exact = await fetch(`${env.fake.url}${bookPath(BOOKS.janeContacts, "/_mget")}`, {
      method: "POST",
      headers: { "X-BM-ApiKey": api.key as string, "Content-Type": "application/json" },
      body: `[${" ".repeat(MAX_BODY_BYTES - 2)}]`,
    });
    expect(exact.status).toBe(200);
  });

  it(`refuses chunked request bodies with ${BODY_REFUSED_STATUS}`, async () => {
    const api = await login(env.fake);
    expect(await rawPost(env.fake.url, bookPath(BOOKS.janeContacts, "/_mget"), api.key as string, { "Transfer-Encoding": "chunked" })).toBe(BODY_REFUSED_STATUS);
  });

  it("logs every /api request with method, path and query, status and duration", async () => {
    const api = await login(env.fake);
    await api.get(bookPath(BOOKS.janeContacts, "/_changeset?since=3"));
    await api.get(bookPath("book:missing", "/_version"));
    const log = env.fake.requests;
    expect(log.map((r) => [r.method, r.path, r.status])).toEqual([
      ["POST", "/api/auth/login?login=jdoe%40example.com&origin=tests", 200],
      ["GET", "/api/addressbooks/book%3AContacts_u-jdoe/_changeset?since=3", 200],
      ["GET", "/api/addressbooks/book%3Amissing/_version", 404],
    ]);
    for (const r of log) {
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
      expect(r.at).toBeGreaterThan(0);
    }
    env.fake.control.clearRequestLog();
    expect(env.fake.requests).toHaveLength(0);
  });
});

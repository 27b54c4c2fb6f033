import { describe, expect, it } from "vitest";
import type { ContainerChangeset, ItemValue, VCard } from "../../src/bluemind/models.ts";
import type { DatasetInfo, RequestLogEntry } from "./types.ts";
import { Api, BOOKS, bookPath, JANE, login, person, useFake } from "./test-helpers.ts";

describe("fault injection", () => {
  const env = useFake();

  it("answers the next N matching calls with a status and error body, then recovers", async () => {
    const api = await login(env.fake);
    env.fake.faults.inject({ pathPattern: "/api/addressbooks/*/_changeset", times: 2, kind: "status", status: 503, errorCode: "TIMEOUT", message: "busy" });
    const path = bookPath(BOOKS.janeContacts, "/_changeset?since=0");
    for (let i = 0; i < 2; i++) {
      const res = await api.get(path);
      expect(res.status).toBe(503);
      expect(res.json()).toEqual({ errorCode: "TIMEOUT", errorType: "ServerFault", message: "busy" });
    }
    expect((await api.get(path)).status).toBe(200);
    expect(env.fake.faults.active()).toEqual([]);
  });

  it("matches the method and RegExp patterns, leaving other calls alone", async () => {
    const api = await login(env.fake);
    env.fake.faults.inject({ method: "POST", pathPattern: /_mget$/, kind: "status" });
    expect((await api.get(bookPath(BOOKS.janeContacts, "/_all"))).status).toBe(200);
    expect((await api.post(bookPath(BOOKS.janeContacts, "/_mget"), []))).toMatchObject({ status: 500 });
    expect((await api.post(bookPath(BOOKS.janeContacts, "/_mget"), [])).status).toBe(200);
  });

  it("delays a call", async () => {
    const api = await login(env.fake);
    env.fake.faults.inject({ pathPattern: "/api/auth/ping", kind: "delay", delayMs: 150 });
    const t0 = Date.now();
    expect((await api.get("/api/auth/ping")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("drops the connection", async () => {
    const api = await login(env.fake);
    env.fake.faults.inject({ pathPattern: "/api/auth/ping", kind: "drop" });
    await expect(api.get("/api/auth/ping")).rejects.toThrow();
    expect((await api.get("/api/auth/ping")).status).toBe(200);
    expect(env.fake.requests.filter((r) => r.path === "/api/auth/ping").map((r) => r.status)).toEqual([0, 200]);
  });

  it("answers malformed JSON with a 200", async () => {
    const api = await login(env.fake);
    env.fake.faults.inject({ pathPattern: "*_changeset", kind: "malformed" });
    const res = await api.get(bookPath(BOOKS.janeContacts, "/_changeset?since=0"));
    expect(res.status).toBe(200);
    expect(() => res.json()).toThrow(SyntaxError);
  });

  it("answers an empty list with a 200", async () => {
    const api = await login(env.fake);
    env.fake.faults.inject({ pathPattern: "*/_all", kind: "empty" });
    const res = await api.get(bookPath(BOOKS.janeContacts, "/_all"));
    expect(res.status).toBe(200);
    expect(res.json()).toEqual([]);
    expect((await api.get(bookPath(BOOKS.janeContacts, "/_all"))).json()).not.toEqual([]);
  });

  it("expires the caller's session", async () => {
    const api = await login(env.fake);
    env.fake.faults.inject({ pathPattern: "/api/users/*", kind: "expire" });
    const res = await api.get(`/api/users/example.com/subscriptions/${JANE.uid}`);
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ errorCode: "AUTHENTICATION_FAIL" });
    expect((await api.get("/api/auth/ping")).status).toBe(401);
    const again = await login(env.fake);
    expect((await again.get(`/api/users/example.com/subscriptions/${JANE.uid}`)).status).toBe(200);
  });

  it("clear() removes pending faults", async () => {
    const api = await login(env.fake);
    env.fake.faults.inject({ pathPattern: "*", times: Infinity, kind: "status" });
    env.fake.faults.clear();
    expect((await api.get("/api/auth/ping")).status).toBe(200);
  });
});

describe("control API over HTTP", () => {
  const env = useFake();
  const control = async (method: string, body?: unknown): Promise<Response> =>
    fetch(`${env.fake.url}/__control/${method}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it("creates, updates and deletes cards with positional or named arguments", async () => {
    const api = await login(env.fake);
    const since = (await api.get(bookPath(BOOKS.janeCollected, "/_version"))).json<number>();
    const created = await control("createCard", [BOOKS.janeCollected, "ctl-1", person("Ctl", "One", "ctl@example.org")]);
    expect(created.status).toBe(200);
    expect(await created.json()).toBe(since + 1);
    await control("updateCard", { bookUid: BOOKS.janeCollected, uid: "ctl-1", vcard: person("Ctl", "Renamed") });
    await control("createCard", { bookUid: BOOKS.janeCollected, uid: "ctl-2", vcard: person("Ctl", "Two") });
    await control("deleteCard", [BOOKS.janeCollected, "ctl-2"]);
    const cs = (await api.get(bookPath(BOOKS.janeCollected, `/_changeset?since=${since}`))).json<ContainerChangeset>();
    expect(cs).toMatchObject({ created: ["ctl-1"], updated: [], deleted: [] });
    const card = await (await control("getCard", [BOOKS.janeCollected, "ctl-1"])).json() as ItemValue<VCard>;
    expect(card.displayName).toBe("Ctl Renamed");
    expect(card.createdBy).toBe("control");
  });

  it("exposes datasetInfo, snapshot and the request log; answers 204 for void and 400 for errors", async () => {
    const info = (await (await control("datasetInfo")).json()) as DatasetInfo;
    const sid = info.apiKeys[JANE.login] as string;
    expect(info.users.find((u) => u.login === JANE.login)).toMatchObject({ password: "secret", uid: JANE.uid });
    expect(info.books.find((b) => b.uid === BOOKS.bobContacts)).toMatchObject({ count: 8, subscribers: { "u-bob": true, "u-jdoe": true } });
    await new Api(env.fake.url, sid).get("/api/auth/ping");
    const log = (await (await control("requestLog")).json()) as RequestLogEntry[];
    expect(log.map((r) => r.path)).toEqual(["/api/auth/ping"]);
    expect((await control("clearRequestLog", [])).status).toBe(204);
    expect(env.fake.requests).toHaveLength(0);
    const snap = (await (await control("snapshot")).json()) as { books: { uid: string; items: unknown[] }[]; apiKeys: { sid: string }[] };
    expect(snap.books.find((b) => b.uid === BOOKS.janeContacts)?.items).toHaveLength(11);
    expect(snap.apiKeys.map((k) => k.sid)).toContain(sid);
    const err = await control("renameBook", ["book:missing", "x"]);
    expect(err.status).toBe(400);
    expect(await err.json()).toEqual({ message: "no book book:missing" });
    expect((await control("noSuchMethod", [])).status).toBe(400);
  });

  it("injects faults (glob or regex, -1 for unlimited) and changes sharing", async () => {
    const api = await login(env.fake);
    expect((await control("injectFault", [{ pathRegex: "ping$", kind: "status", status: 502, times: -1 }])).status).toBe(204);
    for (let i = 0; i < 3; i++) expect((await api.get("/api/auth/ping")).status).toBe(502);
    await control("clearFaults", []);
    expect((await api.get("/api/auth/ping")).status).toBe(200);
    await control("addBook", [{ uid: "team", name: "Team", owner: "u-bob", items: 3, acl: { "u-jdoe": ["Read", "Write"] } }]);
    await control("subscribe", ["u-jdoe", "team", true]);
    const subs = (await api.get(`/api/users/example.com/subscriptions/${JANE.uid}`)).json<{ containerUid: string; offlineSync: boolean }[]>();
    expect(subs.find((s) => s.containerUid === "team")).toMatchObject({ offlineSync: true });
    expect((await api.get(`/api/containers/_manage/team`)).json()).toMatchObject({ writable: true, verbs: ["Read", "Write"] });
    await control("setAcl", ["team", "u-jdoe", ["Read"]]);
    expect((await api.get(`/api/containers/_manage/team`)).json()).toMatchObject({ writable: false });
    await control("expireSessions");
    expect((await api.get("/api/auth/ping")).status).toBe(401);
  });
});

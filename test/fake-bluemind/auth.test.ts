import { describe, expect, it } from "vitest";
import { startFakeBlueMind } from "./server.ts";
import { Api, BOB, enc, JANE, login, NOTB, useFake } from "./test-helpers.ts";

describe("authentication", () => {
  const env = useFake();

  it("logs in with a JSON-string password and answers a LoginResponse", async () => {
    const api = new Api(env.fake.url);
    const res = await api.post(`/api/auth/login?login=${enc(JANE.login)}&origin=tests`, "secret");
    expect(res.status).toBe(200);
    const body = res.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      status: "Ok",
      message: null,
      latd: JANE.login,
      authUser: {
        uid: "u-jdoe",
        domainUid: "example.com",
        displayName: "Jane Doe",
        value: { login: "jdoe", emails: [{ address: "jdoe@example.com", isDefault: true, allAliases: false }] },
        roles: ["hasTbird", "hasMail"],
        settings: { lang: "en" },
      },
    });
    expect(typeof body.authKey).toBe("string");
    expect(env.fake.state.sessions.has(body.authKey as string)).toBe(true);
  });

  it("answers a failed login with 200 and status Bad", async () => {
    const api = new Api(env.fake.url);
    for (const [who, secret] of [[JANE.login, "wrong"], ["nobody@example.com", "secret"]]) {
      const res = await api.post(`/api/auth/login?login=${enc(who as string)}`, secret);
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ status: "Bad", authKey: null, authUser: null });
    }
  });

  it("parses the body as JSON unless the content type is exactly text/plain", async () => {
    const api = new Api(env.fake.url);
    const path = `/api/auth/login?login=${enc(JANE.login)}`;
    // text/plain: the raw text is the password.
    const plain = await api.call("POST", path, undefined, { "Content-Type": "text/plain" });
    expect(plain.json()).toMatchObject({ status: "Bad" });
    const raw = await fetch(`${env.fake.url}${path}`, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "secret" });
    expect(((await raw.json()) as { status: string }).status).toBe("Ok");
    // With a charset it is not *exactly* text/plain: parsed as JSON, and `secret` is not JSON.
    const charset = await fetch(`${env.fake.url}${path}`, { method: "POST", headers: { "Content-Type": "text/plain; charset=utf-8" }, body: "secret" });
    expect(charset.status).toBe(500);
  });

  it("reports roles so that a user without hasTbird can be refused", async () => {
    const res = await new Api(env.fake.url).post(`/api/auth/login?login=${enc(NOTB.login)}`, "secret");
    expect(res.json<{ authUser: { roles: string[] } }>().authUser.roles).not.toContain("hasTbird");
  });

  it("pings 200 with an empty body, 401 with a dead key, 403 without a key", async () => {
    const api = await login(env.fake);
    const ok = await api.get("/api/auth/ping");
    expect(ok.status).toBe(200);
    expect(ok.text).toBe("");
    const dead = await new Api(env.fake.url, "not-a-session").get("/api/auth/ping");
    expect(dead.status).toBe(401);
    expect(dead.json()).toEqual({
      errorCode: "AUTHENTICATION_FAIL",
      errorType: "ServerFault",
      message: "invalid accesstoken: session id not-a-session is not valid",
    });
    const anonymous = await new Api(env.fake.url).get("/api/auth/ping");
    expect(anonymous.status).toBe(403);
    expect(anonymous.json()).toMatchObject({ errorCode: "PERMISSION_DENIED", errorType: "ServerFault" });
  });

  it("a login without @domain is one of BlueMind's global domain: refused, while the full login signs in", async () => {
    const api = new Api(env.fake.url);
    const bare = await api.post("/api/auth/login?login=jdoe", "secret");
    expect(bare.json()).toMatchObject({ status: "Bad", authKey: null });
    const full = await api.post(`/api/auth/login?login=${enc(JANE.login)}`, "secret");
    expect(full.json()).toMatchObject({ status: "Ok" });
  });

  it("tells anyone the installation's default domain (GET /api/system/installation/_infos, no key)", async () => {
    const res = await new Api(env.fake.url).get("/api/system/installation/_infos");
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ defaultDomain: "example.com", softwareVersion: "5.1.4", releaseName: "BlueMind 5" });
  });

  it("an installation without a default domain says null; one without the service answers 404 NOT_FOUND", async () => {
    const unset = await startFakeBlueMind({ defaultDomain: null });
    const absent = await startFakeBlueMind({ installationInfos: false });
    try {
      expect((await new Api(unset.url).get("/api/system/installation/_infos")).json()).toMatchObject({ defaultDomain: null });
      const missing = await new Api(absent.url).get("/api/system/installation/_infos");
      expect(missing.status).toBe(404);
      expect(missing.json()).toMatchObject({ errorCode: "NOT_FOUND", errorType: "ServerFault" });
    } finally {
      await unset.close();
      await absent.close();
    }
  });

  it("GET /api/auth returns the caller", async () => {
    const api = await login(env.fake, BOB);
    const res = await api.get("/api/auth");
    expect(res.json()).toMatchObject({ uid: "u-bob", displayName: "Bob Martin", domainUid: "example.com" });
  });

  it("logout kills the session", async () => {
    const api = await login(env.fake);
    expect((await api.post("/api/auth/logout")).status).toBe(200);
    expect((await api.get("/api/auth/ping")).status).toBe(401);
  });

  it("expires sessions after sessionIdleMs without use, and use keeps them alive", async () => {
    const api = await login(env.fake);
    env.fake.control.advanceTime(19 * 60_000);
    expect((await api.get("/api/auth/ping")).status).toBe(200);
    env.fake.control.advanceTime(19 * 60_000);
    expect((await api.get("/api/auth/ping")).status).toBe(200);
    env.fake.control.advanceTime(21 * 60_000);
    expect((await api.get("/api/auth/ping")).status).toBe(401);
  });

  it("honours a short sessionIdleMs in real time", async () => {
    const fake = await startFakeBlueMind({ sessionIdleMs: 50 });
    try {
      const api = await login(fake);
      expect((await api.get("/api/auth/ping")).status).toBe(200);
      await new Promise((r) => setTimeout(r, 120));
      expect((await api.get("/api/auth/ping")).status).toBe(401);
    } finally {
      await fake.close();
    }
  });

  it("expireSessions() kills every session", async () => {
    const api = await login(env.fake);
    env.fake.control.expireSessions();
    expect((await api.get("/api/auth/ping")).status).toBe(401);
  });

  it("answers Expired for an expired password", async () => {
    const fake = await startFakeBlueMind({
      dataset: { domain: "x.org", users: [{ uid: "u1", login: "old@x.org", password: "pw", displayName: "Old", passwordExpired: true }] },
    });
    try {
      const res = await new Api(fake.url).post(`/api/auth/login?login=old%40x.org`, "pw");
      expect(res.json()).toMatchObject({ status: "Expired", authKey: null });
    } finally {
      await fake.close();
    }
  });
});

describe("API keys", () => {
  const env = useFake();

  it("creates, lists and deletes keys of the caller", async () => {
    const api = await login(env.fake);
    const created = await api.put("/api/auth/keys?displayName=Thunderbird");
    const key = created.json<{ sid: string }>();
    expect(key).toMatchObject({ displayName: "Thunderbird", subject: "u-jdoe", domainUid: "example.com" });
    const list = (await api.get("/api/auth/keys")).json<{ sid: string }[]>();
    expect(list.map((k) => k.sid)).toContain(key.sid);
    const bob = await login(env.fake, BOB);
    expect((await bob.get("/api/auth/keys")).json<{ sid: string }[]>().map((k) => k.sid)).not.toContain(key.sid);
    expect((await api.delete(`/api/auth/keys/${enc(key.sid)}`)).status).toBe(200);
    expect((await api.get("/api/auth/keys")).json<{ sid: string }[]>().map((k) => k.sid)).not.toContain(key.sid);
    expect((await new Api(env.fake.url, key.sid).get("/api/auth/ping")).status).toBe(401);
  });

  it("accepts a key as X-BM-ApiKey forever and as the password of login", async () => {
    const sid = env.fake.control.datasetInfo().apiKeys[JANE.login] as string;
    expect(sid).toBeTruthy();
    env.fake.control.advanceTime(365 * 24 * 3600_000);
    env.fake.control.expireSessions();
    const byHeader = await new Api(env.fake.url, sid).get("/api/auth");
    expect(byHeader.json()).toMatchObject({ uid: "u-jdoe" });
    const byLogin = await new Api(env.fake.url).post(`/api/auth/login?login=${enc(JANE.login)}`, sid);
    expect(byLogin.json()).toMatchObject({ status: "Ok", authUser: { uid: "u-jdoe" } });
    // Another user's key is no password for Jane's login.
    const bobKey = (await (await login(env.fake, BOB)).put("/api/auth/keys?displayName=x")).json<{ sid: string }>().sid;
    expect((await new Api(env.fake.url).post(`/api/auth/login?login=${enc(JANE.login)}`, bobKey)).json()).toMatchObject({ status: "Bad" });
  });
});

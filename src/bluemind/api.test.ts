// Wire-level checks of every API method: the exact request each one sends, and how it reads or
// rejects the answer. The integration tests check the same methods against the fake BlueMind.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BlueMindClient } from "./client.ts";
import { MalformedResponseError, NotFoundError, ValidationError } from "./errors.ts";
import type { AuthUser, VCard } from "./models.ts";
import { startWireServer } from "../../test/support/wire-server.ts";
import type { WireReply, WireServer } from "../../test/support/wire-server.ts";
import { apiPath, type ApiPath } from "./url.ts";
import type { RequestBody } from "./transport.ts";

const jane: AuthUser = { uid: "u jdoe/1", domainUid: "example.com", displayName: "Jane Doe", roles: ["hasTbird"] };
const BOOK = "book:Contacts_u jdoe/é+1";
const B = encodeURIComponent(BOOK);
const card: VCard = { kind: "individual", identification: { formatedName: { value: "Ann", parameters: [] } } };
const item = { uid: "c:1", version: 3, value: card };

let wire: WireServer;
let answers: Map<string, WireReply>;
let client: BlueMindClient;

beforeEach(async () => {
  wire = await startWireServer();
  answers = new Map();
  wire.handle((request) => {
    if (request.url === "/api/auth") return { json: jane };
    return answers.get(`${request.method} ${request.url}`) ?? { status: 200 };
  });
  client = new BlueMindClient({
    baseUrl: wire.url,
    credential: { kind: "apiKey", login: "jdoe@example.com", sid: "sid-0123456789" },
    sleep: async () => undefined,
  });
});
afterEach(async () => {
  await wire.close();
});

/** The calls other than the identity lookup. */
function calls() {
  return wire.requests
    .filter((r) => r.url !== "/api/auth")
    .map((r) => ({
      line: `${r.method} ${r.url}`,
      body: r.text === "" ? undefined : r.headers["content-type"] === "application/json" ? (JSON.parse(r.text) as unknown) : r.text,
      accept: r.headers["accept"],
      type: r.headers["content-type"],
    }));
}

describe("auth", () => {
  it("createApiKey, deleteApiKey", async () => {
    const key = { sid: "s1", displayName: "Thunderbird", subject: "u1", domainUid: "example.com" };
    answers.set("PUT /api/auth/keys?displayName=Thunderbird%20%28Jane%27s%20PC%29", { json: key });
    await expect(client.auth.createApiKey("Thunderbird (Jane's PC)")).resolves.toEqual(key);
    await expect(client.auth.deleteApiKey("s/1")).resolves.toBeUndefined();
    expect(calls().map((c) => c.line)).toEqual([
      "PUT /api/auth/keys?displayName=Thunderbird%20%28Jane%27s%20PC%29",
      "DELETE /api/auth/keys/s%2F1",
    ]);
  });

  it("rejects an API key answer without sid", async () => {
    answers.set("PUT /api/auth/keys?displayName=x", { json: { displayName: "x" } });
    await expect(client.auth.createApiKey("x")).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe("subscriptions", () => {
  const base = "/api/users/example.com/subscriptions/u%20jdoe%2F1";

  it("list, subscribe, setSync", async () => {
    const sub = { containerUid: BOOK, offlineSync: true, automount: true, containerType: "addressbook", owner: "u", defaultContainer: true, name: "My contacts", ownerDisplayName: "Jane" };
    answers.set(`GET ${base}?type=addressbook`, { json: [sub] });
    await expect(client.subscriptions.list()).resolves.toEqual([sub]);
    await client.subscriptions.subscribe([{ containerUid: BOOK, offlineSync: true, automount: true }]);
    await client.subscriptions.setSync(BOOK, false);
    await client.subscriptions.setSync(BOOK, true, { automount: false });
    expect(calls()).toEqual([
      { line: `GET ${base}?type=addressbook`, body: undefined, accept: "application/json", type: undefined },
      { line: `POST ${base}/_subscribe`, body: [{ containerUid: BOOK, offlineSync: true, automount: true }], accept: "application/json", type: "application/json" },
      { line: `POST ${base}/_subscribe`, body: [{ containerUid: BOOK, offlineSync: false }], accept: "application/json", type: "application/json" },
      { line: `POST ${base}/_subscribe`, body: [{ containerUid: BOOK, offlineSync: true, automount: false }], accept: "application/json", type: "application/json" },
    ]);
  });

  it("asks for another container type when told", async () => {
    answers.set(`GET ${base}?type=calendar`, { json: [] });
    await expect(client.subscriptions.list({ type: "calendar" })).resolves.toEqual([]);
  });

  it("rejects a list that is not a list", async () => {
    answers.set(`GET ${base}?type=addressbook`, { json: { containerUid: BOOK } });
    await expect(client.subscriptions.list()).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe("containers", () => {
  const descriptor = { uid: BOOK, name: "My contacts", readOnly: false, writable: true, verbs: ["All"] };

  it("mget, itemCount", async () => {
    answers.set("POST /api/containers/_manage/_mget", { json: [descriptor] });
    answers.set(`GET /api/containers/_manage/${B}/_itemCount`, { json: { total: 12 } });
    await expect(client.containers.mget([BOOK, "missing"])).resolves.toEqual([descriptor]);
    await expect(client.containers.itemCount(BOOK)).resolves.toBe(12);
    expect(calls()[0]).toEqual({ line: "POST /api/containers/_manage/_mget", body: [BOOK, "missing"], accept: "application/json", type: "application/json" });
  });

  it.each([
    ["GET", `/api/containers/_manage/${B}/_itemCount`, { count: 1 }, () => client.containers.itemCount(BOOK)],
    ["POST", "/api/containers/_manage/_mget", { uid: BOOK }, () => client.containers.mget([BOOK])],
  ])("rejects a malformed answer to %s %s", async (method, path, json, call) => {
    answers.set(`${method} ${path}`, { json });
    await expect(call()).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe("address book content", () => {
  const at = (suffix: string) => `/api/addressbooks/${B}${suffix}`;

  it("reads: changeset, version, all, mget", async () => {
    const changes = { created: ["a"], updated: [], deleted: ["b"], version: 7 };
    answers.set(`GET ${at("/_changeset?since=5")}`, { json: changes });
    answers.set(`GET ${at("/_version")}`, { json: 12 });
    answers.set(`GET ${at("/_all")}`, { json: ["a", "c:1"] });
    answers.set(`POST ${at("/_mget")}`, { json: [item] });
    const book = client.addressBook(BOOK);
    await expect(book.changeset(5)).resolves.toEqual(changes);
    await expect(book.allUids()).resolves.toEqual(["a", "c:1"]);
    await expect(book.mget(["c:1", "x"])).resolves.toEqual([item]);
    expect(calls()[2]?.body).toEqual(["c:1", "x"]);
    await expect(book.version()).resolves.toBe(12);
  });

  it("writes: _mupdates", async () => {
    const result = { added: ["n"], updated: [], removed: ["d"], unhandled: [], errors: [{ uid: "bad", errorCode: "INVALID_EMAIL", message: "Email invalid: 'x'" }], version: 9 };
    answers.set(`PUT ${at("/_mupdates")}`, { json: result });
    const book = client.addressBook(BOOK);
    const changes = { add: [{ uid: "n", value: card }], modify: [], delete: [{ uid: "d" }] };
    await expect(book.mupdates(changes)).resolves.toEqual(result);
    expect(calls()).toEqual([
      { line: `PUT ${at("/_mupdates")}`, body: changes, accept: "application/json", type: "application/json" },
    ]);
  });

  it("search in one book", async () => {
    const query = { query: "value.kind:'individual'", from: 0, size: 20, orderBy: "Pertinance" as const, escapeQuery: false };
    const info = { kind: "individual", mail: "a@x", tel: null, formatedName: "Ann" };
    answers.set(`POST ${at("/_search")}`, { json: { total: 1, values: [{ uid: "c1", version: 1, value: info }] } });
    await expect(client.addressBook(BOOK).search(query)).resolves.toMatchObject({ total: 1, values: [{ uid: "c1" }] });
    expect(calls().map((c) => c.body)).toEqual([query]);
  });

  it("photos: bytes without Accept: application/json, null when absent", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    answers.set(`GET ${at("/c1/photo")}`, { body: png, headers: { "Content-Type": "image/png" } });
    answers.set(`GET ${at("/c2/photo")}`, { status: 204 });
    const book = client.addressBook(BOOK);
    expect([...((await book.getPhoto("c1")) ?? [])]).toEqual([...png]);
    await expect(book.getPhoto("c2")).resolves.toBeNull();
    const [get1] = wire.requests.filter((r) => r.url.endsWith("/photo"));
    expect(get1?.headers["accept"]).not.toContain("application/json");
  });

  it.each([
    ["a changeset without arrays", `GET ${at("/_changeset?since=0")}`, { created: "a", updated: [], deleted: [], version: 1 }, (c: BlueMindClient) => c.addressBook(BOOK).changeset(0)],
    ["a changeset without version", `GET ${at("/_changeset?since=0")}`, { created: [], updated: [], deleted: [] }, (c: BlueMindClient) => c.addressBook(BOOK).changeset(0)],
    ["a changeset with a string version", `GET ${at("/_changeset?since=0")}`, { created: [], updated: [], deleted: [], version: "3" }, (c: BlueMindClient) => c.addressBook(BOOK).changeset(0)],
    ["a version that is no number", `GET ${at("/_version")}`, "12", (c: BlueMindClient) => c.addressBook(BOOK).version()],
    ["an _mget that is not a list", `POST ${at("/_mget")}`, { values: [] }, (c: BlueMindClient) => c.addressBook(BOOK).mget(["a"])],
    ["an _mget item without value", `POST ${at("/_mget")}`, [{ uid: "a" }], (c: BlueMindClient) => c.addressBook(BOOK).mget(["a"])],
    ["_all with non-strings", `GET ${at("/_all")}`, [1, 2], (c: BlueMindClient) => c.addressBook(BOOK).allUids()],
    ["an _mupdates with errors not a list", `PUT ${at("/_mupdates")}`, { added: [], errors: "x" }, (c: BlueMindClient) => c.addressBook(BOOK).mupdates({})],
    ["a search without values", `POST ${at("/_search")}`, { total: 1 }, (c: BlueMindClient) => c.addressBook(BOOK).search({ query: "x", from: 0, size: 1 })],
  ] as const)("rejects %s", async (_name, key, json, call) => {
    answers.set(key, { json });
    await expect(call(client)).rejects.toBeInstanceOf(MalformedResponseError);
  });

  // BlueMind answers these with HTTP 500 on single-card writes and setPhoto. Both calls are
  // idempotent, so a server error would be sent again: a refusal must not be.
  it.each([
    ["ENTITY_TOO_LARGE", "Photo is too big (max 2 MB)"],
    ["INVALID_GROUP_MEMBER", "member c:9 of group c:1 does not exist"],
    ["INVALID_PEM_CERTIFICATE", "certificate of c:1 is not valid PEM"],
    ["FORBIDDEN", "cannot modify a card of this book"],
  ])("%s on a card update and on setPhoto is a refusal shown with the server's words, sent once", async (errorCode, message) => {
    const refusal: WireReply = { status: 500, json: { errorCode, errorType: "ServerFault", message } };
    answers.set(`POST ${at("/c1")}`, refusal);
    answers.set(`POST ${at("/c1/photo")}`, refusal);
    // Single-card writes as BlueMind's own clients send them (the add-on itself writes through
    // _mupdates): the transport and the error mapping are what is under test.
    const post = (path: ApiPath, body: RequestBody) =>
      client.session.call({ method: "POST", path, body, response: "void", idempotent: true }, () => undefined);
    const update = () => post(apiPath`/addressbooks/${BOOK}/c1`, { json: card });
    const setPhoto = () => post(apiPath`/addressbooks/${BOOK}/c1/photo`, { bytes: new Uint8Array([1, 2, 3]) });
    for (const write of [update, setPhoto]) {
      const error = await write().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: errorCode, status: 500, retryable: false, serverMessage: message });
      expect((error as Error).message).toBe(`BlueMind refused the data (${errorCode}): ${message}`);
    }
    expect(calls().map((c) => c.line)).toEqual([`POST ${at("/c1")}`, `POST ${at("/c1/photo")}`]);
  });

  it("accepts the batch-wide MAX_ITEM_COUNT error, which has no uid", async () => {
    const full = { added: [], updated: [], removed: [], unhandled: [], errors: [{ uid: null, errorCode: "MAX_ITEM_COUNT", message: "full" }], version: 3 };
    answers.set(`PUT ${at("/_mupdates")}`, { json: full });
    await expect(client.addressBook(BOOK).mupdates({ add: [{ uid: "n", value: card }] })).resolves.toEqual(full);
  });

  it("fills lists an _mupdates answer leaves out", async () => {
    answers.set(`PUT ${at("/_mupdates")}`, { json: { added: ["a"], version: 3 } });
    await expect(client.addressBook(BOOK).mupdates({})).resolves.toEqual({ added: ["a"], updated: [], removed: [], unhandled: [], errors: [], version: 3 });
  });
});

describe("management", () => {
  const path = `/api/mgmt/addressbooks/${encodeURIComponent("tb-book 1")}`;

  it("create (isDefault=false, owner from the session), get (204 → null), rename", async () => {
    const stored = { name: "Work", owner: "u jdoe/1", domainUid: "example.com", system: false, settings: {}, orgUnitUid: null };
    answers.set(`GET ${path}`, { json: stored });
    answers.set("GET /api/mgmt/addressbooks/none", { status: 204 });
    await expect(client.management.create("tb-book 1", { name: "Work" })).resolves.toEqual(stored);
    await expect(client.management.get("tb-book 1")).resolves.toEqual(stored);
    await expect(client.management.get("none")).resolves.toBeNull();
    await client.management.rename("tb-book 1", "Travail");
    expect(calls().map((c) => [c.line, c.body])).toEqual([
      [`PUT ${path}?isDefault=false`, stored],
      [`GET ${path}`, undefined],
      ["GET /api/mgmt/addressbooks/none", undefined],
      [`GET ${path}`, undefined],
      [`POST ${path}`, { ...stored, name: "Travail" }],
    ]);
  });

  it("renaming a missing book is NotFoundError, and nothing is written", async () => {
    answers.set("GET /api/mgmt/addressbooks/none", { status: 204 });
    await expect(client.management.rename("none", "x")).rejects.toBeInstanceOf(NotFoundError);
    expect(calls().map((c) => c.line)).toEqual(["GET /api/mgmt/addressbooks/none"]);
  });
});

describe("client", () => {
  it("switchToApiKey mints a key, logs out the password session and continues with the sid", async () => {
    await wire.close();
    wire = await startWireServer();
    wire.handle((request) => {
      const path = request.url.split("?")[0];
      if (path === "/api/auth/login") return { json: { status: "Ok", message: null, authKey: "sess-0123456789", authUser: jane } };
      if (path === "/api/auth/keys") return { json: { sid: "sid-new-0123456", displayName: "TB", subject: "u", domainUid: "example.com" } };
      return { json: 1 };
    });
    const c = new BlueMindClient({ baseUrl: wire.url, credential: { kind: "password", login: "jdoe@example.com", password: "secret" } });
    await c.connect();
    await expect(c.switchToApiKey("TB")).resolves.toMatchObject({ sid: "sid-new-0123456" });
    expect(c.session.credential).toEqual({ kind: "apiKey", login: "jdoe@example.com", sid: "sid-new-0123456" });
    // Any call will do: the add-on never reads a book's version, but the request line is plain.
    await c.session.call({ method: "GET", path: apiPath`/addressbooks/${BOOK}/_version`, response: "json", idempotent: true }, () => undefined);
    expect(wire.requests.map((r) => `${r.method} ${r.url.split("?")[0]} ${String(r.headers["x-bm-apikey"])}`)).toEqual([
      "POST /api/auth/login undefined",
      "PUT /api/auth/keys sess-0123456789",
      "POST /api/auth/logout sess-0123456789",
      `GET /api/addressbooks/${B}/_version sid-new-0123456`,
    ]);
  });
});

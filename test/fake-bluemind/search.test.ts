import { beforeEach, describe, expect, it } from "vitest";
import type { ItemValue, VCard, VCardInfo } from "../../src/bluemind/models.ts";
import { escapeQueryText, parseQueryString } from "./query-string.ts";
import { BOOKS, bookPath, login, person, useFake } from "./test-helpers.ts";
import type { Api } from "./test-helpers.ts";

describe("query_string parser", () => {
  it("parses fields, groups, prefixes and the default AND", () => {
    expect(parseQueryString("value.kind:'individual' AND (a.b:(jan*) OR c:x)")).toEqual({
      type: "and",
      children: [
        { type: "phrase", field: "value.kind", text: "individual" },
        {
          type: "or",
          children: [
            { type: "term", field: "a.b", parts: [{ lit: "jan" }, { wild: "*" }] },
            { type: "term", field: "c", parts: [{ lit: "x" }] },
          ],
        },
      ],
    });
    expect(parseQueryString("a b")).toEqual({ type: "and", children: [{ type: "term", field: null, parts: [{ lit: "a" }] }, { type: "term", field: null, parts: [{ lit: "b" }] }] });
  });

  it("binds AND tighter than OR, and NOT tightest", () => {
    expect(parseQueryString("a OR b AND NOT c")).toMatchObject({
      type: "or",
      children: [{ type: "term" }, { type: "and", children: [{ type: "term" }, { type: "not", child: { type: "term" } }] }],
    });
    expect(parseQueryString("a || !b && c")).toMatchObject({ type: "or", children: [{ type: "term" }, { type: "and" }] });
    expect(parseQueryString("-a +b")).toMatchObject({ type: "and", children: [{ type: "not" }, { type: "term" }] });
  });

  it("handles backslash escapes, _exists_, match-all and quoted phrases", () => {
    expect(parseQueryString("f:a\\:b\\*")).toEqual({ type: "term", field: "f", parts: [{ lit: "a:b*" }] });
    expect(parseQueryString("_exists_:value.communications.emails")).toEqual({ type: "exists", field: "value.communications.emails" });
    expect(parseQueryString("*")).toEqual({ type: "all" });
    expect(parseQueryString("*:*")).toEqual({ type: "all" });
    expect(parseQueryString("")).toEqual({ type: "all" });
    expect(parseQueryString('f:"a \\"b\\" c"')).toEqual({ type: "phrase", field: "f", text: 'a "b" c' });
    expect(parseQueryString("\\AND")).toEqual({ type: "term", field: null, parts: [{ lit: "AND" }] });
    expect(parseQueryString("jean-pierre^2")).toEqual({ type: "term", field: null, parts: [{ lit: "jean-pierre" }] });
  });

  it("refuses malformed queries with INVALID_QUERY", () => {
    for (const q of ["(a", "a)", "f:", '"open', "a AND", "x:[1 TO 2]", "AND a", "\\"]) {
      expect(() => parseQueryString(q), q).toThrow(expect.objectContaining({ errorCode: "INVALID_QUERY" }));
    }
  });

  it("escapes every special character of user text", () => {
    const nasty = 'a+b-c=d&&e||f>g<h!i(j)k{l}m[n]o^p"q~r*s?t:u\\v/w';
    expect(parseQueryString(`f:${escapeQueryText(nasty)}`)).toEqual({ type: "term", field: "f", parts: [{ lit: nasty }] });
  });
});

const BOOK = "search-book";
const FN = "value.identification.formatedName.value";
const EMAIL = "value.communications.emails.value";

function withNote(card: Record<string, unknown>, note: string): Record<string, unknown> {
  return { ...card, explanatory: { note } };
}

describe("_search", () => {
  const env = useFake();
  let api: Api;

  beforeEach(async () => {
    const c = env.fake.control;
    c.addBook({ uid: BOOK, name: "Search", owner: "u-jdoe" });
    c.subscribe("u-jdoe", BOOK, false);
    c.createCard(BOOK, "s-jeanne", withNote({ ...person("Jeanne", "Dupont", "jeanne.dupont@example.fr"), organizational: { org: { company: "Atelier Ébène" } } }, "Rencontrée à Lyon") as unknown as VCard);
    c.createCard(BOOK, "s-jp", { ...person("Jean-Pierre", "Léger", "jp.leger@example.com"), communications: { emails: [{ value: "jp.leger@example.com" }], tels: [{ value: "+33 6 12 34 56 78", parameters: [] }] } } as unknown as VCard);
    c.createCard(BOOK, "s-helene", person("Hélène", "Dubois", "helene@dubois.example") as unknown as VCard);
    c.createCard(BOOK, "s-wang", { kind: "individual", identification: { formatedName: { value: "王伟" } }, communications: { emails: [{ value: "wang.wei@example.cn" }] } } as unknown as VCard);
    c.createCard(BOOK, "s-noemail", person("Zoé", "Sansmail") as unknown as VCard);
    c.createCard(BOOK, "s-colon", person("Colon:", "Test (x)") as unknown as VCard);
    c.createCard(BOOK, "s-group", { kind: "group", identification: { formatedName: { value: "Équipe Dupont" } } } as unknown as VCard);
    api = await login(env.fake);
  });

  async function uids(query: string, extra: Record<string, unknown> = {}): Promise<string[]> {
    const res = await api.post(bookPath(BOOK, "/_search"), { query, from: 0, size: 50, ...extra });
    expect(res.status, res.text).toBe(200);
    return res.json<{ values: { uid: string }[] }>().values.map((v) => v.uid).sort();
  }

  it("matches field prefixes on any word, case- and accent-insensitively", async () => {
    expect(await uids(`${FN}:(dup*)`)).toEqual(["s-group", "s-jeanne"]);
    expect(await uids(`${FN}:(HÉL*)`)).toEqual(["s-helene"]);
    expect(await uids(`${FN}:(hel*)`)).toEqual(["s-helene"]);
    expect(await uids(`${FN}:(pier*)`)).toEqual(["s-jp"]);
    expect(await uids(`${FN}:(王*)`)).toEqual(["s-wang"]);
    expect(await uids(`${EMAIL}:(jeanne.d*)`)).toEqual(["s-jeanne"]);
  });

  it("indexes an email address and its domain cut at 20 characters, as BlueMind's contact.json mapping does", async () => {
    env.fake.control.createCard(BOOK, "s-long", person("Anne", "Roux", "secretariat.direction.generale@services-techniques.example") as unknown as VCard);
    // "secretariat.directio" is the 20 characters BlueMind keeps of the address.
    expect(await uids(`${EMAIL}:(secretariat.directio*)`)).toEqual(["s-long"]);
    expect(await uids(`${EMAIL}:(secretariat.direction*)`)).toEqual([]);
    expect(await uids(`${EMAIL}:(secretariat.direction.generale*)`)).toEqual([]);
    // A whole term (no wildcard) is analysed like the indexed address, so an exact address matches.
    expect(await uids(`${EMAIL}:(secretariat.direction.generale@services\\-techniques.example)`)).toEqual(["s-long"]);
    // The domain is indexed on its own, cut the same way ("services-techniques." is 20).
    expect(await uids(`${EMAIL}:(services\\-tech*)`)).toEqual(["s-long"]);
    expect(await uids(`${EMAIL}:(services\\-techniques.e*)`)).toEqual([]);
    // Short addresses are whole.
    expect(await uids(`${EMAIL}:(helene@dubois.example)`)).toEqual(["s-helene"]);
  });

  it("matches exact terms and quoted values", async () => {
    expect(await uids("value.kind:group")).toEqual(["s-group"]);
    expect(await uids("value.kind:'individual'")).toHaveLength(6);
    expect(await uids(`${FN}:leger`)).toEqual(["s-jp"]);
    expect(await uids(`${FN}:lég`)).toEqual([]);
    expect(await uids(`${EMAIL}:jp.leger@example.com`)).toEqual(["s-jp"]);
  });

  it('matches "phrases" in order only', async () => {
    expect(await uids(`${FN}:"jeanne dupont"`)).toEqual(["s-jeanne"]);
    expect(await uids(`${FN}:"dupont jeanne"`)).toEqual([]);
    expect(await uids(`${FN}:'Jean-Pierre Léger'`)).toEqual(["s-jp"]);
  });

  it("combines with AND, OR, NOT and parentheses", async () => {
    expect(await uids(`value.kind:'individual' AND (${FN}:(dup*) OR ${EMAIL}:(dup*))`)).toEqual(["s-jeanne"]);
    expect(await uids(`${FN}:(jea*) OR ${FN}:(hel*)`)).toEqual(["s-helene", "s-jeanne", "s-jp"]);
    expect(await uids(`${FN}:(jea* OR hel*)`)).toEqual(["s-helene", "s-jeanne", "s-jp"]);
    expect(await uids(`value.kind:individual AND NOT ${FN}:(jean*)`)).toEqual(["s-colon", "s-helene", "s-noemail", "s-wang"]);
    expect(await uids(`value.kind:individual -${FN}:(jean*) -${FN}:(z*)`)).toEqual(["s-colon", "s-helene", "s-wang"]);
    expect(await uids("NOT value.kind:individual")).toEqual(["s-group"]);
  });

  it("searches every field without a field name, words ANDed", async () => {
    expect(await uids("jeanne lyon")).toEqual(["s-jeanne"]);
    expect(await uids("ebene")).toEqual(["s-jeanne"]);
    expect(await uids("jeanne paris")).toEqual([]);
    expect(await uids("uid:s-wang")).toEqual(["s-wang"]);
    expect(await uids("displayName:(zo*)")).toEqual(["s-noemail"]);
  });

  it("supports _exists_ and escaped special characters", async () => {
    expect(await uids("_exists_:value.communications.emails")).toEqual(["s-helene", "s-jeanne", "s-jp", "s-wang"]);
    expect(await uids("_exists_:value.communications.tels.value")).toEqual(["s-jp"]);
    expect(await uids(`${FN}:colon\\:*`)).toEqual(["s-colon"]);
    expect(await uids(`${FN}:\\(x\\)`)).toEqual(["s-colon"]);
    expect(await uids(`${FN}:(${escapeQueryText("Colon: Test (x)")})`)).toEqual(["s-colon"]);
  });

  it("answers {total, values: ItemValue<VCardInfo>}", async () => {
    const res = (await api.post(bookPath(BOOK, "/_search"), { query: `${FN}:(jeanne*)`, from: 0, size: 5, orderBy: "Pertinance", escapeQuery: false })).json<{ total: number; values: ItemValue<VCardInfo>[] }>();
    expect(res.total).toBe(1);
    expect(res.values[0]).toMatchObject({
      uid: "s-jeanne",
      displayName: "Jeanne Dupont",
      value: { kind: "individual", mail: "jeanne.dupont@example.fr", tel: null, formatedName: "Jeanne Dupont", memberCount: 0, photo: false, hasSecurityKey: false },
    });
  });

  it("pages with from/size, defaults size -1 to 10 hits, orders by FormatedName", async () => {
    const dir = async (body: Record<string, unknown>): Promise<{ total: number; values: ItemValue<VCardInfo>[] }> =>
      (await api.post(bookPath(BOOKS.directory, "/_search"), { query: "value.kind:individual", ...body })).json();
    const all = await dir({ from: 0, size: 100, orderBy: "FormatedName" });
    expect(all.total).toBe(23);
    const names = all.values.map((v) => v.displayName ?? "");
    const key = (s: string): string => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
    expect(names.map(key)).toEqual([...names].map(key).sort());
    const byDefault = await dir({ size: -1 });
    expect(byDefault.total).toBe(23);
    expect(byDefault.values).toHaveLength(10);
    const page = await dir({ from: 20, size: 10, orderBy: "FormatedName" });
    expect(page.values.map((v) => v.uid)).toEqual(all.values.slice(20).map((v) => v.uid));
  });

  it("searches every subscribed book at once with containerUid", async () => {
    const res = (await api.post("/api/addressbooks/_search", { query: `${FN}:(dup*)`, from: 0, size: 100 })).json<{ total: number; values: (ItemValue<VCardInfo> & { containerUid: string })[] }>();
    const found = res.values.map((v) => `${v.containerUid}/${v.uid}`);
    expect(found).toContain(`${BOOK}/s-jeanne`);
    expect(res.total).toBe(res.values.length);
    for (const v of res.values) expect([BOOK, BOOKS.janeContacts, BOOKS.janeCollected, BOOKS.directory, BOOKS.bobContacts]).toContain(v.containerUid);
    env.fake.control.unsubscribe("u-jdoe", BOOK);
    const after = (await api.post("/api/addressbooks/_search", { query: `${FN}:(dup*)`, from: 0, size: 100 })).json<{ values: { containerUid: string }[] }>();
    expect(after.values.map((v) => v.containerUid)).not.toContain(BOOK);
  });

  it("refuses bad queries (500) and books the caller cannot read (403)", async () => {
    const bad = await api.post(bookPath(BOOK, "/_search"), { query: "(unclosed", from: 0, size: 10 });
    expect(bad.status).toBe(500);
    expect(bad.json()).toMatchObject({ errorCode: "INVALID_QUERY", errorType: "ServerFault" });
    const bob = await login(env.fake, { login: "bob@example.com", password: "secret" });
    expect((await bob.post(bookPath(BOOK, "/_search"), { query: "*", from: 0, size: 10 })).status).toBe(403);
  });
});

import { describe, expect, it } from "vitest";
import type { ContainerChangeset, ItemValue, VCard } from "../../src/bluemind/models.ts";
import { MAX_ITEMS } from "./card-store.ts";
import { generateCards } from "./generator.ts";
import { BOOKS, bookPath, login, person, useFake } from "./test-helpers.ts";
import type { Api } from "./test-helpers.ts";

const BOOK = BOOKS.janeContacts;

async function card(api: Api, uid: string, book = BOOK): Promise<ItemValue<VCard>> {
  return (await api.get(bookPath(book, `/${encodeURIComponent(uid)}/complete`))).json<ItemValue<VCard>>();
}

describe("sanitising and validation", () => {
  const env = useFake();

  it("lower-cases and trims emails and fills the server's default shape", async () => {
    const api = await login(env.fake);
    await api.put(bookPath(BOOK, "/s1"), person("Ana", "Case", "  Ana.CASE@Example.ORG "));
    const got = await card(api, "s1");
    expect(got.value.communications?.emails?.[0]?.value).toBe("ana.case@example.org");
    expect(got.value).toMatchObject({
      deliveryAddressing: [],
      communications: { tels: [], impps: [], langs: [] },
      organizational: { member: [], org: { company: null } },
      explanatory: { urls: [], categories: [], note: null },
      related: { spouse: null },
      security: { keys: [] },
      identification: { photo: false, birthday: null },
    });
  });

  it("rebuilds an empty formatedName from the name parts, then the company, then the email", async () => {
    const api = await login(env.fake);
    const base = { kind: "individual", identification: { formatedName: { value: "" } } };
    await api.put(bookPath(BOOK, "/n1"), { ...base, identification: { formatedName: { value: " " }, name: { prefixes: "Dr", givenNames: "Élise", familyNames: "Noël" } } });
    await api.put(bookPath(BOOK, "/n2"), { ...base, organizational: { org: { company: "ACME" } } });
    await api.put(bookPath(BOOK, "/n3"), { ...base, communications: { emails: [{ value: "Only@Mail.example" }] } });
    expect((await card(api, "n1")).displayName).toBe("Dr Élise Noël");
    expect((await card(api, "n2")).displayName).toBe("ACME");
    expect((await card(api, "n3")).displayName).toBe("only@mail.example");
  });

  it("refuses a card without kind, without any name, or with an invalid email (500)", async () => {
    const api = await login(env.fake);
    const noKind = await api.put(bookPath(BOOK, "/v1"), { identification: { formatedName: { value: "X" } } });
    expect(noKind.status).toBe(500);
    expect(noKind.json()).toEqual({ errorCode: "INVALID_PARAMETER", errorType: "ServerFault", message: "kind must be assigned" });
    const noName = await api.put(bookPath(BOOK, "/v2"), { kind: "individual" });
    expect(noName.json()).toMatchObject({ errorCode: "INVALID_PARAMETER", message: "identification.formatedName should not be empty" });
    const badMail = await api.put(bookPath(BOOK, "/v3"), person("Bad", "Mail", "not an email"));
    expect(badMail.status).toBe(500);
    expect(badMail.json()).toMatchObject({ errorCode: "INVALID_EMAIL", message: "Email invalid: 'not an email'" });
    expect((await api.get(bookPath(BOOK, "/v3/complete"))).status).toBe(204);
  });
});

describe("_mupdates", () => {
  const env = useFake();

  it("applies what it can and reports per-item errors with HTTP 200", async () => {
    const api = await login(env.fake);
    const [existing] = (await api.get(bookPath(BOOKS.janeCollected, "/_all"))).json<string[]>();
    const since = (await api.get(bookPath(BOOKS.janeCollected, "/_version"))).json<number>();
    const res = await api.put(bookPath(BOOKS.janeCollected, "/_mupdates"), {
      add: [
        { uid: "a1", value: person("Add", "One"), photo: null },
        { uid: existing, value: person("Add", "Existing") },
        { uid: "bad1", value: person("Bad", "Email", "x") },
      ],
      modify: [
        { uid: "m-missing", value: person("Modify", "Creates") },
        { uid: "nokind", value: { identification: { formatedName: { value: "No kind" } } } },
      ],
      delete: [{ uid: "never-there" }],
    });
    expect(res.status).toBe(200);
    const result = res.json<{ added: string[]; updated: string[]; removed: string[]; unhandled: string[]; errors: unknown[]; version: number }>();
    expect(result.added).toEqual(["a1", existing]);
    expect(result.updated).toEqual(["m-missing"]);
    expect(result.removed).toEqual(["never-there"]);
    expect(result.unhandled).toEqual([]);
    expect(result.errors).toEqual([
      { uid: "bad1", errorCode: "INVALID_EMAIL", message: "Email invalid: 'x'" },
      { uid: "nokind", errorCode: "INVALID_PARAMETER", message: "kind must be assigned" },
    ]);
    expect(result.version).toBe((await api.get(bookPath(BOOKS.janeCollected, "/_version"))).json<number>());
    expect((await card(api, existing as string, BOOKS.janeCollected)).displayName).toBe("Add Existing");
    const cs = (await api.get(bookPath(BOOKS.janeCollected, `/_changeset?since=${since}`))).json<ContainerChangeset>();
    expect(cs.created.sort()).toEqual(["a1", "m-missing"]);
    expect(cs.updated).toEqual([existing]);
  });

  it("stores a base64 photo sent with an add", async () => {
    const api = await login(env.fake);
    const bytes = Buffer.from([137, 80, 78, 71, 1, 2, 3]);
    await api.put(bookPath(BOOK, "/_mupdates"), { add: [{ uid: "p1", value: person("Photo", "Person"), photo: bytes.toString("base64") }] });
    expect((await card(api, "p1")).value.identification?.photo).toBe(true);
    expect(env.fake.state.books.get(BOOK)?.photos.get("p1")).toEqual(bytes);
  });

  it("lets groups of a batch reference cards added in the same batch", async () => {
    const api = await login(env.fake);
    const group = { kind: "group", identification: { formatedName: { value: "Batch group" } }, organizational: { member: [{ containerUid: BOOKS.janeCollected, itemUid: "g-m1", commonName: "Member", mailto: "m1@example.org" }] } };
    const res = await api.put(bookPath(BOOKS.janeCollected, "/_mupdates"), { add: [{ uid: "g1", value: group }, { uid: "g-m1", value: person("Member", "One", "m1@example.org") }] });
    expect(res.json<{ added: string[] }>().added).toEqual(["g-m1", "g1"]);
  });

  it(`refuses a batch that would exceed ${MAX_ITEMS} items: nothing applied, one MAX_ITEM_COUNT error`, async () => {
    const bookUid = "big-book";
    env.fake.control.addBook({ uid: bookUid, name: "Big", owner: "u-jdoe", items: MAX_ITEMS - 1 });
    const api = await login(env.fake);
    const version = (await api.get(bookPath(bookUid, "/_version"))).json<number>();
    const res = await api.put(bookPath(bookUid, "/_mupdates"), { add: [{ uid: "x1", value: person("X", "One") }, { uid: "x2", value: person("X", "Two") }] });
    expect(res.status).toBe(200);
    const result = res.json<{ added: string[]; errors: { uid: string | null; errorCode: string }[] }>();
    expect(result.added).toEqual([]);
    expect(result.errors).toEqual([{ uid: null, errorCode: "MAX_ITEM_COUNT", message: "Max items count in addressbook exceeded" }]);
    expect((await api.get(bookPath(bookUid, "/_version"))).json<number>()).toBe(version);
    // One more fits; then PUT is refused.
    expect((await api.put(bookPath(bookUid, "/_mupdates"), { add: [{ uid: "x1", value: person("X", "One") }] })).json<{ added: string[] }>().added).toEqual(["x1"]);
    const full = await api.put(bookPath(bookUid, "/x2"), person("X", "Two"));
    expect(full.status).toBe(500);
    expect(full.json()).toMatchObject({ errorCode: "MAX_ITEM_COUNT" });
  });

  it("takes a lower item limit from addBook (maxItems): adds beyond it refuse the whole batch, the rest passes alone", async () => {
    const bookUid = "small-book";
    env.fake.control.addBook({ uid: bookUid, name: "Small", owner: "u-jdoe", items: 3, maxItems: 3 });
    const api = await login(env.fake);
    const [first, second] = (await api.get(bookPath(bookUid, "/_all"))).json<string[]>();
    if (first === undefined || second === undefined) throw new Error("book not filled");
    const over = await api.put(bookPath(bookUid, "/_mupdates"), { add: [{ uid: "x1", value: person("X", "One") }], modify: [{ uid: first, value: person("Y", "Edited") }] });
    expect(over.json<{ errors: unknown[]; updated: string[] }>()).toMatchObject({ updated: [], errors: [{ uid: null, errorCode: "MAX_ITEM_COUNT" }] });
    const alone = await api.put(bookPath(bookUid, "/_mupdates"), { modify: [{ uid: first, value: person("Y", "Edited") }] });
    expect(alone.json<{ errors: unknown[]; updated: string[] }>()).toMatchObject({ updated: [first], errors: [] });
    // A deletion in the batch passes the estimate, but adds run before deletions: the add is
    // refused on its own (BlueMind's per-card check), the deletion lands.
    const swap = await api.put(bookPath(bookUid, "/_mupdates"), { add: [{ uid: "x1", value: person("X", "One") }], delete: [{ uid: second }] });
    expect(swap.json<{ added: string[]; removed: string[] }>()).toMatchObject({ added: [], removed: [second], errors: [{ uid: "x1", errorCode: "MAX_ITEM_COUNT" }] });
    expect((await api.put(bookPath(bookUid, "/x2"), person("X", "Two"))).status).toBe(200);
    expect((await api.put(bookPath(bookUid, "/x3"), person("X", "Three"))).json()).toMatchObject({ errorCode: "MAX_ITEM_COUNT" });
  });
});

describe("group rewrite", () => {
  const env = useFake();

  async function setup(api: Api): Promise<number> {
    await api.put(bookPath(BOOKS.janeCollected, "/m1"), person("Marie", "Curie", "marie@example.org"));
    await api.put(bookPath(BOOKS.janeCollected, "/m2"), person("Pierre", "Curie", "pierre@example.org"));
    await api.put(bookPath(BOOKS.janeCollected, "/g"), {
      kind: "group",
      identification: { formatedName: { value: "Curies" } },
      organizational: {
        member: [
          { containerUid: BOOKS.janeCollected, itemUid: "m1", commonName: "Marie Curie", mailto: "marie@example.org" },
          { containerUid: null, itemUid: "m2", commonName: "Pierre Curie", mailto: "pierre@example.org" },
          { containerUid: null, itemUid: null, commonName: null, mailto: "ext@example.net" },
        ],
      },
    });
    return (await api.get(bookPath(BOOKS.janeCollected, "/_version"))).json<number>();
  }

  it("rewrites groups when a member's name or default email changes", async () => {
    const api = await login(env.fake);
    const since = await setup(api);
    await api.post(bookPath(BOOKS.janeCollected, "/m1"), person("Marie", "Skłodowska-Curie", "Marie.S@Example.org"));
    const cs = (await api.get(bookPath(BOOKS.janeCollected, `/_changeset?since=${since}`))).json<ContainerChangeset>();
    expect(cs.updated.sort()).toEqual(["g", "m1"]);
    const members = (await card(api, "g", BOOKS.janeCollected)).value.organizational?.member;
    expect(members?.[0]).toEqual({ containerUid: BOOKS.janeCollected, itemUid: "m1", commonName: "Marie Skłodowska-Curie", mailto: "marie.s@example.org" });
    expect(members?.[2]).toEqual({ containerUid: null, itemUid: null, commonName: null, mailto: "ext@example.net" });
  });

  it("leaves groups alone when other fields change", async () => {
    const api = await login(env.fake);
    const since = await setup(api);
    await api.post(bookPath(BOOKS.janeCollected, "/m1"), { ...person("Marie", "Curie", "marie@example.org"), explanatory: { note: "Nobel" } });
    const cs = (await api.get(bookPath(BOOKS.janeCollected, `/_changeset?since=${since}`))).json<ContainerChangeset>();
    expect(cs.updated).toEqual(["m1"]);
  });

  it("rewrites groups when a member is deleted (the member loses its containerUid)", async () => {
    const api = await login(env.fake);
    const since = await setup(api);
    await api.delete(bookPath(BOOKS.janeCollected, "/m2"));
    const cs = (await api.get(bookPath(BOOKS.janeCollected, `/_changeset?since=${since}`))).json<ContainerChangeset>();
    expect(cs).toMatchObject({ updated: ["g"], deleted: ["m2"] });
    const members = (await card(api, "g", BOOKS.janeCollected)).value.organizational?.member;
    expect(members?.[1]).toMatchObject({ containerUid: null, itemUid: "m2", mailto: "pierre@example.org" });
  });

  it("rewrites groups for control-API edits too", async () => {
    const api = await login(env.fake);
    const since = await setup(api);
    env.fake.control.updateCard(BOOKS.janeCollected, "m1", person("Marie", "C.", "marie@example.org") as unknown as VCard);
    const cs = (await api.get(bookPath(BOOKS.janeCollected, `/_changeset?since=${since}`))).json<ContainerChangeset>();
    expect(cs.updated.sort()).toEqual(["g", "m1"]);
  });

  it("keeps generated groups consistent with their members", () => {
    const cards = generateCards({ seed: 3, count: 40, bookUid: "b", domain: "example.com", groups: 2 });
    const byUid = new Map(cards.map((c) => [c.uid, c]));
    for (const g of cards.filter((c) => c.value.kind === "group")) {
      for (const m of g.value.organizational?.member ?? []) {
        if (m.itemUid === null) continue;
        expect(m.containerUid).toBe("b");
        expect(byUid.get(m.itemUid)?.displayName).toBe(m.commonName);
      }
    }
  });
});

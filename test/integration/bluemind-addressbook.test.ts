// Address book content (IAddressBook) through the BlueMind client against the fake BlueMind.
import { describe, expect, it } from "vitest";
import { NotFoundError, PermissionError, ValidationError } from "../../src/bluemind/errors.ts";
import type { VCard } from "../../src/bluemind/models.ts";
import { BOOKS, clientFor, jane, rejection, requestsTo, useFakeBlueMind } from "./bluemind-fixtures.ts";

const env = useFakeBlueMind();

function person(name: string, email?: string): VCard {
  const [given = "", family = ""] = name.split(" ");
  return {
    kind: "individual",
    identification: { formatedName: { value: name, parameters: [] }, name: { givenNames: given, familyNames: family, parameters: [] } },
    communications: { emails: email === undefined ? [] : [{ value: email, parameters: [{ label: "TYPE", value: "work" }] }] },
  };
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
const WEIRD_UID = "tb:é 1/2+3";

describe("reading", () => {
  it("changeset from 0 lists every card as created, at the book's version", async () => {
    const book = jane(env.fake).addressBook(BOOKS.janeContacts);
    const changes = await book.changeset(0);
    expect(changes.deleted).toEqual([]);
    expect(changes.updated).toEqual([]);
    expect(changes.created.length).toBeGreaterThan(5);
    expect(changes.version).toBe(await book.version());
    expect([...(await book.allUids())].sort()).toEqual([...changes.created].sort());
  });

  it("_mget returns the cards asked for, a group with its members, and leaves out unknown uids", async () => {
    const book = jane(env.fake).addressBook(BOOKS.janeContacts);
    const uids = await book.allUids();
    const items = await book.mget([...uids, "no-such-card"]);
    expect(items.map((i) => i.uid).sort()).toEqual([...uids].sort());
    const group = items.find((i) => i.value.kind === "group");
    expect(group?.value.organizational?.member?.length).toBeGreaterThan(0);
    expect(items.every((i) => typeof i.version === "number")).toBe(true);
  });

  it("complete returns the card, or null for a missing one (204)", async () => {
    const book = jane(env.fake).addressBook(BOOKS.janeContacts);
    const [uid] = await book.allUids();
    await expect(book.complete(uid as string)).resolves.toMatchObject({ uid });
    await expect(book.complete("no-such-card")).resolves.toBeNull();
    expect(requestsTo(env.fake, "GET", /\/no-such-card\/complete$/)[0]?.status).toBe(204);
  });

  it("reads Bob's shared book and the directory", async () => {
    const client = jane(env.fake);
    expect((await client.addressBook(BOOKS.bobContacts).changeset(0)).created.length).toBeGreaterThan(0);
    expect((await client.addressBook(BOOKS.directory).allUids()).length).toBeGreaterThanOrEqual(10);
  });

  it("an unknown book is NotFoundError", async () => {
    const error = await rejection(jane(env.fake).addressBook("book:nope").changeset(0));
    expect(error).toBeInstanceOf(NotFoundError);
  });
});

describe("writing one card", () => {
  it("create, update, delete — each seen by the next changeset", async () => {
    const book = jane(env.fake).addressBook(BOOKS.janeContacts);
    const v0 = await book.version();

    await book.create(WEIRD_UID, person("Ann Example", "  Ann@Example.COM "));
    const afterCreate = await book.changeset(v0);
    expect(afterCreate.created).toEqual([WEIRD_UID]);
    const created = await book.complete(WEIRD_UID);
    expect(created?.value.communications?.emails?.[0]?.value).toBe("ann@example.com");

    await book.update(WEIRD_UID, person("Ann Changed", "ann@example.com"));
    const afterUpdate = await book.changeset(afterCreate.version);
    expect(afterUpdate.updated).toEqual([WEIRD_UID]);
    expect((await book.complete(WEIRD_UID))?.value.identification?.formatedName?.value).toBe("Ann Changed");

    await book.delete(WEIRD_UID);
    const afterDelete = await book.changeset(afterUpdate.version);
    expect(afterDelete.deleted).toEqual([WEIRD_UID]);
    await expect(book.complete(WEIRD_UID)).resolves.toBeNull();
    await expect(book.delete(WEIRD_UID)).resolves.toBeUndefined();
  });

  it("creating an existing uid is ValidationError ALREADY_EXISTS, sent once (create is not retried)", async () => {
    const { client, retries } = clientFor(env.fake);
    const book = client.addressBook(BOOKS.janeContacts);
    await book.create("dup", person("Dup One"));
    const error = await rejection(book.create("dup", person("Dup Two")));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe("ALREADY_EXISTS");
    expect((error as ValidationError).status).toBe(500);
    expect(retries).toHaveLength(0);
  });

  it.each([
    ["an invalid email", { ...person("Bad Mail"), communications: { emails: [{ value: "not an email" }] } }, "INVALID_EMAIL", "Email invalid"],
    ["no kind", { identification: { formatedName: { value: "No Kind" } } } as unknown as VCard, "INVALID_PARAMETER", "kind must be assigned"],
    ["no name at all", { kind: "individual" } as VCard, "INVALID_PARAMETER", "formatedName should not be empty"],
  ])("refuses a card with %s (ValidationError %s)", async (_what, card, code, message) => {
    const { client, retries } = clientFor(env.fake);
    const error = await rejection(client.addressBook(BOOKS.janeContacts).create("bad", card));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe(code);
    expect(error.message).toContain(message);
    expect(retries).toHaveLength(0);
  });

  it("updating a missing card is NotFoundError", async () => {
    const error = await rejection(jane(env.fake).addressBook(BOOKS.janeContacts).update("missing", person("Nobody Here")));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(404);
  });
});

describe("_mupdates", () => {
  it("applies what it can and reports per-card errors with HTTP 200", async () => {
    const book = jane(env.fake).addressBook(BOOKS.janeContacts);
    const [existing, toDelete] = await book.allUids();
    const result = await book.mupdates({
      add: [{ uid: "new-1", value: person("New One", "new1@example.com") }, { uid: "bad-1", value: person("Bad One", "bad one@") }],
      modify: [{ uid: existing as string, value: person("Modified Person", "mod@example.com") }],
      delete: [{ uid: toDelete as string }],
    });
    expect(result.added).toEqual(["new-1"]);
    expect(result.updated).toEqual([existing]);
    expect(result.removed).toEqual([toDelete]);
    expect(result.errors).toEqual([{ uid: "bad-1", errorCode: "INVALID_EMAIL", message: expect.stringContaining("Email invalid") }]);
    expect(requestsTo(env.fake, "PUT", /_mupdates$/).map((r) => r.status)).toEqual([200]);
    await expect(book.complete("bad-1")).resolves.toBeNull();
    expect((await book.complete(existing as string))?.value.identification?.formatedName?.value).toBe("Modified Person");
  });

  it("sending the same batch twice converges to the same cards (why it is retried)", async () => {
    const book = jane(env.fake).addressBook(BOOKS.janeContacts);
    const batch = { add: [{ uid: "twice", value: person("Twice Sent", "twice@example.com") }], delete: [{ uid: "never-existed" }] };
    const first = await book.mupdates(batch);
    const second = await book.mupdates(batch);
    expect(first.added).toEqual(["twice"]);
    expect(second.added).toEqual(["twice"]);
    expect(second.errors).toEqual([]);
    expect((await book.mget(["twice"])).map((i) => i.value.communications?.emails?.[0]?.value)).toEqual(["twice@example.com"]);
  });
});

describe("search", () => {
  it("finds cards of one book by name prefix", async () => {
    const book = jane(env.fake).addressBook(BOOKS.janeContacts);
    await book.create("zed", person("Zebulon Quixote", "zq@example.com"));
    const result = await book.search({
      query: "value.kind:'individual' AND (value.identification.formatedName.value:(zebul*) OR value.communications.emails.value:(zebul*))",
      from: 0,
      size: 10,
      orderBy: "Pertinance",
      escapeQuery: false,
    });
    expect(result.total).toBe(1);
    expect(result.values[0]).toMatchObject({ uid: "zed", value: { formatedName: "Zebulon Quixote", mail: "zq@example.com" } });
  });

  it("searches every subscribed book at once, each hit naming its book", async () => {
    const client = jane(env.fake);
    const result = await client.allBooks.search({ query: "value.kind:'individual'", from: 0, size: 1000 });
    const books = new Set(result.values.map((v) => v.containerUid));
    expect(books.has(BOOKS.janeContacts)).toBe(true);
    expect(books.has(BOOKS.directory)).toBe(true);
    expect(result.total).toBeGreaterThanOrEqual(result.values.length);
  });
});

describe("photos", () => {
  it("no photo → null; set → same bytes back; delete → null", async () => {
    const book = jane(env.fake).addressBook(BOOKS.janeContacts);
    await book.create("with-photo", person("Photo Person"));
    await expect(book.getPhoto("with-photo")).resolves.toBeNull();
    await book.setPhoto("with-photo", PNG);
    expect([...((await book.getPhoto("with-photo")) ?? [])]).toEqual([...PNG]);
    expect((await book.complete("with-photo"))?.value.identification?.photo).toBe(true);
    await book.deletePhoto("with-photo");
    await expect(book.getPhoto("with-photo")).resolves.toBeNull();
  });
});

describe("rights", () => {
  const card = person("Not Allowed", "no@example.com");

  it.each([
    ["create", (b: ReturnType<ReturnType<typeof jane>["addressBook"]>) => b.create("x", card)],
    ["update", (b: ReturnType<ReturnType<typeof jane>["addressBook"]>) => b.update("x", card)],
    ["delete", (b: ReturnType<ReturnType<typeof jane>["addressBook"]>) => b.delete("x")],
    ["_mupdates", (b: ReturnType<ReturnType<typeof jane>["addressBook"]>) => b.mupdates({ add: [{ uid: "x", value: card }] })],
    ["setPhoto", (b: ReturnType<ReturnType<typeof jane>["addressBook"]>) => b.setPhoto("x", PNG)],
  ])("writing (%s) to Bob's read-only book is PermissionError, not retried", async (_name, write) => {
    const { client, retries } = clientFor(env.fake);
    const error = await rejection(write(client.addressBook(BOOKS.bobContacts)));
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).status).toBe(403);
    expect((error as PermissionError).code).toBe("PERMISSION_DENIED");
    expect(retries).toHaveLength(0);
  });

  it("writing to the domain directory is PermissionError", async () => {
    await expect(jane(env.fake).addressBook(BOOKS.directory).create("x", card)).rejects.toBeInstanceOf(PermissionError);
  });
});

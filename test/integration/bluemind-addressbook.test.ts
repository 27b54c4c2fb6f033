// Address book content (IAddressBook) through the BlueMind client against the fake BlueMind.
import { describe, expect, it } from "vitest";
import type { AddressBookApi } from "../../src/bluemind/addressbook-api.ts";
import { NotFoundError, PermissionError } from "../../src/bluemind/errors.ts";
import type { ItemValue, VCard } from "../../src/bluemind/models.ts";
import { BOOKS, bookVersion, clientFor, jane, rejection, requestsTo, useFakeBlueMind } from "./bluemind-fixtures.ts";

const env = useFakeBlueMind();

function person(name: string, email?: string): VCard {
  const [given = "", family = ""] = name.split(" ");
  return {
    kind: "individual",
    identification: { formatedName: { value: name, parameters: [] }, name: { givenNames: given, familyNames: family, parameters: [] } },
    communications: { emails: email === undefined ? [] : [{ value: email, parameters: [{ label: "TYPE", value: "work" }] }] },
  };
}

/** One card read back through _mget, or null when the book has no such card. */
async function cardOf(book: AddressBookApi, uid: string): Promise<ItemValue<VCard> | null> {
  return (await book.mget([uid]))[0] ?? null;
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

describe("reading", () => {
  it("changeset from 0 lists every card as created, at the book's version", async () => {
    const client = jane(env.fake);
    const book = client.addressBook(BOOKS.janeContacts);
    const changes = await book.changeset(0);
    expect(changes.deleted).toEqual([]);
    expect(changes.updated).toEqual([]);
    expect(changes.created.length).toBeGreaterThan(5);
    expect(changes.version).toBe(await bookVersion(client, BOOKS.janeContacts));
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
    await expect(cardOf(book, "bad-1")).resolves.toBeNull();
    expect((await cardOf(book, existing as string))?.value.identification?.formatedName?.value).toBe("Modified Person");
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
    await book.mupdates({ add: [{ uid: "zed", value: person("Zebulon Quixote", "zq@example.com") }] });
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

});

describe("photos", () => {
  it("no photo → null; a photo → the same bytes back", async () => {
    const book = jane(env.fake).addressBook(BOOKS.janeContacts);
    await book.mupdates({ add: [{ uid: "with-photo", value: person("Photo Person") }] });
    await expect(book.getPhoto("with-photo")).resolves.toBeNull();
    env.fake.control.setPhoto(BOOKS.janeContacts, "with-photo", PNG);
    expect([...((await book.getPhoto("with-photo")) ?? [])]).toEqual([...PNG]);
  });
});

describe("rights", () => {
  const card = person("Not Allowed", "no@example.com");

  it.each([
    ["_mupdates", (b: ReturnType<ReturnType<typeof jane>["addressBook"]>) => b.mupdates({ add: [{ uid: "x", value: card }] })],
  ])("writing (%s) to Bob's read-only book is PermissionError, not retried", async (_name, write) => {
    const { client, retries } = clientFor(env.fake);
    const error = await rejection(write(client.addressBook(BOOKS.bobContacts)));
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).status).toBe(403);
    expect((error as PermissionError).code).toBe("PERMISSION_DENIED");
    expect(retries).toHaveLength(0);
  });

  it("writing to the domain directory is PermissionError", async () => {
    await expect(jane(env.fake).addressBook(BOOKS.directory).mupdates({ add: [{ uid: "x", value: card }] })).rejects.toBeInstanceOf(PermissionError);
  });
});

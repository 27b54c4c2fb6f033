// Subscriptions and container descriptors of the BlueMind client against the fake BlueMind.
import { describe, expect, it } from "vitest";
import { isReadOnly } from "../../src/bluemind/containers-api.ts";
import { NotFoundError, PermissionError } from "../../src/bluemind/errors.ts";
import type { BlueMindClient } from "../../src/bluemind/client.ts";
import type { ContainerDescriptor, ContainerSubscriptionDescriptor } from "../../src/bluemind/models.ts";
import { BOB, BOOKS, JANE, jane, rejection, requestsTo, useFakeBlueMind } from "./bluemind-fixtures.ts";

const env = useFakeBlueMind();

/** A container's descriptor, read the way the add-on reads them (_mget). */
async function descriptorOf(client: BlueMindClient, uid: string): Promise<ContainerDescriptor> {
  const [descriptor] = await client.containers.mget([uid]);
  if (descriptor === undefined) throw new Error(`no descriptor for ${uid}`);
  return descriptor;
}

function byUid(list: ContainerSubscriptionDescriptor[]): Map<string, ContainerSubscriptionDescriptor> {
  return new Map(list.map((s) => [s.containerUid, s]));
}

describe("subscriptions", () => {
  it("lists Jane's books with their sync flags, translated names and owners", async () => {
    const subs = byUid(await jane(env.fake).subscriptions.list());
    expect([...subs.keys()].sort()).toEqual(Object.values(BOOKS).sort());
    expect(subs.get(BOOKS.janeContacts)).toMatchObject({ offlineSync: true, name: "My contacts", owner: JANE.uid, defaultContainer: true, containerType: "addressbook" });
    expect(subs.get(BOOKS.janeCollected)).toMatchObject({ offlineSync: true, name: "Collected contacts" });
    expect(subs.get(BOOKS.directory)).toMatchObject({ offlineSync: false, name: "Directory" });
    expect(subs.get(BOOKS.bobContacts)).toMatchObject({ offlineSync: true, owner: BOB.uid, ownerDisplayName: BOB.displayName });
    expect(requestsTo(env.fake, "GET", `/api/users/example.com/subscriptions/${JANE.uid}`)[0]?.path).toContain("type=addressbook");
  });

  it("setSync re-subscribes with the new flag and keeps the rest", async () => {
    const client = jane(env.fake);
    const before = byUid(await client.subscriptions.list()).get(BOOKS.directory);
    await client.subscriptions.setSync(BOOKS.directory, true);
    const after = byUid(await client.subscriptions.list()).get(BOOKS.directory);
    expect(after).toEqual({ ...before, offlineSync: true });
    await client.subscriptions.setSync(BOOKS.directory, false);
    expect(byUid(await client.subscriptions.list()).get(BOOKS.directory)?.offlineSync).toBe(false);
  });

  it("subscribes again after an unsubscription", async () => {
    const client = jane(env.fake);
    env.fake.control.unsubscribe(JANE.uid, BOOKS.bobContacts);
    expect(byUid(await client.subscriptions.list()).has(BOOKS.bobContacts)).toBe(false);
    await client.subscriptions.subscribe([{ containerUid: BOOKS.bobContacts, offlineSync: false, automount: true }]);
    expect(byUid(await client.subscriptions.list()).get(BOOKS.bobContacts)?.offlineSync).toBe(false);
  });

  it("subscribing to a missing book is NotFoundError", async () => {
    const error = await rejection(jane(env.fake).subscriptions.setSync("book:nope", true));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(404);
  });

  it("subscribing to a book Jane may not read is PermissionError", async () => {
    env.fake.control.addBook({ uid: "book:private_u-bob", name: "Private", owner: BOB.uid, items: 2, acl: {} });
    const error = await rejection(jane(env.fake).subscriptions.setSync("book:private_u-bob", true));
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).code).toBe("PERMISSION_DENIED");
  });
});

describe("container descriptors", () => {
  it("Jane's own book is writable with every verb", async () => {
    const d = await descriptorOf(jane(env.fake), BOOKS.janeContacts);
    expect(d).toMatchObject({ uid: BOOKS.janeContacts, owner: JANE.uid, writable: true, readOnly: false, defaultContainer: true });
    expect(d.verbs).toContain("All");
    expect(isReadOnly(d)).toBe(false);
  });

  it("the directory and Bob's shared book are read-only for Jane", async () => {
    const client = jane(env.fake);
    const directory = await descriptorOf(client, BOOKS.directory);
    expect(isReadOnly(directory)).toBe(true);
    expect(directory.verbs).toEqual(["Read"]);
    const bob = await descriptorOf(client, BOOKS.bobContacts);
    expect(isReadOnly(bob)).toBe(true);
    expect(bob.ownerDisplayname).toBe(BOB.displayName);
  });

  it("_mget leaves out missing containers", async () => {
    const list = await jane(env.fake).containers.mget([BOOKS.janeContacts, "book:missing", BOOKS.directory]);
    expect(list.map((d) => d.uid)).toEqual([BOOKS.janeContacts, BOOKS.directory]);
  });

  it("_itemCount matches the book's content", async () => {
    const client = jane(env.fake);
    const count = await client.containers.itemCount(BOOKS.janeContacts);
    expect(count).toBeGreaterThan(0);
    expect(count).toBe((await client.addressBook(BOOKS.janeContacts).allUids()).length);
  });

  it("a re-created container shows a new internalId", async () => {
    const client = jane(env.fake);
    const before = await descriptorOf(client, BOOKS.bobContacts);
    env.fake.control.recreateBook(BOOKS.bobContacts);
    const after = await descriptorOf(client, BOOKS.bobContacts);
    expect(after.internalId).not.toBe(before.internalId);
  });
});

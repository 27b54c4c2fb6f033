// Subscriptions and container descriptors of the BlueMind client against the fake BlueMind.
import { describe, expect, it } from "vitest";
import { isReadOnly } from "../../src/bluemind/containers-api.ts";
import { NotFoundError, PermissionError, ServerError } from "../../src/bluemind/errors.ts";
import type { ContainerSubscriptionDescriptor } from "../../src/bluemind/models.ts";
import { BOB, BOOKS, JANE, clientFor, jane, rejection, requestsTo, useFakeBlueMind } from "./bluemind-fixtures.ts";

const env = useFakeBlueMind();

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

  it("offlineSync PUT/DELETE switch the flag as the web app does", async () => {
    const client = jane(env.fake);
    await client.subscriptions.setOfflineSync(BOOKS.bobContacts, false);
    expect(byUid(await client.subscriptions.list()).get(BOOKS.bobContacts)?.offlineSync).toBe(false);
    await client.subscriptions.setOfflineSync(BOOKS.bobContacts, true);
    expect(byUid(await client.subscriptions.list()).get(BOOKS.bobContacts)?.offlineSync).toBe(true);
    const path = `/api/containers/_manage/${encodeURIComponent(BOOKS.bobContacts)}/${JANE.uid}/offlineSync`;
    expect(requestsTo(env.fake, "DELETE", path)).toHaveLength(1);
    expect(requestsTo(env.fake, "PUT", path)).toHaveLength(1);
  });

  it("unsubscribes and subscribes again", async () => {
    const client = jane(env.fake);
    await client.subscriptions.unsubscribe([BOOKS.bobContacts]);
    expect(byUid(await client.subscriptions.list()).has(BOOKS.bobContacts)).toBe(false);
    await client.subscriptions.subscribe([{ containerUid: BOOKS.bobContacts, offlineSync: false, automount: true }]);
    expect(byUid(await client.subscriptions.list()).get(BOOKS.bobContacts)?.offlineSync).toBe(false);
  });

  it("unsubscribing from one's own default book is silently ignored", async () => {
    const client = jane(env.fake);
    await client.subscriptions.unsubscribe([BOOKS.janeContacts]);
    expect(byUid(await client.subscriptions.list()).has(BOOKS.janeContacts)).toBe(true);
  });

  it("switching offlineSync without a subscription is BlueMind's 500, retried then reported", async () => {
    const { client, retries } = clientFor(env.fake);
    await client.subscriptions.unsubscribe([BOOKS.bobContacts]);
    const error = await rejection(client.subscriptions.setOfflineSync(BOOKS.bobContacts, true));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(500);
    expect(error.message).toContain("No subscription");
    expect(retries).toHaveLength(2);
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
    const d = await jane(env.fake).containers.get(BOOKS.janeContacts);
    expect(d).toMatchObject({ uid: BOOKS.janeContacts, owner: JANE.uid, writable: true, readOnly: false, defaultContainer: true });
    expect(d.verbs).toContain("All");
    expect(isReadOnly(d)).toBe(false);
  });

  it("the directory and Bob's shared book are read-only for Jane", async () => {
    const client = jane(env.fake);
    const directory = await client.containers.get(BOOKS.directory);
    expect(isReadOnly(directory)).toBe(true);
    expect(directory.verbs).toEqual(["Read"]);
    const bob = await client.containers.get(BOOKS.bobContacts);
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

  it("a missing container is NotFoundError", async () => {
    await expect(jane(env.fake).containers.get("book:missing")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a re-created container shows a new internalId", async () => {
    const client = jane(env.fake);
    const before = await client.containers.get(BOOKS.bobContacts);
    env.fake.control.recreateBook(BOOKS.bobContacts);
    const after = await client.containers.get(BOOKS.bobContacts);
    expect(after.internalId).not.toBe(before.internalId);
  });
});

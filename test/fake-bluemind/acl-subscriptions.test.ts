import { describe, expect, it } from "vitest";
import type { ContainerDescriptor, ContainerSubscriptionDescriptor } from "../../src/bluemind/models.ts";
import { startFakeBlueMind } from "./server.ts";
import { BOB, BOOKS, bookPath, enc, JANE, login, person, useFake } from "./test-helpers.ts";

const SUBS = `/api/users/example.com/subscriptions/${JANE.uid}`;

describe("container descriptors and rights", () => {
  const env = useFake();

  it("describes an owned book with all verbs, writable", async () => {
    const api = await login(env.fake);
    const d = (await api.get(`/api/containers/_manage/${enc(BOOKS.janeContacts)}`)).json<ContainerDescriptor>();
    expect(d).toMatchObject({
      uid: BOOKS.janeContacts,
      name: "My contacts",
      owner: JANE.uid,
      type: "addressbook",
      defaultContainer: true,
      readOnly: false,
      domainUid: "example.com",
      ownerDisplayname: "Jane Doe",
      writable: true,
      verbs: ["All", "Manage", "Write", "ReadExtended", "Read"],
      offlineSync: true,
      deleted: false,
    });
    expect(typeof d.internalId).toBe("number");
  });

  it("describes shared and directory books with raw verbs, not writable", async () => {
    const api = await login(env.fake);
    const list = (await api.post("/api/containers/_manage/_mget", [BOOKS.bobContacts, BOOKS.directory, "book:missing"])).json<ContainerDescriptor[]>();
    expect(list.map((d) => d.uid)).toEqual([BOOKS.bobContacts, BOOKS.directory]);
    expect(list[0]).toMatchObject({ verbs: ["Read"], writable: false, ownerDisplayname: "Bob Martin", offlineSync: true });
    expect(list[1]).toMatchObject({ verbs: ["Read"], writable: false, readOnly: true, name: "Directory", offlineSync: false });
  });

  it("answers 404 for a missing container and 403 for one without rights", async () => {
    const api = await login(env.fake);
    expect((await api.get(`/api/containers/_manage/${enc("book:missing")}`)).status).toBe(404);
    const bob = await login(env.fake, BOB);
    expect((await bob.get(`/api/containers/_manage/${enc(BOOKS.janeContacts)}`)).status).toBe(403);
  });

  it("counts items cheaply", async () => {
    const api = await login(env.fake);
    expect((await api.get(`/api/containers/_manage/${enc(BOOKS.directory)}/_itemCount`)).json()).toEqual({ total: 23 });
  });

  it("refuses writes without Write and reads without Read (403 PERMISSION_DENIED)", async () => {
    const jane = await login(env.fake);
    const put = await jane.put(bookPath(BOOKS.bobContacts, "/x"), person("No", "Way"));
    expect(put.status).toBe(403);
    expect(put.json()).toMatchObject({ errorCode: "PERMISSION_DENIED", errorType: "ServerFault" });
    expect((await jane.put(bookPath(BOOKS.bobContacts, "/_mupdates"), { add: [] })).status).toBe(403);
    expect((await jane.put(bookPath(BOOKS.directory, "/x"), person("No", "Way"))).status).toBe(403);
    const bob = await login(env.fake, BOB);
    expect((await bob.get(bookPath(BOOKS.janeContacts, "/_changeset?since=0"))).status).toBe(403);
  });

  it("setAcl grants Write, which makes the book writable", async () => {
    env.fake.control.setAcl(BOOKS.bobContacts, JANE.uid, ["Write"]);
    const jane = await login(env.fake);
    const d = (await jane.get(`/api/containers/_manage/${enc(BOOKS.bobContacts)}`)).json<ContainerDescriptor>();
    expect(d).toMatchObject({ writable: true, verbs: ["Write"] });
    expect((await jane.put(bookPath(BOOKS.bobContacts, "/x"), person("Now", "Allowed"))).status).toBe(200);
  });
});

describe("subscriptions", () => {
  const env = useFake();

  it("lists the caller's subscriptions with ownerDisplayName and translated names", async () => {
    const api = await login(env.fake);
    const subs = (await api.get(`${SUBS}?type=addressbook`)).json<ContainerSubscriptionDescriptor[]>();
    expect(subs.map((s) => [s.containerUid, s.offlineSync, s.name, s.ownerDisplayName])).toEqual([
      [BOOKS.janeContacts, true, "My contacts", "Jane Doe"],
      [BOOKS.janeCollected, true, "Collected contacts", "Jane Doe"],
      [BOOKS.directory, false, "Directory", "example.com"],
      [BOOKS.bobContacts, true, "My contacts", "Bob Martin"],
    ]);
    expect(subs[0]).toMatchObject({ containerType: "addressbook", owner: JANE.uid, defaultContainer: true, automount: true, ownerDirEntryPath: "example.com/users/u-jdoe" });
  });

  it("answers 403 for another user's subscriptions", async () => {
    const bob = await login(env.fake, BOB);
    expect((await bob.get(`${SUBS}?type=addressbook`)).status).toBe(403);
    expect((await bob.post(`${SUBS}/_subscribe`, [])).status).toBe(403);
  });

  it("_subscribe again changes only offlineSync; unknown containers are 404 and change nothing", async () => {
    const api = await login(env.fake);
    expect((await api.post(`${SUBS}/_subscribe`, [{ containerUid: BOOKS.directory, offlineSync: true }])).status).toBe(200);
    const after = (await api.get(SUBS)).json<ContainerSubscriptionDescriptor[]>();
    expect(after.find((s) => s.containerUid === BOOKS.directory)).toMatchObject({ offlineSync: true, automount: true });
    const bad = await api.post(`${SUBS}/_subscribe`, [{ containerUid: BOOKS.directory, offlineSync: false }, { containerUid: "book:missing", offlineSync: true }]);
    expect(bad.status).toBe(404);
    expect((await api.get(SUBS)).json<ContainerSubscriptionDescriptor[]>().find((s) => s.containerUid === BOOKS.directory)?.offlineSync).toBe(true);
  });

  it("_unsubscribe removes subscriptions but silently keeps the user's default books", async () => {
    const api = await login(env.fake);
    expect((await api.post(`${SUBS}/_unsubscribe`, [BOOKS.bobContacts, BOOKS.janeContacts])).status).toBe(200);
    const uids = (await api.get(SUBS)).json<ContainerSubscriptionDescriptor[]>().map((s) => s.containerUid);
    expect(uids).toContain(BOOKS.janeContacts);
    expect(uids).not.toContain(BOOKS.bobContacts);
  });

  it("PUT/DELETE offlineSync switch an existing subscription; 500 without one", async () => {
    const api = await login(env.fake);
    const path = (book: string): string => `/api/containers/_manage/${enc(book)}/${JANE.uid}/offlineSync`;
    expect((await api.put(path(BOOKS.directory))).status).toBe(200);
    expect((await api.get(`/api/containers/_manage/${enc(BOOKS.directory)}`)).json<ContainerDescriptor>().offlineSync).toBe(true);
    expect((await api.delete(path(BOOKS.directory))).status).toBe(200);
    expect((await api.get(`/api/containers/_manage/${enc(BOOKS.directory)}`)).json<ContainerDescriptor>().offlineSync).toBe(false);
    await api.post(`${SUBS}/_unsubscribe`, [BOOKS.bobContacts]);
    const res = await api.put(path(BOOKS.bobContacts));
    expect(res.status).toBe(500);
    expect(res.json<{ message: string }>().message).toBe(`No subscription for container ${BOOKS.bobContacts}`);
  });

  it("control changes (setOfflineSync, unsubscribe, renameBook) show in the next listing", async () => {
    const api = await login(env.fake);
    env.fake.control.setOfflineSync(JANE.uid, BOOKS.bobContacts, false);
    env.fake.control.renameBook(BOOKS.bobContacts, "Bob's friends");
    let subs = (await api.get(SUBS)).json<ContainerSubscriptionDescriptor[]>();
    expect(subs.find((s) => s.containerUid === BOOKS.bobContacts)).toMatchObject({ offlineSync: false, name: "Bob's friends" });
    env.fake.control.unsubscribe(JANE.uid, BOOKS.bobContacts);
    subs = (await api.get(SUBS)).json<ContainerSubscriptionDescriptor[]>();
    expect(subs.map((s) => s.containerUid)).not.toContain(BOOKS.bobContacts);
  });

  it("translates default book names into the reader's language", async () => {
    const fake = await startFakeBlueMind({ dataset: "demo" });
    try {
      const api = await login(fake, { login: "jeanne.dupont@example.fr", password: "demo" });
      const subs = (await api.get("/api/users/example.fr/subscriptions/u-jeanne?type=addressbook")).json<ContainerSubscriptionDescriptor[]>();
      expect(subs.map((s) => [s.name, s.offlineSync])).toEqual([
        ["Mes contacts", true],
        ["Contacts collectés", true],
        ["Annuaire", false],
        ["Clients", true],
      ]);
      expect(subs[3]).toMatchObject({ ownerDisplayName: "Paul Martin", owner: "u-paul" });
    } finally {
      await fake.close();
    }
  });
});

describe("address book management", () => {
  const env = useFake();
  const mgmt = (uid: string, query = ""): string => `/api/mgmt/addressbooks/${enc(uid)}${query}`;
  const descriptor = { name: "Work", owner: JANE.uid, domainUid: "example.com", system: false, settings: {}, orgUnitUid: null };

  it("creates a book (not subscribed), renames, reads and deletes it", async () => {
    const api = await login(env.fake);
    const uid = "0a1b2c3d-new-book";
    expect((await api.get(mgmt(uid))).status).toBe(204);
    expect((await api.put(mgmt(uid, "?isDefault=false"), descriptor)).status).toBe(200);
    expect((await api.get(SUBS)).json<ContainerSubscriptionDescriptor[]>().map((s) => s.containerUid)).not.toContain(uid);
    expect((await api.get(mgmt(uid))).json()).toMatchObject({ name: "Work", owner: JANE.uid, domainUid: "example.com" });
    const d = (await api.get(`/api/containers/_manage/${enc(uid)}`)).json<ContainerDescriptor>();
    expect(d).toMatchObject({ writable: true, defaultContainer: false, offlineSync: false });
    await api.post(`${SUBS}/_subscribe`, [{ containerUid: uid, offlineSync: true }]);
    expect((await api.post(mgmt(uid), { ...descriptor, name: "Travail" })).status).toBe(200);
    expect((await api.get(SUBS)).json<ContainerSubscriptionDescriptor[]>().find((s) => s.containerUid === uid)?.name).toBe("Travail");
    expect((await api.delete(mgmt(uid))).status).toBe(200);
    expect((await api.get(SUBS)).json<ContainerSubscriptionDescriptor[]>().map((s) => s.containerUid)).not.toContain(uid);
    expect((await api.delete(mgmt(uid))).status).toBe(404);
    expect((await api.post(mgmt(uid), descriptor)).status).toBe(404);
  });

  it("requires isDefault, refuses duplicates, other owners and empty names", async () => {
    const api = await login(env.fake);
    const missing = await api.put(mgmt("b1"), descriptor);
    expect(missing.status).toBe(500);
    expect(missing.json()).toMatchObject({ errorCode: "INVALID_PARAMETER" });
    const dup = await api.put(mgmt(BOOKS.janeContacts, "?isDefault=false"), descriptor);
    expect(dup.status).toBe(500);
    expect(dup.json()).toMatchObject({ errorCode: "ALREADY_EXISTS" });
    const other = await api.put(mgmt("b2", "?isDefault=false"), { ...descriptor, owner: BOB.uid });
    expect(other.status).toBe(403);
    expect(other.json()).toMatchObject({ errorCode: "PERMISSION_DENIED", message: "cannot manage this addressbook" });
    expect((await api.put(mgmt("b3", "?isDefault=false"), { ...descriptor, name: " " })).json()).toMatchObject({ errorCode: "INVALID_PARAMETER" });
  });

  it("refuses to rename or delete someone else's book", async () => {
    const api = await login(env.fake);
    expect((await api.post(mgmt(BOOKS.bobContacts), descriptor)).status).toBe(403);
    expect((await api.delete(mgmt(BOOKS.bobContacts))).status).toBe(403);
  });
});

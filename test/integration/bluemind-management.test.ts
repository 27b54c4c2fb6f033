// Creating and renaming books through the BlueMind client against the fake BlueMind.
import { describe, expect, it } from "vitest";
import { isReadOnly } from "../../src/bluemind/containers-api.ts";
import { NotFoundError, ValidationError } from "../../src/bluemind/errors.ts";
import { JANE, clientFor, jane, rejection, requestsTo, useFakeBlueMind } from "./bluemind-fixtures.ts";

const env = useFakeBlueMind();
const UID = "tb-book:Travail été/2+x";

describe("address book management", () => {
  it("creates a book (not subscribed), subscribes it and renames it", async () => {
    const client = jane(env.fake);
    const created = await client.management.create(UID, { name: "Work" });
    expect(created).toMatchObject({ name: "Work", owner: JANE.uid, domainUid: "example.com", system: false });
    expect(requestsTo(env.fake, "PUT", `/api/mgmt/addressbooks/${encodeURIComponent(UID)}`)[0]?.path).toContain("isDefault=false");

    await expect(client.management.get(UID)).resolves.toMatchObject({ name: "Work", owner: JANE.uid });
    expect((await client.subscriptions.list()).some((s) => s.containerUid === UID)).toBe(false);

    await client.subscriptions.setSync(UID, true);
    const sub = (await client.subscriptions.list()).find((s) => s.containerUid === UID);
    expect(sub).toMatchObject({ offlineSync: true, name: "Work", owner: JANE.uid });
    const [descriptor] = await client.containers.mget([UID]);
    expect(descriptor && isReadOnly(descriptor)).toBe(false);

    await client.addressBook(UID).mupdates({ add: [{ uid: "c1", value: { kind: "individual", identification: { formatedName: { value: "In New Book" } } } }] });
    expect(await client.containers.itemCount(UID)).toBe(1);

    await client.management.rename(UID, "Travail");
    await expect(client.management.get(UID)).resolves.toMatchObject({ name: "Travail" });
    expect((await client.subscriptions.list()).find((s) => s.containerUid === UID)?.name).toBe("Travail");
  });

  it("get of a missing book is null (204)", async () => {
    await expect(jane(env.fake).management.get("no-such-book")).resolves.toBeNull();
  });

  it("creating an existing uid is ValidationError ALREADY_EXISTS, not retried", async () => {
    const { client, retries } = clientFor(env.fake);
    await client.management.create(UID, { name: "Work" });
    const error = await rejection(client.management.create(UID, { name: "Work again" }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe("ALREADY_EXISTS");
    expect(retries).toHaveLength(0);
  });

  it("an empty name is ValidationError INVALID_PARAMETER", async () => {
    const error = await rejection(jane(env.fake).management.create(UID, { name: " " }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe("INVALID_PARAMETER");
  });

  it("renaming a missing book is NotFoundError", async () => {
    const client = jane(env.fake);
    await expect(client.management.rename("no-such-book", "x")).rejects.toBeInstanceOf(NotFoundError);
  });
});

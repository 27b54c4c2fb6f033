import { describe, expect, it } from "vitest";
import { contactIdFor, contactIdsFor, detachedContactIdFor, isDerivedContactId, memberContactIdFor, uuidV5 } from "./contact-uid.ts";

const DNS_NAMESPACE = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

describe("uuidV5", () => {
  it("matches the RFC 9562 / Python reference value", async () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
    expect(await uuidV5(DNS_NAMESPACE, "python.org")).toBe("886313e1-3b8a-5372-9b90-0c9aee199e5d");
  });

  it("encodes the name as UTF-8", async () => {
    expect(await uuidV5(DNS_NAMESPACE, "é")).not.toBe(await uuidV5(DNS_NAMESPACE, "e"));
  });

  it("rejects a malformed namespace", async () => {
    await expect(uuidV5("not-a-uuid", "x")).rejects.toThrow(/not a UUID/);
  });
});

describe("contact ids", () => {
  it("are stable for the same container and item, and pinned (changing them would duplicate every contact)", async () => {
    const a = await contactIdFor("book:Contacts_u1", "item-1");
    expect(await contactIdFor("book:Contacts_u1", "item-1")).toBe(a);
    // Computed independently: Python uuid.uuid5(namespace, json.dumps([container, item], separators=(",", ":"))).
    expect(a).toBe("3abd604f-8537-5557-9ea3-b5543e27efec");
  });

  it("differ between containers holding a copy of the same item uid", async () => {
    expect(await contactIdFor("book:A", "item-1")).not.toBe(await contactIdFor("book:B", "item-1"));
  });

  it("cannot be forged by moving characters between the container and item parts", async () => {
    expect(await contactIdFor("book:a/b", "c")).not.toBe(await contactIdFor("book:a", "b/c"));
  });

  it("member contacts: case-insensitive on the address, distinct from item ids", async () => {
    const id = await memberContactIdFor("book:A", " Ext@Example.org ");
    expect(await memberContactIdFor("book:A", "ext@example.org")).toBe(id);
    expect(id).not.toBe(await contactIdFor("book:A", "ext@example.org"));
    expect(id).not.toBe(await memberContactIdFor("book:B", "ext@example.org"));
  });

  it("contactIdsFor maps each distinct uid", async () => {
    const ids = await contactIdsFor("book:A", ["x", "y", "x"]);
    expect([...ids.keys()]).toEqual(["x", "y"]);
    expect(ids.get("y")).toBe(await contactIdFor("book:A", "y"));
  });

  it("isDerivedContactId tells our version-5 ids from Thunderbird's random ones", async () => {
    expect(isDerivedContactId(await contactIdFor("book:A", "x"))).toBe(true);
    expect(isDerivedContactId(await memberContactIdFor("book:A", "a@b.c"))).toBe(true);
    expect(isDerivedContactId(crypto.randomUUID())).toBe(false);
    expect(isDerivedContactId("not an id")).toBe(false);
  });

  it("a detached contact's id: the same for the same contact, never taken for a derived id", async () => {
    const derived = await contactIdFor("book:A", "x");
    const detached = await detachedContactIdFor(derived);
    expect(await detachedContactIdFor(derived)).toBe(detached);
    expect(detached).not.toBe(await detachedContactIdFor(await contactIdFor("book:A", "y")));
    expect(detached).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isDerivedContactId(detached)).toBe(false);
  });
});

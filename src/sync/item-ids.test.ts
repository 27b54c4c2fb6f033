import { describe, expect, it } from "vitest";
import { contactIdFor } from "./contact-uid.ts";
import { contactIdOfItem, localContactId } from "./item-ids.ts";

describe("contact ids of BlueMind items", () => {
  it("maps an item born in Thunderbird to its own contact, and any other item to the derived id", async () => {
    const contacts = { "tb-1": { item: "tb-1", v: 3, h: null } };
    expect(await contactIdOfItem("book:A", "tb-1", contacts)).toBe("tb-1");
    expect(await contactIdOfItem("book:A", "server-1", contacts)).toBe(await contactIdFor("book:A", "server-1"));
  });

  it("finds a Thunderbird-born contact in a listing when the state lost track of it", () => {
    expect(localContactId("tb-2", {}, new Map([["tb-2", "BEGIN:VCARD…"]]))).toBe("tb-2");
    expect(localContactId("tb-2", {}, null)).toBeNull();
    // A record for another item under that id does not count.
    expect(localContactId("tb-3", { "tb-3": { item: "other", v: 1, h: null } })).toBeNull();
  });
});

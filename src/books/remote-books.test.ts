import { describe, expect, it } from "vitest";
import type { ContainerDescriptor, ContainerSubscriptionDescriptor } from "../bluemind/models.ts";
import { describeRemoteBooks } from "./remote-books.ts";

function sub(containerUid: string, owner: string, name: string, ownerDisplayName: string, offlineSync: boolean): ContainerSubscriptionDescriptor {
  return { containerUid, owner, name, ownerDisplayName, offlineSync, automount: true, containerType: "addressbook", defaultContainer: false };
}

function desc(uid: string, owner: string, rights: Partial<ContainerDescriptor> = {}): ContainerDescriptor {
  return {
    uid, name: "ignored", owner, type: "addressbook", defaultContainer: false, readOnly: false, domainUid: "example.com",
    ownerDisplayname: "x", settings: {}, deleted: false, internalId: 7, writable: true, verbs: ["All"], offlineSync: true, automount: true,
    ...rights,
  };
}

describe("describeRemoteBooks", () => {
  const subs = [
    sub("book:Contacts_u1", "u1", "Mes contacts", "Jeanne Dupont", true),
    sub("book:Contacts_u2", "u2", "Clients", "Paul Martin", true),
    sub("addressbook_example.com", "example.com", "Annuaire", "example.com", false),
    sub("book:gone", "u2", "Gone", "Paul Martin", true),
    { ...sub("calendar:x", "u1", "Cal", "Jeanne", true), containerType: "calendar" },
  ];
  const descriptors = [
    desc("book:Contacts_u1", "u1"),
    desc("book:Contacts_u2", "u2", { writable: false, verbs: ["Read"] }),
    desc("addressbook_example.com", "example.com", { readOnly: true, internalId: 3 }),
  ];

  it("names, classifies and joins rights", () => {
    const books = describeRemoteBooks(subs, descriptors, "u1");
    expect(books.map((b) => [b.containerUid, b.displayName, b.ownedByUser, b.sync, b.readOnly, b.isDomainDirectory])).toEqual([
      ["book:Contacts_u1", "Mes contacts", true, true, false, false],
      ["book:Contacts_u2", "Clients (Paul Martin)", false, true, true, false],
      ["addressbook_example.com", "Annuaire", false, false, true, true],
    ]);
    expect(books[2]?.internalId).toBe(3);
  });

  it("skips deleted containers and non-addressbook subscriptions", () => {
    const books = describeRemoteBooks(subs, [...descriptors, desc("book:gone", "u2", { deleted: true })], "u1");
    expect(books.map((b) => b.containerUid)).not.toContain("book:gone");
    expect(books.map((b) => b.containerUid)).not.toContain("calendar:x");
  });
});

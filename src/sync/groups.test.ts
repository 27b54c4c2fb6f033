import { describe, expect, it } from "vitest";
import { bareMemberCard, groupMembers, listFieldsOf, memberChanges, sanitizeListName, UNNAMED_LIST } from "./groups.ts";
import { group } from "../../test/support/memory-content.ts";

describe("sanitizeListName", () => {
  it("removes the characters Thunderbird refuses and double spaces", () => {
    expect(sanitizeListName('Team, <Paris>  ;"core"')).toBe("Team Paris core");
    expect(sanitizeListName("  a\t\tb  ")).toBe("a b");
  });

  it("falls back to the next candidate, then to a fixed name: never empty", () => {
    expect(sanitizeListName(",;", null, "Display")).toBe("Display");
    expect(sanitizeListName(undefined, "")).toBe(UNNAMED_LIST);
  });

  it("always yields a name Thunderbird accepts", () => {
    for (const raw of ["", " ", "<>", "a  b", "x,y;z\"<w>", "ok"]) {
      const name = sanitizeListName(raw);
      expect(name).not.toBe("");
      expect(name).not.toMatch(/[,;"<>]|\s\s/);
    }
  });
});

describe("groupMembers", () => {
  it("sorts members into cards of this book and bare addresses", () => {
    const card = group("G", [
      { containerUid: "book:A", itemUid: "c1" },
      { containerUid: "book:A", itemUid: "c1" },
      { containerUid: null, itemUid: null, mailto: " Ext@Example.org ", commonName: "Ext" },
      { containerUid: "book:OTHER", itemUid: "o1", mailto: "other@example.org" },
      { containerUid: null, itemUid: null, mailto: "ext@example.org" },
      { containerUid: null, itemUid: null, mailto: null },
    ]);
    expect(groupMembers(card, "book:A", (uid) => uid === "c1")).toEqual({
      sameBook: ["c1"],
      bare: [
        { email: "ext@example.org", name: "Ext" },
        { email: "other@example.org", name: "other@example.org" },
      ],
      unusable: 1,
    });
  });

  it("takes a member without a containerUid but with an item of this book as that card, else by its address", () => {
    const card = group("Imported", [
      { containerUid: null, itemUid: "c1", mailto: "one@example.org", commonName: "One" },
      { containerUid: null, itemUid: "gone", mailto: "gone@example.org", commonName: "Gone" },
      { containerUid: null, itemUid: "gone-too", mailto: null, commonName: "Gone too" },
      { containerUid: "book:A", itemUid: "c1" },
    ]);
    expect(groupMembers(card, "book:A", (uid) => uid === "c1")).toEqual({
      sameBook: ["c1"],
      bare: [{ email: "gone@example.org", name: "Gone" }],
      unusable: 1,
    });
  });

  it("copes with a group without members", () => {
    expect(groupMembers({ kind: "group" }, "book:A", () => true)).toEqual({ sameBook: [], bare: [], unusable: 0 });
  });
});

describe("list fields and member changes", () => {
  it("names the list after the group and describes it with its note as text", () => {
    const card = { ...group("Équipe, projet", []), explanatory: { note: "<p>Hello <b>team</b></p>" } };
    expect(listFieldsOf({ uid: "g", version: 1, value: card })).toEqual({ name: "Équipe projet", description: "Hello team" });
    expect(listFieldsOf({ uid: "g", version: 1, displayName: "From item", value: { kind: "group" } }).name).toBe("From item");
  });

  it("bareMemberCard is a minimal individual with the address", () => {
    expect(bareMemberCard({ email: "a@b.c", name: "A" })).toMatchObject({ kind: "individual", communications: { emails: [{ value: "a@b.c" }] } });
  });

  it("memberChanges adds and removes the difference only", () => {
    expect(memberChanges(["a", "b"], ["b", "c", "c"])).toEqual({ add: ["c"], remove: ["a"] });
    expect(memberChanges([], [])).toEqual({ add: [], remove: [] });
  });
});

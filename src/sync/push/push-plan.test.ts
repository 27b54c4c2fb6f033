import { describe, expect, it } from "vitest";
import {
  decideContactDelete,
  decideContactUpsert,
  decideListDelete,
  sameList,
  type ListSnapshot,
} from "./push-plan.ts";
import { describeOverwritten, vCardValueLines } from "../conflict-report.ts";
import type { ContactRecord, GroupRecord } from "../state/sync-state.ts";
import { inEnglish } from "../../shared/user-text.ts";

const record: ContactRecord = { item: "i1", v: 10, h: "synced" };

describe("decideContactUpsert", () => {
  it.each([
    ["a contact born here, not looked up", undefined, "local", undefined, "send"],
    ["a contact born here, not on BlueMind", undefined, "local", null, "send"],
    ["a contact born here whose record was lost, on BlueMind as it is here", undefined, "local", { version: 3, content: "local" }, "in-sync"],
    ["a contact born here whose record was lost, different on BlueMind", undefined, "local", { version: 3, content: "other" }, "conflict"],
    ["unchanged on the server since the last sync", record, "local", { version: 10, content: "synced" }, "send"],
    ["the server's version is the one the push itself wrote", record, "local", { version: 9, content: "synced" }, "send"],
    ["changed on both sides", record, "local", { version: 11, content: "other" }, "conflict"],
    ["changed on both sides to the same content", record, "local", { version: 11, content: "local" }, "in-sync"],
    ["deleted on the server", record, "local", null, "gone"],
    ["deleted on the server, kept here by the user's answer to the deletion guard", { ...record, restore: true }, "synced", null, "send"],
    ["server copy unreadable and newer", record, "local", { version: 12, content: null }, "conflict"],
  ] as const)("%s → %s", (_label, rec, localHash, server, expected) => {
    expect(decideContactUpsert({ record: rec, localHash, server })).toBe(expected);
  });
});

describe("decideContactDelete", () => {
  it.each([
    ["untouched on the server", { version: 10, content: "synced" }, "delete"],
    ["already deleted there", null, "already-gone"],
    ["changed there since", { version: 12, content: "other" }, "conflict"],
    ["newer version, same content", { version: 12, content: "synced" }, "delete"],
  ] as const)("%s → %s", (_label, server, expected) => {
    expect(decideContactDelete({ record, server })).toBe(expected);
  });
  // Bug AF (model): a pull cut by a crash wrote BlueMind's newer card and its base, not its record.
  it("changed there since the record, but to the base a cut pull left here → delete", () => {
    expect(decideContactDelete({ record, server: { version: 12, content: "pulled" }, baseHash: "pulled" })).toBe("delete");
    expect(decideContactDelete({ record, server: { version: 13, content: "later" }, baseHash: "pulled" })).toBe("conflict");
  });
});

const group: GroupRecord = { list: "l1", v: 20, name: "Team", description: "", members: ["a", "b"] };
const snap = (name: string, members: string[], description = ""): ListSnapshot => ({ name, description, members });

describe("decideListDelete", () => {
  it("deletes a list unchanged there, keeps one renamed there", () => {
    expect(decideListDelete({ record: group, server: { version: 20, content: snap("Team", ["a", "b"]) } })).toBe("delete");
    expect(decideListDelete({ record: group, server: { version: 21, content: snap("Renamed", ["a", "b"]) } })).toBe("conflict");
    expect(decideListDelete({ record: group, server: null })).toBe("already-gone");
  });

  it("compares members as sets", () => {
    expect(sameList(snap("T", ["a", "b"]), snap("T", ["b", "a"]))).toBe(true);
    expect(sameList(snap("T", ["a", "b"]), snap("T", ["a", "c"]))).toBe(false);
    expect(sameList(snap("T", ["a"], "x"), snap("T", ["a"], "y"))).toBe(false);
  });
});

describe("describeOverwritten", () => {
  const local = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:x\r\nFN:Jane Doe\r\nTITLE:Local title\r\nNOTE:line one\\nline two\\, and more\r\nEMAIL;TYPE=work:jane@example.com\r\nEND:VCARD";
  const server = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:x\r\nFN:Jane Doe\r\nTITLE:Server title\r\nEMAIL:jane@example.com\r\nEND:VCARD";

  it("lists the local values the server's version does not have", () => {
    expect(inEnglish(describeOverwritten(local, server))).toBe("TITLE: Local title; NOTE: line one / line two, and more");
  });

  it("lists every value when the server deleted the card", () => {
    expect(inEnglish(describeOverwritten(local, null))).toContain("FN: Jane Doe");
    expect(vCardValueLines(local)).not.toContainEqual(expect.stringContaining("UID"));
  });

  it("stays short", () => {
    const long = `BEGIN:VCARD\r\nVERSION:4.0\r\nNOTE:${"x".repeat(2000)}\r\nEND:VCARD`;
    expect(inEnglish(describeOverwritten(long, server)).length).toBeLessThanOrEqual(600);
  });
});

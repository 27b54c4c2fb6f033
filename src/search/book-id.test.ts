import { describe, expect, it } from "vitest";
import { providerAddressCardUid, providerBookId, providerCardUid } from "./book-id.ts";

describe("providerBookId", () => {
  it("is the same for the same container uid, every time", () => {
    expect(providerBookId("addressbook_example.com")).toBe(providerBookId("addressbook_example.com"));
    expect(providerBookId("addressbook_example.com")).toMatch(/^bm-addressbook-example-com-[0-9a-f]{8}$/);
  });

  it("keeps to lower-case letters, digits and dashes", () => {
    for (const uid of ["book:Contacts_6793-ABCD", "Ünïcode/ü?x=1&y", "   ", "4f7d2c1e-8a3b-4c5d-9e6f-0a1b2c3d4e5f"]) {
      expect(providerBookId(uid)).toMatch(/^bm-[a-z0-9-]+$/);
    }
  });

  it("tells apart uids that read alike", () => {
    const ids = ["a.b", "a_b", "a-b", "A.B", "book:Contacts_u1", "book:Contacts_u1 "].map(providerBookId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("stays short for long uids", () => {
    expect(providerBookId("x".repeat(500)).length).toBeLessThanOrEqual(52);
  });
});

describe("providerCardUid", () => {
  it("is stable per book and item, and distinct across books and items", () => {
    const a = providerCardUid("bm-dir-1", "item-1");
    expect(providerCardUid("bm-dir-1", "item-1")).toBe(a);
    expect(providerCardUid("bm-dir-2", "item-1")).not.toBe(a);
    expect(providerCardUid("bm-dir-1", "item-2")).not.toBe(a);
    expect(a).toMatch(/^bm-dir-1-[0-9a-f]{16}$/);
  });

  it("is FNV-1a 64 of the item uid, as the BigInt definition computes it (the uids of earlier versions)", () => {
    const reference = (text: string): string => {
      let hash = 0xcbf29ce484222325n;
      for (let i = 0; i < text.length; i++) hash = ((hash ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & ((1n << 64n) - 1n);
      return hash.toString(16).padStart(16, "0");
    };
    for (const uid of ["", "a", "item-1", "6793a0b2-0000-4000-8000-00000000cafe", "Zéphyrin 😀 ".repeat(20)]) {
      expect(providerCardUid("bm-d", uid)).toBe(`bm-d-${reference(uid)}`);
    }
    expect(providerAddressCardUid("bm-d", "item-1", "A@B.test")).toBe(`bm-d-${reference("item-1\u0000a@b.test")}`);
  });

  it("does not collide over a 20,000-person directory", () => {
    const uids = new Set(Array.from({ length: 20_000 }, (_, i) => providerCardUid("bm-d", `c-${i}`)));
    expect(uids.size).toBe(20_000);
  });
});

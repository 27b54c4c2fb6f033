import { describe, expect, it } from "vitest";
import type { ItemValue, VCard } from "../../src/bluemind/models.ts";
import { generateCard, generateCards } from "./generator.ts";
import { mulberry32 } from "./prng.ts";
import { sanitizeCard } from "./sanitize.ts";

const OPTS = { seed: 42, count: 500, bookUid: "book:Contacts_u-x", domain: "example.com", groups: 5 };

function allText(cards: ItemValue<VCard>[]): string {
  return cards.map((c) => JSON.stringify(c.value)).join("\n");
}

describe("data generator", () => {
  it("is deterministic for a seed and book, and varies with them", () => {
    expect(generateCards(OPTS)).toEqual(generateCards(OPTS));
    expect(generateCards({ ...OPTS, seed: 43 })[0]?.uid).not.toBe(generateCards(OPTS)[0]?.uid);
    expect(generateCards({ ...OPTS, bookUid: "other" })[0]?.uid).not.toBe(generateCards(OPTS)[0]?.uid);
    const a = mulberry32(7);
    const b = mulberry32(7);
    expect(generateCard(a, 3, { domain: "x.org" })).toEqual(generateCard(b, 3, { domain: "x.org" }));
  });

  it("produces the requested count, groups included, with unique uids", () => {
    const cards = generateCards(OPTS);
    expect(cards).toHaveLength(500);
    expect(cards.filter((c) => c.value.kind === "group")).toHaveLength(5);
    expect(new Set(cards.map((c) => c.uid)).size).toBe(500);
  });

  it("produces cards the server accepts unchanged (valid, sanitised emails, full shape)", () => {
    for (const card of generateCards(OPTS)) {
      const sanitized = sanitizeCard(card.value);
      expect(sanitized).toEqual(card.value);
      expect(card.displayName).toBe(card.value.identification?.formatedName?.value);
    }
  });

  it("covers accents, non-Latin scripts, typed fields and tricky notes", () => {
    const cards = generateCards({ ...OPTS, count: 2000 });
    const text = allText(cards);
    for (const needle of ["é", "ë", "ç"]) expect(text).toContain(needle);
    for (const script of [/\p{Script=Han}/u, /\p{Script=Arabic}/u, /\p{Script=Greek}/u, /\p{Script=Cyrillic}/u]) expect(text).toMatch(script);
    const notes = cards.map((c) => c.value.explanatory?.note).filter((n): n is string => typeof n === "string");
    expect(notes.some((n) => n.includes("\n"))).toBe(true);
    expect(notes.some((n) => n.includes(";") && n.includes(",") && n.includes("\\"))).toBe(true);
    expect(notes.some((n) => n.startsWith("<p>"))).toBe(true);
    const emails = cards.flatMap((c) => c.value.communications?.emails ?? []);
    expect(emails.some((e) => e.parameters?.some((p) => p.label === "DEFAULT"))).toBe(true);
    expect(cards.some((c) => (c.value.communications?.emails?.length ?? 0) >= 2)).toBe(true);
    const types = new Set(cards.flatMap((c) => c.value.communications?.tels ?? []).flatMap((t) => t.parameters?.map((p) => p.value) ?? []));
    for (const t of ["cell", "voice", "work", "home", "fax"]) expect(types).toContain(t);
    expect(cards.some((c) => (c.value.deliveryAddressing?.length ?? 0) > 0)).toBe(true);
    const birthdays = cards.map((c) => c.value.identification?.birthday).filter((b): b is number => typeof b === "number");
    expect(birthdays.length).toBeGreaterThan(0);
    for (const b of birthdays) expect(Math.abs(b % 86_400_000)).toBe(0);
    expect(cards.some((c) => c.value.organizational?.org?.company && c.value.organizational.title)).toBe(true);
    expect(cards.some((c) => (c.value.explanatory?.urls?.length ?? 0) > 0)).toBe(true);
    expect(cards.some((c) => (c.value.explanatory?.categories?.length ?? 0) > 0)).toBe(true);
  });

  it("makes groups of cards of the same book plus a bare external email", () => {
    const cards = generateCards(OPTS);
    const uids = new Set(cards.map((c) => c.uid));
    for (const group of cards.filter((c) => c.value.kind === "group")) {
      const members = group.value.organizational?.member ?? [];
      const internal = members.filter((m) => m.itemUid !== null);
      expect(internal.length).toBeGreaterThanOrEqual(2);
      for (const m of internal) {
        expect(m.containerUid).toBe(OPTS.bookUid);
        expect(uids.has(m.itemUid as string)).toBe(true);
      }
      expect(members.filter((m) => m.itemUid === null)).toEqual([{ containerUid: null, itemUid: null, commonName: null, mailto: expect.stringMatching(/@/) }]);
    }
  });

  // Its speed is a benchmark's business (house rules: no timed tests); here, that a 15,000-card
  // book comes out whole, with unique uids.
  it("generates 15,000 cards with unique uids", () => {
    const cards = generateCards({ ...OPTS, count: 15_000, groups: 20 });
    expect(cards).toHaveLength(15_000);
    expect(new Set(cards.map((c) => c.uid)).size).toBe(15_000);
  });
});

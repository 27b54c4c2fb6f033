// Escaping and parsing at the ical.js boundary. Thunderbird (measured on 153): in a single-value
// text property such as NOTE it unescapes \n and \, but keeps \; as a backslash and a semicolon,
// so ";" must be escaped only in structured values (N, ADR, ORG, GENDER).

import { describe, expect, it } from "vitest";
import type { JCardProperty } from "./jcard.ts";
import { components, listValues, parseVCardText, protectDelimitedValues, serializeVCard, textValue } from "./jcard.ts";
import { inEnglish } from "../shared/user-text.ts";

const card = (...properties: JCardProperty[]): string =>
  serializeVCard([{ name: "version", params: {}, type: "text", values: ["4.0"] }, ...properties]);
const text = (name: string, value: JCardProperty["values"][number], params: JCardProperty["params"] = {}, type = "text"): JCardProperty => ({
  name,
  params,
  type,
  values: [value],
});
const lines = (vCard: string): string[] => vCard.split("\r\n");
const parse = (vCard: string): JCardProperty[] => {
  const parsed = parseVCardText(vCard);
  if (!parsed.ok) throw new Error(inEnglish(parsed.reason));
  return parsed.properties;
};

describe("writing", () => {
  it("starts like Thunderbird's vCards and ends every line with CRLF", () => {
    const vCard = card(text("fn", "x"));
    expect(vCard.startsWith("BEGIN:VCARD\r\nVERSION:4.0\r\n")).toBe(true);
    expect(vCard.endsWith("\r\nEND:VCARD\r\n")).toBe(true);
    expect(vCard.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
  });

  it("escapes \\ , and newlines in single-value text, but not ;", () => {
    expect(lines(card(text("note", "a, b; c\\ d\ne")))).toContain("NOTE:a\\, b; c\\\\ d\\ne");
    expect(lines(card(text("fn", "Doe; Jane, Jr.")))).toContain("FN:Doe; Jane\\, Jr.");
    expect(lines(card(text("title", "R&D; QA")))).toContain("TITLE:R&D; QA");
  });

  it("escapes ; as well inside structured values", () => {
    expect(lines(card(text("n", ["Do;e", "Ja,ne", "", "a\\b", "x\ny"])))).toContain("N:Do\\;e;Ja\\,ne;;a\\\\b;x\\ny");
    expect(lines(card(text("org", ["AC;ME", "R&D, Sud"])))).toContain("ORG:AC\\;ME;R&D\\, Sud");
    expect(lines(card(text("adr", ["", "", "1; rue X\nBât B", "Paris", "", "75001", "France"])))).toContain(
      "ADR:;;1\\; rue X\\nBât B;Paris;;75001;France",
    );
    expect(lines(card(text("gender", ["F", "she; her"])))).toContain("GENDER:F;she\\; her");
  });

  it("escapes commas inside the values of multi-valued properties", () => {
    const vCard = card({ name: "categories", params: {}, type: "text", values: ["a,b", "c;d"] });
    expect(lines(vCard)).toContain("CATEGORIES:a\\,b,c;d");
  });

  it("writes TEL as text with TYPE before VALUE, like Thunderbird", () => {
    expect(lines(card(text("tel", "+33 5;ext=12", { type: ["voice", "work"] })))).toContain("TEL;TYPE=voice,work;VALUE=TEXT:+33 5;ext=12");
  });

  it("writes dates with VALUE=DATE in basic format", () => {
    expect(lines(card(text("bday", "1980-01-01", {}, "date")))).toContain("BDAY;VALUE=DATE:19800101");
  });

  it("folds long lines at 75 octets without splitting a character", () => {
    const long = "日本語😀é".repeat(30);
    const vCard = card(text("note", long));
    for (const line of lines(vCard)) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(76);
    expect(vCard).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(textValue(parse(vCard).find((p) => p.name === "note")!)).toBe(long);
  });
});

describe("reading", () => {
  it("undoes every escape it writes", () => {
    const values = ["a, b; c\\ d\ne", "\\", "\\n literally", ",;:\"^"];
    for (const value of values) {
      const [, note] = parse(card(text("note", value)));
      expect(textValue(note!)).toBe(value);
    }
  });

  it("keeps \\; in single-value text as Thunderbird does (a literal backslash)", () => {
    const [, note] = parse("BEGIN:VCARD\r\nVERSION:4.0\r\nNOTE:a\\;b\\,c\\Nd\r\nEND:VCARD\r\n");
    expect(textValue(note!)).toBe("a\\;b,c\nd");
  });

  it("gives structured components, lists inside components and multi-values", () => {
    const [, n, adr, nickname] = parse(
      "BEGIN:VCARD\r\nVERSION:4.0\r\nN:Doe\\;X;Jane,Mary\r\nADR:;;a,b;c;;;\r\nNICKNAME:x,y\\,z\r\nEND:VCARD\r\n",
    );
    expect(components(n!, 5)).toEqual(["Doe;X", ["Jane", "Mary"], "", "", ""]);
    expect(components(adr!, 7)[2]).toEqual(["a", "b"]);
    expect(listValues(nickname!)).toEqual(["x", "y,z"]);
    expect(textValue(nickname!)).toBe("x,y,z");
  });

  it("lower-cases names and keeps parameters and groups", () => {
    const [, email] = parse("BEGIN:VCARD\r\nVERSION:4.0\r\nitem1.EMAIL;PREF=1;TYPE=WORK,home:a@b.c\r\nEND:VCARD\r\n");
    expect(email).toEqual({ name: "email", params: { pref: "1", type: ["WORK", "home"], group: "item1" }, type: "text", values: ["a@b.c"] });
  });

  it("reads LF-only text and vCard 3.0", () => {
    const parsed = parseVCardText("BEGIN:VCARD\nVERSION:3.0\nFN:a\nTEL;TYPE=WORK:+1\nEND:VCARD\n");
    expect(parsed).toMatchObject({ ok: true, version: "3.0" });
  });

  it("turns non-string values into strings", () => {
    const [, integer] = parse("BEGIN:VCARD\r\nVERSION:4.0\r\nX-N;VALUE=INTEGER:3\r\nEND:VCARD\r\n");
    expect(integer!.values).toEqual(["3"]);
  });

  it("reports what it cannot read instead of throwing", () => {
    const cases: [string, RegExp][] = [
      ["", /empty/],
      ["   ", /empty/],
      ["hello world", /unreadable/],
      ["BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", /not a vCard/],
      ["BEGIN:VCARD\r\nVERSION:4.0\r\nFN:a\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:b\r\nEND:VCARD\r\n", /several/],
      ["BEGIN:VCARD\r\nVERSION:4.0\r\nFN:a\r\n", /unreadable/],
      ["BEGIN:VCARD\r\nVERSION:2.1\r\nTEL;WORK;VOICE:1\r\nEND:VCARD\r\n", /unreadable/],
    ];
    for (const [input, reason] of cases) {
      const parsed = parseVCardText(input);
      expect(parsed.ok, input).toBe(false);
      if (!parsed.ok) expect(inEnglish(parsed.reason)).toMatch(reason);
    }
    expect(parseVCardText(42 as unknown as string).ok).toBe(false);
  });
});

describe("protectDelimitedValues", () => {
  it("drops trailing backslashes that ical.js would misread before a delimiter", () => {
    expect(protectDelimitedValues(["a\\", "b\\\\", "c\\"])).toEqual({ values: ["a", "b", "c\\"], changed: true });
    expect(protectDelimitedValues(["a", "b"])).toEqual({ values: ["a", "b"], changed: false });
  });

  it("is needed: ical.js misreads an escaped backslash before ;", () => {
    const [, org] = parse(card(text("org", ["a\\", "b"])));
    expect(components(org!, 2)).not.toEqual(["a\\", "b"]);
  });
});

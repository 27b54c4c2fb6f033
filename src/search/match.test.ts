import { describe, expect, it } from "vitest";
import type { VCard, VCardInfo } from "../bluemind/models.ts";
import { CardMatcher, foldText, foldWords, matcherFor, searchableTexts } from "./match.ts";
import { person } from "../../test/support/search-server.ts";

const matches = (texts: string[], ...words: string[]): boolean => new CardMatcher(texts).matches(foldWords(words));

describe("foldText", () => {
  it("folds case, accents and ligatures as an ASCII-folding analyser", () => {
    expect(foldText("  Éloïse ŒUVRE Straße Łódź ")).toBe("eloise oeuvre strasse lodz");
  });
});

describe("CardMatcher", () => {
  it("matches a prefix of the whole value or of any of its words", () => {
    expect(matches(["Jean Dupont"], "jea")).toBe(true);
    expect(matches(["Jean Dupont"], "dup")).toBe(true);
    expect(matches(["Jean Dupont"], "ean")).toBe(false);
    expect(matches(["Jean Dupont"], "jean dup")).toBe(true);
  });

  it("matches email local parts at word boundaries, and whole-address prefixes", () => {
    expect(matches(["jane.doe@example.com"], "doe")).toBe(true);
    expect(matches(["jane.doe@example.com"], "jane.doe@ex")).toBe(true);
    expect(matches(["jane.doe@example.com"], "exam")).toBe(true);
    expect(matches(["jane.doe@example.com"], "oe@")).toBe(false);
  });

  it("treats compound names across separators as the server's analyser would", () => {
    expect(matches(["Jean-Pierre Martin"], "pierre")).toBe(true);
    expect(matches(["Jean-Pierre Martin"], "jean.pi")).toBe(true);
    expect(matches(["Jean-Pierre Martin"], "jean-pi")).toBe(true);
    expect(matches(["Jean-Pierre Martin"], "jean-ma")).toBe(false);
  });

  it("is accent- and case-blind both ways", () => {
    expect(matches(["Jérôme Éluard"], "jero")).toBe(true);
    expect(matches(["Jerome Eluard"], "JÉRÔ")).toBe(true);
  });

  it("needs every word to match some value", () => {
    expect(matches(["Jean Dupont", "ACME"], "jean", "acm")).toBe(true);
    expect(matches(["Jean Dupont", "ACME"], "jean", "xyz")).toBe(false);
  });

  it("never matches empty values", () => {
    expect(matches([""], "-")).toBe(false);
    expect(matches([], "a")).toBe(false);
  });
});

describe("searchableTexts", () => {
  it("reads display name, given and family names, every email and the company", () => {
    const card = person({ uid: "p", given: "Zoé", family: "Quercy", name: "Dr Zoé Q.", emails: ["zq@a.test", "zoe@b.test"], company: "Xylo" }).value;
    expect(searchableTexts(card, null)).toEqual(["Dr Zoé Q.", "Zoé", "Quercy", "zq@a.test", "zoe@b.test", "Xylo"]);
  });

  it("falls back to the search summary, and ignores values of the wrong type", () => {
    const info: VCardInfo = { kind: "individual", formatedName: "Ann Lee", mail: "ann@x.test", tel: null };
    expect(searchableTexts(null, info)).toEqual(["Ann Lee", "ann@x.test"]);
    const odd = { kind: "individual", identification: { formatedName: { value: 42 } }, communications: { emails: [null, { value: "ok@x.test" }] } } as unknown as VCard;
    expect(searchableTexts(odd, null)).toEqual(["ok@x.test"]);
  });
});

describe("matcherFor", () => {
  it("finds a person by a secondary email only with the full card", () => {
    const card = person({ uid: "p", given: "Ann", family: "Lee", emails: ["ann@x.test", "zorro@y.test"] }).value;
    const info: VCardInfo = { kind: "individual", formatedName: "Ann Lee", mail: "ann@x.test", tel: null };
    expect(matcherFor(null, info).matches(foldWords(["zorro"]))).toBe(false);
    expect(matcherFor(card, info).matches(foldWords(["zorro"]))).toBe(true);
    expect(matcherFor(card, info)).toBe(matcherFor(card, info));
  });

  it("copes with a card that is not an object", () => {
    const info: VCardInfo = { kind: "individual", formatedName: "Ann Lee", mail: null, tel: null };
    expect(matcherFor("garbage" as unknown as VCard, info).matches(foldWords(["ann"]))).toBe(true);
  });
});

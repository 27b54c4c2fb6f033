import { describe, expect, it } from "vitest";
import { quickSearchQuery } from "../../test/unit/in-memory-thunderbird.ts";
import { covers, isSpecificEnough, minimalWords, queryWords, searchWords, SERVER_PREFIX_LIMIT, serverWords, wordsFromThunderbirdQuery, wordsKey } from "./words.ts";

describe("searchWords", () => {
  it("splits on white space and commas, lower-cases, sorts", () => {
    expect(searchWords("  Jean\tDUPONT, marie ")).toEqual(["dupont", "jean", "marie"]);
  });

  it("drops the quotes and brackets of a pasted address", () => {
    // "jane" is implied by "jane@example.com".
    expect(searchWords('"Jane Doe" <jane@example.com>')).toEqual(["doe", "jane@example.com"]);
    expect(searchWords("(ACME) [x] {y x)")).toEqual(["acme", "x", "y"]);
    expect(searchWords("o(x)")).toEqual(["o(x)"]);
  });

  it("keeps the inner punctuation of emails and compound names", () => {
    expect(searchWords("jean-pierre o'neil j.doe@ex")).toEqual(["j.doe@ex", "jean-pierre", "o'neil"]);
  });

  it("drops duplicates and words implied by a longer one", () => {
    expect(searchWords("je jean JEAN dupont du")).toEqual(["dupont", "jean"]);
    expect(minimalWords(["a", "ab", "abc", "b"])).toEqual(["abc", "b"]);
  });

  it("gives the same key to the same words in any order", () => {
    expect(wordsKey(searchWords("dupont jean"))).toBe(wordsKey(searchWords("Jean Dupont")));
  });

  it("finds no word in blank text", () => {
    expect(searchWords("  ,\t ")).toEqual([]);
  });
});

describe("wordsFromThunderbirdQuery", () => {
  it("reads the words of the search box's query, as Thunderbird writes it", () => {
    expect(wordsFromThunderbirdQuery(quickSearchQuery("jan"))).toEqual(["jan"]);
    expect(wordsFromThunderbirdQuery(quickSearchQuery("Jan Dupont"))).toEqual(["dupont", "jan"]);
  });

  it("decodes URI-encoded values", () => {
    // Thunderbird's encodeABTermValue: encodeURIComponent, plus ( and ) as %28 and %29.
    expect(wordsFromThunderbirdQuery("?(and(or(DisplayName,c,%C3%A9lodie)(FirstName,c,%C3%A9lodie))(or(DisplayName,c,o%28x%29)))")).toEqual(["o(x)", "élodie"]);
    expect(wordsFromThunderbirdQuery("(or(DisplayName,c,jean%20pierre))")).toEqual(["jean", "pierre"]);
  });

  it("survives malformed encodings and queries without conditions", () => {
    expect(wordsFromThunderbirdQuery("(or(DisplayName,c,100%))")).toEqual(["100%"]);
    expect(wordsFromThunderbirdQuery("garbage")).toEqual([]);
  });
});

describe("queryWords", () => {
  it("prefers what the user typed over Thunderbird's query", () => {
    expect(queryWords("jean", quickSearchQuery("other"))).toEqual(["jean"]);
  });

  it("reads the query when the typed text is missing or blank", () => {
    expect(queryWords(undefined, quickSearchQuery("marie"))).toEqual(["marie"]);
    expect(queryWords(" ", quickSearchQuery("marie"))).toEqual(["marie"]);
  });

  it("has nothing to search for autocompletion without text", () => {
    expect(queryWords(undefined, null)).toEqual([]);
  });
});

describe("isSpecificEnough", () => {
  it("needs one word of two characters or more", () => {
    expect(isSpecificEnough(["j"], 2)).toBe(false);
    expect(isSpecificEnough(["d", "j"], 2)).toBe(false);
    expect(isSpecificEnough(["d", "je"], 2)).toBe(true);
    expect(isSpecificEnough([], 2)).toBe(false);
  });

  it("counts characters, not UTF-16 units", () => {
    expect(isSpecificEnough(["𝒥"], 2)).toBe(false);
  });
});

describe("covers", () => {
  it("holds when every broader word is a prefix of a narrower word", () => {
    expect(covers(["je"], ["jean"])).toBe(true);
    expect(covers(["je"], ["dupont", "jean"])).toBe(true);
    expect(covers(["du", "je"], ["dupont", "jean"])).toBe(true);
    expect(covers(["jean"], ["jean"])).toBe(true);
  });

  it("fails when a broader word constrains something the narrower query does not", () => {
    expect(covers(["jean"], ["je"])).toBe(false);
    expect(covers(["du", "je"], ["jean"])).toBe(false);
    expect(covers(["ma"], ["jean"])).toBe(false);
  });

  it("compares accents as typed", () => {
    expect(covers(["je"], ["jé"])).toBe(false);
  });
});

describe("serverWords", () => {
  it("cuts each word at BlueMind's 20 indexed characters, and leaves short words alone", () => {
    expect(SERVER_PREFIX_LIMIT).toBe(20);
    expect(serverWords(["secretariat.direction.generale@x"])).toEqual(["secretariat.directio"]);
    expect(serverWords(["jean", "dupont"])).toEqual(["dupont", "jean"]);
    expect(serverWords(["abcdefghijklmnopqrst"])).toEqual(["abcdefghijklmnopqrst"]);
  });

  it("counts UTF-16 code units as Java does, without splitting a character", () => {
    expect(serverWords(["é".repeat(25)])).toEqual(["é".repeat(20)]);
    expect(serverWords([`${"a".repeat(19)}😀b`])).toEqual(["a".repeat(19)]);
  });

  it("drops a cut word that another word now implies", () => {
    expect(serverWords(["abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrst"])).toEqual(["abcdefghijklmnopqrst"]);
  });
});

import { describe, expect, it } from "vitest";
import { cleanText, emptyToNull, isBlank, nonEmpty } from "./text.ts";

describe("cleanText", () => {
  it("turns CRLF and lone CR into LF, which ical.js escapes as \\n", () => {
    expect(cleanText("a\r\nb\rc\nd")).toBe("a\nb\nc\nd");
  });

  it("drops control characters a content line cannot carry, keeps tabs", () => {
    expect(cleanText("a\u0000b\u0007c\u001bd\u007fe\tf")).toBe("abcde\tf");
  });

  it("replaces lone surrogates, keeps real pairs", () => {
    expect(cleanText("x\uD83Dy\uDE00z😀")).toBe("x\uFFFDy\uFFFDz😀");
  });
});

describe("nonEmpty / emptyToNull / isBlank", () => {
  it("keeps non-empty strings (cleaned), maps everything else to null", () => {
    expect(nonEmpty("é\r\n")).toBe("é\n");
    expect(nonEmpty(" ")).toBe(" ");
    expect(nonEmpty("")).toBeNull();
    expect(nonEmpty("\u0000")).toBeNull();
    expect(nonEmpty(42)).toBeNull();
    expect(nonEmpty(undefined)).toBeNull();
  });

  it("emptyToNull only maps the empty string and missing values", () => {
    expect(emptyToNull("")).toBeNull();
    expect(emptyToNull(undefined)).toBeNull();
    expect(emptyToNull(" ")).toBe(" ");
  });

  it("isBlank is true for whitespace and non-strings", () => {
    expect(isBlank(" \t\n")).toBe(true);
    expect(isBlank(null)).toBe(true);
    expect(isBlank(3)).toBe(true);
    expect(isBlank(" a ")).toBe(false);
  });
});

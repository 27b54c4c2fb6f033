import { describe, expect, it } from "vitest";
import { epochMsToIsoDate, parseVCardDate, utcDay, utcMidnight } from "./dates.ts";
import { inEnglish } from "../shared/user-text.ts";

const DAY = 86_400_000;

describe("epochMsToIsoDate (BlueMind → vCard)", () => {
  it("writes a UTC-midnight epoch as its day", () => {
    expect(epochMsToIsoDate(315532800000)).toEqual({ date: "1980-01-01", warning: null });
    expect(epochMsToIsoDate(0)).toEqual({ date: "1970-01-01", warning: null });
    expect(epochMsToIsoDate(-86400000 * 365)).toEqual({ date: "1969-01-01", warning: null });
  });

  it("rounds a local-midnight value to the day it meant (±12 h)", () => {
    expect(epochMsToIsoDate(315532800000 - 3_600_000).date).toBe("1980-01-01"); // CET midnight
    expect(epochMsToIsoDate(315532800000 + 5 * 3_600_000).date).toBe("1980-01-01"); // US midnight
  });

  it("writes four-digit years, early years included", () => {
    expect(epochMsToIsoDate(utcMidnight(12, 3, 4)).date).toBe("0012-03-04");
    expect(epochMsToIsoDate(utcMidnight(9999, 12, 31)).date).toBe("9999-12-31");
  });

  it("has nothing to write for null", () => {
    expect(epochMsToIsoDate(null)).toEqual({ date: null, warning: null });
    expect(epochMsToIsoDate(undefined)).toEqual({ date: null, warning: null });
  });

  it("refuses non-numbers and out-of-range values with a reason", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, "315532800000", 8.7e15, utcMidnight(10000 - 1, 12, 31)! + 2 * DAY]) {
      const result = epochMsToIsoDate(bad);
      expect(result.date).toBeNull();
      expect(result.warning === null ? null : inEnglish(result.warning)).toMatch(/.+/);
    }
  });
});

describe("parseVCardDate (vCard → BlueMind)", () => {
  it("reads the forms Thunderbird writes: 19800101 (as ical.js gives it: 1980-01-01) and 1980-01-01", () => {
    expect(parseVCardDate("1980-01-01", "date")).toEqual({ kind: "full", epochMs: 315532800000 });
    expect(parseVCardDate("19800101", "date-and-or-time")).toEqual({ kind: "full", epochMs: 315532800000 });
  });

  it("keeps the date part of a date-time", () => {
    expect(parseVCardDate("1980-01-01T12:00:00Z", "date-and-or-time")).toEqual({ kind: "full", epochMs: 315532800000 });
  });

  it("reports partial dates with what they hold", () => {
    expect(parseVCardDate("--03-15", "date")).toEqual({ kind: "partial", year: null, month: 3, day: 15 });
    expect(parseVCardDate("--0315", "date")).toEqual({ kind: "partial", year: null, month: 3, day: 15 });
    expect(parseVCardDate("--02-29", "date")).toEqual({ kind: "partial", year: null, month: 2, day: 29 });
    expect(parseVCardDate("1980-03", "date")).toEqual({ kind: "partial", year: 1980, month: 3, day: null });
    expect(parseVCardDate("1980", "date")).toEqual({ kind: "partial", year: 1980, month: null, day: null });
    expect(parseVCardDate("--03", "date")).toEqual({ kind: "partial", year: null, month: 3, day: null });
    expect(parseVCardDate("---15", "date")).toEqual({ kind: "partial", year: null, month: null, day: 15 });
  });

  it("treats empty values as no date", () => {
    expect(parseVCardDate("", "date")).toEqual({ kind: "empty" });
    expect(parseVCardDate("  ", "date-and-or-time")).toEqual({ kind: "empty" });
  });

  it("rejects impossible dates, times alone, text values and garbage", () => {
    for (const [raw, type] of [
      ["1980-02-30", "date"],
      ["1981-02-29", "date"],
      ["1980-13-01", "date"],
      ["0000-01-01", "date"],
      ["--13-01", "date"],
      ["--02-30", "date"],
      ["---32", "date"],
      ["T12:00", "date-and-or-time"],
      ["circa 1800", "text"],
      ["1980-01-01", "text"],
      ["yesterday", "date-and-or-time"],
    ] as const) {
      expect(parseVCardDate(raw, type), raw).toEqual({ kind: "invalid" });
    }
  });

  it("accepts 29 February in leap years only", () => {
    expect(parseVCardDate("2000-02-29", "date").kind).toBe("full");
    expect(parseVCardDate("1900-02-29", "date").kind).toBe("invalid");
  });
});

describe("utcMidnight / utcDay", () => {
  it("maps years below 100 literally (not 19xx)", () => {
    expect(utcDay(utcMidnight(50, 6, 1)!)).toEqual({ year: 50, month: 6, day: 1 });
  });

  it("rounds to the nearest day", () => {
    expect(utcDay(315532800000 + 11 * 3_600_000)).toEqual({ year: 1980, month: 1, day: 1 });
    expect(utcDay(315532800000 - 11 * 3_600_000)).toEqual({ year: 1980, month: 1, day: 1 });
  });

  it("returns null for days that do not exist", () => {
    expect(utcMidnight(2023, 2, 29)).toBeNull();
    expect(utcMidnight(2023, 4, 31)).toBeNull();
    expect(utcMidnight(2023, 0, 1)).toBeNull();
    expect(utcMidnight(2023.5, 1, 1)).toBeNull();
  });
});

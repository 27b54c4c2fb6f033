import { describe, expect, it } from "vitest";
import { parseTel, telText } from "./tel.ts";

describe("telText", () => {
  it("appends the extension RFC 3966 style", () => {
    expect(telText("+33 5 00 00 00 00", "12")).toBe("+33 5 00 00 00 00;ext=12");
  });

  it("writes the bare number without an extension", () => {
    expect(telText("+33 5 00", null)).toBe("+33 5 00");
    expect(telText("+33 5 00", "")).toBe("+33 5 00");
  });
});

describe("parseTel", () => {
  it("splits Thunderbird's text value at the first ;ext=", () => {
    expect(parseTel("+33 5 00 00 00 00;ext=12", "text")).toEqual({ value: "+33 5 00 00 00 00", ext: "12" });
    expect(parseTel("555;EXT=7;ext=8", "text")).toEqual({ value: "555", ext: "7;ext=8" });
  });

  it("keeps a number without extension (and other ;…) as typed", () => {
    expect(parseTel("+1 555 0100 x12", "text")).toEqual({ value: "+1 555 0100 x12", ext: null });
    expect(parseTel("555;foo", "text")).toEqual({ value: "555;foo", ext: null });
  });

  it("drops the scheme of a tel: URI (vCard 4's default type)", () => {
    expect(parseTel("tel:+1-555-0100;ext=3", "uri")).toEqual({ value: "+1-555-0100", ext: "3" });
    expect(parseTel("tel:+1-555-0100", "uri")).toEqual({ value: "+1-555-0100", ext: null });
  });

  it("keeps a text value that happens to start with tel:", () => {
    expect(parseTel("tel: ask reception", "text")).toEqual({ value: "tel: ask reception", ext: null });
  });

  it("treats an empty extension as none", () => {
    expect(parseTel("555;ext=", "text")).toEqual({ value: "555", ext: null });
  });
});

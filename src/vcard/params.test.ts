import { describe, expect, it } from "vitest";
import type { JCardProperty } from "./jcard.ts";
import { readBlueMindParams, readVCardParams, sameParameters, toBlueMindParams, toVCardParams } from "./params.ts";

const property = (params: JCardProperty["params"]): JCardProperty => ({ name: "tel", params, type: "text", values: ["1"] });

describe("readBlueMindParams", () => {
  it("reads TYPE (one parameter per type), lower-cased, without duplicates", () => {
    const params = readBlueMindParams(
      [
        { label: "TYPE", value: "Voice" },
        { label: "type", value: "WORK" },
        { label: "TYPE", value: "work" },
      ],
      false,
    );
    expect(params.types).toEqual(["voice", "work"]);
    expect(params.extras).toEqual([]);
  });

  it("splits a comma-separated TYPE value", () => {
    expect(readBlueMindParams([{ label: "TYPE", value: "work, cell" }], false).types).toEqual(["work", "cell"]);
  });

  it("reads DEFAULT=true on emails only", () => {
    expect(readBlueMindParams([{ label: "DEFAULT", value: "true" }], true).isDefault).toBe(true);
    expect(readBlueMindParams([{ label: "DEFAULT", value: "TRUE" }], true).isDefault).toBe(true);
    expect(readBlueMindParams([{ label: "DEFAULT", value: "true" }], false)).toMatchObject({ isDefault: false, extras: [{ label: "DEFAULT", value: "true" }] });
  });

  it("reads PREF 1–100 on non-email entries", () => {
    expect(readBlueMindParams([{ label: "PREF", value: "2" }], false).pref).toBe(2);
    expect(readBlueMindParams([{ label: "PREF", value: "0" }], false)).toMatchObject({ pref: null, extras: [{ label: "PREF", value: "0" }] });
    expect(readBlueMindParams([{ label: "PREF", value: "1" }], true)).toMatchObject({ pref: null, extras: [{ label: "PREF", value: "1" }] });
  });

  it("keeps everything it does not represent as extras", () => {
    const params = readBlueMindParams(
      [
        { label: "X-BM-ORIGIN", value: "ldap" },
        { label: "TYPE", value: "not a token" },
        { label: "DEFAULT", value: "false" },
      ],
      true,
    );
    expect(params.types).toEqual([]);
    expect(params.isDefault).toBe(false);
    expect(params.extras).toEqual([
      { label: "X-BM-ORIGIN", value: "ldap" },
      { label: "TYPE", value: "not a token" },
      { label: "DEFAULT", value: "false" },
    ]);
  });

  it("ignores malformed entries and non-arrays", () => {
    expect(readBlueMindParams([null, 3, { value: "x" }, { label: 5 }], false)).toEqual({ types: [], pref: null, isDefault: false, extras: [] });
    expect(readBlueMindParams("TYPE=work", false).types).toEqual([]);
    expect(readBlueMindParams([{ label: "TYPE" }], false).extras).toEqual([{ label: "TYPE", value: "" }]);
  });
});

describe("toVCardParams", () => {
  it("writes one TYPE as a string, several as a list, PREF as a string", () => {
    expect(toVCardParams(["work"], null)).toEqual({ type: "work" });
    expect(toVCardParams(["voice", "work"], 1)).toEqual({ pref: "1", type: ["voice", "work"] });
    expect(toVCardParams([], null)).toEqual({});
  });
});

describe("readVCardParams", () => {
  it("reads TYPE lists in any case and PREF", () => {
    expect(readVCardParams(property({ type: ["WORK", "Voice"], pref: "1" }))).toEqual({ types: ["work", "voice"], pref: 1 });
    expect(readVCardParams(property({ type: "cell" }))).toEqual({ types: ["cell"], pref: null });
  });

  it("reads a vCard 3 TYPE=pref as PREF=1", () => {
    expect(readVCardParams(property({ type: ["INTERNET", "pref"] }))).toEqual({ types: ["internet"], pref: 1 });
  });

  it("ignores invalid PREF values and non-token types", () => {
    expect(readVCardParams(property({ pref: "high", type: "a b" }))).toEqual({ types: [], pref: null });
  });
});

describe("toBlueMindParams / sameParameters", () => {
  it("builds TYPE entries, DEFAULT or PREF, then the previous extras", () => {
    expect(toBlueMindParams(["work"], null, true, [{ label: "X", value: "y" }])).toEqual([
      { label: "TYPE", value: "work" },
      { label: "DEFAULT", value: "true" },
      { label: "X", value: "y" },
    ]);
    expect(toBlueMindParams(["cell"], 3, false, [])).toEqual([
      { label: "TYPE", value: "cell" },
      { label: "PREF", value: "3" },
    ]);
  });

  it("does not keep a DEFAULT=false extra on the default entry", () => {
    expect(toBlueMindParams([], null, true, [{ label: "DEFAULT", value: "false" }])).toEqual([{ label: "DEFAULT", value: "true" }]);
  });

  it("compares as multisets, TYPE values case-insensitively", () => {
    const a = [
      { label: "TYPE", value: "WORK" },
      { label: "X", value: "1" },
    ];
    const b = [
      { label: "X", value: "1" },
      { label: "type", value: "work" },
    ];
    expect(sameParameters(a, b)).toBe(true);
    expect(sameParameters(a, [{ label: "X", value: "1" }])).toBe(false);
    expect(sameParameters([{ label: "X", value: "A" }], [{ label: "X", value: "a" }])).toBe(false);
  });
});

// Server data of unexpected shapes and damaged vCards never throw: a card is converted with what
// can be read (and warnings), or reported with its uid and a reason so the sync skips it.

import { describe, expect, it } from "vitest";
import type { VCard } from "../shared/bluemind-card.ts";
import { janeDoe } from "../../test/unit/fixtures/vcard/cards.ts";
import { vCardToBlueMind } from "./from-vcard.ts";
import { blueMindToVCard } from "./to-vcard.ts";
import { inEnglish } from "../shared/user-text.ts";
import { englishResult } from "../../test/support/english.ts";

const UID = "tb-uid-1";
const asCard = (value: unknown): VCard => value as VCard;

function lines(card: unknown): string[] {
  const result = blueMindToVCard(asCard(card), UID);
  if (!result.ok) throw new Error(inEnglish(result.reason));
  return result.value.split("\r\n").filter(Boolean);
}

describe("BlueMind → vCard tolerance", () => {
  it("reports a card that is not an object, with the uid", () => {
    for (const value of [null, undefined, "card", 42, [janeDoe()]]) {
      expect(englishResult(blueMindToVCard(asCard(value), UID))).toEqual({ ok: false, uid: UID, reason: expect.stringMatching(/not an object/) });
    }
  });

  it("reports a missing Thunderbird UID", () => {
    expect(englishResult(blueMindToVCard(janeDoe(), ""))).toMatchObject({ ok: false, uid: null, reason: expect.stringMatching(/UID/) });
    expect(blueMindToVCard(janeDoe(), undefined as unknown as string)).toMatchObject({ ok: false });
  });

  it("writes a minimal vCard for a card with no sub-objects", () => {
    expect(lines({ kind: "individual" })).toEqual(["BEGIN:VCARD", "VERSION:4.0", "KIND:individual", "FN:", `UID:${UID}`, "END:VCARD"]);
    expect(lines({})).toContain("KIND:individual");
  });

  it("skips fields of the wrong shape instead of throwing", () => {
    const card = {
      kind: "individual",
      identification: { formatedName: "Jane", name: ["Doe"], nickname: { value: 7 }, gender: "F", birthday: "1980-01-01" },
      deliveryAddressing: { address: { locality: "Paris" } },
      communications: {
        emails: "jane@example.com",
        tels: [null, 3, { value: 5 }, { value: "+33 1", ext: 12, parameters: { label: "TYPE", value: "work" } }],
        impps: [{ value: ["xmpp:x"] }],
        langs: null,
      },
      organizational: { org: "ACME", title: ["CTO"], member: "everyone" },
      explanatory: { urls: [{}], categories: [{ label: null }, "vip", { label: 3 }], note: { html: "<p>x</p>" } },
      related: "nobody",
      security: "none",
    };
    expect(lines(card)).toEqual(["BEGIN:VCARD", "VERSION:4.0", "KIND:individual", "FN:", "TEL;VALUE=TEXT:+33 1", `UID:${UID}`, "END:VCARD"]);
  });

  it("writes an unknown kind as individual, with a warning", () => {
    const result = blueMindToVCard(asCard({ ...janeDoe(), kind: "robot" }), UID);
    expect(result.ok && result.value).toContain("KIND:individual");
    expect(result.ok && result.warnings.map(inEnglish)).toEqual([expect.stringMatching(/unknown kind "robot"/)]);
  });

  it("leaves out invalid or out-of-range dates, with warnings", () => {
    const card = janeDoe();
    card.identification!.birthday = Number.NaN;
    card.identification!.anniversary = 1e20;
    const result = blueMindToVCard(card, UID);
    expect(result.ok && result.value).not.toMatch(/BDAY|ANNIVERSARY/);
    expect(result.ok && result.warnings.map(inEnglish)).toEqual([expect.stringMatching(/^birthday: /), expect.stringMatching(/^anniversary: /)]);
  });

  it("writes nothing for empty values and entries", () => {
    const card = {
      kind: "individual",
      identification: { formatedName: { value: "X" }, name: { familyNames: "", givenNames: null }, nickname: { value: "" }, gender: { value: "", text: "" } },
      deliveryAddressing: [{ address: { streetAddress: "", locality: null } }, {}],
      communications: { emails: [{ value: "" }, { value: "  " }], tels: [{ value: "", ext: "12" }], impps: [{ value: null }], langs: [{ value: "" }] },
      organizational: { title: "", role: null, org: { company: "", department: "", division: "" } },
      explanatory: { urls: [{ value: "" }], categories: [{ label: "" }], note: "<p>&nbsp;</p>" },
    };
    expect(lines(card)).toEqual(["BEGIN:VCARD", "VERSION:4.0", "KIND:individual", "FN:X", `UID:${UID}`, "END:VCARD"]);
  });

  it("accepts the older security.key shape and unknown fields", () => {
    const card = { ...janeDoe(), security: { key: { value: "PGP", parameters: [] } }, newServerField: [1, 2] };
    expect(blueMindToVCard(asCard(card), UID)).toMatchObject({ ok: true, warnings: [] });
  });

  it("cleans control characters and CR out of values", () => {
    const card = { kind: "individual", identification: { formatedName: { value: "Ja\u0000ne\r\nDoe\u0007" } } };
    expect(lines(card)).toContain("FN:Jane\\nDoe");
  });

  it("warns when a trailing backslash has to be dropped before a delimiter", () => {
    const card = { kind: "individual", organizational: { org: { company: "ACME\\", department: "R&D" } } };
    const result = blueMindToVCard(asCard(card), UID);
    expect(result.ok && result.value).toContain("ORG:ACME;R&D");
    expect(result.ok && result.warnings.map(inEnglish)).toEqual([expect.stringMatching(/^ORG: a trailing backslash/)]);
  });
});

describe("vCard → BlueMind tolerance", () => {
  const vCard = (...content: string[]) => ["BEGIN:VCARD", "VERSION:4.0", ...content, "END:VCARD", ""].join("\r\n");

  it("reports unreadable texts with a reason, and the UID when it can be seen", () => {
    expect(englishResult(vCardToBlueMind(""))).toEqual({ ok: false, uid: null, reason: "empty vCard" });
    expect(englishResult(vCardToBlueMind("not a vcard"))).toMatchObject({ ok: false, uid: null, reason: expect.stringMatching(/unreadable/) });
    expect(englishResult(vCardToBlueMind("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))).toMatchObject({ ok: false, reason: expect.stringMatching(/not a vCard/) });
    expect(vCardToBlueMind("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:abc-1\r\nFN:cut")).toMatchObject({ ok: false, uid: "abc-1" });
    expect(englishResult(vCardToBlueMind(vCard("FN:a") + vCard("FN:b")))).toMatchObject({ ok: false, reason: expect.stringMatching(/several/) });
    expect(vCardToBlueMind(null as unknown as string)).toMatchObject({ ok: false, uid: null });
  });

  it("ignores unknown and grouped properties", () => {
    const result = vCardToBlueMind(vCard("FN:x", "X-FOO;X-BAR=1:baz", "item1.X-ABLABEL:_$!<Other>!$_", "CLIENTPIDMAP:1;urn:uuid:x", "SOUND:data:x"));
    expect(result).toMatchObject({ ok: true, warnings: [], value: { identification: { formatedName: { value: "x" } } } });
  });

  it("reads a card without VERSION, a vCard 3.0, and warns on other versions", () => {
    expect(vCardToBlueMind("BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n")).toMatchObject({ ok: true, warnings: [] });
    expect(vCardToBlueMind("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nTEL;TYPE=WORK,VOICE:+1 555\r\nEND:VCARD\r\n")).toMatchObject({
      ok: true,
      value: { communications: { tels: [{ value: "+1 555", parameters: [{ label: "TYPE", value: "work" }, { label: "TYPE", value: "voice" }] }] } },
    });
    const other = vCardToBlueMind(vCard("FN:x").replace("VERSION:4.0", "VERSION:5.0"));
    expect(other.ok && other.warnings.map(inEnglish)).toEqual(["vCard version 5.0 read as 4.0"]);
  });

  it("treats empty values as absent", () => {
    const result = vCardToBlueMind(vCard("FN:", "N:;;;;", "NICKNAME:", "EMAIL;PREF=1:", "TEL;VALUE=TEXT:", "ADR:;;;;;;", "ORG:;", "TITLE:", "NOTE:", "BDAY:", "GENDER:;", "URL:", "X-CUSTOM1:"));
    expect(result).toMatchObject({
      ok: true,
      warnings: [],
      value: {
        identification: { formatedName: { value: null }, nickname: { value: null }, birthday: null, gender: { value: null, text: null } },
        deliveryAddressing: [],
        communications: { emails: [], tels: [] },
        organizational: { title: null, org: { company: null, department: null, division: null } },
        explanatory: { note: null, urls: [] },
      },
    });
  });

  it("ignores an unknown KIND, keeping the server's", () => {
    const fresh = vCardToBlueMind(vCard("KIND:robot"));
    expect(englishResult(fresh)).toMatchObject({ ok: true, value: { kind: "individual" }, warnings: ['unknown KIND "robot" ignored'] });
    expect(vCardToBlueMind(vCard("KIND:robot"), { ...janeDoe(), kind: "org" })).toMatchObject({ ok: true, value: { kind: "org" } });
  });

  it("ignores unusable parameters", () => {
    const result = vCardToBlueMind(vCard('TEL;PREF=abc;TYPE="";X-Y=z;VALUE=TEXT:1', "EMAIL;PREF=0:a@b.c"));
    expect(result).toMatchObject({
      ok: true,
      value: { communications: { tels: [{ value: "1", parameters: [] }], emails: [{ value: "a@b.c", parameters: [] }] } },
    });
  });

  it("merges onto a malformed server copy without throwing", () => {
    const broken = [
      { kind: "individual", identification: null, communications: "x", deliveryAddressing: { address: {} }, organizational: [], explanatory: 5 },
      { kind: 3, identification: { name: "Doe", gender: [], formatedName: 7 }, communications: { emails: [null, 4, { value: 1 }], tels: "1" } },
      "not a card",
    ];
    for (const previous of broken) {
      const result = vCardToBlueMind(vCard("FN:Jane", "N:Doe;Jane;;;", "EMAIL;PREF=1:jane@x.org", "TEL;VALUE=TEXT:1", "ADR:;;1 rue X;;;;", "ORG:ACME", "NOTE:n", "GENDER:F"), asCard(previous));
      expect(result, JSON.stringify(previous)).toMatchObject({
        ok: true,
        value: {
          identification: { formatedName: { value: "Jane" }, name: { familyNames: "Doe" }, gender: { value: "F" } },
          communications: { emails: expect.arrayContaining([{ value: "jane@x.org", parameters: [{ label: "DEFAULT", value: "true" }] }]), tels: [{ value: "1" }] },
          organizational: { org: { company: "ACME" } },
          explanatory: { note: "n" },
        },
      });
    }
  });

  it("keeps server entries without a value (Thunderbird never showed them), drops non-objects", () => {
    const previous = { kind: "individual", communications: { emails: [null, 4, { value: 1, parameters: [] }] } };
    expect(vCardToBlueMind(vCard("EMAIL:a@b.c"), asCard(previous))).toMatchObject({
      ok: true,
      value: { communications: { emails: [{ value: "a@b.c", parameters: [] }, { value: 1, parameters: [] }] } },
    });
  });

  it("keeps a server date it could not write when the vCard has none", () => {
    const previous = { ...janeDoe(), identification: { ...janeDoe().identification, birthday: "1980-01-01" as unknown as number } };
    expect(vCardToBlueMind(vCard("FN:x"), previous)).toMatchObject({ ok: true, value: { identification: { birthday: "1980-01-01" } } });
  });
});

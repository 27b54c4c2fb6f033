import { describe, expect, it } from "vitest";
import type { VCard } from "../shared/bluemind-card.ts";
import { janeDoe, team } from "../../test/unit/fixtures/vcard/cards.ts";
import { blueMindToVCard } from "./to-vcard.ts";
import { inEnglish } from "../shared/user-text.ts";

const UID = "5d0c6c8e-2b9f-5a43-8f0e-0b5e4a1c9d11";

function write(card: VCard): string {
  const result = blueMindToVCard(card, UID);
  if (!result.ok) throw new Error(inEnglish(result.reason));
  return result.value;
}

/** The content lines of a vCard, unfolded. */
function linesOf(card: VCard): string[] {
  return write(card).replaceAll("\r\n ", "").split("\r\n").filter(Boolean);
}

function linesFor(card: VCard, name: string): string[] {
  return linesOf(card).filter((line) => line.split(/[;:]/)[0] === name);
}

describe("blueMindToVCard: every field", () => {
  it("opens with VERSION:4.0 and closes with the caller's UID", () => {
    const lines = linesOf(janeDoe());
    expect(lines.slice(0, 2)).toEqual(["BEGIN:VCARD", "VERSION:4.0"]);
    expect(lines.slice(-2)).toEqual([`UID:${UID}`, "END:VCARD"]);
  });

  it("writes KIND", () => {
    expect(linesFor(janeDoe(), "KIND")).toEqual(["KIND:individual"]);
    expect(linesFor(team(), "KIND")).toEqual(["KIND:group"]);
    expect(linesFor({ ...janeDoe(), kind: "org" }, "KIND")).toEqual(["KIND:org"]);
    expect(linesFor({ ...janeDoe(), kind: "location" }, "KIND")).toEqual(["KIND:location"]);
  });

  it("writes FN and the five parts of N", () => {
    expect(linesFor(janeDoe(), "FN")).toEqual(["FN:Jane Doe"]);
    expect(linesFor(janeDoe(), "N")).toEqual(["N:Doe;Jane;Mary;Dr.;PhD"]);
  });

  it("writes N with empty parts when only some are set", () => {
    const card = janeDoe();
    card.identification!.name = { familyNames: null, givenNames: "Jane", additionalNames: null, prefixes: null, suffixes: null, parameters: [] };
    expect(linesFor(card, "N")).toEqual(["N:;Jane;;;"]);
  });

  it("rebuilds an empty FN like the server: name parts, then company, then default email", () => {
    const card = janeDoe();
    card.identification!.formatedName = { value: "", parameters: [] };
    expect(linesFor(card, "FN")).toEqual(["FN:Dr. Jane Mary Doe PhD"]);
    card.identification!.name = {};
    expect(linesFor(card, "FN")).toEqual(["FN:ACME"]);
    card.organizational!.org = null;
    expect(linesFor(card, "FN")).toEqual(["FN:jane@example.com"]);
    card.communications!.emails = [];
    expect(linesFor(card, "FN")).toEqual(["FN:"]);
  });

  it("writes NICKNAME", () => {
    expect(linesFor(janeDoe(), "NICKNAME")).toEqual(["NICKNAME:JD"]);
  });

  it("writes BDAY and ANNIVERSARY as dates", () => {
    expect(linesFor(janeDoe(), "BDAY")).toEqual(["BDAY;VALUE=DATE:19800101"]);
    expect(linesFor(janeDoe(), "ANNIVERSARY")).toEqual(["ANNIVERSARY;VALUE=DATE:20050618"]);
  });

  it("writes GENDER with its text", () => {
    expect(linesFor(janeDoe(), "GENDER")).toEqual(["GENDER:F;she/her"]);
    const card = janeDoe();
    card.identification!.gender = { value: "m", text: null, parameters: [] };
    expect(linesFor(card, "GENDER")).toEqual(["GENDER:M"]);
    card.identification!.gender = { value: null, text: "non-binary", parameters: [] };
    expect(linesFor(card, "GENDER")).toEqual(["GENDER:;non-binary"]);
    for (const sex of ["O", "N", "U"]) {
      card.identification!.gender = { value: sex, text: null };
      expect(linesFor(card, "GENDER")).toEqual([`GENDER:${sex}`]);
    }
    card.identification!.gender = { value: null, text: null, parameters: [] };
    expect(linesFor(card, "GENDER")).toEqual([]);
  });

  it("writes ADR with its seven parts and TYPE", () => {
    expect(linesFor(janeDoe(), "ADR")).toEqual([
      "ADR;TYPE=work:BP 12;Bâtiment C;1 rue X;Toulouse;Occitanie;31000;France",
      "ADR;TYPE=home:;;2 chemin Y;Albi;;81000;France",
    ]);
  });

  it("writes a multi-line street with \\n", () => {
    const card = janeDoe();
    card.deliveryAddressing = [{ address: { streetAddress: "1 rue X\nBâtiment B", locality: "Paris" } }];
    expect(linesFor(card, "ADR")).toEqual(["ADR:;;1 rue X\\nBâtiment B;Paris;;;"]);
  });

  it("writes TEL as text with its lower-case TYPEs and extension", () => {
    expect(linesFor(janeDoe(), "TEL")).toEqual([
      "TEL;TYPE=voice,work;VALUE=TEXT:+33 5 00 00 00 00;ext=12",
      "TEL;TYPE=cell;VALUE=TEXT:+33 6 11 22 33 44",
      "TEL;TYPE=fax;VALUE=TEXT:+33 5 00 00 00 01",
    ]);
    const card = janeDoe();
    card.communications!.tels = ["PAGER", "Text", "video", "home"].map((type) => ({ value: "1", parameters: [{ label: "TYPE", value: type }] }));
    expect(linesFor(card, "TEL")).toEqual(["pager", "text", "video", "home"].map((type) => `TEL;TYPE=${type};VALUE=TEXT:1`));
  });

  it("writes EMAIL with TYPE and PREF=1 on BlueMind's default one only", () => {
    expect(linesFor(janeDoe(), "EMAIL")).toEqual(["EMAIL;TYPE=home:jane.doe@example.org", "EMAIL;PREF=1;TYPE=work:jane@example.com"]);
  });

  it("writes no PREF when no email is marked DEFAULT (the first one is then primary on both sides)", () => {
    const card = janeDoe();
    card.communications!.emails = [{ value: "a@example.com" }, { value: "b@example.com", parameters: [{ label: "DEFAULT", value: "false" }] }];
    expect(linesFor(card, "EMAIL")).toEqual(["EMAIL:a@example.com", "EMAIL:b@example.com"]);
  });

  it("gives PREF=1 to the first DEFAULT email only", () => {
    const card = janeDoe();
    const isDefault = [{ label: "DEFAULT", value: "true" }];
    card.communications!.emails = [{ value: "a@x.org" }, { value: "b@x.org", parameters: isDefault }, { value: "c@x.org", parameters: isDefault }];
    expect(linesFor(card, "EMAIL")).toEqual(["EMAIL:a@x.org", "EMAIL;PREF=1:b@x.org", "EMAIL:c@x.org"]);
  });

  it("writes IMPP, LANG (with PREF), URL (with TYPE)", () => {
    expect(linesFor(janeDoe(), "IMPP")).toEqual(["IMPP:xmpp:jane@example.com"]);
    expect(linesFor(janeDoe(), "LANG")).toEqual(["LANG;PREF=1:fr", "LANG:en"]);
    expect(linesFor(janeDoe(), "URL")).toEqual(["URL;TYPE=work:https://acme.example/jane"]);
  });

  it("writes a LANG that is not a language tag as text rather than dropping it", () => {
    const card = janeDoe();
    card.communications!.langs = [{ value: "Français (France)" }];
    expect(linesFor(card, "LANG")).toEqual(["LANG;VALUE=TEXT:Français (France)"]);
  });

  it("writes ORG as company;department;division, TITLE and ROLE", () => {
    expect(linesFor(janeDoe(), "ORG")).toEqual(["ORG:ACME;R&D;Division Sud"]);
    expect(linesFor(janeDoe(), "TITLE")).toEqual(["TITLE:CTO"]);
    expect(linesFor(janeDoe(), "ROLE")).toEqual(["ROLE:Architect"]);
  });

  it("writes only the ORG parts that are needed", () => {
    const card = janeDoe();
    card.organizational!.org = { company: "ACME", department: null, division: null };
    expect(linesFor(card, "ORG")).toEqual(["ORG:ACME"]);
    card.organizational!.org = { company: null, department: "R&D", division: null };
    expect(linesFor(card, "ORG")).toEqual(["ORG:;R&D"]);
    card.organizational!.org = { company: null, department: null, division: "Sud" };
    expect(linesFor(card, "ORG")).toEqual(["ORG:;;Sud"]);
    card.organizational!.org = { company: "", department: null, division: "" };
    expect(linesFor(card, "ORG")).toEqual([]);
  });

  it("writes NOTE as readable text, HTML turned into lines", () => {
    expect(linesFor(janeDoe(), "NOTE")).toEqual(["NOTE:Met at FOSDEM 2024\\n\\nPrefers email.\\nSpeaks French & English."]);
    const card = janeDoe();
    card.explanatory!.note = "plain; text, with \\ and\nnew line";
    expect(linesFor(card, "NOTE")).toEqual(["NOTE:plain; text\\, with \\\\ and\\nnew line"]);
  });

  it("writes CATEGORIES from tag labels", () => {
    expect(linesFor(janeDoe(), "CATEGORIES")).toEqual(["CATEGORIES:VIP,Clients\\, Sud"]);
  });

  it("leaves out what Thunderbird cannot hold", () => {
    const text = write(janeDoe());
    for (const absent of ["PHOTO", "MEMBER", "RELATED", "KEY", "SOURCE", "DEFAULT", "Head office", "tag-1", "ff0000"]) {
      expect(text).not.toContain(absent);
    }
  });

  it("escapes every text field correctly", () => {
    const card = janeDoe();
    const tricky = "a, b; c\\ d\ne";
    card.identification!.formatedName = { value: tricky };
    card.identification!.name = { familyNames: tricky, givenNames: tricky };
    card.identification!.nickname = { value: tricky };
    card.organizational = { title: tricky, role: tricky, org: { company: tricky, department: tricky } };
    card.communications = { emails: [{ value: tricky }], tels: [{ value: tricky }], impps: [{ value: tricky }] };
    card.explanatory = { note: tricky, urls: [{ value: tricky }], categories: [{ label: tricky }] };
    card.deliveryAddressing = [{ address: { streetAddress: tricky, locality: tricky } }];
    const single = "a\\, b; c\\\\ d\\ne";
    const structured = "a\\, b\\; c\\\\ d\\ne";
    expect(linesOf(card)).toEqual(
      expect.arrayContaining([
        `FN:${single}`,
        `N:${structured};${structured};;;`,
        `NICKNAME:${single}`,
        `EMAIL:${single}`,
        `TEL;VALUE=TEXT:${single}`,
        `IMPP:${single}`,
        `URL:${single}`,
        `ADR:;;${structured};${structured};;;`,
        `ORG:${structured};${structured}`,
        `TITLE:${single}`,
        `ROLE:${single}`,
        `NOTE:${single}`,
        `CATEGORIES:${single}`,
      ]),
    );
  });

  it("writes accents and non-Latin scripts as they are (UTF-8, no encoding parameter)", () => {
    const card = janeDoe();
    card.identification!.formatedName = { value: "山田 太郎 — Жанна — يوسف — 😀" };
    expect(linesFor(card, "FN")).toEqual(["FN:山田 太郎 — Жанна — يوسف — 😀"]);
  });

  it("reports no warnings for a well-formed card", () => {
    expect(blueMindToVCard(janeDoe(), UID)).toMatchObject({ ok: true, warnings: [] });
  });
});

describe("blueMindToVCard: keeping what only Thunderbird holds", () => {
  const thunderbirdVCard = [
    "BEGIN:VCARD",
    "VERSION:4.0",
    "FN:Old Name",
    "EMAIL;PREF=1:old@example.com",
    "TZ:Europe/Paris",
    "X-CUSTOM1:perso\\, à moi",
    "PHOTO;VALUE=URL:data:image/png;base64,iVBORw0KGgo=",
    "item1.X-ABLABEL:label",
    "UID:old-uid",
    "END:VCARD",
    "",
  ].join("\r\n");

  it("carries Thunderbird-only properties over, BlueMind's values winning for the rest", () => {
    const result = blueMindToVCard(janeDoe(), UID, { thunderbirdVCard });
    expect(result).toMatchObject({ ok: true, warnings: [] });
    const lines = result.ok ? result.value.split("\r\n") : [];
    expect(lines).toEqual(
      expect.arrayContaining(["TZ:Europe/Paris", "X-CUSTOM1:perso\\, à moi", "PHOTO;VALUE=URL:data:image/png;base64,iVBORw0KGgo=", "ITEM1.X-ABLABEL:label"]),
    );
    expect(lines.slice(-3)).toEqual([`UID:${UID}`, "END:VCARD", ""]);
    expect(lines).not.toContain("FN:Old Name");
    expect(lines.filter((line) => line.startsWith("EMAIL"))).toHaveLength(2);
    expect(lines).not.toContain("UID:old-uid");
  });

  it("ignores an unreadable Thunderbird vCard, with a warning", () => {
    const result = blueMindToVCard(janeDoe(), UID, { thunderbirdVCard: "garbage" });
    expect(result.ok && result.warnings.map(inEnglish)).toEqual([expect.stringMatching(/could not be read/)]);
    expect(result.ok && result.value).toBe(write(janeDoe()));
  });
});


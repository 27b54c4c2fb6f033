// vCards as Thunderbird 153 writes them. The fixtures in test/unit/fixtures/vcard/tb153-*.vcf are
// hand-written in Thunderbird's style, to be replaced with captures from the real-Thunderbird
// harness (see the README there); these expectations must keep holding on the captures.

import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { VCard } from "../shared/bluemind-card.ts";
import { BIRTHDAY } from "../../test/unit/fixtures/vcard/cards.ts";
import { utcMidnight } from "./dates.ts";
import { vCardToBlueMind } from "./from-vcard.ts";
import { blueMindToVCard } from "./to-vcard.ts";
import { inEnglish } from "../shared/user-text.ts";

const FIXTURES = fileURLToPath(new URL("../../test/unit/fixtures/vcard/", import.meta.url));

function fixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, "utf8");
}

function read(name: string, previous: VCard | null = null): VCard {
  const result = vCardToBlueMind(fixture(name), previous);
  if (!result.ok) throw new Error(inEnglish(result.reason));
  return result.value;
}

describe("the fixtures look like Thunderbird's output", () => {
  const names = readdirSync(FIXTURES).filter((name) => name.endsWith(".vcf"));

  it.each(names)("%s: CRLF lines, VERSION:4.0 first, folded at 75 octets, a UID", (name) => {
    const text = fixture(name);
    expect(text.startsWith("BEGIN:VCARD\r\nVERSION:4.0\r\n")).toBe(true);
    expect(text.endsWith("END:VCARD\r\n")).toBe(true);
    expect(text.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
    for (const line of text.split("\r\n")) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(76);
    expect(text).toMatch(/\r\nUID:[^\r]+\r\n/);
  });

  it.each(names)("%s: converts, and converts back to a vCard that reads the same", (name) => {
    const first = read(name);
    const written = blueMindToVCard(first, "uid-1");
    expect(written.ok).toBe(true);
    if (written.ok) expect(vCardToBlueMind(written.value)).toMatchObject({ ok: true, value: first });
  });
});

describe("a contact created in Thunderbird", () => {
  it("gives a new BlueMind card whose default email is Thunderbird's primary one", () => {
    const card = read("tb153-new-contact.vcf");
    expect(card.kind).toBe("individual");
    expect(card.identification?.formatedName?.value).toBe("Sophie Martin");
    expect(card.identification?.name).toMatchObject({ familyNames: "Martin", givenNames: "Sophie", additionalNames: null });
    expect(card.communications?.emails).toEqual([{ value: "sophie.martin@example.com", parameters: [{ label: "DEFAULT", value: "true" }] }]);
  });
});

describe("a contact with every field of Thunderbird's editor", () => {
  const card = read("tb153-full-contact.vcf");

  it("reads names, nickname and dates", () => {
    expect(card.identification?.formatedName?.value).toBe("Dr. Jürgen Karl Müller Jr.");
    expect(card.identification?.name).toMatchObject({ familyNames: "Müller", givenNames: "Jürgen", additionalNames: "Karl", prefixes: "Dr.", suffixes: "Jr." });
    expect(card.identification?.nickname?.value).toBe("Jürg");
    expect(card.identification?.birthday).toBe(utcMidnight(1975, 3, 15));
    expect(card.identification?.anniversary).toBe(utcMidnight(2001, 6, 23));
  });

  it("reads emails with the primary one as default, phones with types and extension", () => {
    expect(card.communications?.emails?.map((email) => [email.value, email.parameters])).toEqual([
      [
        "juergen.mueller@example.com",
        [
          { label: "TYPE", value: "work" },
          { label: "DEFAULT", value: "true" },
        ],
      ],
      ["jm@example.org", [{ label: "TYPE", value: "home" }]],
    ]);
    expect(card.communications?.tels?.map((tel) => [tel.value, tel.ext, tel.parameters?.map((p) => p.value)])).toEqual([
      ["+49 30 1234567", "89", ["work"]],
      ["+49 170 7654321", null, ["cell"]],
      ["+49 30 1234568", null, ["fax"]],
    ]);
  });

  it("reads a multi-line street and both address types", () => {
    expect(card.deliveryAddressing?.map(({ address }) => [address.streetAddress, address.locality, address.postalCode, address.parameters])).toEqual([
      ["Hauptstraße 1\nGebäude B", "Berlin", "10115", [{ label: "TYPE", value: "work" }]],
      ["Rue de l'Église 3", "Toulouse", "31000", [{ label: "TYPE", value: "home" }]],
    ]);
  });

  it("reads the organisation, web page, chat address", () => {
    expect(card.organizational).toMatchObject({ title: "Leiter Entwicklung", role: "Architekt", org: { company: "Beispiel GmbH", department: "Forschung, Entwicklung", division: null } });
    expect(card.explanatory?.urls).toEqual([{ value: "https://example.com/~jm", parameters: [{ label: "TYPE", value: "work" }] }]);
    expect(card.communications?.impps).toEqual([{ value: "xmpp:jm@example.com", parameters: [] }]);
  });

  it("reads the multi-line note with its escapes", () => {
    expect(card.explanatory?.note).toBe("Erste Zeile\nZweite Zeile mit Komma, Semikolon; und Backslash \\\n\nNach der Leerzeile");
  });

  it("ignores the time zone and custom fields BlueMind has no place for", () => {
    expect(JSON.stringify(card)).not.toMatch(/Europe\/Berlin|eigenes Feld/);
  });
});

describe("a synced contact edited in Thunderbird", () => {
  /** The server copy the add-on wrote this contact from. */
  function serverCopy(): VCard {
    return {
      kind: "individual",
      identification: {
        formatedName: { value: "Jane Doe", parameters: [] },
        name: { familyNames: "Doe", givenNames: "Jane", additionalNames: null, prefixes: null, suffixes: null, parameters: [] },
        nickname: { value: null, parameters: [] },
        photo: true,
        birthday: BIRTHDAY,
        anniversary: null,
        gender: { value: "F", text: null, parameters: [] },
      },
      deliveryAddressing: [
        {
          address: {
            value: null,
            label: "Siège",
            postOfficeBox: "BP 12",
            extentedAddress: "Bâtiment C",
            streetAddress: "1 rue X",
            locality: "Toulouse",
            region: null,
            postalCode: "31000",
            countryName: "France",
            parameters: [{ label: "TYPE", value: "work" }],
          },
        },
      ],
      communications: {
        tels: [
          {
            value: "+33 5 00 00 00 00",
            ext: "12",
            parameters: [
              { label: "TYPE", value: "voice" },
              { label: "TYPE", value: "work" },
            ],
          },
        ],
        emails: [
          {
            value: "jane@example.com",
            parameters: [
              { label: "TYPE", value: "work" },
              { label: "DEFAULT", value: "true" },
            ],
          },
          { value: "jane.doe@example.org", parameters: [] },
        ],
        impps: [],
        langs: [{ value: "fr", parameters: [] }],
      },
      organizational: { title: "CTO", role: null, org: { company: "ACME", division: "Division Sud", department: "R&D" }, member: [] },
      explanatory: {
        urls: [{ value: "https://acme.example", parameters: [] }],
        categories: [
          { itemUid: "t-1", containerUid: "tags_1", label: "vip", color: "ff0000" },
          { itemUid: "t-2", containerUid: "tags_1", label: "client", color: "00ff00" },
        ],
        note: "<p>Hello <b>world</b></p><p>line2<br>line3</p>",
      },
      related: { spouse: null, manager: null, assistant: null },
      security: { keys: [{ value: "KEY", parameters: [] }] },
    };
  }

  it("pushes only the new phone: folds undone, HTML note, tags and keys kept", () => {
    const expected = serverCopy();
    expected.communications!.tels!.push({ value: "+33 6 11 22 33 44", ext: null, parameters: [{ label: "TYPE", value: "cell" }] });
    expect(vCardToBlueMind(fixture("tb153-edited-synced-contact.vcf"), serverCopy())).toStrictEqual({ ok: true, value: expected, warnings: [] });
  });
});

describe("dates BlueMind cannot store", () => {
  it("drops a year-less birthday and a year-only anniversary, with warnings", () => {
    const result = vCardToBlueMind(fixture("tb153-partial-dates.vcf"));
    expect(result).toMatchObject({ ok: true, value: { identification: { birthday: null, anniversary: null } } });
    expect(result.ok && result.warnings.map(inEnglish)).toEqual([expect.stringMatching(/^birthday: "--03-15"/), expect.stringMatching(/^anniversary: "2001"/)]);
  });
});

describe("non-Latin scripts and folded lines", () => {
  it("reads them back exactly", () => {
    const card = read("tb153-non-latin.vcf");
    expect(card.identification?.formatedName?.value).toBe("山田 太郎");
    expect(card.identification?.name).toMatchObject({ familyNames: "山田", givenNames: "太郎" });
    expect(card.identification?.nickname?.value).toBe("Таро");
    expect(card.organizational?.org).toEqual({ company: "株式会社例", department: "営業部", division: null });
    expect(card.explanatory?.note).toBe(
      "これは長いメモです。日本語の文字は三バイトなので、行は七十五オクテットで折り返されます。Ещё строка по-русски\nسطر باللغة العربية 😀",
    );
  });
});

describe("a card Thunderbird migrated from its pre-vCard properties", () => {
  it("reads the untyped phone and address and the VALUE=URL web page", () => {
    const card = read("tb153-migrated-legacy.vcf");
    expect(card.communications?.tels).toEqual([{ value: "555-0100", ext: null, parameters: [] }]);
    expect(card.deliveryAddressing?.[0]?.address).toMatchObject({ streetAddress: "12 Old Street", locality: "Oldtown", region: "OT", parameters: [] });
    expect(card.explanatory?.urls).toEqual([{ value: "http://legacy.example.com", parameters: [{ label: "TYPE", value: "work" }] }]);
    expect(card.communications?.emails?.map((email) => email.value)).toEqual(["legacy@example.com", "second@example.com"]);
    expect(card.identification?.birthday).toBe(utcMidnight(1969, 12, 31));
    expect(card.organizational?.org).toEqual({ company: "Old Corp", department: "Accounting", division: null });
  });
});

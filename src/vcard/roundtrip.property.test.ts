// Property tests over generated cards (test/unit/fixtures/vcard/arbitraries.ts): every text field
// carries accents, non-Latin scripts, emoji and the characters vCard escaping is about.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { VCard } from "../shared/bluemind-card.ts";
import { blueMindCard } from "../../test/unit/fixtures/vcard/arbitraries.ts";
import { thunderbirdEditorSave } from "../../test/unit/fixtures/vcard/thunderbird-save.ts";
import { utcDay } from "./dates.ts";
import { fallbackDisplayName, normalizeGender } from "./fields.ts";
import { vCardToBlueMind } from "./from-vcard.ts";
import { parseVCardText, listValues } from "./jcard.ts";
import { noteForThunderbird } from "./notes.ts";
import { readBlueMindParams } from "./params.ts";
import { asArray, asObject, dig } from "./read.ts";
import { blueMindToVCard } from "./to-vcard.ts";
import { isBlank, nonEmpty } from "./text.ts";
import { inEnglish } from "../shared/user-text.ts";

// 1,000 generated cards per property; raise with VCARD_PROPERTY_RUNS for a longer hunt.
const RUNS = { numRuns: Math.max(1000, Number(process.env.VCARD_PROPERTY_RUNS ?? 0) || 0) };
// About 3 s per 1,000 runs on a busy 2-core machine: leave room.
const TIMEOUT = { timeout: 30 * RUNS.numRuns };
const UID = "3f0c2a9e-6b1d-4c55-9a7e-2f4b8d9c1e07";

function toVCard(card: VCard): string {
  const result = blueMindToVCard(card, UID);
  if (!result.ok) throw new Error(inEnglish(result.reason));
  return result.value;
}

function fromVCard(text: string, previous: VCard | null = null): VCard {
  const result = vCardToBlueMind(text, previous);
  if (!result.ok) throw new Error(inEnglish(result.reason));
  return result.value;
}

/**
 * Components that precede a delimiter lose trailing backslashes (see protectDelimitedValues).
 * N and ADR always have all their components; ORG and CATEGORIES end at the last value.
 */
function asWritten(parts: (string | null)[], allComponents = false): (string | null)[] {
  let last = parts.length - 1;
  while (!allComponents && last > 0 && parts[last] === null) last--;
  return parts.map((part, index) => (part !== null && index < last ? nonEmpty(part.replace(/\\+$/, "")) : part));
}

/**
 * Thunderbird's editor trims ORG parts and writes street lines as a list; a value that then ends
 * with a backslash before a delimiter is misread by ical.js inside Thunderbird itself.
 */
function backslashBeforeThunderbirdDelimiter(card: VCard): boolean {
  const values = [
    ...(card.deliveryAddressing ?? []).flatMap(({ address }) => [address.postOfficeBox, address.extentedAddress, address.streetAddress]),
    card.organizational?.org?.company,
    card.organizational?.org?.department,
    card.organizational?.org?.division,
  ];
  return values.some((value) => typeof value === "string" && value.split("\n").some((line) => line.trim().endsWith("\\")));
}

/** Everything Thunderbird can hold, in a comparable form ("" = null, day-rounded dates…). */
function thunderbirdView(card: VCard): unknown {
  const entries = (list: unknown, forEmail: boolean) =>
    asArray(list)
      .map(asObject)
      .filter((entry) => !isBlank(entry?.value))
      .map((entry) => {
        const params = readBlueMindParams(entry?.parameters, forEmail);
        return { value: entry?.value, ext: nonEmpty(entry?.ext), types: params.types, pref: forEmail ? null : params.pref, isDefault: params.isDefault };
      });
  const day = (value: unknown) => (typeof value === "number" ? utcDay(value) : null);
  const emails = entries(card.communications?.emails, true);
  const firstDefault = emails.findIndex((email) => email.isDefault);
  return {
    kind: card.kind,
    fn: nonEmpty(card.identification?.formatedName?.value) ?? fallbackDisplayName(card),
    name: asWritten(["familyNames", "givenNames", "additionalNames", "prefixes", "suffixes"].map((key) => nonEmpty(dig(card, "identification", "name", key))), true),
    nickname: nonEmpty(card.identification?.nickname?.value),
    birthday: day(card.identification?.birthday),
    anniversary: day(card.identification?.anniversary),
    gender: [nonEmpty(card.identification?.gender?.value), nonEmpty(card.identification?.gender?.text)].map((v, i) =>
      i === 0 && v !== null ? normalizeGender(v) : v,
    ),
    addresses: asArray(card.deliveryAddressing)
      .map((entry) => asObject(dig(entry, "address")))
      .map((address) => ({
        parts: asWritten(["postOfficeBox", "extentedAddress", "streetAddress", "locality", "region", "postalCode", "countryName"].map((key) => nonEmpty(address?.[key])), true),
        params: readBlueMindParams(address?.parameters, false),
      }))
      .filter((address) => address.parts.some((part) => part !== null))
      .map((address) => ({ parts: address.parts, types: address.params.types, pref: address.params.pref })),
    emails: emails.map((email, index) => ({ ...email, isDefault: index === firstDefault })),
    tels: entries(card.communications?.tels, false),
    impps: entries(card.communications?.impps, false),
    langs: entries(card.communications?.langs, false),
    urls: entries(card.explanatory?.urls, false),
    org: asWritten(["company", "department", "division"].map((key) => nonEmpty(dig(card, "organizational", "org", key)))),
    title: nonEmpty(card.organizational?.title),
    role: nonEmpty(card.organizational?.role),
    note: noteForThunderbird(card.explanatory?.note),
  };
}

describe("BlueMind → vCard → BlueMind", TIMEOUT, () => {
  it("merging a card's own vCard onto it gives back the identical card", () => {
    fc.assert(
      fc.property(blueMindCard, (card) => {
        const merged = vCardToBlueMind(toVCard(card), card);
        expect(merged.ok && merged.warnings).toEqual([]);
        expect(merged.ok && merged.value).toStrictEqual(card);
      }),
      RUNS,
    );
  });

  it("keeps every field Thunderbird can hold, without the server copy", () => {
    fc.assert(
      fc.property(blueMindCard, (card) => {
        expect(thunderbirdView(fromVCard(toVCard(card)))).toStrictEqual(thunderbirdView(card));
      }),
      RUNS,
    );
  });

  it("writes tag labels as CATEGORIES", () => {
    fc.assert(
      fc.property(blueMindCard, (card) => {
        const parsed = parseVCardText(toVCard(card));
        const categories = parsed.ok ? parsed.properties.filter((p) => p.name === "categories").flatMap(listValues) : null;
        const labels = (card.explanatory?.categories ?? []).map((tag) => nonEmpty(tag.label));
        expect(categories).toStrictEqual(asWritten(labels.filter((label) => label !== null)).filter((label) => label !== null));
      }),
      RUNS,
    );
  });

  it("survives Thunderbird's editor saving the contact (folded address and ORG units)", () => {
    fc.assert(
      fc.property(blueMindCard, (card) => {
        fc.pre(!backslashBeforeThunderbirdDelimiter(card));
        const saved = thunderbirdEditorSave(toVCard(card));
        const merged = vCardToBlueMind(saved, card);
        expect(merged.ok && merged.value).toStrictEqual(card);
      }),
      RUNS,
    );
  });
});

describe("vCard → BlueMind → vCard", TIMEOUT, () => {
  // Lines Thunderbird keeps in its vCards that BlueMind has no field for.
  const thunderbirdOnly = "TZ:Europe/Paris\r\nX-CUSTOM1:perso\\, à moi\r\nITEM1.X-ABLABEL:label\r\n";

  it("is stable: converting the converted vCard again changes nothing", () => {
    fc.assert(
      fc.property(blueMindCard, (card) => {
        fc.pre(!backslashBeforeThunderbirdDelimiter(card));
        const thunderbird = thunderbirdEditorSave(toVCard(card)).replace("END:VCARD", `${thunderbirdOnly}END:VCARD`);
        const first = fromVCard(thunderbird);
        const written = toVCard(first);
        const second = fromVCard(written);
        expect(second).toStrictEqual(first);
        expect(toVCard(second)).toBe(written);
      }),
      RUNS,
    );
  });

  it("keeps Thunderbird-only properties when the server copy is written back", () => {
    fc.assert(
      fc.property(blueMindCard, (card) => {
        fc.pre(!backslashBeforeThunderbirdDelimiter(card));
        const thunderbird = thunderbirdEditorSave(toVCard(card)).replace("END:VCARD", `${thunderbirdOnly}END:VCARD`);
        const result = blueMindToVCard(fromVCard(thunderbird, card), UID, { thunderbirdVCard: thunderbird });
        expect(result.ok && result.value).toBe(toVCard(card).replace(`UID:${UID}`, `${thunderbirdOnly}UID:${UID}`));
      }),
      RUNS,
    );
  });

  it("is stable when merged onto the server copy each time", () => {
    fc.assert(
      fc.property(blueMindCard, (card) => {
        fc.pre(!backslashBeforeThunderbirdDelimiter(card));
        const thunderbird = thunderbirdEditorSave(toVCard(card));
        const merged = fromVCard(thunderbird, card);
        expect(fromVCard(toVCard(merged), merged)).toStrictEqual(merged);
        expect(toVCard(merged)).toBe(toVCard(card));
      }),
      RUNS,
    );
  });
});

describe("robustness", TIMEOUT, () => {
  it("never throws on arbitrary JSON given as a card", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = blueMindToVCard(value as unknown as VCard, UID);
        expect(typeof result.ok).toBe("boolean");
      }),
      RUNS,
    );
  });

  it("never throws on arbitrary or damaged vCard text", () => {
    const damaged = fc
      .tuple(blueMindCard, fc.nat(), fc.nat(), fc.string({ maxLength: 8 }))
      .map(([card, at, length, insert]) => {
        const vCard = toVCard(card);
        const start = at % vCard.length;
        return vCard.slice(0, start) + insert + vCard.slice(start + (length % 12));
      });
    fc.assert(
      fc.property(fc.oneof(fc.string(), damaged), blueMindCard, (text, previous) => {
        expect(typeof vCardToBlueMind(text).ok).toBe("boolean");
        expect(typeof vCardToBlueMind(text, previous).ok).toBe("boolean");
      }),
      RUNS,
    );
  });
});

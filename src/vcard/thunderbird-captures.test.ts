// vCards captured from a real Thunderbird (test/unit/fixtures/vcard/captured/<name>.vcf), each
// with the legacy properties Thunderbird derived from it (<name>.properties.json: DisplayName,
// PrimaryEmail, WorkPhone…) — that is, what Thunderbird shows. Converted to BlueMind, each card
// must hold exactly what Thunderbird showed, in the matching BlueMind fields.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { VCard } from "../shared/bluemind-card.ts";
import { utcDay } from "./dates.ts";
import { vCardToBlueMind } from "./from-vcard.ts";
import { readBlueMindParams } from "./params.ts";
import { blueMindToVCard } from "./to-vcard.ts";
import { inEnglish } from "../shared/user-text.ts";

const CAPTURED = fileURLToPath(new URL("../../test/unit/fixtures/vcard/captured/", import.meta.url));
const names = existsSync(CAPTURED)
  ? readdirSync(CAPTURED)
      .filter((file) => file.endsWith(".vcf") && existsSync(`${CAPTURED}${file.replace(/\.vcf$/, ".properties.json")}`))
      .map((file) => file.replace(/\.vcf$/, ""))
  : [];

/**
 * The legacy properties Thunderbird derives from a vCard (VCardUtils typeMap), computed from the
 * BlueMind card instead: if the conversion is faithful, the two agree.
 */
function shownByThunderbird(card: VCard): Record<string, string> {
  const shown: Record<string, string | null | undefined> = {};
  const id = card.identification;
  shown.DisplayName = id?.formatedName?.value;
  shown.LastName = id?.name?.familyNames;
  shown.FirstName = id?.name?.givenNames;
  shown.NamePrefix = id?.name?.prefixes;
  shown.NameSuffix = id?.name?.suffixes;
  shown.NickName = id?.nickname?.value;
  const emails = (card.communications?.emails ?? []).filter((email) => email.value);
  const primary = emails.find((email) => readBlueMindParams(email.parameters, true).isDefault) ?? emails[0];
  shown.PrimaryEmail = primary?.value;
  shown.SecondEmail = emails.find((email) => email !== primary)?.value;
  const phoneKinds: Record<string, string> = { home: "HomePhone", work: "WorkPhone", cell: "CellularNumber", pager: "PagerNumber", fax: "FaxNumber" };
  for (const tel of card.communications?.tels ?? []) {
    const types = readBlueMindParams(tel.parameters, false).types;
    const key = phoneKinds[types.find((type) => type in phoneKinds) ?? "work"] ?? "WorkPhone";
    shown[key] ??= [tel.value, tel.ext].filter(Boolean).join(";ext=");
  }
  for (const { address } of card.deliveryAddressing ?? []) {
    const prefix = readBlueMindParams(address.parameters, false).types.includes("home") ? "Home" : "Work";
    if (shown[`${prefix}City`] !== undefined || shown[`${prefix}Address`] !== undefined) continue;
    shown[`${prefix}POBox`] = address.postOfficeBox;
    shown[`${prefix}Address2`] = address.extentedAddress;
    shown[`${prefix}Address`] = address.streetAddress;
    shown[`${prefix}City`] = address.locality;
    shown[`${prefix}State`] = address.region;
    shown[`${prefix}ZipCode`] = address.postalCode;
    shown[`${prefix}Country`] = address.countryName;
  }
  shown.Company = card.organizational?.org?.company;
  shown.Department = card.organizational?.org?.department;
  shown.JobTitle = card.organizational?.title;
  const urls = card.explanatory?.urls ?? [];
  shown.WebPage1 = (urls.find((url) => readBlueMindParams(url.parameters, false).types.includes("work")) ?? urls[0])?.value;
  shown.Notes = card.explanatory?.note;
  for (const [prefix, epochMs] of [
    ["Birth", id?.birthday],
    ["Anniversary", id?.anniversary],
  ] as const) {
    if (typeof epochMs !== "number") continue;
    const day = utcDay(epochMs);
    shown[`${prefix}Year`] = String(day.year);
    shown[`${prefix}Month`] = String(day.month);
    shown[`${prefix}Day`] = String(day.day);
  }
  return Object.fromEntries(Object.entries(shown).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== ""));
}

/** Legacy properties BlueMind cannot hold the way Thunderbird does. */
function storable(properties: Record<string, string>): Record<string, string> {
  const kept = { ...properties };
  for (const prefix of ["Birth", "Anniversary"]) {
    // A partial date (no year, or no day) has no place in BlueMind's epoch dates.
    if (!(`${prefix}Year` in kept && `${prefix}Month` in kept && `${prefix}Day` in kept)) {
      delete kept[`${prefix}Year`];
      delete kept[`${prefix}Month`];
      delete kept[`${prefix}Day`];
    }
  }
  // Thunderbird joins the additional names of a list with spaces; BlueMind keeps them as one string.
  delete kept.AdditionalNames;
  return kept;
}

describe.runIf(names.length > 0)("vCards captured from Thunderbird", () => {
  it.each(names)("%s: BlueMind holds what Thunderbird shows", (name) => {
    const vCard = readFileSync(`${CAPTURED}${name}.vcf`, "utf8");
    const properties = JSON.parse(readFileSync(`${CAPTURED}${name}.properties.json`, "utf8")) as Record<string, string>;
    const result = vCardToBlueMind(vCard);
    expect(result.ok).toBe(true);
    if (result.ok) expect(shownByThunderbird(result.value)).toEqual(storable(properties));
  });

  it.each(names)("%s: written back for Thunderbird, reads the same", (name) => {
    const first = vCardToBlueMind(readFileSync(`${CAPTURED}${name}.vcf`, "utf8"));
    if (!first.ok) throw new Error(inEnglish(first.reason));
    const written = blueMindToVCard(first.value, "uid");
    if (!written.ok) throw new Error(inEnglish(written.reason));
    expect(vCardToBlueMind(written.value)).toMatchObject({ ok: true, value: first.value });
  });
});

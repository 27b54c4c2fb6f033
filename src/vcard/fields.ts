// Field layout shared by both directions: which BlueMind field is which vCard component.

import type { VCardKind } from "../shared/bluemind-card.ts";
import { asArray, asObject, dig } from "./read.ts";
import { readBlueMindParams } from "./params.ts";
import { nonEmpty } from "./text.ts";

/** N components, in vCard order (RFC 6350 §6.2.2). */
export const NAME_PARTS = ["familyNames", "givenNames", "additionalNames", "prefixes", "suffixes"] as const;

/** ADR components, in vCard order (RFC 6350 §6.3.1). `extentedAddress` is BlueMind's spelling. */
export const ADDRESS_PARTS = [
  "postOfficeBox",
  "extentedAddress",
  "streetAddress",
  "locality",
  "region",
  "postalCode",
  "countryName",
] as const;

export const STREET_INDEX = 2;

/** vCard properties this converter writes or reads; anything else is Thunderbird's own. */
export const MAPPED_PROPERTIES: ReadonlySet<string> = new Set([
  "version", "kind", "fn", "n", "nickname", "email", "tel", "adr", "url", "impp", "lang",
  "bday", "anniversary", "gender", "org", "title", "role", "note", "categories", "uid",
]);

export const KINDS: readonly VCardKind[] = ["individual", "group", "org", "location"];

export function asKind(value: unknown): VCardKind | null {
  if (typeof value !== "string") return null;
  const lower = value.trim().toLowerCase();
  return KINDS.find((kind) => kind === lower) ?? null;
}

/** RFC 6350 §6.2.7 sex component; other values are passed through as written. */
export function normalizeGender(value: string): string {
  return /^[mfonu]$/i.test(value) ? value.toUpperCase() : value;
}

/**
 * What BlueMind shows when formatedName is empty (the server rebuilds it the same way: name
 * parts, then company, then the default email). Thunderbird needs an FN to show a name.
 */
export function fallbackDisplayName(card: unknown): string | null {
  const name = dig(card, "identification", "name");
  const parts = ["prefixes", "givenNames", "additionalNames", "familyNames", "suffixes"]
    .map((key) => nonEmpty(dig(name, key)))
    .filter((part): part is string => part !== null);
  if (parts.length > 0) return parts.join(" ");
  const company = nonEmpty(dig(card, "organizational", "org", "company"));
  if (company !== null) return company;
  const emails = asArray(dig(card, "communications", "emails")).map(asObject);
  const preferred = emails.find((email) => readBlueMindParams(email?.parameters, true).isDefault) ?? emails[0];
  return nonEmpty(preferred?.value);
}

/** ORG components: company;department;division, without trailing empty ones. */
export function orgComponents(org: unknown): string[] {
  const parts = ["company", "department", "division"].map((key) => nonEmpty(dig(org, key)) ?? "");
  while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts.every((part) => part === "") ? [] : parts;
}

// The fields of the three-way contact merge (contact-merge.ts) and how their values compare.
//
// Every vCard property BlueMind holds is one field. Single-valued ones are compared as a whole
// (all properties of that name together); multi-valued ones entry by entry, an entry being
// named by its loose value (parameters left out) and its rank among equal values, so that an
// address written twice stays twice.
//
// Two keys per value:
// - strict: the value as read (text cleaned, TYPE lower-cased, parameter order and property
//   groups ignored). Finer than BlueMind's content (vCardContentHash): what Thunderbird holds and
//   BlueMind cannot (a year-less birthday, an extra parameter) still counts, so such a value is
//   never taken for unchanged and dropped.
// - loose: also without what Thunderbird rewrites on any save — PO box and extended address
//   folded into the street, organisation units joined into one (and a `;` inside a company
//   name taken as a unit break), outer spaces, TYPE order, the case of an email address.
//   Equal loose keys: the same value for the user.
// A blank property (Thunderbird's editor leaves empty ones) is no value; so is KIND:individual,
// the default, and an organisation made of separators only.

import { epochMsToIsoDate, parseVCardDate } from "./dates.ts";
import { STREET_INDEX, asKind, normalizeGender } from "./fields.ts";
import type { JCardProperty } from "./jcard.ts";
import { joinList, listValues, paramValues } from "./jcard.ts";
import { cleanText } from "./text.ts";

export type FieldShape = "scalar" | "set";

/** Merged fields in the order they are written (the order of to-vcard.ts). */
export const MERGED_FIELDS: readonly { name: string; shape: FieldShape }[] = [
  { name: "kind", shape: "scalar" },
  { name: "fn", shape: "scalar" },
  { name: "n", shape: "scalar" },
  { name: "nickname", shape: "scalar" },
  { name: "email", shape: "set" },
  { name: "tel", shape: "set" },
  { name: "adr", shape: "set" },
  { name: "url", shape: "set" },
  { name: "impp", shape: "set" },
  { name: "lang", shape: "set" },
  { name: "bday", shape: "scalar" },
  { name: "anniversary", shape: "scalar" },
  { name: "gender", shape: "scalar" },
  { name: "org", shape: "scalar" },
  { name: "title", shape: "scalar" },
  { name: "role", shape: "scalar" },
  { name: "note", shape: "scalar" },
  { name: "categories", shape: "set" },
];

/** A field's value on one side, or ABSENT. Keys are JSON, never "". */
export interface Version {
  strict: string;
  loose: string;
}

export const ABSENT: Version = { strict: "", loose: "" };

/** What the merge compares of one property. */
export interface PropertyKeys {
  /** No value: blank (Thunderbird's editor leaves empty properties), or KIND:individual. */
  blank: boolean;
  /** The loose value alone, parameters left out: what names a set entry. */
  looseValue: string;
  version: Version;
}

const known = new WeakMap<JCardProperty, PropertyKeys>();

/** The keys of a property, computed once (the merge never changes a property it has read). */
export function keysOf(property: JCardProperty): PropertyKeys {
  let keys = known.get(property);
  if (keys === undefined) {
    keys = computeKeys(property);
    known.set(property, keys);
  }
  return keys;
}

function computeKeys(property: JCardProperty): PropertyKeys {
  const values = parts(property);
  const strict = strictValue(property, values);
  const looseValue = loose(property.name, strict.map((part) => part.trim()));
  const blank = isBlank(property.name, values, looseValue);
  // An email's PREF says which email is primary: merged apart (contact-merge.ts).
  const withoutPref = property.name === "email";
  const version = {
    strict: JSON.stringify([strict, paramsKey(property, { withoutPref, loose: false })]),
    loose: JSON.stringify([looseValue, paramsKey(property, { withoutPref, loose: true })]),
  };
  return { blank, looseValue, version };
}

function isBlank(name: string, values: string[], looseValue: string): boolean {
  if (name === "kind") return (asKind(values[0] ?? "") ?? "individual") === "individual";
  // An organisation of separators only (a company named ";", written `ORG:\;`) is blank too:
  // Thunderbird's ical.js writes it back as `ORG:;`, no value at all.
  if (name === "org") return looseValue === "[]";
  return values.every((part) => part.trim() === "");
}

/** The components of a value, each cleaned (a plain text value is one component). */
function parts(property: JCardProperty): string[] {
  const [value] = property.values;
  if (property.values.length !== 1 || value === undefined || typeof value === "string") return listValues(property).map(cleanText);
  const separator = (index: number): string => (property.name === "adr" && index === STREET_INDEX ? "\n" : ",");
  return value.map((component, index) => cleanText(joinList(component, separator(index))));
}

function strictValue(property: JCardProperty, values: string[]): string[] {
  if (property.name === "bday" || property.name === "anniversary") return [dateKey(values.join(","), property.type)];
  if (property.name === "kind") return [asKind(values[0] ?? "") ?? values[0] ?? ""];
  return values;
}

/** The value without what Thunderbird's editor rewrites (`values` trimmed). */
function loose(name: string, values: string[]): string {
  switch (name) {
    case "email":
    case "lang":
      return JSON.stringify(values.map((value) => value.toLowerCase()));
    case "adr":
      return JSON.stringify(foldedAddress(values));
    case "org":
      // Units after the first are joined with ", " on save; and ical.js reads `ORG:\;a` (one
      // component) as text, so Thunderbird writes it back as `ORG:;a`.
      return JSON.stringify(values.flatMap((value) => value.split(/[;,]/)).map((unit) => unit.trim()).filter(Boolean));
    case "gender":
      return JSON.stringify([normalizeGender(values[0] ?? ""), ...values.slice(1)]);
    default:
      return JSON.stringify(values);
  }
}

/** Thunderbird's address editor shows and saves `pobox\nstreet\nextended` in the street box. */
function foldedAddress(values: string[]): string[] {
  const [poBox = "", extended = "", street = "", ...rest] = values;
  const lines = [poBox, street, extended].flatMap((part) => part.split("\n").map((line) => line.trim())).filter(Boolean);
  return [lines.join("\n"), ...rest];
}

function dateKey(raw: string, type: string): string {
  const date = parseVCardDate(raw, type);
  switch (date.kind) {
    case "full":
      return `full:${date.epochMs}`;
    case "partial":
      return `partial:${date.year ?? ""}-${date.month ?? ""}-${date.day ?? ""}`;
    default:
      return `raw:${raw}`;
  }
}

/**
 * Parameters as a sorted list, `group` left out. `withoutPref`: an email's PREF is which email is
 * primary, merged apart. `loose`: TYPE values sorted.
 */
function paramsKey(property: JCardProperty, options: { withoutPref: boolean; loose: boolean }): string {
  const entries: [string, string[]][] = [];
  for (const name of Object.keys(property.params).sort()) {
    if (name === "group" || (options.withoutPref && name === "pref")) continue;
    let values = paramValues(property, name);
    if (name === "type") {
      values = values.flatMap((value) => value.split(",")).map((type) => type.trim().toLowerCase());
      if (options.withoutPref) values = values.filter((type) => type !== "pref");
      if (options.loose) values = [...new Set(values)].sort();
      if (values.length === 0) continue;
    }
    entries.push([name, values]);
  }
  return JSON.stringify(entries);
}

/** Both keys of a single-valued field: its non-blank properties together, or ABSENT. */
export function scalarVersion(properties: JCardProperty[]): Version {
  const versions = properties.map(keysOf).filter((keys) => !keys.blank).map((keys) => keys.version);
  if (versions.length === 0) return ABSENT;
  return { strict: JSON.stringify(versions.map((v) => v.strict)), loose: JSON.stringify(versions.map((v) => v.loose)) };
}

/** The value as a person reads it, for the activity log. */
export function displayValue(property: JCardProperty): string {
  const values = parts(property).map((part) => part.trim());
  const nonEmpty = (list: string[]): string[] => list.filter((value) => value !== "");
  switch (property.name) {
    case "n":
      return nonEmpty([3, 1, 2, 0, 4].map((index) => values[index] ?? "")).join(" ");
    case "adr":
      return nonEmpty(values.flatMap((value) => value.split("\n").map((line) => line.trim()))).join(", ");
    case "gender":
      return nonEmpty(values).join(" ");
    case "bday":
    case "anniversary": {
      const date = parseVCardDate(values.join(","), property.type);
      return date.kind === "full" ? (epochMsToIsoDate(date.epochMs).date ?? values.join(",")) : values.join(",");
    }
    default:
      return nonEmpty(values).join(", ");
  }
}

// Parameters of list entries (emails, phones, addresses, URLs, IMPPs, languages).
//
// BlueMind: `[{label:"TYPE",value:"work"},{label:"TYPE",value:"voice"},{label:"DEFAULT",value:"true"}]`
// vCard:    `TYPE=work,voice;PREF=1`
//
// Represented in the vCard (and so replaced by what Thunderbird sends back):
// - TYPE values that are plain tokens, lower-cased (`work`, `home`, `cell`, `voice`, `fax`…);
// - DEFAULT=true on an email ↔ PREF=1 (Thunderbird's primary email is the one with the lowest
//   PREF, else the first — BlueMind's default is the DEFAULT one, else the first);
// - PREF=1..100 on other entries ↔ PREF.
// Everything else ("extras": unknown labels, DEFAULT=false, PREF on an email) never reaches
// Thunderbird; the merge copies it back from the matching previous entry.

import type { Parameter } from "../shared/bluemind-card.ts";
import type { JCardParams, JCardProperty } from "./jcard.ts";
import { paramValues } from "./jcard.ts";
import { asArray, asObject, asString } from "./read.ts";

const TOKEN = /^[a-z0-9-]+$/;

export interface EntryParams {
  types: string[];
  /** PREF (1–100), from a PREF param or a vCard 3 `TYPE=pref`. */
  pref: number | null;
  /** BlueMind's DEFAULT=true (only meaningful on emails). */
  isDefault: boolean;
  /** Parameters the vCard does not carry. */
  extras: Parameter[];
}

/** Reads BlueMind parameters. `forEmail`: PREF is not represented there (DEFAULT is). */
export function readBlueMindParams(parameters: unknown, forEmail: boolean): EntryParams {
  const result: EntryParams = { types: [], pref: null, isDefault: false, extras: [] };
  for (const raw of asArray(parameters)) {
    const entry = asObject(raw);
    const label = asString(entry?.label);
    const value = asString(entry?.value) ?? "";
    if (entry === null || label === null) continue;
    const upper = label.toUpperCase();
    if (upper === "TYPE") {
      const types = value.split(",").map((t) => t.trim().toLowerCase());
      if (types.every((t) => TOKEN.test(t))) {
        for (const type of types) if (!result.types.includes(type)) result.types.push(type);
        continue;
      }
    } else if (upper === "DEFAULT" && forEmail && value.toLowerCase() === "true") {
      result.isDefault = true;
      continue;
    } else if (upper === "PREF" && !forEmail) {
      const pref = parsePref(value);
      if (pref !== null && result.pref === null) {
        result.pref = pref;
        continue;
      }
    }
    result.extras.push({ label, value });
  }
  return result;
}

/** vCard parameters for an entry; `pref` wins over nothing, TYPE is omitted when empty. */
export function toVCardParams(types: string[], pref: number | null): JCardParams {
  const params: JCardParams = {};
  if (pref !== null) params.pref = String(pref);
  const [first, ...others] = types;
  if (first !== undefined) params.type = others.length === 0 ? first : [...types];
  return params;
}

/** Reads TYPE and PREF from a vCard property (other parameters are ignored). */
export function readVCardParams(property: JCardProperty): { types: string[]; pref: number | null } {
  const types: string[] = [];
  let pref = parsePref(paramValues(property, "pref")[0] ?? "");
  for (const raw of paramValues(property, "type")) {
    for (const part of raw.split(",")) {
      const type = part.trim().toLowerCase();
      if (type === "pref") pref = pref ?? 1; // vCard 3 spelling of "preferred"
      else if (TOKEN.test(type) && !types.includes(type)) types.push(type);
    }
  }
  return { types, pref };
}

/** BlueMind parameters for an entry read from a vCard, with the previous entry's extras. */
export function toBlueMindParams(types: string[], pref: number | null, isDefault: boolean, extras: Parameter[]): Parameter[] {
  const parameters: Parameter[] = types.map((type) => ({ label: "TYPE", value: type }));
  if (isDefault) parameters.push({ label: "DEFAULT", value: "true" });
  if (pref !== null) parameters.push({ label: "PREF", value: String(pref) });
  const kept = isDefault ? extras.filter((p) => p.label.toUpperCase() !== "DEFAULT") : extras;
  return [...parameters, ...kept.map((p) => ({ ...p }))];
}

/** Same parameters regardless of order (labels and TYPE values compared case-insensitively). */
export function sameParameters(a: Parameter[], b: Parameter[]): boolean {
  if (a.length !== b.length) return false;
  const key = (p: Parameter): string => {
    const label = p.label.toUpperCase();
    return `${label}\u0000${label === "TYPE" || label === "DEFAULT" ? p.value.toLowerCase() : p.value}`;
  };
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((value, index) => value === right[index]);
}

function parsePref(value: string): number | null {
  if (!/^\d{1,3}$/.test(value.trim())) return null;
  const pref = Number(value.trim());
  return pref >= 1 && pref <= 100 ? pref : null;
}

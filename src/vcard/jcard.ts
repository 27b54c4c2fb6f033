// The only module that talks to ical.js (the vCard library Thunderbird itself uses, so what we
// write is read back exactly the way Thunderbird reads it). ical.js is untyped at its edges
// (jCard arrays are `any`); everything leaving this module is checked and typed.
//
// Escaping is ical.js's, and it is the one Thunderbird expects: in single-value text (FN, NOTE,
// TITLE, TEL;VALUE=TEXT…) it escapes `\`, `,` and newlines but not `;` (Thunderbird would keep a
// `\;` as a literal backslash); in structured values (N, ADR, ORG, GENDER) it also escapes `;`.

import { messageOf } from "../shared/error-message.ts";
import ICAL from "ical.js";
import { text as userText, type UserText } from "../shared/user-text.ts";

/** One component of a structured value: a string, or several when the component is a list. */
export type JCardComponent = string | string[];

/** A property value: plain text, or the components of a structured property (N, ADR, ORG…). */
export type JCardValue = string | JCardComponent[];

export type JCardParams = Record<string, string | string[]>;

export interface JCardProperty {
  /** Lower-case property name (`fn`, `email`, `x-custom1`…). */
  name: string;
  /** Lower-case parameter names. `group` holds a property group (`item1.EMAIL`). */
  params: JCardParams;
  /** Lower-case value type (`text`, `uri`, `date`, `date-and-or-time`, `unknown`…). */
  type: string;
  /** One entry, or several for multi-valued properties (NICKNAME, CATEGORIES). */
  values: JCardValue[];
}

export type ParsedVCard =
  | { ok: true; version: string | null; properties: JCardProperty[] }
  | { ok: false; reason: UserText };

export function parseVCardText(text: string): ParsedVCard {
  if (typeof text !== "string" || text.trim() === "") return { ok: false, reason: userText("vcardEmpty") };
  // ical.js returns `any` here: a jCard component, or an array of them for several roots.
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (error) {
    return { ok: false, reason: userText("vcardUnreadable", messageOf(error)) };
  }
  const root = pickSingleRoot(parsed);
  if (!Array.isArray(root)) return { ok: false, reason: root };
  const properties: JCardProperty[] = [];
  for (const raw of root) {
    const property = toProperty(raw);
    if (property) properties.push(property);
  }
  const version = properties.find((p) => p.name === "version");
  return { ok: true, version: version && typeof version.values[0] === "string" ? version.values[0] : null, properties };
}

function pickSingleRoot(parsed: unknown): unknown[] | UserText {
  if (!Array.isArray(parsed) || parsed.length === 0) return userText("vcardNone");
  if (Array.isArray(parsed[0])) return parsed.length === 1 ? pickSingleRoot(parsed[0]) : userText("vcardSeveral");
  if (typeof parsed[0] !== "string" || parsed[0].toLowerCase() !== "vcard") return userText("vcardNotVCard", String(parsed[0]));
  return Array.isArray(parsed[1]) ? parsed[1] : userText("vcardNoProperties");
}

function toProperty(raw: unknown): JCardProperty | null {
  if (!Array.isArray(raw) || raw.length < 3) return null;
  const fields: unknown[] = raw;
  const [name, params, type, ...values] = fields;
  if (typeof name !== "string" || typeof type !== "string") return null;
  return {
    name: name.toLowerCase(),
    params: toParams(params),
    type: type.toLowerCase(),
    values: values.map(toValue),
  };
}

function toParams(raw: unknown): JCardParams {
  const params: JCardParams = {};
  if (typeof raw !== "object" || raw === null) return params;
  for (const [key, value] of Object.entries(raw)) {
    if (Array.isArray(value)) params[key.toLowerCase()] = value.map(String);
    else if (value !== undefined && value !== null) params[key.toLowerCase()] = String(value);
  }
  return params;
}

function toValue(raw: unknown): JCardValue {
  if (Array.isArray(raw)) return raw.map((part: unknown) => (Array.isArray(part) ? part.map(String) : String(part ?? "")));
  return String(raw ?? "");
}

/** Serialises properties (VERSION first, as given) into vCard text with CRLF line ends. */
export function serializeVCard(properties: JCardProperty[]): string {
  const jCard = ["vcard", properties.map((p) => [p.name, { ...p.params }, p.type, ...p.values]), []];
  return ICAL.stringify(jCard);
}

// ---- value helpers ---------------------------------------------------------------------------

/** A single text value; list components (unescaped commas) are joined back with ",". */
export function textValue(property: JCardProperty): string {
  return property.values.map((value) => (typeof value === "string" ? value : value.map((part) => joinList(part)).join(";"))).join(",");
}

/** All values of a multi-valued property (NICKNAME, CATEGORIES). */
export function listValues(property: JCardProperty): string[] {
  return property.values.flatMap((value) => (typeof value === "string" ? [value] : value.map((part) => joinList(part))));
}

/** The components of a structured value, padded to `count`; a plain string is the first one. */
export function components(property: JCardProperty, count: number): JCardComponent[] {
  const value = property.values[0];
  const parts: JCardComponent[] = value === undefined ? [] : typeof value === "string" ? [value] : [...value];
  while (parts.length < count) parts.push("");
  return parts;
}

export function joinList(component: JCardComponent, separator = ","): string {
  return typeof component === "string" ? component : component.join(separator);
}

export function paramValues(property: JCardProperty, name: string): string[] {
  const value = property.params[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * ical.js — and so Thunderbird — takes any delimiter that follows a backslash as escaped, even
 * when that backslash is itself escaped: `ADR:;;a\\;b…` is misread. No escaping avoids it, so
 * a value that is followed by a delimiter (every component of N/ADR/ORG/GENDER but the last,
 * every CATEGORIES value but the last) loses its trailing backslashes. `changed` tells whether
 * anything was dropped.
 */
export function protectDelimitedValues(values: string[]): { values: string[]; changed: boolean } {
  let changed = false;
  const protectedValues = values.map((value, index) => {
    if (index === values.length - 1 || !value.endsWith("\\")) return value;
    changed = true;
    return value.replace(/\\+$/, "");
  });
  return { values: protectedValues, changed };
}

/**
 * The vCard with its UID (Thunderbird's contact id) replaced, everything else as it was; null when
 * the text is not one readable vCard.
 */
export function withUid(vCardText: string, uid: string): string | null {
  try {
    const component = new ICAL.Component(ICAL.parse(vCardText));
    if (component.name !== "vcard") return null;
    component.updatePropertyWithValue("uid", uid);
    return component.toString();
  } catch {
    return null;
  }
}

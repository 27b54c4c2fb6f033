// Three-way merge of one contact, on vCard 4.0 texts as Thunderbird stores them: `base` (the copy
// both sides last agreed on), `local` (Thunderbird's) and `server` (BlueMind's card as
// blueMindToVCard writes it). Pure: no I/O, nothing thrown.
//
// Rules, field by field (the fields and how values compare: merge-fields.ts):
//  - changed on one side only → that side's value; changed the same way on both → that value,
//    no conflict; changed differently on both → the server's value, and a FieldConflict with
//    Thunderbird's value for the activity log.
//  - "Changed" is decided on strict keys first, then on loose ones: a value Thunderbird's
//    editor only rewrote (an address folded on save) is no edit, and gives way to a real server
//    edit without a conflict. Where the server changed nothing, Thunderbird's form stays (no
//    write to Thunderbird; pushing it changes nothing either: serverOutdated says so).
//  - Multi-valued fields (EMAIL, TEL, ADR, URL, IMPP, LANG, CATEGORIES) merge as sets, entry by
//    entry with the rule above: an entry added on either side is kept; removed on one side and
//    untouched on the other, it goes. Editing a value is removing it and adding another, so a
//    value edited differently on both sides comes out twice: nothing is lost. Removed on one
//    side while its parameters (TYPE…) changed on the other: a conflict, the server's side
//    wins. Order: that of the side that changed the field; when both did, the server's, then
//    Thunderbird's additions.
//  - Which email is primary (Thunderbird's PREF=1, BlueMind's DEFAULT) is a field of its own,
//    written as PREF=1 on that email alone. If the winner's primary email was removed by the
//    other side, the other side's primary is kept (no conflict when that is Thunderbird's).
//  - What BlueMind cannot hold (properties outside MAPPED_PROPERTIES: X-CUSTOM1..4, TZ, PHOTO,
//    other X- properties) and UID: always Thunderbird's.
//  - No base (history unknown): merged as if the base were empty, so everything is an addition:
//    set entries of both sides are kept, a value present on one side only is kept, different
//    values on both sides are a conflict (server wins). A removal made on one side is undone.
//
// Invariants (contact-merge.property.test.ts):
//  - merge(b, b, s) is content-equal (what BlueMind stores) to s, merge(b, l, b) to l, and
//    merge(b, x, x) to x, without conflicts;
//  - a conflict is only reported for a field changed on both sides;
//  - every property of local that BlueMind cannot hold is in merged, unchanged;
//  - merging the result again against the same base and server gives no conflict and the same
//    content.

import { MAPPED_PROPERTIES } from "./fields.ts";
import type { JCardProperty } from "./jcard.ts";
import { paramValues, parseVCardText, protectDelimitedValues, serializeVCard, textValue } from "./jcard.ts";
import { vCardToBlueMind } from "./from-vcard.ts";
import { normalizedVCardKey, stableStringify } from "./key.ts";
import type { Version } from "./merge-fields.ts";
import { ABSENT, MERGED_FIELDS, displayValue, keysOf, scalarVersion } from "./merge-fields.ts";
import { readVCardParams } from "./params.ts";
import type { ConversionResult } from "./result.ts";
import { failure, success } from "./result.ts";
import { text, type UserText } from "../shared/user-text.ts";

export interface ContactMergeInput {
  /** The vCard both sides last agreed on; null when unknown. */
  base: string | null;
  /** Thunderbird's current vCard. */
  local: string;
  /** The server's current card, converted by blueMindToVCard. */
  server: string;
}

export interface FieldConflict {
  /** The vCard property, upper-case ("NOTE", "EMAIL"); "EMAIL PREF" for which email is primary. */
  field: string;
  /** Thunderbird's value, readable; null when Thunderbird had removed it. */
  localValue: string | null;
  /** The server's value, the one kept; null when the server had removed it. */
  serverValue: string | null;
}

export interface ContactMerge {
  /** The merged vCard: for Thunderbird, and (through vCardToBlueMind) for BlueMind. */
  merged: string;
  conflicts: FieldConflict[];
  /** A merged field of local differs from base (with no base: from server). */
  localChanged: boolean;
  /** A merged field of server differs from base (with no base: from local). */
  serverChanged: boolean;
  /** merged differs from local in a merged field: Thunderbird's copy needs the write. */
  thunderbirdOutdated: boolean;
  /** merged differs from server in what BlueMind stores: there is something to push. */
  serverOutdated: boolean;
}

type Side = "local" | "server";
type Sides<T> = Record<"base" | "local" | "server", T>;

interface FieldResult {
  properties: JCardProperty[];
  conflicts: FieldConflict[];
  /** The field's loose key on each side: what counts as a change for the user. */
  loose: Sides<string>;
  /** Whether the result differs from Thunderbird's copy, from the server's (strict keys). */
  differsFromLocal: boolean;
  differsFromServer: boolean;
}

interface Entry {
  /** Loose value and rank among equal ones. */
  id: string;
  version: Version;
  property: JCardProperty;
}

const VERSION: JCardProperty = { name: "version", params: {}, type: "text", values: ["4.0"] };

export function mergeContacts(input: ContactMergeInput): ConversionResult<ContactMerge> {
  const local = parseVCardText(input.local);
  if (!local.ok) return failure(null, text("reasonLocalNotMergeable", local.reason));
  const uid = local.properties.find((p) => p.name === "uid");
  const server = parseVCardText(input.server);
  if (!server.ok) return failure(uid ? textValue(uid) : null, text("reasonServerNotMergeable", server.reason));
  const warnings: UserText[] = [];
  let base: JCardProperty[] | null = null;
  if (input.base !== null) {
    const parsed = parseVCardText(input.base);
    if (parsed.ok) base = parsed.properties;
    else warnings.push(text("warningBaseUnreadable", parsed.reason));
  }

  const properties: JCardProperty[] = [VERSION];
  const conflicts: FieldConflict[] = [];
  let localChanged = false;
  let serverChanged = false;
  let thunderbirdOutdated = false;
  let differsFromServer = false;
  for (const field of MERGED_FIELDS) {
    const named = (list: JCardProperty[]): JCardProperty[] => list.filter((p) => p.name === field.name);
    const sides = { base: named(base ?? []), local: named(local.properties), server: named(server.properties) };
    const result = field.shape === "scalar" ? mergeScalar(field.name, sides) : mergeSet(field.name, sides);
    properties.push(...result.properties);
    conflicts.push(...result.conflicts);
    const { loose } = result;
    localChanged ||= loose.local !== (base === null ? loose.server : loose.base);
    serverChanged ||= loose.server !== (base === null ? loose.local : loose.base);
    thunderbirdOutdated ||= result.differsFromLocal;
    differsFromServer ||= result.differsFromServer;
  }
  properties.push(...local.properties.filter((p) => !MAPPED_PROPERTIES.has(p.name)));
  const anyUid = uid ?? server.properties.find((p) => p.name === "uid") ?? base?.find((p) => p.name === "uid");
  if (anyUid) properties.push(anyUid);

  const merged = serializeVCard(properties);
  return success({ merged, conflicts, localChanged, serverChanged, thunderbirdOutdated, serverOutdated: differsFromServer && pushChanges(merged, input.server) }, warnings);
}

/** Whether two vCards stand for the same BlueMind card (what Thunderbird alone holds aside). */
export function sameBlueMindContent(a: string, b: string): boolean {
  const key = normalizedVCardKey(a);
  return key !== null && key === normalizedVCardKey(b);
}

/**
 * Whether pushing merged would change the server's card: merged onto it the way a push does
 * (vCardToBlueMind onto the server copy), so that Thunderbird's folding of an address changes nothing.
 */
function pushChanges(merged: string, server: string): boolean {
  const current = vCardToBlueMind(server);
  if (!current.ok) return true;
  const pushed = vCardToBlueMind(merged, current.value);
  return !pushed.ok || stableStringify(pushed.value) !== stableStringify(current.value);
}

/** A conflict as one line of the activity log: `EMAIL: jane@x.org`. */
export function describeFieldConflict(conflict: FieldConflict): UserText {
  return conflict.localValue === null ? text("fieldRemovedHere", conflict.field) : text("fieldValue", conflict.field, conflict.localValue);
}

/** The three-way rule for one value (ABSENT when a side does not have it). */
function chooseSide(base: Version, local: Version, server: Version): { from: Side; conflict: boolean } {
  if (local.strict === base.strict) return { from: "server", conflict: false };
  if (server.strict === base.strict) return { from: "local", conflict: false };
  // Rewritten by Thunderbird's editor, not edited by the user.
  if (local.loose === base.loose) return { from: "server", conflict: false };
  if (server.loose === base.loose) return { from: "local", conflict: false };
  // The same edit on both sides.
  if (local.loose === server.loose) return { from: "server", conflict: false };
  return { from: "server", conflict: true };
}

function mergeScalar(name: string, sides: Sides<JCardProperty[]>): FieldResult {
  const versions = { base: scalarVersion(sides.base), local: scalarVersion(sides.local), server: scalarVersion(sides.server) };
  const { from, conflict } = chooseSide(versions.base, versions.local, versions.server);
  const shown = (list: JCardProperty[]): string | null => {
    const text = list.filter((p) => !keysOf(p).blank).map(displayValue).join("\n");
    return text === "" ? null : text;
  };
  return {
    properties: sides[from].map(clone),
    conflicts: conflict ? [{ field: name.toUpperCase(), localValue: shown(sides.local), serverValue: shown(sides.server) }] : [],
    loose: { base: versions.base.loose, local: versions.local.loose, server: versions.server.loose },
    differsFromLocal: versions[from].strict !== versions.local.strict,
    differsFromServer: versions[from].strict !== versions.server.strict,
  };
}

function mergeSet(name: string, sides: Sides<JCardProperty[]>): FieldResult {
  const entries = { base: toEntries(sides.base), local: toEntries(sides.local), server: toEntries(sides.server) };
  const primaries = { base: primaryOf(entries.base), local: primaryOf(entries.local), server: primaryOf(entries.server) };
  const withPrimary = name === "email";
  const keyOf = (list: Entry[], primary: string | null, key: keyof Version = "strict"): string =>
    JSON.stringify([list.map((entry) => entry.version[key]), withPrimary ? primary : null]);
  const keys = {
    base: keyOf(entries.base, primaries.base),
    local: keyOf(entries.local, primaries.local),
    server: keyOf(entries.server, primaries.server),
  };
  const loose = {
    base: keyOf(entries.base, primaries.base, "loose"),
    local: keyOf(entries.local, primaries.local, "loose"),
    server: keyOf(entries.server, primaries.server, "loose"),
  };
  // Changed on one side only: that side's properties as they are (order, primary, blanks).
  const differs = (merged: string) => ({ differsFromLocal: merged !== keys.local, differsFromServer: merged !== keys.server });
  if (keys.local === keys.base) return { properties: sides.server.map(clone), conflicts: [], loose, ...differs(keys.server) };
  if (keys.server === keys.base) return { properties: sides.local.map(clone), conflicts: [], loose, ...differs(keys.local) };

  const index = { base: byId(entries.base), local: byId(entries.local), server: byId(entries.server) };
  const ids = [...new Set([...entries.server, ...entries.local].map((entry) => entry.id))];
  const chosen: Entry[] = [];
  const conflicts: FieldConflict[] = [];
  for (const id of ids) {
    const [base, local, server] = [index.base.get(id), index.local.get(id), index.server.get(id)];
    const { from, conflict } = chooseSide(base?.version ?? ABSENT, local?.version ?? ABSENT, server?.version ?? ABSENT);
    const entry = from === "local" ? local : server;
    if (entry) chosen.push(entry);
    if (conflict) conflicts.push(entryConflict(name, local, server));
  }
  if (!withPrimary) {
    return { properties: writeEntries(name, chosen), conflicts, loose, ...differs(keyOf(chosen, null)) };
  }

  const asVersion = (id: string | null): Version => (id === null ? ABSENT : { strict: id, loose: id });
  const pick = chooseSide(asVersion(primaries.base), asVersion(primaries.local), asVersion(primaries.server));
  const present = new Set(chosen.map((entry) => entry.id));
  let primary = primaries[pick.from];
  // The chosen primary email was removed by the other side: keep a primary if either had one.
  if (primary !== null && !present.has(primary)) {
    primary = [primaries.local, primaries.server].find((id) => id !== null && present.has(id)) ?? null;
  }
  // Thunderbird's choice may survive a conflict that way: then nothing was lost.
  if (pick.conflict && primary !== primaries.local) {
    const shown = (list: Entry[], id: string | null): string | null => {
      const entry = list.find((candidate) => candidate.id === id);
      return entry ? displayValue(entry.property) : null;
    };
    conflicts.push({ field: "EMAIL PREF", localValue: shown(entries.local, primaries.local), serverValue: shown(chosen, primary) });
  }
  const properties = chosen.map((entry) => withPref(entry.property, entry.id === primary));
  return { properties, conflicts, loose, ...differs(keyOf(chosen, primary)) };
}

/** Non-blank entries; CATEGORIES values are entries of their own. */
function toEntries(properties: JCardProperty[]): Entry[] {
  const split = properties.flatMap((p) => (p.name === "categories" && p.values.length > 1 ? p.values.map((value) => ({ ...p, values: [value] })) : [p]));
  const ranks = new Map<string, number>();
  return split.flatMap((property) => {
    const { blank, looseValue, version } = keysOf(property);
    if (blank) return [];
    const rank = ranks.get(looseValue) ?? 0;
    ranks.set(looseValue, rank + 1);
    return [{ id: `${looseValue}#${rank}`, version, property }];
  });
}

function byId(entries: Entry[]): Map<string, Entry> {
  return new Map(entries.map((entry) => [entry.id, entry]));
}

/** Thunderbird's primary email: the lowest PREF, the first on a tie; none without a PREF. */
function primaryOf(entries: Entry[]): string | null {
  let primary: string | null = null;
  let best = Number.POSITIVE_INFINITY;
  for (const entry of entries) {
    const pref = readVCardParams(entry.property).pref;
    if (pref !== null && pref < best) {
      primary = entry.id;
      best = pref;
    }
  }
  return primary;
}

function withPref(property: JCardProperty, primary: boolean): JCardProperty {
  const copy = clone(property);
  delete copy.params.pref;
  const types = paramValues(copy, "type").flatMap((value) => value.split(",")).filter((type) => type.trim().toLowerCase() !== "pref");
  if (types.length === 0) delete copy.params.type;
  else copy.params.type = types.length === 1 ? (types[0] as string) : types;
  if (primary) copy.params.pref = "1";
  return copy;
}

function writeEntries(name: string, chosen: Entry[]): JCardProperty[] {
  if (name !== "categories") return chosen.map((entry) => clone(entry.property));
  if (chosen.length === 0) return [];
  // One CATEGORIES property, as Thunderbird and to-vcard.ts write it.
  const values = protectDelimitedValues(chosen.map((entry) => textValue(entry.property))).values;
  return [{ name, params: {}, type: "text", values }];
}

function entryConflict(name: string, local: Entry | undefined, server: Entry | undefined): FieldConflict {
  // Present on both sides, the value is the same: the parameters are what differ.
  const both = local !== undefined && server !== undefined;
  const shown = (entry: Entry | undefined): string | null => {
    if (entry === undefined) return null;
    return both ? `${displayValue(entry.property)} (${describeParams(entry.property)})` : displayValue(entry.property);
  };
  return { field: name.toUpperCase(), localValue: shown(local), serverValue: shown(server) };
}

function describeParams(property: JCardProperty): string {
  const params = Object.keys(property.params)
    .filter((key) => key !== "group")
    .sort()
    .map((key) => `${key.toUpperCase()}=${paramValues(property, key).join(",")}`);
  return params.length > 0 ? params.join(";") : "no type";
}

const STRUCTURED = new Set(["n", "adr", "org", "gender"]);

/**
 * A copy to write. ical.js reads a structured value without a `;` (`ORG:\;a`) as plain text,
 * and would write it back unescaped (`ORG:;a`, another value): it is given back as components.
 */
function clone(property: JCardProperty): JCardProperty {
  const copy = structuredClone(property);
  const [value] = copy.values;
  if (STRUCTURED.has(copy.name) && copy.values.length === 1 && typeof value === "string") copy.values = [[value]];
  return copy;
}

// vCard 4.0 text (as Thunderbird writes it) → BlueMind VCard JSON, merged onto the last server
// copy for pushes.
//
// Three kinds of fields:
// - shown and edited in Thunderbird (FN, N, NICKNAME, EMAIL, TEL, ADR, URL, IMPP, BDAY,
//   ANNIVERSARY, NOTE, ORG, TITLE, ROLE): the vCard replaces the server value; a property that
//   is absent was removed by the user;
// - not shown but kept by Thunderbird inside its vCard (KIND, GENDER, LANG): the vCard wins when
//   it has them, the server value is kept when it does not;
// - not representable in Thunderbird (categories as tags, security keys, related, group members,
//   photo flag, source, parameters other than TYPE/PREF/DEFAULT, an address's label): always
//   kept from the server copy.
// A value the user did not change keeps its exact server form (HTML note, non-midnight date,
// parameter order, "" vs null), so an unchanged contact merges back to the identical JSON.
//
// Thunderbird's editor folds some data on every save, which is undone here against the server
// copy: it moves an address's PO box and extended address into the street lines, and joins ORG
// units after the first into one "department" (`R&D, Division`).

import type { Parameter, VCard } from "../shared/bluemind-card.ts";
import { messageOf } from "../shared/error-message.ts";
import { text, type MessageKey, type UserText } from "../shared/user-text.ts";
import { epochMsToIsoDate, parseVCardDate, utcDay } from "./dates.ts";
import { ADDRESS_PARTS, NAME_PARTS, STREET_INDEX, asKind, fallbackDisplayName, normalizeGender, orgComponents } from "./fields.ts";
import type { JCardProperty } from "./jcard.ts";
import { components, joinList, listValues, parseVCardText, protectDelimitedValues, textValue } from "./jcard.ts";
import { pairWithPrevious, restoreHidden } from "./merge-lists.ts";
import { noteForBlueMind } from "./notes.ts";
import { readBlueMindParams, readVCardParams, sameParameters, toBlueMindParams } from "./params.ts";
import { asArray, asObject, asString, dig, type JsonObject } from "./read.ts";
import type { ConversionResult } from "./result.ts";
import { failure, success } from "./result.ts";
import { parseTel } from "./tel.ts";
import { cleanText, emptyToNull, isBlank, nonEmpty } from "./text.ts";

/** Converts a vCard; with `previous` (the last server copy, as a push has it), merges onto it. */
export function vCardToBlueMind(vCardText: string, previous: VCard | null = null): ConversionResult<VCard> {
  const parsed = parseVCardText(vCardText);
  if (!parsed.ok) return failure(guessUid(vCardText), parsed.reason);
  const uidProperty = parsed.properties.find((p) => p.name === "uid");
  const uid = uidProperty ? emptyToNull(textValue(uidProperty)) : null;
  const warnings: UserText[] = [];
  if (parsed.version !== null && parsed.version !== "4.0" && parsed.version !== "3.0") {
    warnings.push(text("vcardVersionRead", parsed.version));
  }
  try {
    const merger = new Merger(parsed.properties, asObject(previous), warnings);
    // Cast: the object is built field by field from the VCard layout (or cloned from a server
    // copy), as loose JSON so that fields this code does not model are carried over untouched.
    return success(merger.build() as unknown as VCard, warnings);
  } catch (error) {
    return failure(uid, text("vcardCannotConvert", messageOf(error)));
  }
}

interface FreshParams {
  types: string[];
  pref: number | null;
}

class Merger {
  private readonly hasPrevious: boolean;

  constructor(
    private readonly properties: JCardProperty[],
    private readonly previous: JsonObject | null,
    private readonly warnings: UserText[],
  ) {
    this.hasPrevious = previous !== null;
  }

  build(): JsonObject {
    const card: JsonObject = this.previous ? structuredClone(this.previous) : {};
    card.kind = this.kind();
    this.fill(card, "identification", (identification) => this.identification(identification));
    this.put(card, "deliveryAddressing", this.addresses());
    this.fill(card, "communications", (communications) => {
      this.put(communications, "emails", this.emails());
      this.put(communications, "tels", this.tels());
      this.put(communications, "impps", this.textList("impp", dig(this.previous, "communications", "impps")));
      if (this.all("lang").length > 0 || !this.hasPrevious) {
        this.put(communications, "langs", this.textList("lang", dig(this.previous, "communications", "langs")));
      }
    });
    this.fill(card, "organizational", (organizational) => this.organizational(organizational));
    this.fill(card, "explanatory", (explanatory) => this.explanatory(explanatory));
    if (!this.hasPrevious) {
      card.related = { spouse: null, manager: null, assistant: null };
      card.security = { keys: [] };
    }
    return card;
  }

  // ---- single fields -------------------------------------------------------------------------

  private kind(): unknown {
    const previousKind = this.previous?.kind;
    const property = this.first("kind");
    const fresh = property ? asKind(textValue(property)) : null;
    if (property && fresh === null && textValue(property).trim() !== "") {
      this.warnings.push(text("vcardUnknownKindIgnored", textValue(property)));
    }
    if (fresh === null) return asKind(previousKind) !== null ? previousKind : "individual";
    return asKind(previousKind) === fresh ? previousKind : fresh;
  }

  private identification(identification: JsonObject): void {
    const previous = dig(this.previous, "identification");
    const previousFn = dig(previous, "formatedName", "value");
    const fn = this.firstText("fn");
    // We write a fallback FN for a card without one; it is not a user edit.
    const fnUnchanged = sameText(fn, previousFn) || (nonEmpty(previousFn) === null && fn === fallbackDisplayName(this.previous));
    this.setTextValue(identification, "formatedName", fnUnchanged ? asString(previousFn) : fn);

    const nProperty = this.first("n");
    const parts = nProperty ? components(nProperty, NAME_PARTS.length).map((c) => emptyToNull(cleanText(joinList(c)))) : [];
    const previousName = asObject(dig(previous, "name"));
    if (previousName !== null || parts.some((part) => part !== null) || !this.hasPrevious) {
      const name = this.child(identification, "name", true);
      NAME_PARTS.forEach((key, index) => {
        const followedByDelimiter = index < NAME_PARTS.length - 1;
        name[key] = keepIfSame(parts[index] ?? null, previousName?.[key], { followedByDelimiter });
      });
    }

    const nickname = emptyToNull(this.all("nickname").flatMap(listValues).map(cleanText).filter(Boolean).join(","));
    this.setTextValue(identification, "nickname", keepIfSame(nickname, dig(previous, "nickname", "value")));
    if (!this.hasPrevious) identification.photo = false;
    this.put(identification, "birthday", this.date("bday", "fieldBirthday", dig(previous, "birthday")));
    this.put(identification, "anniversary", this.date("anniversary", "fieldAnniversary", dig(previous, "anniversary")));

    const gender = this.first("gender");
    if (gender) {
      const [sexPart, ...identityParts] = components(gender, 1);
      const sex = emptyToNull(cleanText(joinList(sexPart ?? "")));
      const identity = emptyToNull(cleanText(identityParts.map((part) => joinList(part)).join(";")));
      const previousGender = asObject(dig(previous, "gender"));
      const target = this.child(identification, "gender", true);
      const previousSex = previousGender?.value;
      const previousShown = typeof previousSex === "string" ? normalizeGender(previousSex) : previousSex;
      const followedByDelimiter = nonEmpty(previousGender?.text) !== null;
      target.value = sameAsWritten(sex, previousShown, { followedByDelimiter }) ? asString(previousSex) : sex === null ? null : normalizeGender(sex);
      target.text = keepIfSame(identity, previousGender?.text);
    } else if (!this.hasPrevious) {
      identification.gender = { value: null, text: null, parameters: [] };
    }
  }

  /** BDAY/ANNIVERSARY. Partial dates (no year…) cannot be stored by BlueMind. */
  private date(name: string, label: MessageKey, previous: unknown): unknown {
    const property = this.first(name);
    const previousMs = typeof previous === "number" && Number.isFinite(previous) ? previous : null;
    if (!property) {
      // A server value we could not write was never in Thunderbird, so it was not removed there.
      return previous !== null && previous !== undefined && epochMsToIsoDate(previous).date === null ? previous : null;
    }
    const raw = textValue(property);
    const parsed = parseVCardDate(raw, property.type);
    switch (parsed.kind) {
      case "empty":
        return null;
      case "full":
        return previousMs !== null && sameDay(previousMs, parsed.epochMs) ? previous : parsed.epochMs;
      case "partial": {
        const day = previousMs === null ? null : utcDay(previousMs);
        const stillMatches =
          day !== null &&
          (parsed.year === null || parsed.year === day.year) &&
          (parsed.month === null || parsed.month === day.month) &&
          (parsed.day === null || parsed.day === day.day);
        if (stillMatches) return previous;
        this.warnings.push(text("vcardPartialDate", text(label), raw));
        return null;
      }
      case "invalid":
        this.warnings.push(text("vcardUnreadableDate", text(label), raw));
        return previous ?? null;
    }
  }

  private organizational(organizational: JsonObject): void {
    const previous = dig(this.previous, "organizational");
    const property = this.first("org");
    const previousOrg = asObject(dig(previous, "org"));
    if (property) {
      const parts = components(property, 1).map((c) => emptyToNull(cleanText(joinList(c))));
      let department = parts[1] ?? null;
      let division = emptyToNull(parts.slice(2).filter((part) => part !== null).join(", "));
      // The server copy as we wrote it (and as Thunderbird showed it).
      const written = protectDelimitedValues(orgComponents(previousOrg)).values;
      const previousDivision = nonEmpty(previousOrg?.division);
      if (parts.length === 2 && previousDivision !== null) {
        // Thunderbird shows one "department" box holding every unit after the company.
        const folded = `${written[1] ?? ""}, ${written[2] ?? ""}`.trim();
        if (department !== null && department.trim() === folded) {
          department = asString(previousOrg?.department);
          division = asString(previousOrg?.division);
        }
      }
      const org = this.child(organizational, "org");
      // Thunderbird trims the ORG boxes on save.
      const keep = (fresh: string | null, key: string, index: number): string | null => {
        const previousValue = asString(previousOrg?.[key]);
        const unchanged = previousValue !== null && (fresh ?? "").trim() === (written[index] ?? "").trim();
        return unchanged ? previousValue : fresh;
      };
      org.company = keep(parts[0] ?? null, "company", 0);
      org.department = keep(department, "department", 1);
      org.division = keep(division, "division", 2);
    } else if (previousOrg !== null || !this.hasPrevious) {
      const org = this.child(organizational, "org");
      for (const key of ["company", "department", "division"]) org[key] = keepIfSame(null, previousOrg?.[key]);
    }
    this.put(organizational, "title", keepIfSame(this.firstText("title"), dig(previous, "title")));
    this.put(organizational, "role", keepIfSame(this.firstText("role"), dig(previous, "role")));
    if (!this.hasPrevious) organizational.member = [];
  }

  private explanatory(explanatory: JsonObject): void {
    const previous = dig(this.previous, "explanatory");
    this.put(explanatory, "urls", this.textList("url", dig(previous, "urls")));
    if (!this.hasPrevious) explanatory.categories = [];
    const notes = this.all("note").map((p) => nonEmpty(textValue(p))).filter((note): note is string => note !== null);
    this.put(explanatory, "note", noteForBlueMind(notes.length > 0 ? notes.join("\n") : null, dig(previous, "note")));
  }

  // ---- lists -----------------------------------------------------------------------------------

  private emails(): unknown[] {
    const fresh = this.all("email")
      .map((p) => ({ value: cleanText(textValue(p)), params: readVCardParams(p) }))
      .filter((email) => !isBlank(email.value));
    // Thunderbird's primary email: the lowest PREF, the first one on a tie.
    let primary = -1;
    let primaryPref = Number.POSITIVE_INFINITY;
    fresh.forEach((email, index) => {
      const pref = email.params.pref;
      if (pref !== null && pref < primaryPref) {
        primary = index;
        primaryPref = pref;
      }
    });
    const previousList = asArray(dig(this.previous, "communications", "emails"));
    const normalize = (value: unknown): string => cleanText(asString(value) ?? "").trim().toLowerCase();
    const pairs = pairWithPrevious(fresh, previousList.map(asObject), (email, prev) => normalize(email.value) === normalize(prev.value));
    const merged = fresh.map((email, index) => {
      const prev = pairs[index] ?? null;
      const parameters = this.parameters(email.params, index === primary, prev?.parameters, true);
      // BlueMind lower-cases and trims addresses: a case-only difference is not an edit.
      if (prev) return { ...structuredClone(prev), parameters };
      return { value: email.value, parameters };
    });
    return restoreHidden(merged, previousList, isHiddenEntry);
  }

  private tels(): unknown[] {
    const fresh = this.all("tel")
      .map((p) => ({ ...parseTel(cleanText(textValue(p)), p.type), params: readVCardParams(p) }))
      .filter((tel) => !isBlank(tel.value));
    const previousList = asArray(dig(this.previous, "communications", "tels"));
    const pairs = pairWithPrevious(fresh, previousList.map(asObject), (tel, prev) => sameText(tel.value, prev.value) && sameText(tel.ext, prev.ext));
    const merged = fresh.map((tel, index) => {
      const prev = pairs[index] ?? null;
      const parameters = this.parameters(tel.params, false, prev?.parameters, false);
      if (prev) return { ...structuredClone(prev), parameters };
      return { value: tel.value, ext: tel.ext, parameters };
    });
    return restoreHidden(merged, previousList, isHiddenEntry);
  }

  /** URL, IMPP, LANG: `{value, parameters}` entries. */
  private textList(name: string, previousValue: unknown): unknown[] {
    const fresh = this.all(name)
      .map((p) => ({ value: cleanText(textValue(p)), params: readVCardParams(p) }))
      .filter((entry) => !isBlank(entry.value));
    const previousList = asArray(previousValue);
    const pairs = pairWithPrevious(fresh, previousList.map(asObject), (entry, prev) => sameText(entry.value, prev.value));
    const merged = fresh.map((entry, index) => {
      const prev = pairs[index] ?? null;
      const parameters = this.parameters(entry.params, false, prev?.parameters, false);
      if (prev) return { ...structuredClone(prev), parameters };
      return { value: entry.value, parameters };
    });
    return restoreHidden(merged, previousList, isHiddenEntry);
  }

  private addresses(): unknown[] {
    const fresh = this.all("adr")
      .map((p) => ({
        parts: components(p, ADDRESS_PARTS.length).map((c, index) =>
          // Thunderbird writes a multi-line street as a list of lines.
          emptyToNull(cleanText(joinList(c, index === STREET_INDEX ? "\n" : ","))),
        ),
        params: readVCardParams(p),
      }))
      .filter((address) => address.parts.some((part) => part !== null));
    const previousList = asArray(this.previous?.deliveryAddressing);
    const pairs = pairWithPrevious(fresh, previousList.map(asObject), (address, entry) => {
      const prev = asObject(entry.address);
      return prev !== null && (sameAddress(address.parts, prev) || foldedByThunderbird(address.parts, prev));
    });
    const merged = fresh.map((address, index) => {
      const entry = pairs[index] ?? null;
      const prev = asObject(entry?.address);
      const parameters = this.parameters(address.params, false, prev?.parameters, false);
      // A matched address keeps the server's own split (PO box, extended address, label…).
      if (entry && prev) return { ...structuredClone(entry), address: { ...structuredClone(prev), parameters } };
      const fields: JsonObject = { value: null };
      ADDRESS_PARTS.forEach((key, i) => {
        fields[key] = address.parts[i] ?? null;
      });
      return { address: { ...fields, parameters } };
    });
    return restoreHidden(merged, previousList, (entry) => {
      const prev = asObject(entry?.address);
      return prev !== null && ADDRESS_PARTS.every((key) => nonEmpty(prev[key]) === null);
    });
  }

  /** TYPE/PREF/DEFAULT from the vCard, other parameters from the previous entry. */
  private parameters(fresh: FreshParams, isDefault: boolean, previous: unknown, forEmail: boolean): unknown {
    const previousParams = readBlueMindParams(previous, forEmail);
    const built = toBlueMindParams(fresh.types, forEmail ? null : fresh.pref, isDefault, previousParams.extras);
    const previousList = asArray(previous);
    const wellFormed = previousList.flatMap((raw): Parameter[] => {
      const parameter = asObject(raw);
      return typeof parameter?.label === "string" ? [{ label: parameter.label, value: asString(parameter.value) ?? "" }] : [];
    });
    const unchanged = Array.isArray(previous) && wellFormed.length === previousList.length && sameParameters(built, wellFormed);
    if (unchanged) return structuredClone(previous);
    return built;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private all(name: string): JCardProperty[] {
    return this.properties.filter((p) => p.name === name);
  }

  private first(name: string): JCardProperty | undefined {
    return this.properties.find((p) => p.name === name);
  }

  /** The first non-empty text of a property. */
  private firstText(name: string): string | null {
    for (const property of this.all(name)) {
      const text = nonEmpty(textValue(property));
      if (text !== null) return text;
    }
    return null;
  }

  /**
   * Fills the object under `key`. A missing (or null) one is created only if it gets content, so
   * that a server copy without that section merges back unchanged.
   */
  private fill(parent: JsonObject, key: string, filler: (target: JsonObject) => void): void {
    const existing = asObject(parent[key]);
    const target = existing ?? {};
    filler(target);
    if (existing === null && (Object.keys(target).length > 0 || !this.hasPrevious)) parent[key] = target;
  }

  /** The object under `key`, created when missing (with empty parameters if `withParameters`). */
  private child(parent: JsonObject, key: string, withParameters = false): JsonObject {
    const existing = asObject(parent[key]);
    if (existing !== null) return existing;
    const created: JsonObject = withParameters ? { parameters: [] } : {};
    parent[key] = created;
    return created;
  }

  /** Never adds an empty value where the server copy had no such key. */
  private put(target: JsonObject, key: string, value: unknown): void {
    const empty = value === null || (Array.isArray(value) && value.length === 0);
    if (empty && this.hasPrevious && target[key] === undefined) return;
    target[key] = value;
  }

  /** A `{value, parameters}` field (formatedName, nickname). */
  private setTextValue(parent: JsonObject, key: string, value: string | null): void {
    const existing = asObject(parent[key]);
    if (existing !== null) existing.value = value;
    else if (value !== null || !this.hasPrevious) parent[key] = { value, parameters: [] };
  }
}

// ---- comparisons -------------------------------------------------------------------------------

interface WrittenAs {
  /** Followed by ";" in N/ADR/ORG/GENDER: written without trailing backslashes. */
  followedByDelimiter?: boolean;
  /** A box Thunderbird's editor trims on save. */
  trimmed?: boolean;
}

/** The vCard text equals what the server value was written as ("" and null alike). */
function sameAsWritten(fresh: string | null, previous: unknown, as: WrittenAs = {}): boolean {
  let written = cleanText(asString(previous) ?? "");
  if (as.followedByDelimiter) written = withoutTrailingBackslashes(written);
  let shown = fresh ?? "";
  if (as.trimmed) {
    written = written.trim();
    shown = shown.trim();
  }
  return shown === written;
}

/** The server value when the vCard still shows it unchanged, else the vCard's. */
function keepIfSame(fresh: string | null, previous: unknown, as: WrittenAs = {}): string | null {
  const previousValue = asString(previous);
  return previousValue !== null && sameAsWritten(fresh, previousValue, as) ? previousValue : fresh;
}

function sameText(fresh: string | null, previous: unknown): boolean {
  return sameAsWritten(fresh, previous);
}

function withoutTrailingBackslashes(value: string): string {
  return value.replace(/\\+$/, "");
}

function sameDay(a: number, b: number): boolean {
  const left = utcDay(a);
  const right = utcDay(b);
  return left.year === right.year && left.month === right.month && left.day === right.day;
}

function sameAddress(parts: (string | null)[], previous: JsonObject): boolean {
  return ADDRESS_PARTS.every((key, index) =>
    sameAsWritten(parts[index] ?? null, previous[key], {
      followedByDelimiter: index < ADDRESS_PARTS.length - 1,
      // Thunderbird's editor trims the street box on save.
      trimmed: index === STREET_INDEX,
    }),
  );
}

/**
 * Thunderbird's address editor shows PO box and extended address inside the street box
 * (`pobox\nstreet\nextended`, trimmed) and saves them there, leaving both fields empty.
 */
function foldedByThunderbird(parts: (string | null)[], previous: JsonObject): boolean {
  // What we wrote: components before the last lose trailing backslashes.
  const written = (key: string): string | null => {
    const value = nonEmpty(previous[key]);
    return value === null ? null : emptyToNull(withoutTrailingBackslashes(value));
  };
  const poBox = written("postOfficeBox");
  const extended = written("extentedAddress");
  if (parts[0] !== null || parts[1] !== null || (poBox === null && extended === null)) return false;
  let street = written("streetAddress") ?? "";
  if (extended !== null) street = `${street}\n${extended.trim()}`;
  if (poBox !== null) street = `${poBox.trim()}\n${street}`;
  if ((parts[STREET_INDEX] ?? "").trim() !== street.trim()) return false;
  return ADDRESS_PARTS.every(
    (key, index) =>
      index <= STREET_INDEX || sameAsWritten(parts[index] ?? null, previous[key], { followedByDelimiter: index < ADDRESS_PARTS.length - 1 }),
  );
}

/** An entry object Thunderbird cannot show (no value): kept as it was. Non-objects are dropped. */
function isHiddenEntry(entry: JsonObject | null): boolean {
  return entry !== null && isBlank(entry.value);
}

function guessUid(text: unknown): string | null {
  if (typeof text !== "string") return null;
  const match = /^UID[^:\r\n]*:(.*)$/im.exec(text);
  return match ? emptyToNull((match[1] ?? "").trim()) : null;
}

// BlueMind VCard JSON → vCard 4.0 text for Thunderbird (contacts.create / contacts.update).
//
// Written: VERSION, KIND, FN, N (five parts), NICKNAME, EMAIL (PREF=1 on BlueMind's default),
// TEL (TYPEs, `;ext=`), ADR (TYPE), URL, IMPP, LANG, BDAY/ANNIVERSARY (VALUE=DATE), GENDER, ORG
// (company;department[;division]), TITLE, ROLE, NOTE (HTML made readable), CATEGORIES (tag
// labels), UID (the caller's Thunderbird UID, never BlueMind's item uid).
// Not written — the merge keeps them from the server copy: photo flag (photos go through
// contacts.setPhoto), group members (mailing lists), related, security keys, source, tag ids
// and colours, parameters other than TYPE/PREF/DEFAULT.
//
// A server value of an unexpected shape is skipped with a warning; only a card that is not an
// object (or a missing UID) fails.
//
// contacts.update replaces Thunderbird's whole vCard. Given the vCard Thunderbird holds, the
// properties BlueMind has no field for (time zone, custom fields, a photo kept in the vCard,
// other X- properties) are carried over, so that a server change does not wipe them.

import type { VCard } from "../shared/bluemind-card.ts";
import { messageOf } from "../shared/error-message.ts";
import { text, type MessageKey, type UserText } from "../shared/user-text.ts";
import { epochMsToIsoDate } from "./dates.ts";
import { ADDRESS_PARTS, MAPPED_PROPERTIES, NAME_PARTS, asKind, fallbackDisplayName, normalizeGender, orgComponents } from "./fields.ts";
import type { JCardParams, JCardProperty, JCardValue } from "./jcard.ts";
import { joinList, parseVCardText, protectDelimitedValues, serializeVCard } from "./jcard.ts";
import { noteForThunderbird } from "./notes.ts";
import { readBlueMindParams, toVCardParams } from "./params.ts";
import { asArray, asObject, dig } from "./read.ts";
import type { ConversionResult } from "./result.ts";
import { failure, success } from "./result.ts";
import { telText } from "./tel.ts";
import { isBlank, nonEmpty } from "./text.ts";

const LANGUAGE_TAG = /^[a-zA-Z0-9-]+$/;

export interface ToVCardOptions {
  /** The vCard Thunderbird currently holds for this contact (for an update), if any. */
  thunderbirdVCard?: string | null;
}

export function blueMindToVCard(card: VCard, uid: string, options: ToVCardOptions = {}): ConversionResult<string> {
  if (typeof uid !== "string" || uid.trim() === "") return failure(null, text("vcardNoUid"));
  if (asObject(card) === null) return failure(uid, text("vcardCardNotObject"));
  const warnings: UserText[] = [];
  try {
    const properties = buildProperties(card, warnings);
    if (options.thunderbirdVCard) properties.push(...thunderbirdOnlyProperties(options.thunderbirdVCard, warnings));
    properties.push(property("uid", "text", uid));
    return success(serializeVCard(properties), warnings);
  } catch (error) {
    return failure(uid, text("vcardCannotWrite", messageOf(error)));
  }
}

function buildProperties(card: unknown, warnings: UserText[]): JCardProperty[] {
  const out: JCardProperty[] = [property("version", "text", "4.0")];
  const add = (name: string, type: string, value: JCardValue | null, params: JCardParams = {}): void => {
    if (value === null) return;
    if (typeof value === "string") {
      out.push(property(name, type, value, params));
      return;
    }
    const safe = protectDelimitedValues(value.map((part) => joinList(part)));
    if (safe.changed) warnings.push(text("vcardTrailingBackslash", name.toUpperCase(), ";"));
    out.push(property(name, type, safe.values, params));
  };

  const kind = asKind(dig(card, "kind"));
  if (kind === null) warnings.push(text("vcardUnknownKind", JSON.stringify(dig(card, "kind")) ?? "undefined"));
  add("kind", "text", kind ?? "individual");

  const identification = dig(card, "identification");
  add("fn", "text", nonEmpty(dig(identification, "formatedName", "value")) ?? fallbackDisplayName(card) ?? "");
  const name = NAME_PARTS.map((part) => nonEmpty(dig(identification, "name", part)) ?? "");
  if (name.some((part) => part !== "")) add("n", "text", name);
  add("nickname", "text", nonEmpty(dig(identification, "nickname", "value")));

  const communications = dig(card, "communications");
  addEmails(asArray(dig(communications, "emails")), add);
  for (const tel of asArray(dig(communications, "tels")).map(asObject)) {
    if (isBlank(tel?.value)) continue;
    const number = nonEmpty(tel?.value) ?? "";
    const { types, pref } = readBlueMindParams(tel?.parameters, false);
    // VALUE=TEXT, as Thunderbird writes phones: a free-form number, not a tel: URI.
    add("tel", "text", telText(number, nonEmpty(tel?.ext)), toVCardParams(types, pref));
  }
  for (const entry of asArray(dig(card, "deliveryAddressing"))) {
    const address = asObject(dig(entry, "address"));
    const parts = ADDRESS_PARTS.map((part) => nonEmpty(address?.[part]) ?? "");
    if (parts.every((part) => part === "")) continue;
    const { types, pref } = readBlueMindParams(address?.parameters, false);
    add("adr", "text", parts, toVCardParams(types, pref));
  }
  addTextValues("url", "uri", dig(card, "explanatory", "urls"), add);
  addTextValues("impp", "uri", dig(communications, "impps"), add);
  for (const lang of asArray(dig(communications, "langs")).map(asObject)) {
    if (isBlank(lang?.value)) continue;
    const tag = nonEmpty(lang?.value) ?? "";
    const { types, pref } = readBlueMindParams(lang?.parameters, false);
    // A value that is not a language tag is still kept, typed as text.
    add("lang", LANGUAGE_TAG.test(tag) ? "language-tag" : "text", tag, toVCardParams(types, pref));
  }

  addDate("bday", "fieldBirthday", dig(identification, "birthday"), add, warnings);
  addDate("anniversary", "fieldAnniversary", dig(identification, "anniversary"), add, warnings);
  const sex = nonEmpty(dig(identification, "gender", "value"));
  const identity = nonEmpty(dig(identification, "gender", "text"));
  if (sex !== null || identity !== null) {
    add("gender", "text", identity === null ? [normalizeGender(sex ?? "")] : [normalizeGender(sex ?? ""), identity]);
  }

  const organizational = dig(card, "organizational");
  const org = orgComponents(dig(organizational, "org"));
  if (org.length > 0) add("org", "text", org);
  add("title", "text", nonEmpty(dig(organizational, "title")));
  add("role", "text", nonEmpty(dig(organizational, "role")));

  add("note", "text", noteForThunderbird(dig(card, "explanatory", "note")));
  const labels = asArray(dig(card, "explanatory", "categories"))
    .map((tag) => nonEmpty(dig(tag, "label")))
    .filter((label): label is string => label !== null);
  if (labels.length > 0) {
    const safe = protectDelimitedValues(labels);
    if (safe.changed) warnings.push(text("vcardTrailingBackslash", "CATEGORIES", ","));
    const values = safe.values.filter((label) => label !== "");
    if (values.length > 0) out.push({ name: "categories", params: {}, type: "text", values });
  }
  return out;
}

function thunderbirdOnlyProperties(vCard: string, warnings: UserText[]): JCardProperty[] {
  const parsed = parseVCardText(vCard);
  if (!parsed.ok) {
    warnings.push(text("vcardThunderbirdUnreadable", parsed.reason));
    return [];
  }
  return parsed.properties.filter((p) => !MAPPED_PROPERTIES.has(p.name));
}

type Add = (name: string, type: string, value: JCardValue | null, params?: JCardParams) => void;

function addEmails(emails: unknown[], add: Add): void {
  const entries = emails.map((raw) => {
    const email = asObject(raw);
    const address = isBlank(email?.value) ? null : nonEmpty(email?.value);
    return { address, params: readBlueMindParams(email?.parameters, true) };
  });
  // Only the first DEFAULT one gets PREF=1: Thunderbird's primary email is the lowest PREF.
  const primary = entries.findIndex((entry) => entry.address !== null && entry.params.isDefault);
  entries.forEach((entry, index) => {
    add("email", "text", entry.address, toVCardParams(entry.params.types, index === primary ? 1 : null));
  });
}

function addTextValues(name: string, type: string, list: unknown, add: Add): void {
  for (const item of asArray(list).map(asObject)) {
    if (isBlank(item?.value)) continue;
    const value = nonEmpty(item?.value) ?? "";
    const { types, pref } = readBlueMindParams(item?.parameters, false);
    add(name, type, value, toVCardParams(types, pref));
  }
}

function addDate(name: string, label: MessageKey, value: unknown, add: Add, warnings: UserText[]): void {
  const { date, warning } = epochMsToIsoDate(value);
  if (warning !== null) warnings.push(text("vcardDateNotWritten", text(label), warning));
  // VALUE=DATE, as Thunderbird's own editor writes BDAY and ANNIVERSARY.
  add(name, "date", date);
}

function property(name: string, type: string, value: JCardValue, params: JCardParams = {}): JCardProperty {
  return { name, params, type, values: [value] };
}

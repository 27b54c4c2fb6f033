// BlueMind VCard JSON ⇄ vCard 4.0 text for Thunderbird, on ical.js (the library Thunderbird
// itself parses and writes vCards with). See to-vcard.ts and from-vcard.ts for the mapping.

export { blueMindToVCard, type ToVCardOptions } from "./to-vcard.ts";
export { vCardToBlueMind } from "./from-vcard.ts";
export { normalizedVCardKey, vCardContentHash } from "./key.ts";
export { withUid } from "./jcard.ts";
export { htmlToText, looksLikeHtml } from "./html-to-text.ts";
export type { ConversionFailure, ConversionResult, ConversionSuccess } from "./result.ts";
export {
  describeFieldConflict,
  mergeContacts,
  sameBlueMindContent,
  type ContactMerge,
  type ContactMergeInput,
  type FieldConflict,
} from "./contact-merge.ts";
export { photoOfVCard, withoutPhoto, type VCardPhoto } from "./photo.ts";

// Text clean-up shared by both directions. vCard content lines cannot carry control characters
// (RFC 6350 §3.3: VALUE-CHAR excludes CTLs) and a bare CR would split a line in two, so CR/CRLF
// become LF (which ical.js escapes as \n) and other controls are dropped. Lone UTF-16 surrogates
// would become U+FFFD in Thunderbird's UTF-8 SQLite store; replacing them here keeps what we
// compare against equal to what Thunderbird keeps.

const LINE_BREAKS = /\r\n?/g;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function cleanText(value: string): string {
  return value.replace(LINE_BREAKS, "\n").replace(CONTROL_CHARACTERS, "").replace(LONE_SURROGATES, "\uFFFD");
}

/** A string worth writing, or null for null/undefined/non-strings/empty strings. */
export function nonEmpty(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const cleaned = cleanText(value);
  return cleaned === "" ? null : cleaned;
}

export function emptyToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === "" ? null : value;
}

/** Nothing but whitespace (or not a string): an entry Thunderbird cannot show. */
export function isBlank(value: unknown): boolean {
  return typeof value !== "string" || value.trim() === "";
}

// Birthdays and anniversaries. BlueMind stores a date as epoch milliseconds at UTC midnight;
// vCard 4 (as Thunderbird writes it) uses `BDAY;VALUE=DATE:19800101`, and may hold partial
// dates (`--0315` year-less, `1980-03` no day) that BlueMind cannot store.
//
// Decisions:
// - A value that is not exactly at UTC midnight (a client that stored local midnight) is
//   rounded to the nearest UTC day: that is the day meant for any offset within ±12 h.
// - Years outside 1–9999 cannot be written as a vCard date: dropped with a warning.
// - Reading accepts `1980-01-01`, `19800101` and a date-time (its date part); anything else is
//   invalid. Partial dates are reported as such; the caller decides (see from-vcard.ts).

import { text, type UserText } from "../shared/user-text.ts";

const DAY_MS = 86_400_000;

export type ParsedVCardDate =
  | { kind: "full"; epochMs: number }
  | { kind: "partial"; year: number | null; month: number | null; day: number | null }
  | { kind: "empty" }
  | { kind: "invalid" };

/** `YYYY-MM-DD` (the jCard form of a vCard date) for an epoch value, or null with a reason. */
export function epochMsToIsoDate(value: unknown): { date: string | null; warning: UserText | null } {
  if (value === null || value === undefined) return { date: null, warning: null };
  if (typeof value !== "number" || !Number.isFinite(value)) return { date: null, warning: text("dateNotADate", String(value)) };
  const rounded = Math.round(value / DAY_MS) * DAY_MS;
  const date = new Date(rounded);
  if (Number.isNaN(date.getTime())) return { date: null, warning: text("dateOutOfRange", String(value)) };
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) return { date: null, warning: text("dateYearOutOfRange", String(year)) };
  const iso = `${String(year).padStart(4, "0")}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
  return { date: iso, warning: null };
}

/** The UTC-midnight epoch of a calendar day, or null if that day does not exist. */
export function utcMidnight(year: number, month: number, day: number): number | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(0, 0, 0, 0);
  return date.getTime();
}

/** The UTC calendar day of an epoch value (rounded to the nearest day, as when writing). */
export function utcDay(epochMs: number): { year: number; month: number; day: number } {
  const date = new Date(Math.round(epochMs / DAY_MS) * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

const FULL_EXTENDED = /^(\d{4})-(\d{2})-(\d{2})$/;
const FULL_BASIC = /^(\d{4})(\d{2})(\d{2})$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;
const YEAR_ONLY = /^(\d{4})$/;
const NO_YEAR = /^--(\d{2})-?(\d{2})$/;
const NO_YEAR_NO_DAY = /^--(\d{2})$/;
const DAY_ONLY = /^---(\d{2})$/;

/**
 * Reads the raw value of a BDAY/ANNIVERSARY property. `type` is the jCard value type: a `text`
 * value ("circa 1800") is never a date.
 */
export function parseVCardDate(raw: string, type: string): ParsedVCardDate {
  const value = raw.trim();
  if (value === "") return { kind: "empty" };
  if (type === "text") return { kind: "invalid" };
  const datePart = value.split("T")[0] ?? "";
  if (datePart === "") return { kind: "invalid" }; // a time without a date
  let match = FULL_EXTENDED.exec(datePart) ?? FULL_BASIC.exec(datePart);
  if (match) {
    const epochMs = utcMidnight(Number(match[1]), Number(match[2]), Number(match[3]));
    return epochMs === null ? { kind: "invalid" } : { kind: "full", epochMs };
  }
  if ((match = NO_YEAR.exec(datePart))) {
    const month = Number(match[1]);
    const day = Number(match[2]);
    // 2000 is a leap year, so --0229 is accepted.
    return utcMidnight(2000, month, day) === null ? { kind: "invalid" } : { kind: "partial", year: null, month, day };
  }
  if ((match = YEAR_MONTH.exec(datePart))) {
    const month = Number(match[2]);
    return month >= 1 && month <= 12 ? { kind: "partial", year: Number(match[1]), month, day: null } : { kind: "invalid" };
  }
  if ((match = NO_YEAR_NO_DAY.exec(datePart))) {
    const month = Number(match[1]);
    return month >= 1 && month <= 12 ? { kind: "partial", year: null, month, day: null } : { kind: "invalid" };
  }
  if (YEAR_ONLY.test(datePart)) return { kind: "partial", year: Number(datePart), month: null, day: null };
  if ((match = DAY_ONLY.exec(datePart))) {
    const day = Number(match[1]);
    return day >= 1 && day <= 31 ? { kind: "partial", year: null, month: null, day } : { kind: "invalid" };
  }
  return { kind: "invalid" };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

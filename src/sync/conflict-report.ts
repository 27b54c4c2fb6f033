// What the activity log says when a change of the user's loses to BlueMind's (a conflict the
// server wins, a contact deleted there while edited here), so that nothing disappears silently:
// the user's values, readable and short. Shared by the pull and the push.
import { text, type UserText } from "../shared/user-text.ts";

/** The activity log keeps 200 short lines: a conflict report stays readable. */
const MAX_DESCRIPTION = 600;
const SKIPPED_PROPERTIES = new Set(["BEGIN", "END", "VERSION", "UID", "PRODID", "REV", "PHOTO"]);

/** "EMAIL: jane@example.com" per property of a vCard (unfolded, light unescaping). */
export function vCardValueLines(vCard: string): string[] {
  const lines: string[] = [];
  for (const line of vCard.replace(/\r?\n[ \t]/g, "").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = (line.slice(0, colon).split(";")[0] ?? "").toUpperCase();
    const value = line
      .slice(colon + 1)
      .replace(/\\n/gi, " / ")
      .replace(/\\([,;\\])/g, "$1")
      .replace(/;+/g, " ")
      .trim();
    if (SKIPPED_PROPERTIES.has(name) || value === "") continue;
    lines.push(`${name}: ${value}`);
  }
  return lines;
}

/**
 * The local values a conflict overwrites: the properties of the local vCard that the server's
 * version does not have (all of them when the server deleted the card).
 */
export function describeOverwritten(localVCard: string, serverVCard: string | null): UserText {
  const server = new Set(serverVCard === null ? [] : vCardValueLines(serverVCard));
  const lost = vCardValueLines(localVCard).filter((line) => !server.has(line));
  return lost.length === 0 ? text("valuesNoneDiffer") : text("valuesList", clipForLog(lost.join("; ")));
}

/** A description cut to MAX_DESCRIPTION characters. */
export function clipForLog(value: string): string {
  return value.length > MAX_DESCRIPTION ? `${value.slice(0, MAX_DESCRIPTION - 1)}…` : value;
}


// Echo suppression helpers. Thunderbird re-serialises the vCards it stores (folding, parameter
// order, escaping, empty properties its editor adds), so texts cannot be compared byte for byte.
// The key is the BlueMind content the vCard stands for: two vCards with the same key push the
// same data, and an edit of a field BlueMind cannot hold (X-CUSTOM1, TZ…) changes nothing.

import { vCardToBlueMind } from "./from-vcard.ts";

/** A canonical string for the content of a vCard, or null if it cannot be read. */
export function normalizedVCardKey(vCardText: string): string | null {
  const result = vCardToBlueMind(vCardText, null);
  return result.ok ? stableStringify(result.value) : null;
}

/** A short fingerprint of normalizedVCardKey (64 bits, hex), cheap to keep per contact. */
export function vCardContentHash(vCardText: string): string | null {
  const key = normalizedVCardKey(vCardText);
  return key === null ? null : fingerprint(key);
}

/** JSON with object keys sorted: equal for equal content. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Two FNV-1a lanes with different offsets: not cryptographic, only needs to spot edits. */
function fingerprint(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

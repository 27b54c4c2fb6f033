// Lists (emails, phones, addresses…) coming back from Thunderbird are matched against the
// previous server copy, entry by entry, so that what Thunderbird never saw (extra parameters,
// an address's label, an entry with nothing to show) survives an edit made in Thunderbird.

import { asArray, asObject, type JsonObject } from "./read.ts";

/**
 * For each fresh entry, the previous entry it matches (each previous entry used at most once,
 * first come first served), or null.
 */
export function pairWithPrevious<Fresh>(
  fresh: Fresh[],
  previous: (JsonObject | null)[],
  matches: (entry: Fresh, previous: JsonObject) => boolean,
): (JsonObject | null)[] {
  const used = new Set<number>();
  return fresh.map((entry) => {
    const index = previous.findIndex((candidate, i) => candidate !== null && !used.has(i) && matches(entry, candidate));
    if (index < 0) return null;
    used.add(index);
    return previous[index] ?? null;
  });
}

/**
 * Puts back the previous entries Thunderbird could not show (`isHidden`) at their former
 * positions, so that an unchanged list comes back in its original order.
 */
export function restoreHidden(result: unknown[], previousList: unknown, isHidden: (entry: JsonObject | null) => boolean): unknown[] {
  const merged = [...result];
  asArray(previousList).forEach((entry, index) => {
    if (isHidden(asObject(entry))) merged.splice(Math.min(index, merged.length), 0, structuredClone(entry));
  });
  return merged;
}

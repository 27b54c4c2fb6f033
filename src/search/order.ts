// The order in which a provider book hands its results to Thunderbird: people whose name starts
// with what was typed first, then everybody else, each group by name.
//
// Why it matters (measured on Thunderbird 140 and 153, test/e2e/provider-callers.test.ts):
// compose autocompletion shows a provider's first answer in the order given, and keeps at most
// 100 entries of it, so this order decides what the user sees and what is left out. Only when
// Thunderbird narrows a complete answer itself at the following key strokes does it sort the
// entries again (its own score: a match at the start of the name or address first, then by
// "Name <address>"), which this order agrees with. The address book sorts its rows by name
// whatever the order.
import type { Candidate } from "./answer.ts";
import { foldText } from "./match.ts";

/** The name a candidate is shown under: the full card's, else the search summary's. */
export function shownName(candidate: Candidate): string {
  const fromCard = candidate.card?.identification?.formatedName?.value;
  if (typeof fromCard === "string" && fromCard.trim() !== "") return fromCard;
  const fromInfo = candidate.info?.formatedName;
  return typeof fromInfo === "string" ? fromInfo : "";
}

interface NameKey {
  name: string;
  /** Case, accents and ligatures folded (match.ts): what "starts with" and "by name" compare. */
  folded: string;
}

/** Keys by source card or summary (never mutated once received): a narrowed answer reorders the same hits at every key stroke. */
const keys = new WeakMap<object, NameKey>();

function nameKey(candidate: Candidate): NameKey {
  const source: unknown = candidate.card ?? candidate.info;
  const cached = typeof source === "object" && source !== null ? keys.get(source) : undefined;
  if (cached !== undefined) return cached;
  const name = shownName(candidate);
  const key = { name, folded: foldText(name) };
  if (typeof source === "object" && source !== null) keys.set(source, key);
  return key;
}

/**
 * `candidates` in display order for the search `words` (words.ts: lower-cased; their typed order
 * is lost, so with several words a name starting with any of them comes first). By the folded
 * name (so "Émile" sorts with "Emile", whatever the case), nameless last; stable: equal names
 * keep the server's order.
 */
export function orderCandidates(candidates: readonly Candidate[], words: readonly string[]): Candidate[] {
  const prefixes = words.map(foldText).filter((word) => word !== "");
  const keyed = candidates.map((candidate, index) => {
    const key = nameKey(candidate);
    return { candidate, index, key, first: prefixes.some((prefix) => key.folded.startsWith(prefix)) };
  });
  keyed.sort(
    (a, b) =>
      Number(b.first) - Number(a.first) ||
      Number(a.key.folded === "") - Number(b.key.folded === "") ||
      (a.key.folded < b.key.folded ? -1 : a.key.folded > b.key.folded ? 1 : 0) ||
      a.index - b.index,
  );
  return keyed.map((entry) => entry.candidate);
}

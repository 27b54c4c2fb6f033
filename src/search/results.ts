// Search candidates → what Thunderbird's provider listener returns: `{vCard}` objects (MV2: a
// bare vCard string yields an empty contact, thunderbird-api.md) with a stable UID per book.
import type { VCard, VCardInfo } from "../bluemind/models.ts";
import type { ProviderSearchResult } from "../thunderbird/types.ts";
import { blueMindToVCard } from "../vcard/index.ts";
import type { Candidate } from "./answer.ts";

/** Compose autocompletion (`query === null`) or the address book's search box. */
export type SearchPath = "autocomplete" | "searchBox";

export function emailsOf(candidate: Candidate): string[] {
  const emails = candidate.card?.communications?.emails;
  const fromCard = Array.isArray(emails) ? emails.map((email) => email?.value).filter((value): value is string => typeof value === "string" && value.trim() !== "") : [];
  if (fromCard.length > 0) return fromCard;
  const mail = candidate.info?.mail;
  return typeof mail === "string" && mail.trim() !== "" ? [mail] : [];
}

function kindOf(candidate: Candidate): string | undefined {
  return candidate.card?.kind ?? candidate.info?.kind;
}

/**
 * Autocompletion offers only cards with an email (Thunderbird would skip the others anyway, after
 * they took a place among its 100). The search box also shows people without one (a phone number
 * is worth finding), but not a group without an email: its members cannot be shown in a provider
 * book, so it would be an empty card.
 */
export function isUsable(candidate: Candidate, path: SearchPath): boolean {
  if (emailsOf(candidate).length > 0) return true;
  return path === "searchBox" && kindOf(candidate) !== "group";
}

/** A BlueMind card holding what `_search` told: used when the full card is not known. */
export function cardFromInfo(info: VCardInfo): VCard {
  const card: VCard = { kind: info.kind ?? "individual" };
  if (typeof info.formatedName === "string" && info.formatedName !== "") {
    card.identification = { formatedName: { value: info.formatedName, parameters: [] } };
  }
  const communications: NonNullable<VCard["communications"]> = {};
  if (typeof info.mail === "string" && info.mail !== "") communications.emails = [{ value: info.mail, parameters: [] }];
  if (typeof info.tel === "string" && info.tel !== "") communications.tels = [{ value: info.tel, parameters: [] }];
  if (communications.emails !== undefined || communications.tels !== undefined) card.communications = communications;
  return card;
}

/**
 * Converted vCards by source object (cards are never mutated once received): a repeated or
 * narrowed query hands Thunderbird the same 100 cards again, and converting them costs ≈ 10 ms.
 */
const converted = new WeakMap<object, { uid: string; vCard: string | null }>();

/** The vCard of a candidate, from its full card, else from its summary; null if neither converts. */
export function candidateVCard(candidate: Candidate, uid: string): string | null {
  const source: unknown = candidate.card ?? candidate.info;
  // Only objects can key the memo; anything else is malformed and converted (or refused) as is.
  if (typeof source !== "object" || source === null) return convert(candidate, uid);
  const known = converted.get(source);
  if (known !== undefined && known.uid === uid) return known.vCard;
  const vCard = convert(candidate, uid);
  converted.set(source, { uid, vCard });
  return vCard;
}

function convert(candidate: Candidate, uid: string): string | null {
  if (candidate.card !== null) {
    const full = blueMindToVCard(candidate.card, uid);
    if (full.ok) return full.value;
  }
  if (candidate.info !== null) {
    const summary = blueMindToVCard(cardFromInfo(candidate.info), uid);
    if (summary.ok) return summary.value;
  }
  return null;
}

export interface BuiltResults {
  result: ProviderSearchResult;
  /** Usable candidates found, before the limit. */
  usable: number;
}

/**
 * The first `limit` usable candidates as vCards. Complete only when the candidates were all the
 * matches (`complete`) and none was cut by the limit.
 */
export function buildResults(
  candidates: readonly Candidate[],
  options: { path: SearchPath; limit: number; complete: boolean; cardUid: (itemUid: string) => string },
): BuiltResults {
  const usable = candidates.filter((candidate) => isUsable(candidate, options.path));
  const results: { vCard: string }[] = [];
  for (const candidate of usable.slice(0, options.limit)) {
    const vCard = candidateVCard(candidate, options.cardUid(candidate.uid));
    if (vCard !== null) results.push({ vCard });
  }
  return { result: { results, isCompleteResult: options.complete && usable.length <= options.limit }, usable: usable.length };
}

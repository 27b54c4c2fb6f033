// Search candidates → what Thunderbird's provider listener returns: `{vCard}` objects (MV2: a
// bare vCard string yields an empty contact, thunderbird-api.md) with a stable UID per book.
//
// One card per person for the address book, one card per email address for autocompletion.
// Measured on Thunderbird 140.12 and 153.8 (test/e2e/provider-callers.test.ts): autocompletion
// offers a provider card once, with its first (preferred) address only, while a local contact
// offers each of its addresses; the address book shows one row per card. Both callers can be told
// apart (book-search.ts: autocompletion passes no query), so a person with three addresses is
// three cards in autocompletion (three entries, as for a local contact) and one card, holding the
// three, in the address book (one readable row, every address in its details).
import type { VCard, VCardInfo } from "../bluemind/models.ts";
import type { ProviderSearchResult } from "../thunderbird/types.ts";
import { blueMindToVCard } from "../vcard/index.ts";
import type { Candidate } from "./answer.ts";
import { orderCandidates } from "./order.ts";

/** Compose autocompletion (`query === null`) or the address book's search box. */
export type SearchPath = "autocomplete" | "searchBox";

type CardEmail = NonNullable<NonNullable<VCard["communications"]>["emails"]>[number];

function cardEmails(card: VCard | null): CardEmail[] {
  const emails = card?.communications?.emails;
  return Array.isArray(emails) ? emails.filter((email) => typeof email?.value === "string" && email.value.trim() !== "") : [];
}

function isDefault(email: CardEmail): boolean {
  return Array.isArray(email.parameters) && email.parameters.some((parameter) => parameter?.label === "DEFAULT" && parameter.value === "true");
}

/** emailsOf by source card or summary (never mutated once received): asked of every hit at every key stroke. */
const emailLists = new WeakMap<object, string[]>();

/** Every email of the full card, the default one (BlueMind's DEFAULT, else the first) first; else the summary's. */
export function emailsOf(candidate: Candidate): string[] {
  const source: unknown = candidate.card ?? candidate.info;
  if (typeof source !== "object" || source === null) return readEmails(candidate);
  let emails = emailLists.get(source);
  if (emails === undefined) {
    emails = readEmails(candidate);
    emailLists.set(source, emails);
  }
  return emails;
}

function readEmails(candidate: Candidate): string[] {
  const emails = cardEmails(candidate.card);
  if (emails.length > 0) {
    const main = emails.find(isDefault) ?? emails[0];
    return [main, ...emails.filter((email) => email !== main)].map((email) => (email as CardEmail).value as string);
  }
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
 * Converted vCards by source object (cards are never mutated once received) and card UID: a
 * repeated or narrowed query hands Thunderbird the same 100 cards again, and converting them
 * costs ≈ 10 ms.
 */
const converted = new WeakMap<object, Map<string, string | null>>();

/**
 * The vCard of a candidate, from its full card, else from its summary; null if neither converts.
 * With `email`, the card of that one address for autocompletion: the person with `email` as
 * the default (first, preferred) address, which is the one Thunderbird offers.
 */
export function candidateVCard(candidate: Candidate, uid: string, email?: string): string | null {
  const source: unknown = candidate.card ?? candidate.info;
  // Only objects can key the memo; anything else is malformed and converted (or refused) as is.
  if (typeof source !== "object" || source === null) return convert(candidate, uid, email);
  let known = converted.get(source);
  if (known === undefined) {
    known = new Map();
    converted.set(source, known);
  }
  const key = email === undefined ? uid : `${uid}\n${email}`;
  if (known.has(key)) return known.get(key) ?? null;
  const vCard = convert(candidate, uid, email);
  known.set(key, vCard);
  return vCard;
}

/** `card` with `email` as its only default address, moved first; the other addresses follow. */
export function withMainEmail(card: VCard, email: string): VCard {
  const emails = cardEmails(card);
  const chosen = emails.find((entry) => entry.value === email);
  if (chosen === undefined) return card;
  const withoutDefault = (entry: CardEmail) => (Array.isArray(entry.parameters) ? entry.parameters : []).filter((parameter) => parameter?.label !== "DEFAULT");
  const undefault = (entry: CardEmail): CardEmail => ({ ...entry, parameters: withoutDefault(entry) });
  const main: CardEmail = { ...chosen, parameters: [...withoutDefault(chosen), { label: "DEFAULT", value: "true" }] };
  return { ...card, communications: { ...card.communications, emails: [main, ...emails.filter((entry) => entry !== chosen).map(undefault)] } };
}

/**
 * What an autocompletion entry needs of a card: names (Thunderbird shows "Name <address>" and
 * narrows the next key strokes on display name, first and last name, nickname and the address),
 * the addresses, and the organisation. Postal addresses, phones, notes (HTML to convert), URLs
 * and keys are left out: one card per address multiplies the conversions at each key stroke.
 */
export function autocompletionCard(card: VCard, email: string): VCard {
  const main = withMainEmail(card, email);
  const { kind, identification, organizational } = main;
  const emails = main.communications?.emails;
  const slim: VCard = { kind };
  if (identification !== undefined) slim.identification = identification;
  if (emails !== undefined) slim.communications = { emails };
  if (organizational !== undefined) slim.organizational = { ...organizational, member: [] };
  return slim;
}

function convert(candidate: Candidate, uid: string, email?: string): string | null {
  if (candidate.card !== null) {
    const card = email === undefined ? candidate.card : autocompletionCard(candidate.card, email);
    const full = blueMindToVCard(card, uid);
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

export interface BuildOptions {
  path: SearchPath;
  /** Cards handed to Thunderbird at most (autocompletion keeps 100). */
  limit: number;
  complete: boolean;
  /** The search words, for the order (order.ts). */
  words: readonly string[];
  /** The card UID of a person (`email` undefined) or of one of its addresses in autocompletion. */
  cardUid: (itemUid: string, email?: string) => string;
}

/** What a candidate becomes: one card in the search box, one per address in autocompletion. */
function cardsOf(candidate: Candidate, options: BuildOptions): { uid: string; email?: string }[] {
  if (options.path === "searchBox") return [{ uid: options.cardUid(candidate.uid) }];
  // The default address keeps the person's card UID (the same contact as in the address book).
  return emailsOf(candidate).map((email, index) => (index === 0 ? { uid: options.cardUid(candidate.uid), email } : { uid: options.cardUid(candidate.uid, email), email }));
}

/**
 * The first `limit` cards of the usable candidates, in display order (order.ts). Complete only
 * when the candidates were all the matches (`complete`) and none was cut by the limit.
 */
export function buildResults(candidates: readonly Candidate[], options: BuildOptions): BuiltResults {
  const usable = orderCandidates(
    candidates.filter((candidate) => isUsable(candidate, options.path)),
    options.words,
  );
  const results: { vCard: string }[] = [];
  let cut = false;
  for (const candidate of usable) {
    const cards = cardsOf(candidate, options);
    // A person's addresses go together or not at all.
    if (results.length + cards.length > options.limit) {
      cut = true;
      break;
    }
    for (const card of cards) {
      const vCard = candidateVCard(candidate, card.uid, card.email);
      if (vCard !== null) results.push({ vCard });
    }
  }
  return { result: { results, isCompleteResult: options.complete && !cut }, usable: usable.length };
}

// Local matching of cards against search words, to narrow a complete answer for a longer query
// without asking the server again.
//
// It must accept everything the server would return for the narrower query (else narrowing
// loses people); accepting a little more is harmless. So it is lenient where Elasticsearch's
// analysis may be: case and accents are folded, and a word matches a field value when it is a
// prefix of the whole value or of the value's words from any word on ("pierre" and
// "jean-pi" both match "Jean-Pierre", "doe" matches "jane.doe@example.com").
import type { VCard, VCardInfo } from "../bluemind/models.ts";

const LIGATURES: Record<string, string> = { œ: "oe", æ: "ae", ß: "ss", ø: "o", đ: "d", ł: "l", ı: "i", þ: "th" };

/** Lower case, accents and ligatures folded, as an ASCII-folding analyser indexes text. */
export function foldText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[œæßøđłıþ]/g, (c) => LIGATURES[c] ?? c)
    .trim();
}

function tokensOf(folded: string): string[] {
  return folded.split(/[^\p{L}\p{N}]+/u).filter((token) => token !== "");
}

/** A folded text and its words, ready to compare. */
export interface Folded {
  text: string;
  tokens: string[];
}

function fold(text: string): Folded {
  const folded = foldText(text);
  return { text: folded, tokens: tokensOf(folded) };
}

/** Search words folded once for a whole scan of cards. */
export function foldWords(words: readonly string[]): Folded[] {
  return words.map(fold);
}

function valueMatches(value: Folded, word: Folded): boolean {
  if (value.text === "") return false;
  if (value.text.startsWith(word.text)) return true;
  const wanted = word.tokens;
  // A word of punctuation only has no token: the server's analyser drops it the same way.
  if (wanted.length === 0) return true;
  const last = wanted.length - 1;
  for (let start = 0; start + last < value.tokens.length; start++) {
    let ok = true;
    for (let i = 0; i < last && ok; i++) ok = value.tokens[start + i] === wanted[i];
    if (ok && (value.tokens[start + last] ?? "").startsWith(wanted[last] ?? "")) return true;
  }
  return false;
}

/** The card's searchable values (query.ts SEARCH_FIELDS), from the full card when known. */
export function searchableTexts(card: VCard | null, info: VCardInfo | null): string[] {
  const texts: unknown[] = [];
  if (info !== null) texts.push(info.formatedName, info.mail);
  if (card !== null) {
    const identification = card.identification;
    texts.push(identification?.formatedName?.value, identification?.name?.givenNames, identification?.name?.familyNames);
    const emails = card.communications?.emails;
    if (Array.isArray(emails)) for (const email of emails) texts.push(email?.value);
    texts.push(card.organizational?.org?.company);
  }
  return texts.filter((text): text is string => typeof text === "string" && text.trim() !== "");
}

/** Matches one card against several queries cheaply: values are folded once. */
export class CardMatcher {
  private readonly values: Folded[];

  constructor(texts: readonly string[]) {
    this.values = texts.map(fold);
  }

  /** Every word (see foldWords) matches some value. */
  matches(words: readonly Folded[]): boolean {
    return words.every((word) => this.values.some((value) => valueMatches(value, word)));
  }
}

const matchers = new WeakMap<object, CardMatcher>();

/** The matcher of a card, kept as long as the card object lives (cards are never mutated). */
export function matcherFor(card: VCard | null, info: VCardInfo | null): CardMatcher {
  const owner: unknown = card ?? info;
  if (typeof owner !== "object" || owner === null) return new CardMatcher(searchableTexts(card, info));
  let matcher = matchers.get(owner);
  if (matcher === undefined) {
    matcher = new CardMatcher(searchableTexts(card, info));
    matchers.set(owner, matcher);
  }
  return matcher;
}

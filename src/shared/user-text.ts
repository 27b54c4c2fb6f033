// What the add-on says to the user, kept as a message id of _locales/*/messages.json and its
// arguments, never as a sentence: the background writes these into statuses, the activity log and
// error answers, and whoever shows them (the options page, a notification) renders them in
// Thunderbird's language at that moment. An argument is either a value shown as is (a book name,
// BlueMind's own message) or another UserText (the reason inside "Sync of “X” failed: …").
//
// The English catalogue is also the one source of English text in code: an Error's `message` (what
// the console and the tests read) is the English rendering of its UserText.
import english from "../../_locales/en/messages.json" with { type: "json" };
import { isRecord, type Guard } from "./parse.ts";

/** A message id of the catalogues; the locale test checks the French catalogue has the same. */
export type MessageKey = keyof typeof english;

export type TextArg = string | UserText;

export interface UserText {
  readonly key: MessageKey;
  readonly args: readonly TextArg[];
}

export function text(key: MessageKey, ...args: TextArg[]): UserText {
  return { key, args };
}

/** A sentence stored before 0.2.0, when the background wrote English (shown as it was written). */
export function legacyText(sentence: string): UserText {
  return text("legacyText", sentence);
}

/** Looks a message up in one language with positional substitutions ($1, $2…), as i18n.getMessage. */
export type Lookup = (key: MessageKey, substitutions: string[]) => string;

/** Several texts shown as one, separated as the language separates list items ("a; b; c"). */
export function listOf(items: readonly UserText[]): UserText {
  return text("textList", ...items);
}

export function renderText(value: UserText, lookup: Lookup): string {
  const args = value.args.map((arg) => (typeof arg === "string" ? arg : renderText(arg, lookup)));
  // A list has any number of items, more than a message's nine substitutions: joined pairwise.
  if (value.key === "textList") return args.reduce((joined, item) => lookup("listPair", [joined, item]));
  return lookup(value.key, args);
}

interface CatalogueEntry {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

/** messages.json semantics: `$NAME$` → the placeholder's content → `$n` substitutions, in one pass
 * each so a substituted value containing `$1` is shown as typed. */
export function lookupIn(catalogue: Readonly<Record<string, CatalogueEntry>>): Lookup {
  return (key, substitutions) => {
    const entry = catalogue[key];
    if (entry === undefined) return key;
    return entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (_, name: string) => {
      const content = entry.placeholders?.[name.toLowerCase()]?.content ?? "";
      return content.replace(/\$(\d)/g, (_m, n: string) => substitutions[Number(n) - 1] ?? "");
    });
  };
}

const englishLookup = lookupIn(english);

/** The English sentence: for Error messages and the console, never for what the user reads. */
export function inEnglish(value: UserText): string {
  return renderText(value, englishLookup);
}

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === "string" && Object.hasOwn(english, value);
}

/** Nesting deeper than this is not something the add-on writes: refused rather than recursed. */
const MAX_DEPTH = 4;

function isUserTextAt(value: unknown, depth: number): value is UserText {
  return (
    isRecord(value) &&
    isMessageKey(value.key) &&
    Array.isArray(value.args) &&
    value.args.every((arg) => typeof arg === "string" || (depth < MAX_DEPTH && isUserTextAt(arg, depth + 1)))
  );
}

/** A UserText with a known message id; a plain string is refused, whatever it says. */
export const isUserText: Guard<UserText> = (value): value is UserText => isUserTextAt(value, 0);

/** An Error whose message the user reads: it carries its UserText, and its English as `message`. */
export class UserError extends Error {
  readonly text: UserText;
  constructor(value: UserText, options?: { cause?: unknown }) {
    super(inEnglish(value), options);
    this.name = new.target.name;
    this.text = value;
  }
}

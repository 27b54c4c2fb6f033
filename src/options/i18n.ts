// Strings, numbers and dates in Thunderbird's language. Components read the translator from
// context so a test can render any of them with its own.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { renderText, type UserText } from "../shared/user-text.ts";
import type { Translate } from "./backend.ts";

export interface I18n {
  t: Translate;
  language: string;
}

export const I18nContext = createContext<I18n>({ t: (key) => key, language: "en" });

export function useI18n(): I18n {
  return useContext(I18nContext);
}

/** What the background said (a UserText), in the page's language. */
export function say({ t }: I18n, value: UserText): string {
  return renderText(value, (key, substitutions) => t(key, ...substitutions));
}

export function formatCount(count: number, language: string): string {
  return new Intl.NumberFormat(language).format(count);
}

/** "14:32" for today, "12 Mar 2025, 14:32" otherwise: a sync time from yesterday must not read as today's. */
export function formatTime(at: number, language: string, now: number = Date.now()): string {
  const date = new Date(at);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" };
  return new Intl.DateTimeFormat(language, options).format(date);
}

/** French treats 0 and 1 as singular. */
function isSingular(language: string, count: number): boolean {
  return language.toLowerCase().startsWith("fr") ? count <= 1 : count === 1;
}

/** "1 contact" / "1,500 contacts". */
export function contactCountText(i18n: I18n, count: number): string {
  return i18n.t(isSingular(i18n.language, count) ? "contactCountOne" : "contactCount", formatCount(count, i18n.language));
}

/** "1 contact of “book” is a copy…" / "3 contacts of “book” are copies…" (sync/local-copies.ts). */
export function copiesText(i18n: I18n, count: number, book: string): string {
  return i18n.t(isSingular(i18n.language, count) ? "statusCopiesOne" : "statusCopies", formatCount(count, i18n.language), book);
}

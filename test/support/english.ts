// Tests read what the add-on tells the user in English: these turn the UserTexts of a result into
// the English sentences the tests assert on, as strictly as when the code wrote English itself.
import { inEnglish, type UserText } from "../../src/shared/user-text.ts";
import type { ConversionResult } from "../../src/vcard/index.ts";

export type EnglishResult<T> = { ok: false; uid: string | null; reason: string } | { ok: true; value: T; warnings: string[] };

export function englishResult<T>(result: ConversionResult<T>): EnglishResult<T> {
  return result.ok ? { ...result, warnings: result.warnings.map(inEnglish) } : { ...result, reason: inEnglish(result.reason) };
}

/** The English of a text that may be absent (a book's lastError, an account message). */
export function englishOf(value: UserText | null | undefined): string | null | undefined {
  return value === null || value === undefined ? value : inEnglish(value);
}

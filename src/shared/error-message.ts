// The one way the add-on turns a caught value into what the user reads (describeError) or into a
// technical detail (messageOf: an Error's message, anything else — a rejected string, a number —
// as text).
import { text, UserError, type UserText } from "./user-text.ts";

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The error's own UserText, or its message as a detail shown as is (Thunderbird's and the
 * runtime's errors come in their own words, which the add-on cannot translate). */
export function describeError(error: unknown): UserText {
  return error instanceof UserError ? error.text : text("errorDetail", messageOf(error));
}

// The one-line status of a synced book after a run, from what its push and pull reported.
import { text, type UserText } from "../shared/user-text.ts";
import type { PushReport } from "./engine-types.ts";
import type { PullOutcome } from "./pull/book-pull.ts";

/** The status line of a synced book: what BlueMind refused of the push, then what the pull missed. */
export function bookProblems(pushed: PushReport | undefined, outcome: PullOutcome): UserText | null {
  const parts: UserText[] = [];
  const [first, ...others] = pushed?.problems ?? [];
  if (first !== undefined) parts.push(others.length > 0 ? text("bookNotSavedMore", first, String(others.length)) : text("bookNotSaved", first));
  if (outcome.failures.length > 0) parts.push(text("bookCardsNotSynced", String(outcome.failures.length)));
  const [refusedPart, failedPart] = parts;
  if (refusedPart === undefined) return null;
  return failedPart === undefined ? refusedPart : text("twoSentences", refusedPart, failedPart);
}

// Outcome of one conversion. A card that cannot be converted is reported, never thrown: the sync
// engine skips it, logs `uid` and `reason`, and carries on with the rest of the batch. Reasons and
// warnings are UserTexts: they reach the activity log in the user's language.
import type { UserText } from "../shared/user-text.ts";

export interface ConversionFailure {
  ok: false;
  /** The card's uid when known (BlueMind item uid, or the vCard UID), for the activity log. */
  uid: string | null;
  reason: UserText;
}

export interface ConversionSuccess<T> {
  ok: true;
  value: T;
  /** Data that could not be carried over (an invalid date, a year-less birthday…), for the log. */
  warnings: UserText[];
}

export type ConversionResult<T> = ConversionSuccess<T> | ConversionFailure;

export function failure(uid: string | null, reason: UserText): ConversionFailure {
  return { ok: false, uid, reason };
}

export function success<T>(value: T, warnings: UserText[]): ConversionSuccess<T> {
  return { ok: true, value, warnings };
}

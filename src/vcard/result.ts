// Outcome of one conversion. A card that cannot be converted is reported, never thrown: the sync
// engine skips it, logs `uid` and `reason`, and carries on with the rest of the batch.

export interface ConversionFailure {
  ok: false;
  /** The card's uid when known (BlueMind item uid, or the vCard UID), for the activity log. */
  uid: string | null;
  reason: string;
}

export interface ConversionSuccess<T> {
  ok: true;
  value: T;
  /** Data that could not be carried over (an invalid date, a year-less birthday…), for the log. */
  warnings: string[];
}

export type ConversionResult<T> = ConversionSuccess<T> | ConversionFailure;

export function failure(uid: string | null, reason: string): ConversionFailure {
  return { ok: false, uid, reason };
}

export function success<T>(value: T, warnings: string[]): ConversionSuccess<T> {
  return { ok: true, value, warnings };
}

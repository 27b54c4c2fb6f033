// Minimal shape checks on answers, where a wrong shape would otherwise travel far before failing:
// a changeset without arrays would make the sync engine "delete nothing" silently; an _mget that
// is not an array would crash a loop three modules away. Fields we do not rely on are not checked
// (the server may add fields, and older servers lack some).

import { isRecord } from "../shared/parse.ts";
import { text } from "../shared/user-text.ts";
import { MalformedResponseError } from "./errors.ts";
import type { RequestRef } from "./errors.ts";

export type Check<T> = (value: unknown, ref: RequestRef) => T;

/** `what` is a technical detail in English (the shape expected and found), for whoever reports
 * the problem; the sentence around it is translated. */
export function malformed(ref: RequestRef, what: string): MalformedResponseError {
  return new MalformedResponseError(text("errorMalformed", `${ref.method} ${ref.path}`, what), {
    code: "MALFORMED_RESPONSE",
    request: ref,
  });
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

export const nothing: Check<void> = () => undefined;

export const stringList: Check<string[]> = (value, ref) => {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === "string")) {
    throw malformed(ref, `expected a list of strings, got ${describe(value)}`);
  }
  return value;
};

/**
 * `value` as the wire type T once the caller checked the fields the add-on relies on: the rest is
 * trusted and kept as sent (see the header; models.ts leaves every type open to extra fields).
 * The one cast between BlueMind's JSON and the wire types.
 */
export function trustedAs<T>(value: Record<string, unknown>): T {
  return value as T;
}

/** An object carrying `key` as a non-empty string; the rest is trusted to match T. */
export function objectWith<T>(key: string): Check<T> {
  return (value, ref) => {
    if (!isRecord(value) || typeof value[key] !== "string" || value[key] === "") {
      throw malformed(ref, `expected an object with "${key}", got ${describe(value)}`);
    }
    return trustedAs<T>(value);
  };
}

export function listOf<T>(item: Check<T>): Check<T[]> {
  return (value, ref) => {
    if (!Array.isArray(value)) throw malformed(ref, `expected a list, got ${describe(value)}`);
    return value.map((v) => item(v, ref));
  };
}

/** For BlueMind's "204 means absent" endpoints: null stays null, anything else must pass `item`. */
export function orNull<T>(item: Check<T>): Check<T | null> {
  return (value, ref) => (value === null || value === undefined ? null : item(value, ref));
}

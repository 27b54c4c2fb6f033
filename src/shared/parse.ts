// Checks for values that come from outside the type system: storage.local, runtime messages,
// server answers. Each reader builds or narrows its typed value with these instead of casting.

/** A type guard: true only when `value` is a T. */
export type Guard<T> = (value: unknown) => value is T;

/** One guard per field of T, optional fields included (their guard must accept undefined). */
export type FieldGuards<T> = { [K in keyof T]-?: Guard<T[K]> };

/** A plain object (not null, not an array): its fields can be read and checked one by one. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An object whose every value passes `check` (a map stored as an object, keyed by id). */
export function isRecordOf<T>(value: unknown, check: Guard<T>): value is Record<string, T> {
  return isRecord(value) && Object.values(value).every(check);
}

/** Every field named in `guards` passes its guard; other fields are allowed (and kept). */
export function fieldsPass(value: Record<string, unknown>, guards: Readonly<Record<string, Guard<unknown>>>): boolean {
  return Object.entries(guards).every(([field, check]) => check(value[field]));
}

/** The guard of an object type, from one guard per field. */
export function objectGuard<T>(guards: FieldGuards<T>): Guard<T> {
  return (value): value is T => isRecord(value) && fieldsPass(value, guards);
}

export function isString(value: unknown): value is string {
  return typeof value === "string";
}

export function isBoolean(value: unknown): value is boolean {
  return typeof value === "boolean";
}

/** A finite number: NaN and the infinities are not values anyone stored on purpose. */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** One of a closed set of strings (a union type's values). */
export function oneOf<const T extends string>(values: readonly T[]): Guard<T> {
  return (value): value is T => values.some((allowed) => allowed === value);
}

export function nullable<T>(check: Guard<T>): Guard<T | null> {
  return (value): value is T | null => value === null || check(value);
}

export function optional<T>(check: Guard<T>): Guard<T | undefined> {
  return (value): value is T | undefined => value === undefined || check(value);
}

export function arrayOf<T>(check: Guard<T>): Guard<T[]> {
  return (value): value is T[] => Array.isArray(value) && value.every(check);
}

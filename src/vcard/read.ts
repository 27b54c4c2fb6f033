// Defensive reading of server JSON. The wire types describe what BlueMind should send; these
// helpers make sure a field of an unexpected shape (an older server, a hand-edited card) is
// skipped instead of throwing in the middle of a sync.

import { isRecord } from "../shared/parse.ts";

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown): JsonObject | null {
  return isRecord(value) ? value : null;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** Follows a path of object keys; undefined as soon as one step is not an object. */
export function dig(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    const object = asObject(current);
    if (object === null) return undefined;
    current = object[key];
  }
  return current;
}

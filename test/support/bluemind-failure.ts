// Test helpers: the error a call rejects with, of an expected class (anything else is rethrown,
// a call that resolves fails the test).
import { BlueMindError } from "../../src/bluemind/errors.ts";

export async function rejectionOf<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected the call to fail with ${type.name}`);
}

/** The BlueMindError a call rejects with. */
export function failure(promise: Promise<unknown>): Promise<BlueMindError> {
  return rejectionOf(promise, BlueMindError);
}

// Test helper: the BlueMindError a call rejects with (anything else is rethrown).
import { BlueMindError } from "../../src/bluemind/errors.ts";

export async function failure(promise: Promise<unknown>): Promise<BlueMindError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BlueMindError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

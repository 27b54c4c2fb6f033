// The 3 s answer limit, on the injectable clock (shared/clock.ts) so it is tested without waiting.
import type { Clock } from "../shared/clock.ts";

export const TIMED_OUT: unique symbol = Symbol("timed out");

/** `promise`'s value, or TIMED_OUT if it takes longer than `ms`. The promise itself goes on. */
export function withDeadline<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => resolve(TIMED_OUT), ms);
    promise.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Resolves after `ms` on `clock`. */
export function delay(ms: number, clock: Clock): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

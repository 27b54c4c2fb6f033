// Time as the search code sees it: injectable, so that cache lifetimes and the 3 s answer limit
// are tested without waiting.

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

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

// Time as the add-on's timers see it: injectable, so that the scheduler's delays, the search
// caches' lifetimes and the 3 s answer limit are tested without waiting.

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  // Cast: the only handles this clock is given are the ones its setTimeout returned (a number
  // in a page, a Timeout object in Node), which the interface keeps opaque.
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

// Bounded concurrency. Thunderbird runs every contacts.* call on its main thread: too few calls in
// flight leave it idle between round-trips, too many freeze its window and queue memory. The pull
// pipeline shares one Limiter for all Thunderbird writes and runs its _mget batches with
// runWorkers, so the number of things in flight is fixed whatever the book size.

/** A counting semaphore: `run` starts the task when fewer than `limit` tasks are running. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next task, so `active` never dips and overshoots.
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Runs `work` over `items` with at most `workers` at a time, in order of start. The first failure
 * stops the hand-out of new items and is rethrown once the running ones have settled, so no
 * write is left half-done in the background when the caller sees the error.
 */
export async function runWorkers<T>(items: readonly T[], workers: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  // One iterator shared by the workers hands out each item once, in order.
  const handOut = items.entries();
  const run: { failure?: { error: unknown } } = {};
  const worker = async (): Promise<void> => {
    while (run.failure === undefined) {
      const next = handOut.next();
      if (next.done === true) return;
      const [index, item] = next.value;
      try {
        await work(item, index);
      } catch (error) {
        run.failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
  if (run.failure !== undefined) throw run.failure.error;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Settles every promise; rethrows the first failure afterwards (never leaves work running). */
export async function allSettledOrThrow<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const values: T[] = [];
  for (const result of results) {
    if (result.status === "rejected") throw result.reason;
    values.push(result.value);
  }
  return values;
}

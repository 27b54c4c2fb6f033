import { describe, expect, it } from "vitest";
import { allSettledOrThrow, chunk, Limiter, runWorkers } from "./concurrency.ts";

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe("Limiter", () => {
  it("never runs more than its limit at once, and runs everything", async () => {
    const limiter = new Limiter(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await tick();
          running--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(limiter.running).toBe(0);
    expect(limiter.queued).toBe(0);
  });

  it("frees the slot of a failed task", async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    await expect(limiter.run(async () => 42)).resolves.toBe(42);
    expect(limiter.running).toBe(0);
  });

  it("refuses a limit below one", () => {
    expect(() => new Limiter(0)).toThrow(RangeError);
  });
});

describe("runWorkers", () => {
  it("hands items out in order to a bounded number of workers", async () => {
    const started: number[] = [];
    let active = 0;
    let peak = 0;
    await runWorkers([0, 1, 2, 3, 4, 5, 6], 2, async (item) => {
      started.push(item);
      active++;
      peak = Math.max(peak, active);
      await tick();
      active--;
    });
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(peak).toBe(2);
  });

  it("stops handing out after a failure and rethrows it once running items settled", async () => {
    const finished: number[] = [];
    await expect(
      runWorkers([0, 1, 2, 3, 4, 5], 2, async (item) => {
        await tick();
        if (item === 1) throw new Error("item 1");
        finished.push(item);
      }),
    ).rejects.toThrow("item 1");
    expect(finished).not.toContain(4);
    expect(finished).not.toContain(5);
  });
});

describe("chunk and allSettledOrThrow", () => {
  it("chunk splits in order, last chunk shorter", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
  });

  it("allSettledOrThrow waits for every promise before rejecting", async () => {
    let slowDone = false;
    const slow = new Promise<number>((resolve) => setTimeout(() => { slowDone = true; resolve(1); }, 5));
    await expect(allSettledOrThrow([Promise.reject(new Error("fast")), slow])).rejects.toThrow("fast");
    expect(slowDone).toBe(true);
    await expect(allSettledOrThrow([Promise.resolve(1), Promise.resolve(2)])).resolves.toEqual([1, 2]);
  });
});

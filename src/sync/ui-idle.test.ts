import { describe, expect, it } from "vitest";
import type { Clock } from "../shared/clock.ts";
import { FIRST_SYNC_DELAY_MS, SyncScheduler, type SyncReason } from "./scheduler.ts";
import { waitUntilIdle } from "./ui-idle.ts";

/** Time moves only when a ping "takes" time or a timer is due: nothing here waits for real. */
class StepClock implements Clock {
  time = 0;
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    this.time += ms;
    queueMicrotask(callback);
    return 0;
  }
  clearTimeout(): void {}
}

describe("waitUntilIdle", () => {
  it("resolves after three quick answers in a row, not before", async () => {
    const clock = new StepClock();
    // Thunderbird busy with its start-up for the first pings, then quick.
    const latencies = [400, 120, 5, 300, 4, 6, 3, 2];
    let pings = 0;
    const result = await waitUntilIdle({
      clock,
      ping: async () => {
        clock.time += latencies[pings++] ?? 1;
      },
    });
    expect(result.idle).toBe(true);
    // The quick answer between two slow ones did not count; the three after the last slow one did.
    expect(result.pings).toBe(7);
  });

  it("gives up waiting after its bound: the books still get synced", async () => {
    const clock = new StepClock();
    const result = await waitUntilIdle({ clock, maxWaitMs: 5_000, ping: async () => void (clock.time += 200) });
    expect(result.idle).toBe(false);
    expect(result.waitedMs).toBeGreaterThanOrEqual(5_000);
  });

  it("a failing ping does not stop the wait", async () => {
    const clock = new StepClock();
    let pings = 0;
    const result = await waitUntilIdle({ clock, ping: async () => (pings++ === 0 ? Promise.reject(new Error("no")) : undefined) });
    expect(result.idle).toBe(true);
  });
});

describe("SyncScheduler with beforeFirstSync", () => {
  it("starts the first sync only once the wait has ended, and later syncs without it", async () => {
    const timers: { at: number; callback: () => void }[] = [];
    let time = 0;
    const clock: Clock = {
      now: () => time,
      setTimeout: (callback, ms) => timers.push({ at: time + ms, callback }),
      clearTimeout: () => undefined,
    };
    const runs: SyncReason[] = [];
    let idle: () => void = () => undefined;
    let waits = 0;
    const scheduler = new SyncScheduler({
      intervalMinutes: 5,
      clock,
      isOnline: () => true,
      runSync: async (reason) => {
        runs.push(reason);
        return true;
      },
      beforeFirstSync: () => {
        waits++;
        return new Promise<void>((resolve) => (idle = resolve));
      },
    });
    scheduler.start();
    const first = timers.shift();
    expect(first?.at).toBe(FIRST_SYNC_DELAY_MS);
    time = FIRST_SYNC_DELAY_MS;
    first?.callback();
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(runs).toEqual([]);
    idle();
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(runs).toEqual(["startup"]);
    await scheduler.syncNow("manual");
    expect(runs).toEqual(["startup", "manual"]);
    expect(waits).toBe(1);
    scheduler.stop();
  });
});

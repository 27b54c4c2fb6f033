import { describe, expect, it } from "vitest";
import { FIRST_SYNC_DELAY_MS, LOCAL_EDIT_DELAY_MS, MIN_BACKOFF_MS, SyncScheduler, type SyncReason } from "./scheduler.ts";
import type { Clock } from "../shared/clock.ts";

class ManualClock implements Clock {
  time = 0;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  now(): number {
    return this.time;
  }
  pendingDelays(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.time);
  }
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
      await flush();
    }
    this.time = end;
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function setup(opts: { online?: () => boolean; results?: boolean[]; intervalMinutes?: number } = {}) {
  const clock = new ManualClock();
  const runs: SyncReason[] = [];
  const results = [...(opts.results ?? [])];
  let release: (() => void) | null = null;
  let hold = false;
  const scheduler = new SyncScheduler({
    intervalMinutes: opts.intervalMinutes ?? 5,
    clock,
    isOnline: opts.online ?? (() => true),
    runSync: async (reason) => {
      runs.push(reason);
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      return results.shift() ?? true;
    },
  });
  return {
    clock,
    runs,
    scheduler,
    holdNext: () => (hold = true),
    release: () => {
      hold = false;
      release?.();
    },
  };
}

describe("SyncScheduler", () => {
  it("runs the first sync shortly after start, then at the interval", async () => {
    const { clock, runs, scheduler } = setup({ intervalMinutes: 2 });
    scheduler.start();
    await clock.advance(FIRST_SYNC_DELAY_MS - 1);
    expect(runs).toEqual([]);
    await clock.advance(1);
    expect(runs).toEqual(["startup"]);
    await clock.advance(2 * 60_000);
    expect(runs).toEqual(["startup", "interval"]);
  });

  it("never runs two syncs at once and runs a request made during a sync right after it", async () => {
    const { clock, runs, scheduler, holdNext, release } = setup();
    scheduler.start();
    holdNext();
    await clock.advance(FIRST_SYNC_DELAY_MS);
    expect(scheduler.isRunning).toBe(true);
    const a = scheduler.syncNow("manual");
    const b = scheduler.syncNow("manual");
    await flush();
    expect(runs).toEqual(["startup"]);
    release();
    await Promise.all([a, b]);
    expect(runs).toEqual(["startup", "manual"]);
  });

  it("skips while offline and syncs when the connection comes back", async () => {
    let online = false;
    const { clock, runs, scheduler } = setup({ online: () => online });
    scheduler.start();
    await clock.advance(FIRST_SYNC_DELAY_MS);
    expect(runs).toEqual([]);
    online = true;
    scheduler.onlineChanged(true);
    await clock.advance(0);
    expect(runs).toEqual(["online"]);
  });

  it("backs off exponentially after failures and returns to the interval after a success", async () => {
    const { clock, runs, scheduler } = setup({ results: [false, false, false, true], intervalMinutes: 60 });
    scheduler.start();
    await clock.advance(FIRST_SYNC_DELAY_MS);
    expect(clock.pendingDelays()).toEqual([MIN_BACKOFF_MS]);
    await clock.advance(MIN_BACKOFF_MS);
    expect(clock.pendingDelays()).toEqual([2 * MIN_BACKOFF_MS]);
    await clock.advance(2 * MIN_BACKOFF_MS);
    expect(clock.pendingDelays()).toEqual([4 * MIN_BACKOFF_MS]);
    await clock.advance(4 * MIN_BACKOFF_MS);
    expect(runs).toEqual(["startup", "retry", "retry", "retry"]);
    expect(scheduler.consecutiveFailures).toBe(0);
    expect(clock.pendingDelays()).toEqual([60 * 60_000]);
  });

  it("syncs on a wake-up only when a whole interval went by without a sync (a computer that slept)", async () => {
    const { clock, runs, scheduler } = setup({ intervalMinutes: 5 });
    scheduler.start();
    await clock.advance(FIRST_SYNC_DELAY_MS);
    scheduler.wake();
    await clock.advance(0);
    expect(runs).toEqual(["startup"]);
    // Asleep: the clock moves on, the page's timers do not fire.
    clock.time += 6 * 60_000;
    scheduler.wake();
    await clock.advance(0);
    expect(runs).toEqual(["startup", "interval"]);
  });

  it("debounces local edits into one sync", async () => {
    const { clock, runs, scheduler } = setup();
    scheduler.start();
    await clock.advance(FIRST_SYNC_DELAY_MS);
    scheduler.localChange();
    await clock.advance(1000);
    scheduler.localChange();
    await clock.advance(LOCAL_EDIT_DELAY_MS);
    expect(runs).toEqual(["startup", "local-change"]);
  });

  it("syncs a few seconds after a sync during which a local edit was made, not at the interval", async () => {
    const { clock, runs, scheduler, holdNext, release } = setup({ intervalMinutes: 60 });
    scheduler.start();
    holdNext();
    await clock.advance(FIRST_SYNC_DELAY_MS);
    expect(scheduler.isRunning).toBe(true);
    scheduler.localChange();
    // The sync ends before the edit's delay is over.
    await clock.advance(1_000);
    release();
    await flush();
    expect(runs).toEqual(["startup"]);
    expect(clock.pendingDelays()).toEqual([LOCAL_EDIT_DELAY_MS - 1_000]);
    await clock.advance(LOCAL_EDIT_DELAY_MS - 1_000);
    expect(runs).toEqual(["startup", "local-change"]);
    expect(clock.pendingDelays()).toEqual([60 * 60_000]);
  });

  it("counts a thrown sync as a failure and does nothing after stop", async () => {
    const clock = new ManualClock();
    let calls = 0;
    const scheduler = new SyncScheduler({
      intervalMinutes: 5,
      clock,
      isOnline: () => true,
      runSync: async () => {
        calls++;
        throw new Error("boom");
      },
    });
    scheduler.start();
    await clock.advance(FIRST_SYNC_DELAY_MS);
    expect(scheduler.consecutiveFailures).toBe(1);
    scheduler.stop();
    await clock.advance(60 * 60_000);
    expect(calls).toBe(1);
  });

  it("cancel aborts the running sync's signal, drops a queued one, and resolves only once the sync has ended", async () => {
    const clock = new ManualClock();
    const runs: string[] = [];
    const stopping: { finish?: () => void } = {};
    const scheduler = new SyncScheduler({
      intervalMinutes: 5,
      clock,
      isOnline: () => true,
      runSync: async (reason, signal) => {
        runs.push(reason);
        // A sync that notices the cancellation, then needs a moment to stop.
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => void (stopping.finish = resolve)));
        runs.push(`${reason} stopped`);
        return true;
      },
    });
    scheduler.start();
    await clock.advance(FIRST_SYNC_DELAY_MS);
    void scheduler.syncNow("manual");
    let cancelled = false;
    const cancelling = scheduler.cancel().then(() => void (cancelled = true));
    await flush();
    expect(runs).toEqual(["startup"]);
    expect(cancelled).toBe(false);
    stopping.finish?.();
    await cancelling;
    expect(runs).toEqual(["startup", "startup stopped"]);
    expect(scheduler.isRunning).toBe(false);
  });

  it("clamps the interval to 1..1440 minutes", async () => {
    const { clock, runs, scheduler } = setup({ intervalMinutes: 0 });
    scheduler.start();
    await clock.advance(FIRST_SYNC_DELAY_MS);
    expect(clock.pendingDelays()).toEqual([60_000]);
    scheduler.setInterval(99_999);
    expect(clock.pendingDelays()).toEqual([1440 * 60_000]);
    expect(runs).toEqual(["startup"]);
  });
});

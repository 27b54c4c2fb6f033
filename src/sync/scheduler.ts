// When syncs run. Invariants:
// - never two syncs at once: a request while one runs is remembered and runs once right after;
// - the first sync starts FIRST_SYNC_DELAY_MS after start, so Thunderbird's start-up stays fast
//   and the books are still fresh within the 5 s users notice; and then only once Thunderbird's
//   window is idle (`beforeFirstSync`, ui-idle.ts), bounded so it never waits for ever;
// - then every interval, on "sync now", and a few seconds after a local edit (debounced);
// - skipped while offline, run as soon as the connection comes back;
// - after a failed sync the next automatic one waits exponentially longer (capped), so a broken
//   server is not hammered by every Thunderbird of the company at once;
// - every sync runs with a cancellation signal: cancel() aborts it and resolves once it has ended
//   (sign-out must not delete the books under a sync that would then re-create them).

import { systemClock, type Clock } from "../shared/clock.ts";
import { DEFAULT_SYNC_INTERVAL_MINUTES, clampSyncInterval } from "../shared/settings.ts";

export const FIRST_SYNC_DELAY_MS = 1_500;
/** Long enough to gather a burst of edits (a multi-select delete) into one push. */
export const LOCAL_EDIT_DELAY_MS = 3_000;
export const MIN_BACKOFF_MS = 30_000;
export const MAX_BACKOFF_MS = 30 * 60_000;

export type SyncReason = "startup" | "interval" | "manual" | "local-change" | "online" | "retry";

export interface SchedulerOptions {
  intervalMinutes: number;
  /** Runs one sync, stopping when `signal` aborts; rejects or resolves `false` when it failed and back-off applies. */
  runSync(reason: SyncReason, signal: AbortSignal): Promise<boolean>;
  isOnline(): boolean;
  clock?: Clock;
  /** Awaited before the start-up sync (waitUntilIdle): Thunderbird's own start-up goes first. */
  beforeFirstSync?: () => Promise<unknown>;
}

export class SyncScheduler {
  private readonly clock: Clock;
  private intervalMs: number;
  private timer: unknown = null;
  private timerReason: SyncReason | null = null;
  private running: Promise<void> | null = null;
  private cancelling: AbortController | null = null;
  private pendingReason: SyncReason | null = null;
  private failures = 0;
  private lastEnded = Number.NEGATIVE_INFINITY;
  private stopped = true;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.intervalMs = clampInterval(options.intervalMinutes) * 60_000;
  }

  start(): void {
    this.stopped = false;
    this.schedule("startup", FIRST_SYNC_DELAY_MS);
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer();
  }

  setInterval(minutes: number): void {
    this.intervalMs = clampInterval(minutes) * 60_000;
    if (!this.running && !this.stopped) this.schedule("interval", this.intervalMs);
  }

  /** Starts a sync now (or right after the current one); resolves when that sync has ended. */
  async syncNow(reason: SyncReason = "manual"): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.pendingReason = reason;
      await this.running;
      // The queued sync started right after; wait for it too so callers see its result.
      if (this.running) await this.running;
      return;
    }
    await this.run(reason);
  }

  /**
   * A periodic nudge from Thunderbird's alarms, which keep time across a computer's sleep where a
   * page's timers may lag: syncs when a whole interval went by without a sync.
   */
  wake(): void {
    if (this.stopped || this.running) return;
    if (this.clock.now() - this.lastEnded < this.intervalMs) return;
    void this.syncNow("interval");
  }

  localChange(): void {
    if (this.stopped) return;
    this.schedule("local-change", LOCAL_EDIT_DELAY_MS);
  }

  onlineChanged(online: boolean): void {
    if (online && !this.stopped) this.schedule("online", 0);
  }

  /** Aborts the running sync, forgets a queued one, and resolves once the running one has ended. */
  async cancel(): Promise<void> {
    this.pendingReason = null;
    this.cancelling?.abort();
    while (this.running) await this.running;
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  private schedule(reason: SyncReason, delayMs: number): void {
    this.cancelTimer();
    this.timerReason = reason;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      const before = reason === "startup" ? this.options.beforeFirstSync?.() : undefined;
      void Promise.resolve(before)
        .catch(() => undefined)
        .then(() => this.syncNow(reason));
    }, delayMs);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private async run(reason: SyncReason): Promise<void> {
    this.cancelTimer();
    if (!this.options.isOnline()) {
      // Nothing to do until the "online" event; the interval keeps ticking in case it never comes.
      this.schedule("interval", this.intervalMs);
      return;
    }
    const controller = new AbortController();
    const done = (async () => {
      let ok = false;
      try {
        ok = await this.options.runSync(reason, controller.signal);
      } catch {
        ok = false;
      }
      this.failures = ok ? 0 : this.failures + 1;
    })();
    this.running = done;
    this.cancelling = controller;
    await done;
    this.running = null;
    this.cancelling = null;
    this.lastEnded = this.clock.now();
    if (this.stopped) return;
    const pending = this.pendingReason;
    this.pendingReason = null;
    if (pending) {
      void this.run(pending);
      return;
    }
    // A local edit made during the sync may have missed its push: its timer stands.
    if (this.timer !== null && this.timerReason === "local-change") return;
    this.schedule(this.failures > 0 ? "retry" : "interval", this.nextDelay());
  }

  private nextDelay(): number {
    if (this.failures === 0) return this.intervalMs;
    // A quick first retry covers a blip; doubling then spreads the load of a real outage.
    const cap = Math.max(MAX_BACKOFF_MS, this.intervalMs);
    return Math.min(cap, MIN_BACKOFF_MS * 2 ** (this.failures - 1));
  }
}

function clampInterval(minutes: number): number {
  return clampSyncInterval(minutes) ?? DEFAULT_SYNC_INTERVAL_MINUTES;
}

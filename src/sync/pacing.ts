// Pacing of the pull's Thunderbird calls, so that Thunderbird's window answers during a big sync
// (issue 13). Every contacts.* call runs on Thunderbird's main thread, the one that also paints
// and answers clicks, and the calls in flight wait there in its queue: a click waits behind
// all of them. So the number in flight is what the user feels, not only what the sync gains.
//
// What was measured (npm run bench, Thunderbird 153, 2 shared cores, Gecko profiles read with
// test/bench/profile-stalls.ts; figures in README "Performance"):
//  - inside the stalls over 50 ms, 59 % of the main thread's samples are the add-on's own API
//    calls (SQLite commit of each contact 12–17 %, vCard parsing and re-serialising for each
//    onCreated listener ≈ 15 %), 8 % garbage/cycle collection: the calls queued together are the
//    stall, GC alone is not;
//  - with a fixed 16 in flight, the 10 ms timer of the bench waited p50 109 ms / p99 271 ms during
//    the API floor (10,000 bare creates) and p50 23 ms / p99 227 ms during the initial sync: the
//    queue of 16 creates at ~8 ms each on a loaded machine IS the stall; the window that keeps
//    that queue short depends on the machine, hence a window that adapts to what a call costs.
//  - a create round-trip that comes back within LATENCY_TARGET_MS means the queue ahead of the
//    user's next click is about that long; above it, the window halves (at most once per round-
//    trip, so one slow call does not collapse it), below it grows by one per round-trip — the
//    same delay-based rule as background network transfers (LEDBAT), for the same reason: the
//    sync is the background traffic, the user's clicks the foreground.
//  - one call that took longer than STALL_MS was held up by a stall inside Thunderbird (garbage
//    collection, an SQLite checkpoint — see README "Performance"): then nothing new is sent for
//    a moment (COOL_DOWN_MS), so the clicks queued during the stall are answered first and the
//    collector can finish in the idle time instead of in one long pause.
//  - between two admissions the pacer lets the add-on's own event loop run (a macrotask yield):
//    a burst of 100 cards of one _mget would otherwise convert, hash and queue in one piece.
//
// Nothing is dropped or reordered by pacing: every task given to `run` runs exactly once, in the
// order given, and its result or error goes back to its caller.

/**
 * A call answered within this (ms) leaves at most this much work ahead of a click. Measured with
 * the bench on the loaded 2-core machine: target 30 ms → sync stalls longest 173 ms, p99 91 ms;
 * 20 ms → 123 / 84 ms; 12 ms → 179 / 75 ms at 1.25× the floor's time (runs differ by ±20 % from
 * load alone). Lower targets keep about one call in flight and only cost time: what is left at
 * p99 are single Thunderbird tasks (a commit, a GC slice). Measured again on 2026-12-03, both in
 * one sitting on the same 2-vCPU machine with nothing else running (test/bench/sync-bench.ts):
 * 12 ms → 1.99× the floor's time, longest stall 216 ms, p99 67 ms; 20 ms → 1.38×, 145 ms, p99
 * 75 ms. 20 ms kept the sync within 1.5× the floor (issue 13) for a p99 a few ms higher.
 * Measured again once the bench's probe stopped loading Thunderbird (no contact listener, no
 * HTTP cache; 2026-12-03, quiet, one sitting): 20 ms → 1.20× the floor, longest 116 ms, p99
 * 82 ms; 14 ms → 1.17×, 102 ms, p99 68 ms; 8 ms → 1.68× (11 s of CPU taken by the host), 105 ms,
 * p99 63 ms. 20 ms no longer held the sync back, so 14 ms: p99 14 ms lower at the same speed.
 *
 * What makes the remaining p99 (Gecko profile of a bench run with this pacing, load average 8:
 * p99 62 ms, longest 169 ms; `profile-stalls.ts <profile> 50 120` lists the 128 stalls of 50–120
 * ms one by one): in 2 of 3 of them most samples are ONE contacts.create of the add-on
 * (recvAPICall: Thunderbird's SQLite insert, saveCardProperties 20 % of the samples, and its
 * COMMIT TRANSACTION 16 %, plus the vCard parse), the rest are GC finalization / cycle
 * collection (≈ 1 in 6) and network completions. One create is ≈ 6–8 ms of CPU, but with 2 cores
 * shared by a load of 8–10 the main thread gets a fraction of a core, so that one call spans
 * 50–100 ms of wall time: the window is already at 1 call in flight there, and no pacing of
 * calls splits one call.
 *
 * On the same machine quiet (2026-12-03, nothing else running; sync 1.20× the floor, p99 74 ms,
 * longest 100 ms, profiled), the p99 band is mostly the disk, not the CPU: in the 125 stalls of
 * 50–120 ms the main thread ran only 37 % of the time (the profile's threadCPUDelta; 81 % in the
 * floor's stalls, where the queue of 16 calls is the stall), and 44 % of their time is inside
 * Thunderbird's COMMIT TRANSACTION of one contact with 14 % of it on the CPU. `perf trace` of the
 * main thread (test/bench/fsync-stalls.ts) tells what it waits for: SQLite's WAL checkpoint of
 * abook-N.sqlite, about one per 55 creates, each fsyncing the WAL and the book on the main
 * thread — 3.6 fsyncs a second, p50 2.7 ms, p90 33 ms, max 45 ms, 4.4 % of the time (an fsync
 * of this disk alone takes 0.16 ms; 4 MB, 4 ms: the rest is other writes in flight). A click
 * that falls in a checkpoint waits for it and for the create that triggered it, whatever the
 * window: one transaction per contacts.create is Thunderbird's, and the API has no batch.
 */
export const LATENCY_TARGET_MS = 14;
/**
 * A call slower than this (ms) met a stall inside Thunderbird. At 50,000 contacts those stalls are
 * mostly Thunderbird's cycle collector (profile of the scale bench, 2026-12-03: 94 % of the
 * parent's samples in the 79 stalls over 250 ms are `CC (Build Graph)` / `CC (Scan Roots)`, no
 * fsync, under 2 % our calls); they appear once Thunderbird holds about 25,000 contacts and grow
 * with the number it holds (up to 0.9–1.4 s, 1.9 s under the profiler). The graph is every contact
 * written in the session: ext-addressBook.js keeps a node per contact while any extension uses the
 * API, each with its vCard parsed by Thunderbird's message header observer (forced CC in the
 * parent after the scale bench's sync: 184–238 ms at 10,000 contacts, 1,188–1,553 ms at 50,000;
 * 14 ms with that cache dropped by hand at 20,000 — README, test/bench/tb-retention.ts). The
 * cool-down lets the clicks queued behind one through first; it cannot make the collector's graph
 * smaller.
 */
export const STALL_MS = 150;
/** Pause after a stall (ms): the queued clicks and paints go first. */
export const COOL_DOWN_MS = 50;

export interface PacerOptions {
  /** Most calls in flight (the limiter's bound). */
  max: number;
  /** Fewest calls in flight; default 1. */
  min?: number;
  /** Default LATENCY_TARGET_MS. */
  targetMs?: number;
  stallMs?: number;
  coolDownMs?: number;
  now?: () => number;
  /** Resolves after `ms` (0: after the pending events of the event loop). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A macrotask boundary: lets timers, messages and other events of this page run first. Through a
 * MessageChannel rather than setTimeout(0), which the browser clamps to 4 ms once timers nest
 * (a slice loop would then sleep more than it works).
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel !== "function") return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** The add-on's own work between two yields (ms): a click in its pages waits at most this. */
export const SLICE_MS = 8;

export interface SliceOptions {
  sliceMs?: number;
  now?: () => number;
  yielder?: () => Promise<void>;
}

/**
 * Starts `start(item)` for every item, in order, giving the event loop a turn whenever the work
 * started since the last turn (the synchronous part of each start and the microtasks it chains:
 * vCard conversion, hashing) took SLICE_MS; then waits for all like allSettledOrThrow (every
 * promise settles, the first failure is rethrown). Nothing is skipped: the slices only delay.
 */
export async function startInSlices<T, R>(items: readonly T[], start: (item: T) => Promise<R>, options: SliceOptions = {}): Promise<R[]> {
  const now = options.now ?? (() => performance.now());
  const yielder = options.yielder ?? yieldToEventLoop;
  const budget = options.sliceMs ?? SLICE_MS;
  const started: Promise<R>[] = [];
  let sliceStart = now();
  for (const item of items) {
    started.push(start(item));
    // Lets the microtasks this start queued run now, inside the slice they belong to.
    await Promise.resolve();
    if (now() - sliceStart >= budget) {
      await yielder();
      sliceStart = now();
    }
  }
  const results = await Promise.allSettled(started);
  return results.map((result) => {
    if (result.status === "rejected") throw result.reason;
    return result.value;
  });
}

const defaultSleep = (ms: number): Promise<void> => (ms <= 0 ? yieldToEventLoop() : new Promise((resolve) => setTimeout(resolve, ms)));

export interface PacerFigures {
  /** Calls admitted so far. */
  calls: number;
  /** Current window (calls in flight allowed). */
  window: number;
  /** Smallest window reached. */
  smallestWindow: number;
  /** Calls slower than the stall threshold. */
  stalls: number;
}

/** An adaptive bound on calls in flight (see the header). */
export class WritePacer {
  private window: number;
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private lastDecrease = -Infinity;
  private pausedUntil = -Infinity;
  private admitting = false;
  private readonly figures: PacerFigures;
  private readonly min: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: PacerOptions) {
    if (!Number.isInteger(options.max) || options.max < 1) throw new RangeError(`max must be a positive integer, got ${options.max}`);
    this.min = Math.min(options.max, Math.max(1, options.min ?? 1));
    // Start low: the first round-trips tell what a call costs on this machine.
    this.window = Math.min(options.max, Math.max(this.min, 4));
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? defaultSleep;
    this.figures = { calls: 0, window: this.window, smallestWindow: this.window, stalls: 0 };
  }

  get stats(): PacerFigures {
    return { ...this.figures, window: Math.floor(this.window) };
  }

  get running(): number {
    return this.active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.queue.push(resolve);
      void this.admit();
    });
    const started = this.now();
    try {
      return await task();
    } finally {
      this.active--;
      this.settled(this.now() - started);
      void this.admit();
    }
  }

  /** Lets queued tasks in while the window allows, one macrotask apart. */
  private async admit(): Promise<void> {
    if (this.admitting) return;
    this.admitting = true;
    try {
      while (this.queue.length > 0 && this.active < Math.floor(this.window)) {
        const pause = this.pausedUntil - this.now();
        await this.sleep(pause > 0 ? pause : 0);
        if (this.active >= Math.floor(this.window)) break;
        const next = this.queue.shift();
        if (next === undefined) break;
        this.active++;
        this.figures.calls++;
        next();
      }
    } finally {
      this.admitting = false;
    }
    // A task settled while this loop slept on a full window: look again.
    if (this.queue.length > 0 && this.active < Math.floor(this.window)) void this.admit();
  }

  private settled(latency: number): void {
    const target = this.options.targetMs ?? LATENCY_TARGET_MS;
    const now = this.now();
    if (latency > (this.options.stallMs ?? STALL_MS)) {
      this.figures.stalls++;
      this.pausedUntil = now + (this.options.coolDownMs ?? COOL_DOWN_MS);
    }
    if (latency > target) {
      // Once per round-trip: the calls that were already queued report the same congestion.
      if (now - this.lastDecrease >= latency) {
        this.window = Math.max(this.min, this.window / 2);
        this.lastDecrease = now;
      }
    } else {
      this.window = Math.min(this.options.max, this.window + 1 / Math.max(1, this.window));
    }
    this.figures.window = Math.floor(this.window);
    this.figures.smallestWindow = Math.min(this.figures.smallestWindow, Math.floor(this.window));
  }
}

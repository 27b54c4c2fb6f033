// Main-thread stalls of Thunderbird's parent process, as a user feels them (issue 13): a
// privileged 10 ms timer in Thunderbird's main window, started through Marionette (chrome
// context, so Thunderbird must run with -remote-allow-system-access), records the gap between
// consecutive ticks with the epoch time each gap ended. A gap of 1.9 s is a click that waited
// 1.9 s. The timer lives in a named Marionette sandbox, so the bench starts it once, keeps
// doing its work, and reads windows of it later ("during the initial sync", "during the
// floor") without a script blocking the Marionette connection.
//
// Nothing else should poll Thunderbird while a window is sampled: a contacts.list of 10,000
// contacts stalls the thread by itself (thunderbird-api.md, main-thread responsiveness).
import type { MarionetteClient } from "../thunderbird/marionette.ts";

/** The recipe: 10 ms between ticks (so a quiet thread shows gaps of ≈10 ms). */
export const SAMPLE_INTERVAL_MS = 10;
const SANDBOX = "bench-stalls";

const START_SCRIPT = `
const [intervalMs] = arguments;
if (globalThis.__stalls) globalThis.__stalls.stop = true;
const origin = performance.timeOrigin;
const state = { stop: false, ends: [], gaps: [] };
let last = performance.now();
const tick = () => {
  if (state.stop) return;
  const now = performance.now();
  state.ends.push(origin + now);
  state.gaps.push(now - last);
  last = now;
  window.setTimeout(tick, intervalMs);
};
window.setTimeout(tick, intervalMs);
globalThis.__stalls = state;
return true;`;

// Reads (and drops) what was recorded up to now; the timer keeps running.
const READ_SCRIPT = `
const state = globalThis.__stalls;
if (!state) return null;
const out = { ends: state.ends, gaps: state.gaps };
state.ends = [];
state.gaps = [];
if (arguments[0]) state.stop = true;
return out;`;

export interface StallStats {
  /** Ticks recorded in the window. */
  ticks: number;
  seconds: number;
  longest: number;
  p99: number;
  p50: number;
  over100: number;
  over250: number;
  /** Sum of (gap − interval) over gaps above 50 ms: time the user could not get an answer. */
  frozenMs: number;
}

export interface Tick {
  end: number;
  gap: number;
}

/** Samples Thunderbird's main thread from `start()` on; `window(from, to)` gives the stats. */
export class StallSampler {
  private readonly ticks: Tick[] = [];

  constructor(private readonly marionette: MarionetteClient) {}

  async start(): Promise<void> {
    await this.marionette.setContext("chrome");
    await this.marionette.executeScript(START_SCRIPT, [SAMPLE_INTERVAL_MS], { sandbox: SANDBOX });
  }

  /** Pulls what the timer recorded so far into this process (cheap: two arrays). */
  async collect(stop = false): Promise<void> {
    await this.marionette.setContext("chrome");
    const read = await this.marionette.executeScript<{ ends: number[]; gaps: number[] } | null>(READ_SCRIPT, [stop], { sandbox: SANDBOX });
    if (read === null) throw new Error("the stall sampler is not running");
    read.ends.forEach((end, i) => this.ticks.push({ end, gap: read.gaps[i] as number }));
  }

  /** Ticks whose gap ended within [from, to] (epoch ms). */
  ticksIn(from: number, to: number): Tick[] {
    return this.ticks.filter((t) => t.end >= from && t.end <= to);
  }

  window(from: number, to: number): StallStats {
    return stallStats(this.ticksIn(from, to).map((t) => t.gap), (to - from) / 1000);
  }
}

export function stallStats(gaps: readonly number[], seconds: number): StallStats {
  const sorted = [...gaps].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    ticks: sorted.length,
    seconds,
    longest: sorted[sorted.length - 1] ?? 0,
    p99: at(0.99),
    p50: at(0.5),
    over100: sorted.filter((g) => g > 100).length,
    over250: sorted.filter((g) => g > 250).length,
    frozenMs: sorted.filter((g) => g > 50).reduce((s, g) => s + g - SAMPLE_INTERVAL_MS, 0),
  };
}

export function formatStalls(s: StallStats): string {
  return `longest ${s.longest.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms, p50 ${s.p50.toFixed(0)} ms, >100 ms ×${s.over100}, >250 ms ×${s.over250} (${s.ticks} ticks in ${s.seconds.toFixed(1)} s)`;
}

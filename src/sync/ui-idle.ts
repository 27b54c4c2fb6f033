// The first sync of a session waits until Thunderbird's window is idle (issue 13): right after
// start-up Thunderbird itself is still busy (folders, the message list, its own delayed start-up
// tasks), and a first sync of 10,000 contacts started then would make the first clicks wait.
//
// The add-on's page cannot see Thunderbird's main thread directly, but every API call is answered
// there: a cheap call (listing the address books, a handful of nodes) that comes back within
// QUIET_MS a few times in a row means nothing long is queued ahead of the user's clicks. The wait
// is bounded (MAX_WAIT_MS): a Thunderbird that never looks idle (a slow machine, another add-on at
// work) still gets its books synced.

import { systemClock, type Clock } from "../shared/clock.ts";

/** A ping answered within this (ms): the main thread had nothing long queued. */
export const QUIET_MS = 15;
/** Consecutive quiet pings needed. */
export const QUIET_PINGS = 3;
/** Between two pings (ms): spaced so a busy spell between them is seen by the next one. */
export const PING_SPACING_MS = 100;
/** The first sync never waits longer than this (ms) for the window to be idle. */
export const MAX_WAIT_MS = 15_000;

export interface IdleWaitOptions {
  /** A cheap call answered on Thunderbird's main thread. */
  ping(): Promise<unknown>;
  clock?: Clock;
  quietMs?: number;
  quietPings?: number;
  spacingMs?: number;
  maxWaitMs?: number;
}

export interface IdleWaitResult {
  /** False when MAX_WAIT_MS ran out first. */
  idle: boolean;
  pings: number;
  waitedMs: number;
}

export async function waitUntilIdle(options: IdleWaitOptions): Promise<IdleWaitResult> {
  const clock = options.clock ?? systemClock;
  const quietMs = options.quietMs ?? QUIET_MS;
  const needed = options.quietPings ?? QUIET_PINGS;
  const spacing = options.spacingMs ?? PING_SPACING_MS;
  const started = clock.now();
  const deadline = started + (options.maxWaitMs ?? MAX_WAIT_MS);
  let quiet = 0;
  let pings = 0;
  while (clock.now() < deadline) {
    const sent = clock.now();
    try {
      await options.ping();
    } catch {
      // A failed ping says nothing about idleness; the bound still holds.
    }
    pings++;
    quiet = clock.now() - sent <= quietMs ? quiet + 1 : 0;
    if (quiet >= needed) return { idle: true, pings, waitedMs: clock.now() - started };
    await new Promise<void>((resolve) => clock.setTimeout(resolve, spacing));
  }
  return { idle: false, pings, waitedMs: clock.now() - started };
}

/**
 * Makes sure no Thunderbird (or Xvfb) outlives the test process that started it.
 *
 * Each guarded child runs in its own process group (spawned `detached`), so killing the group
 * also takes Thunderbird's content processes. Two layers:
 *  - an `exit` handler kills every live group when this process ends normally or via
 *    SIGINT/SIGTERM/SIGHUP (re-raised after clean-up; vitest ends its workers with SIGTERM);
 *  - a tiny detached `sh` watchdog per child kills the group within a second when this process
 *    dies without running handlers (SIGKILL of a vitest worker, OOM).
 */
import { spawn } from "node:child_process";

const liveGroups = new Set<number>();
let handlersInstalled = false;

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // ESRCH: already gone.
  }
}

export function killAllGuarded(): void {
  for (const pgid of liveGroups) killGroup(pgid);
  liveGroups.clear();
}

const teardownSteps = new Set<() => void>();

/**
 * Run `step` (synchronous) when this process ends, however it ends short of SIGKILL. Re-raising
 * a signal skips the `exit` event, so both paths run the steps.
 */
export function onProcessTeardown(step: () => void): void {
  installHandlers();
  teardownSteps.add(step);
}

function teardown(): void {
  killAllGuarded();
  for (const step of teardownSteps) {
    try {
      step();
    } catch {
      // Best effort: one failing clean-up must not stop the others.
    }
  }
  teardownSteps.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", teardown);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = (): void => {
      teardown();
      // Only take over the default "terminate" behaviour when nobody else handles the signal.
      if (process.listenerCount(signal) === 1) {
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/** Register a child spawned with `detached: true` (its pid is its process group id). */
export function guardChild(pid: number): { release(): void; killGroup(): void } {
  installHandlers();
  liveGroups.add(pid);
  // dash's kill takes a negative pid (a process group) but not `--` nor `-s SIG -pid`.
  const script =
    'parent=$1; pg=$2; while kill -0 "$parent" 2>/dev/null && kill -0 "-$pg" 2>/dev/null; do sleep 1; done; ' +
    'kill -9 "-$pg" 2>/dev/null; exit 0';
  const watchdog = spawn("sh", ["-c", script, "tb-watchdog", String(process.pid), String(pid)], {
    detached: true,
    stdio: "ignore",
  });
  watchdog.unref();
  return {
    release(): void {
      liveGroups.delete(pid);
    },
    killGroup(): void {
      killGroup(pid);
    },
  };
}

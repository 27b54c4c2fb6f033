/**
 * Starts a real Thunderbird for a test and guarantees it stops.
 *
 * Thunderbird runs from a private copy of the install (for distribution/policies.json), on a
 * fresh or reused profile, headless or under a private Xvfb, with Marionette listening on a
 * port of its choosing. "Ready" means Marionette accepted a session, which Thunderbird grants
 * once its main window has loaded. Stopping goes through Marionette:Quit (a clean shutdown that
 * flushes prefs and address books); SIGTERM is useless — Thunderbird dies without shutting
 * down — and SIGKILL is kept for crash tests and as the fallback.
 *
 * Every start is bounded by `timeoutMs`, every quit by its own bound, and child-guard.ts kills
 * whatever is left when the test process ends.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { guardChild, onProcessTeardown } from "./child-guard.ts";
import { prepareInstallCopy, thunderbirdBinary } from "./install-copy.ts";
import { MarionetteClient } from "./marionette.ts";
import { createProfileDir, prepareProfile, type AddonSpec, type PrefValue } from "./profile.ts";
import { startXvfb, type XvfbServer } from "./xvfb.ts";

export interface StartOptions {
  /** XPI paths (id read from their manifest) or explicit {id, path} pairs. */
  addons?: AddonSpec[];
  /** The whole content of distribution/policies.json, e.g. {policies: {"3rdparty": …}}. */
  policies?: object;
  /** Extra user.js prefs, over DEFAULT_PREFS. */
  prefs?: Record<string, PrefValue>;
  /** Reuse a profile (restart tests); a fresh temporary one otherwise. */
  profileDir?: string;
  /** Default true; ignored (false) when `display` is true. */
  headless?: boolean;
  /** Run with real windows under a private Xvfb (UI driving, screenshots). */
  display?: boolean;
  /** Default true. Without it there is no readiness signal and quit() can only kill. */
  marionette?: boolean;
  /** Allow chrome-context scripting through Marionette (-remote-allow-system-access). */
  systemAccess?: boolean;
  /** Bound for the whole start, default 90 s. */
  timeoutMs?: number;
  env?: Record<string, string>;
  extraArgs?: string[];
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ThunderbirdInstance {
  readonly profileDir: string;
  readonly installDir: string;
  readonly pid: number;
  /** stdout and stderr lines, in arrival order (extension console.* included). */
  readonly console: string[];
  readonly marionette: MarionetteClient | null;
  /** DISPLAY value when started with `display: true`. */
  readonly display: string | null;
  /** Spawn to Marionette session (or to spawn when marionette is off). */
  readonly startupMs: number;
  readonly exited: boolean;
  /** Clean quit through Marionette (eForceQuit), SIGKILL after `timeoutMs`. Resolves to the exit code (128 + signal when killed). */
  quit(timeoutMs?: number): Promise<number>;
  /**
   * SIGKILL the whole process group, as a crash would. Waits first (≤ 10 s) until a freshly
   * installed add-on is persisted in a fresh profile, unless `immediate` (see ADDON_REGISTRY_FILES).
   */
  kill(options?: { immediate?: boolean }): Promise<void>;
  waitForExit(timeoutMs?: number): Promise<ExitInfo>;
  /** Resolves with the first console line (past or future) matching `pattern`. */
  waitForConsole(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
}

// Every instance started by this process, so a test hook can stop whatever a failed test left.
const liveInstances = new Set<ThunderbirdInstance>();

/** SIGKILL every Thunderbird this process started and that is still running (for afterEach). */
export async function killAllThunderbirds(): Promise<void> {
  await Promise.all([...liveInstances].map((instance) => instance.kill({ immediate: true })));
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGSEGV: 11, SIGABRT: 6 };

function exitCodeOf(info: ExitInfo): number {
  if (info.code !== null) return info.code;
  return 128 + (info.signal ? (SIGNAL_NUMBERS[info.signal] ?? 0) : 0);
}

// Profiles this process created are removed when it ends (TB_HARNESS_KEEP_PROFILES=1 keeps
// them for inspection); createProfileDir() also sweeps those of dead test processes.
function trackCreatedProfile(dir: string): void {
  if (process.env.TB_HARNESS_KEEP_PROFILES) return;
  onProcessTeardown(() => fs.rmSync(dir, { recursive: true, force: true }));
}

/**
 * Headless GTK logs two "gtk_icon_theme_* assertion failed" warnings, separated by blank lines,
 * per icon lookup — hundreds per start. They bury the useful lines, so they are dropped.
 */
function isNoise(line: string): boolean {
  return line.trim() === "" || line.includes("gtk_icon_theme_");
}

/**
 * Add-ons installed in a fresh profile are only recorded in addonStartup.json.lz4 and
 * extension-preferences.json a few hundred ms after start-up (measured: up to 0.8 s after the
 * probe's first message). A SIGKILL before that leaves a profile whose next start lists the
 * add-on as active but never starts it — no background page at all (measured: 2 of 8 immediate
 * kills of a fresh profile; 0 of 6 when the profile already had these files, even with an
 * updated XPI). No real user crashes in that window on purpose and crash tests mean "killed
 * mid-sync", so kill() first waits (bounded) for the files this start creates.
 */
const ADDON_REGISTRY_WAIT_MS = 10_000;
const ADDON_REGISTRY_FILES = ["addonStartup.json.lz4", "extension-preferences.json"];

function missingAddonRegistryFiles(profileDir: string): string[] {
  return ADDON_REGISTRY_FILES.filter((name) => !fs.existsSync(path.join(profileDir, name)));
}

async function waitForFiles(profileDir: string, files: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !files.every((name) => fs.existsSync(path.join(profileDir, name)))) await sleep(50);
}

async function waitForMarionettePort(profileDir: string, deadline: number, hasExited: () => boolean): Promise<number> {
  const portFile = path.join(profileDir, "MarionetteActivePort");
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error("Thunderbird exited before Marionette started");
    try {
      const port = Number(fs.readFileSync(portFile, "utf8").trim());
      if (port > 0) return port;
    } catch {
      // Not written yet.
    }
    await sleep(50);
  }
  throw new Error("Marionette did not start (no MarionetteActivePort)");
}

async function withDeadline<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out`)), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startThunderbird(options: StartOptions = {}): Promise<ThunderbirdInstance> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 90_000;
  const deadline = started + timeoutMs;
  const useMarionette = options.marionette ?? true;
  const headless = options.display ? false : (options.headless ?? true);

  const installDir = prepareInstallCopy(options.policies);
  let profileDir = options.profileDir;
  if (!profileDir) {
    profileDir = createProfileDir();
    trackCreatedProfile(profileDir);
  }
  const addonsWritten = prepareProfile(profileDir, options.prefs ?? {}, options.addons ?? []);
  const registryFilesToWaitFor = addonsWritten.length > 0 ? missingAddonRegistryFiles(profileDir) : [];
  // A port file left by a killed run would point at a dead port.
  fs.rmSync(path.join(profileDir, "MarionetteActivePort"), { force: true });

  const xvfb: XvfbServer | null = options.display ? await startXvfb() : null;

  const args = ["-profile", profileDir, "-no-remote"];
  if (headless) args.push("--headless");
  if (useMarionette) args.push("-marionette");
  if (options.systemAccess) args.push("-remote-allow-system-access");
  args.push(...(options.extraArgs ?? []));

  const env: Record<string, string | undefined> = {
    ...process.env,
    MOZ_CRASHREPORTER_DISABLE: "1",
    MOZ_DISABLE_AUTO_SAFE_MODE: "1",
    // X11 only: a Wayland session of the developer must not capture the test's windows.
    GDK_BACKEND: "x11",
    WAYLAND_DISPLAY: undefined,
    DISPLAY: xvfb ? xvfb.display : headless ? undefined : process.env.DISPLAY,
    ...options.env,
  };

  const spawnedAt = Date.now();
  const child = spawn(thunderbirdBinary(installDir), args, {
    cwd: profileDir,
    env: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    detached: true, // own process group: kill() takes the content processes too
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Without a listener a spawn failure (ENOENT, EACCES) would be an uncaught exception.
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  if (child.pid === undefined) {
    await xvfb?.stop();
    throw new Error(`could not spawn ${thunderbirdBinary(installDir)}: ${(await spawnError).message}`);
  }
  const pid = child.pid;
  const guard = guardChild(pid);

  const consoleLines: string[] = [];
  const consoleWaiters = new Set<(line: string) => void>();
  const echo = Boolean(process.env.TB_HARNESS_ECHO);
  const collect = (stream: NodeJS.ReadableStream | null): void => {
    let partial = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (isNoise(line)) continue;
        consoleLines.push(line);
        if (echo) process.stderr.write(`[tb ${pid}] ${line}\n`);
        for (const waiter of consoleWaiters) waiter(line);
      }
    });
    stream?.on("end", () => {
      if (partial && !isNoise(partial)) consoleLines.push(partial);
    });
  };
  collect(child.stdout);
  collect(child.stderr);

  let exitInfo: ExitInfo | null = null;
  const exitPromise = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => {
      exitInfo = { code, signal };
      // Content processes may linger a moment after the parent: take the whole group down.
      guard.killGroup();
      guard.release();
      void xvfb?.stop();
      resolve(exitInfo);
    });
  });

  let marionette: MarionetteClient | null = null;

  const killNow = async (): Promise<void> => {
    if (!exitInfo) guard.killGroup();
    await exitPromise;
    marionette?.close();
  };

  const kill = async (killOptions: { immediate?: boolean } = {}): Promise<void> => {
    if (!killOptions.immediate && !exitInfo) await waitForFiles(profileDir, registryFilesToWaitFor, ADDON_REGISTRY_WAIT_MS);
    await killNow();
  };

  const waitForExit = async (waitMs = 30_000): Promise<ExitInfo> =>
    withDeadline(exitPromise, Date.now() + waitMs, `Thunderbird ${pid} exit`);

  const quit = async (quitTimeoutMs = 30_000): Promise<number> => {
    if (exitInfo) return exitCodeOf(exitInfo);
    const quitDeadline = Date.now() + quitTimeoutMs;
    if (marionette && !marionette.closed) {
      try {
        await withDeadline(marionette.quit(), quitDeadline, "Marionette:Quit");
        return exitCodeOf(await withDeadline(exitPromise, quitDeadline, "exit after Marionette:Quit"));
      } catch {
        // Fall through to SIGKILL: a test must never leave Thunderbird running.
      }
    }
    await killNow();
    return exitCodeOf(exitInfo ?? (await exitPromise));
  };

  const waitForConsole = (pattern: RegExp | string, waitMs = 30_000): Promise<string> => {
    const matches = (line: string): boolean => (typeof pattern === "string" ? line.includes(pattern) : pattern.test(line));
    const seen = consoleLines.find(matches);
    if (seen !== undefined) return Promise.resolve(seen);
    let waiter: ((line: string) => void) | undefined;
    const found = new Promise<string>((resolve) => {
      waiter = (line) => {
        if (matches(line)) resolve(line);
      };
      consoleWaiters.add(waiter);
    });
    return withDeadline(found, Date.now() + waitMs, `console line ${String(pattern)}`).finally(() => {
      if (waiter) consoleWaiters.delete(waiter);
    });
  };

  try {
    if (useMarionette) {
      const port = await waitForMarionettePort(profileDir, deadline, () => exitInfo !== null);
      marionette = await withDeadline(MarionetteClient.connect(port), deadline, "Marionette connect");
      await withDeadline(marionette.newSession(), deadline, "Marionette NewSession");
    }
  } catch (error) {
    await killNow();
    const tail = consoleLines.slice(-40).join("\n");
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Thunderbird ${pid} did not start within ${timeoutMs} ms (${reason}). Exit: ${JSON.stringify(exitInfo)}. Console tail:\n${tail}`);
  }
  const startupMs = Date.now() - spawnedAt;

  const instance: ThunderbirdInstance = {
    profileDir,
    installDir,
    pid,
    console: consoleLines,
    marionette,
    display: xvfb?.display ?? null,
    startupMs,
    get exited() {
      return exitInfo !== null;
    },
    quit,
    kill,
    waitForExit,
    waitForConsole,
  };
  liveInstances.add(instance);
  void exitPromise.then(() => liveInstances.delete(instance));
  return instance;
}

/** Start, run `body`, and always stop (clean quit, SIGKILL fallback) — even when `body` throws. */
export async function withThunderbird<T>(options: StartOptions, body: (tb: ThunderbirdInstance) => Promise<T>): Promise<T> {
  const tb = await startThunderbird(options);
  try {
    return await body(tb);
  } finally {
    await tb.quit();
  }
}

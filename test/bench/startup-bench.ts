// The start-up bench (issue 13): what the add-on adds to Thunderbird's start once it holds a big
// synced book. One Thunderbird syncs a 15,000-contact book and quits; its profile is copied twice,
// one copy keeping the add-on, the other without it (its XPI removed from the profile: the same
// profile otherwise, the same address book files, the same policy). Then Thunderbird starts on
// each copy in turn, one at a time: a warm-up start each (the copy without the add-on drops it
// from its registry then), then RUNS measured starts each, alternated so that the machine's load
// weighs on both alike. The bench's probe extension is removed from both copies.
//
// "First window ready" is read two ways, both printed: spawn → Marionette session (Marionette
// grants it once the first window has loaded), and Thunderbird's own start-up clock
// (Services.startup.getStartupInfo(): process creation → the first window's first paint, when the
// headless build records one). Target: medians differ by ≤ 150 ms.
//
//   npx tsx test/bench/startup-bench.ts   (needs `npm run build`; part of `npm run bench`)
//   BENCH_PROFILE=<prefix> …: then one more start of each copy under the Gecko profiler
//   (<prefix>-with.json, <prefix>-without.json), the window spawn → first window ready in
//   <file>.stalls.json, for `npx tsx test/bench/profile-stalls.ts <file> 0`.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ADDON_ID, builtAddonXpi, policiesFor } from "../e2e/support/addon.ts";
import { startFakeBlueMind } from "../fake-bluemind/index.ts";
import { createProfileDir } from "../thunderbird/profile.ts";
import { PROBE_ID, ProbeClient } from "../thunderbird/probe.ts";
import { killAllThunderbirds, startThunderbird } from "../thunderbird/runner.ts";
import { bookOf, fmtMs, JANE, median, profilerEnv, syncEnded } from "./bench-session.ts";
import { scaledBigDataset } from "./bench-scale.ts";

const CONTACTS = 15_000;
// Eleven: the spread of one arm is several times the difference (README "Performance"), five was too few.
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 11);
/**
 * The test profiles start background pages at once (profile.ts: a headless Thunderbird may never
 * reach the delayed start-up that would start them): the worst case for the first window.
 * BENCH_STARTUP_DELAYED_BACKGROUND=1 measures with Thunderbird's default instead (background pages
 * wait for the first window's delayed start-up), which is what users run.
 */
const DELAYED_BACKGROUND = process.env.BENCH_STARTUP_DELAYED_BACKGROUND === "1";

const STARTUP_SCRIPT = `
const [addonId] = arguments;
const info = Services.startup.getStartupInfo();
const at = (name) => (info[name] ? info[name].getTime() - info.process.getTime() : null);
return { firstPaint: at("firstPaint2") ?? at("firstPaint"), addonActive: WebExtensionPolicy.getByID(addonId)?.active === true };`;

interface Start {
  /** Spawn → Marionette session. */
  ready: number;
  /** Process creation → first paint (Thunderbird's clock), null when not recorded. */
  firstPaint: number | null;
  addonActive: boolean;
}

function copyProfile(from: string, drop: readonly string[]): string {
  const to = createProfileDir();
  fs.cpSync(from, to, { recursive: true });
  for (const id of drop) fs.rmSync(path.join(to, "extensions", `${id}.xpi`), { force: true });
  // Start-up caches are per profile path: rebuilt by each copy's warm-up start.
  fs.rmSync(path.join(to, "startupCache"), { recursive: true, force: true });
  return to;
}

export async function main(): Promise<void> {
  const fake = await startFakeBlueMind({ dataset: scaledBigDataset(CONTACTS) });
  const probe = await ProbeClient.start();
  const copies: string[] = [];
  try {
    const apiKey = fake.control.datasetInfo().apiKeys[JANE.login];
    if (!apiKey) throw new Error("no API key for Jane");
    const policies = policiesFor({ serverUrl: fake.url, login: JANE.login, apiKey, syncIntervalMinutes: 600 });
    const startedAt = Date.now();
    const first = await startThunderbird({ addons: [probe.addon, process.env.BENCH_ADDON_XPI ?? builtAddonXpi()], policies, systemAccess: true });
    await probe.waitForReady();
    const synced = bookOf(await syncEnded(probe, startedAt, 1_200_000, 500));
    if (synced.state !== "synced") throw new Error(`the book ended ${synced.state}`);
    await first.quit(120_000);
    const withAddon = copyProfile(first.profileDir, [PROBE_ID]);
    const without = copyProfile(first.profileDir, [PROBE_ID, ADDON_ID]);
    copies.push(withAddon, without);

    const start = async (profileDir: string, profile?: string): Promise<Start> => {
      const prefs = { "extensions.webextensions.background-delayed-startup": DELAYED_BACKGROUND };
      const spawnedAt = Date.now();
      const tb = await startThunderbird({ profileDir, policies, prefs, systemAccess: true, timeoutMs: 180_000, env: profilerEnv(profile) });
      const readyAt = Date.now();
      if (profile !== undefined) fs.writeFileSync(`${profile}.stalls.json`, JSON.stringify({ "start-up, spawn → first window ready": [{ end: readyAt, gap: readyAt - spawnedAt }] }));
      if (!tb.marionette) throw new Error("no Marionette");
      await tb.marionette.setContext("chrome");
      const info = await tb.marionette.executeScript<{ firstPaint: number | null; addonActive: boolean }>(STARTUP_SCRIPT, [ADDON_ID]);
      await tb.quit(120_000);
      return { ready: tb.startupMs, ...info };
    };
    await start(withAddon);
    await start(without);
    const runs: { with: Start[]; without: Start[] } = { with: [], without: [] };
    for (let i = 0; i < RUNS; i++) {
      runs.with.push(await start(withAddon));
      runs.without.push(await start(without));
    }
    const profile = process.env.BENCH_PROFILE;
    if (profile) {
      await start(withAddon, `${profile}-with.json`);
      await start(without, `${profile}-without.json`);
    }
    if (!runs.with.every((s) => s.addonActive) || runs.without.some((s) => s.addonActive)) throw new Error("the add-on was not active in exactly the starts meant to have it");

    const ready = (s: Start[]): number => median(s.map((x) => x.ready));
    const paints = (s: Start[]): number[] => s.map((x) => x.firstPaint).filter((x): x is number => x !== null);
    const difference = ready(runs.with) - ready(runs.without);
    const list = (s: Start[]): string => s.map((x) => x.ready).join(", ");
    console.log(`start-up bench — a profile with ${(synced.itemCount ?? CONTACTS).toLocaleString("en")} synced cards, ${RUNS} starts each, alternated (after a warm-up start each); background pages ${DELAYED_BACKGROUND ? "after the delayed start-up (Thunderbird's default)" : "started at once (the test profiles' pref)"}`);
    console.log(`${"spawn → first window ready, with the add-on".padEnd(52)} ${fmtMs(ready(runs.with)).padStart(9)}  median; runs ${list(runs.with)} ms`);
    console.log(`${"spawn → first window ready, without it".padEnd(52)} ${fmtMs(ready(runs.without)).padStart(9)}  median; runs ${list(runs.without)} ms`);
    console.log(`${"    difference".padEnd(52)} ${fmtMs(difference).padStart(9)}  target ≤ 150 ms: ${difference <= 150 ? "ok" : "MISSED"}`);
    if (paints(runs.with).length === RUNS && paints(runs.without).length === RUNS) {
      const paint = median(paints(runs.with)) - median(paints(runs.without));
      console.log(`${"process → first paint (Thunderbird's clock), with / without".padEnd(52)} ${fmtMs(paint).padStart(9)}  difference of medians ${fmtMs(median(paints(runs.with)))} / ${fmtMs(median(paints(runs.without)))}`);
    } else {
      console.log("process → first paint: not recorded by this (headless) Thunderbird");
    }
  } finally {
    await killAllThunderbirds();
    for (const dir of copies) fs.rmSync(dir, { recursive: true, force: true });
    await probe.close();
    await fake.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

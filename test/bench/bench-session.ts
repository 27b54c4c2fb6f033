// What the bench scripts share (issue 13): the bench's user and book, the add-on's status read
// through the probe (a companion the bench's policy lists), timed syncs, and the add-on's memory
// read from Thunderbird's memory reporters through Marionette (chrome context).
import * as path from "node:path";
import type { CompanionBookStatus, CompanionStatus } from "../../src/shared/status.ts";
import { ADDON_ID } from "../e2e/support/addon.ts";
import { bookRequests } from "../e2e/support/synced.ts";
import type { FakeBlueMind } from "../fake-bluemind/index.ts";
import type { ProbeClient } from "../thunderbird/probe.ts";
import type { ThunderbirdInstance } from "../thunderbird/runner.ts";

/** Gecko profiler from start-up, written to `file` at the clean quit (nothing without a file). */
export function profilerEnv(file: string | undefined): Record<string, string> {
  if (!file) return {};
  return {
    MOZ_PROFILER_STARTUP: "1",
    MOZ_PROFILER_SHUTDOWN: path.resolve(file),
    // Main threads of every process, a sample every 2 ms, a buffer that holds the whole run of the
    // 10,000-contact sync bench (BENCH_PROFILE_ENTRIES smaller: the last minutes only, e.g. for the
    // scale bench, whose whole run would not fit in one JSON string).
    MOZ_PROFILER_STARTUP_FILTERS: "GeckoMain",
    MOZ_PROFILER_STARTUP_INTERVAL: "2",
    // JavaScript frames and the native labels; no native stack walk (no symbols here anyway).
    MOZ_PROFILER_STARTUP_FEATURES: "js,cpu",
    MOZ_PROFILER_STARTUP_ENTRIES: process.env.BENCH_PROFILE_ENTRIES ?? String(64 * 1024 * 1024),
  };
}

export const JANE = { login: "jdoe@example.com", uid: "u-jdoe" };
export const BOOK = "book:Contacts_u-jdoe";
export const NO_CHANGE_ROUNDS = 5;

export interface MemoryFigures {
  /** Explicit memory attributed to the add-on's background page (window + its JS realm). */
  pageExplicit: number;
  /** The same at start-up, before the first sync. */
  pageExplicitAtStart: number;
  /** The same, after a forced GC/CC ("minimize memory usage"). */
  pageExplicitAfterGc: number;
  extensionProcessResident: number | null;
  /** Memory the extension process holds alone (requestProcInfo: unique set size). */
  extensionProcessUnique: number | null;
  extensionProcessExplicit: number | null;
  mainProcessResident: number | null;
}

export const MB = 1024 * 1024;
export const fmtMs = (ms: number): string => `${ms.toFixed(0)} ms`;
export const fmtMb = (bytes: number | null): string => (bytes === null ? "n/a" : `${(bytes / MB).toFixed(1)} MB`);

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}


/**
 * Polls a growing counter every `windowMs` until it grew by less than `quiet` over one window, at
 * most `timeoutMs`; returns how long it waited (writesSettled, extensionSettled).
 */
export async function untilQuiet(read: () => Promise<number>, quiet: number, { windowMs = 2_000, timeoutMs = 60_000 } = {}): Promise<number> {
  const start = Date.now();
  let last = await read();
  while (Date.now() - start < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const now = await read();
    if (now - last < quiet) break;
    last = now;
  }
  return Date.now() - start;
}

/** The status summary the add-on gives the probe, a companion the bench's policy lists. */
export async function state(probe: ProbeClient): Promise<CompanionStatus> {
  const answer = await probe.call<{ ok: boolean; value?: CompanionStatus } | null>("runtime.sendMessage", ADDON_ID, { type: "getState" });
  if (!answer?.ok || !answer.value) throw new Error("the add-on did not answer getState");
  return answer.value;
}

export function bookOf(status: CompanionStatus): CompanionBookStatus {
  const book = status.books.find((b) => b.containerUid === BOOK);
  if (!book) throw new Error(`no status for ${BOOK}`);
  return book;
}

/** Waits (polling every `intervalMs`) until a sync started at or after `after` has ended. */
export async function syncEnded(probe: ProbeClient, after: number, timeoutMs: number, intervalMs = 25): Promise<CompanionStatus> {
  return probe.waitFor(
    async () => {
      const status = await state(probe);
      const { lastSyncStarted: started, lastSyncEnded: ended } = status;
      return !status.syncing && started !== null && started >= after && ended !== null && ended >= started ? status : undefined;
    },
    { timeoutMs, intervalMs, what: "the end of the sync" },
  );
}

export interface TimedSync {
  /** Sync now sent → the add-on's sync ended. */
  fromTrigger: number;
  /** The add-on's own start → end of the sync run. */
  run: number;
  /** The book's lastSuccess after this sync (epoch ms). */
  applied: number;
  sent: number;
}

/** The book's first _changeset of a sync started at `sent` → that sync's lastSuccess. */
export function changesetToApplied(fake: FakeBlueMind, sync: TimedSync): number {
  const changeset = bookRequests(fake, BOOK).find((r) => r.at >= sync.sent && r.method === "GET" && r.path.includes("/_changeset"));
  return changeset === undefined ? Number.NaN : sync.applied - changeset.at;
}

export async function timedSync(probe: ProbeClient): Promise<TimedSync> {
  const sent = Date.now();
  await probe.call("runtime.sendMessage", ADDON_ID, { type: "syncNow" });
  const status = await syncEnded(probe, sent, 60_000, 10);
  return {
    fromTrigger: (status.lastSyncEnded as number) - sent,
    run: (status.lastSyncEnded as number) - (status.lastSyncStarted as number),
    applied: bookOf(status).lastSuccess ?? Number.NaN,
    sent,
  };
}

// ───────────── (e) memory ─────────────

const MEMORY_SCRIPT = `
const [addonId, minimize] = arguments;
return (async () => {
  const host = WebExtensionPolicy.getByID(addonId).mozExtensionHostname;
  const manager = Cc["@mozilla.org/memory-reporter-manager;1"].getService(Ci.nsIMemoryReporterManager);
  if (minimize) await new Promise((resolve) => manager.minimizeMemoryUsage(resolve));
  let page = 0;
  const explicit = {};
  const resident = {};
  await new Promise((resolve) => manager.getReports(
    (process, path, kind, units, amount) => {
      if (units !== Ci.nsIMemoryReporter.UNITS_BYTES) return;
      const name = process || "main";
      if (path.startsWith("explicit/")) {
        explicit[name] = (explicit[name] || 0) + amount;
        if (path.includes(host)) page += amount;
      }
      if (path === "resident") resident[name] = amount;
    },
    null, resolve, null, false));
  const info = await ChromeUtils.requestProcInfo();
  const unique = info.children.filter((c) => c.type === "extension").reduce((s, c) => s + c.memory, 0);
  return { host, page, explicit, resident, unique };
})();`;

export interface MemoryReport {
  host: string;
  page: number;
  explicit: Record<string, number>;
  resident: Record<string, number>;
  unique: number;
}

export async function pageMemory(tb: ThunderbirdInstance): Promise<MemoryReport> {
  const marionette = tb.marionette;
  if (!marionette) throw new Error("no Marionette");
  await marionette.setContext("chrome");
  await marionette.setScriptTimeout(120_000);
  return marionette.executeScript<MemoryReport>(MEMORY_SCRIPT, [ADDON_ID, false]);
}

export async function memory(tb: ThunderbirdInstance, atStart: MemoryReport): Promise<MemoryFigures> {
  const marionette = tb.marionette;
  if (!marionette) throw new Error("no Marionette");
  await marionette.setContext("chrome");
  await marionette.setScriptTimeout(120_000);
  const before = await marionette.executeScript<MemoryReport>(MEMORY_SCRIPT, [ADDON_ID, false]);
  const after = await marionette.executeScript<MemoryReport>(MEMORY_SCRIPT, [ADDON_ID, true]);
  const extensionProcess = Object.keys(before.explicit).find((name) => name.startsWith("extension"));
  return {
    pageExplicit: before.page,
    pageExplicitAtStart: atStart.page,
    extensionProcessUnique: before.unique,
    pageExplicitAfterGc: after.page,
    extensionProcessResident: extensionProcess ? (before.resident[extensionProcess] ?? null) : null,
    extensionProcessExplicit: extensionProcess ? (before.explicit[extensionProcess] ?? null) : null,
    mainProcessResident: before.resident["main"] ?? null,
  };
}


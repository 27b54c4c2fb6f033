// The scale bench (issue 13), `npm run bench -- --contacts 50000`: one book of N contacts against
// a book of 10,000 synced in the SAME run, so the ratio compares like with like on a machine whose
// speed moves with its load. Two Thunderbirds one after the other (never together), each on a
// fresh profile, the same add-on build, the same dataset shape (bench-scale.ts: groups and photos
// in proportion), the same probing:
//   - initial sync time, from the book's first `_changeset?since=0` to its lastSuccess;
//   - main-thread stalls during it (stall-sampler.ts);
//   - the search-only directory (20,000 people) queried through contacts.quickSearch on the
//     provider book alone, once a second during the sync and then 30 times with the sync done:
//     the same path as compose autocompletion, so the figure is what a user typing a recipient
//     waits while the big book syncs, against the same Thunderbird at rest;
//   - the background page's memory after the sync (memory reporters, see bench-session.ts);
//   - five no-change syncs: their time and the bytes Thunderbird's processes wrote for each, once
//     the add-on's post-sync hashing and the initial sync's write-behind (SQLite checkpoints)
//     settled.
// Targets: time ≤ 1.1 × linear (5.5× for 50,000), memory < 100 MB, search p50/p95 during the sync
// within the idle figures' range, bytes written flat between 10,000 and N.
//
// BENCH_ALONE=1: the big book alone, its figures printed without ratios.
// BENCH_PROFILE=<file>: the same under the Gecko profiler, the stalls of its sync in
// <file>.stalls.json for `profile-stalls.ts <file> 250`.
// BENCH_RETENTION_EXPERIMENT=1: after the figures, drop the parsed vCards of the cards
// Thunderbird's extension API holds, then the whole cache, and print the forced GC/CC after each
// (README: what the cycle collector walks). It changes Thunderbird's objects: an experiment only.
// BENCH_WRITES=1: strace the no-change syncs and print the bytes written to each file
// (write-trace.ts); strace slows Thunderbird, so the no-change times are not comparable then.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ADDON_ID, builtAddonXpi, policiesFor } from "../e2e/support/addon.ts";
import { waitForProviderBook, warmSearchIndex } from "../e2e/support/search-session.ts";
import { bookRequests } from "../e2e/support/synced.ts";
import { mulberry32, startFakeBlueMind } from "../fake-bluemind/index.ts";
import type { RequestLogEntry } from "../fake-bluemind/types.ts";
import { ProbeClient } from "../thunderbird/probe.ts";
import { killAllThunderbirds, startThunderbird } from "../thunderbird/runner.ts";
import { BOOK, bookOf, fmtMb, fmtMs, JANE, median, memory, NO_CHANGE_ROUNDS, pageMemory, profilerEnv, syncEnded, timedSync, type MemoryFigures } from "./bench-session.ts";
import { bytesWrittenTree, contactsArgument, DEFAULT_CONTACTS, scaledBigDataset, writesSettled } from "./bench-scale.ts";
import { formatWrites, startWriteTrace } from "./write-trace.ts";
import { cpu, cpuSpent, extensionSettled, type CpuSample } from "./cpu-usage.ts";
import { formatRetention, retention, type Retention } from "./tb-retention.ts";
import { formatStalls, StallSampler, type StallStats } from "./stall-sampler.ts";

const DIRECTORY = "addressbook_example.com";
const SEARCH_SPACING_MS = 1_000;
const IDLE_SEARCHES = 30;
/** The baseline book's size; BENCH_SCALE_BASELINE only to try the bench itself on small books. */
const BASELINE = Number(process.env.BENCH_SCALE_BASELINE ?? DEFAULT_CONTACTS);
const PROFILE = process.env.BENCH_PROFILE;
const ALONE = PROFILE !== undefined || process.env.BENCH_ALONE === "1";
const TRACE_WRITES = process.env.BENCH_WRITES === "1";
const RETENTION_EXPERIMENT = process.env.BENCH_RETENTION_EXPERIMENT === "1";

interface Search {
  at: number;
  ms: number;
  found: number;
}

interface PhaseResult {
  contacts: number;
  cards: number;
  syncMs: number;
  stalls: StallStats;
  during: Search[];
  idle: Search[];
  memory: MemoryFigures;
  noChangeMs: number;
  writtenPerSync: number | null;
  /**
   * ms per 1,000 contacts in each tenth of the initial sync, timed by its `_mget` requests (the
   * pull asks for the next cards as it writes the last ones): a cost that grows with the book
   * shows as a rising row. Then the time from the last `_mget` to the sync's end.
   */
  tenths: number[];
  tailMs: number;
  /** From the start-up's end to the sync's end (the directory's searches included). */
  cpu: { from: CpuSample; to: CpuSample };
  /** During the idle searches. */
  cpuIdle: { from: CpuSample; to: CpuSample };
  /** What Thunderbird's parent holds of the synced contacts, and its forced GC and CC (tb-retention.ts). */
  held: Retention;
  /** Per file, when BENCH_WRITES traced the no-change syncs. */
  writesByFile: Map<string, number> | null;
  /** How long the add-on kept working and Thunderbird kept writing after the idle searches. */
  settledMs: number;
  local: number;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
};

/**
 * Distinct queries as a user types them, "<family-name prefix> <given-name prefix>" of a person of
 * the directory: each finds someone, and none repeats (a repeat would come from the add-on's
 * answer cache). Dealt alternately to the "during the sync" and "idle" lists, so both are alike.
 */
function directoryQueries(people: readonly [string, string][], count: number): { during: string[]; idle: string[] } {
  const rng = mulberry32(13);
  const out = new Set<string>();
  for (let tries = 0; out.size < count && tries < count * 50; tries++) {
    const [family, given] = rng.pick(people);
    out.add(`${family.slice(0, rng.int(3, Math.min(5, family.length)))} ${given.slice(0, rng.int(1, Math.min(3, given.length)))}`);
  }
  const all = [...out];
  return { during: all.filter((_, i) => i % 2 === 0), idle: all.filter((_, i) => i % 2 === 1).slice(0, IDLE_SEARCHES) };
}

function directoryPeople(fake: Awaited<ReturnType<typeof startFakeBlueMind>>): [string, string][] {
  const directory = fake.state.books.get(DIRECTORY);
  if (!directory) throw new Error(`no ${DIRECTORY}`);
  const fold = (n: string): string => n.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/[^a-z]/g, "");
  return [...directory.items.values()]
    .map((item): [string, string] => [fold(item.value.identification?.name?.familyNames ?? ""), fold(item.value.identification?.name?.givenNames ?? "")])
    .filter(([family, given]) => family.length >= 3 && given.length >= 1);
}

function paceByTenth(requests: readonly RequestLogEntry[], from: number, to: number, contacts: number): { tenths: number[]; tailMs: number } {
  const mgets = requests.filter((r) => r.method === "POST" && r.path.endsWith("/_mget") && r.at >= from && r.at <= to).map((r) => r.at);
  const tenths: number[] = [];
  for (let i = 0; i < 10 && mgets.length > 10; i++) {
    const start = mgets[Math.floor((i * mgets.length) / 10)] ?? from;
    const end = mgets[Math.floor(((i + 1) * mgets.length) / 10)] ?? mgets[mgets.length - 1] ?? to;
    tenths.push(((end - start) / (contacts / 10)) * 1000);
  }
  return { tenths, tailMs: to - (mgets[mgets.length - 1] ?? to) };
}

const paceRow = (r: PhaseResult): string => `${r.tenths.map((t) => (t / 1000).toFixed(1)).join(" ")} s; then ${fmtMs(r.tailMs)}`;

async function phase(contacts: number, profile?: string): Promise<PhaseResult> {
  const scale = Math.max(1, contacts / DEFAULT_CONTACTS);
  const fake = await startFakeBlueMind({ dataset: contacts === DEFAULT_CONTACTS ? "big" : scaledBigDataset(contacts) });
  // A user's Thunderbird does not convert each created contact for a probe, nor cache its polls.
  const probe = await ProbeClient.start({ contactEvents: false, httpCache: false });
  try {
    const apiKey = fake.control.datasetInfo().apiKeys[JANE.login];
    if (!apiKey) throw new Error("no API key for Jane");
    // The fake builds its search index on the first query; a real server's is always warm.
    await warmSearchIndex(fake, JANE.login, DIRECTORY);
    const { during: duringQueries, idle: idleQueries } = directoryQueries(directoryPeople(fake), 4_000);
    const startedAt = Date.now();
    const tb = await startThunderbird({
      addons: [probe.addon, process.env.BENCH_ADDON_XPI ?? builtAddonXpi()],
      policies: policiesFor({ serverUrl: fake.url, login: JANE.login, apiKey, syncIntervalMinutes: 600 }),
      systemAccess: true,
      env: profilerEnv(profile),
    });
    await probe.waitForReady();
    const atStart = await pageMemory(tb);
    if (!tb.marionette) throw new Error("no Marionette");
    const stalls = new StallSampler(tb.marionette);
    await stalls.start();
    const directory = await waitForProviderBook(probe, "Directory", 60_000);
    const cpuBefore = await cpu(tb);

    const ask = async (query: string): Promise<Search> => {
      const at = Date.now();
      const found = await probe.callWithTimeout<unknown[]>(60_000, "contacts.quickSearch", directory.id, { searchString: query });
      return { at, ms: Date.now() - at, found: found.length };
    };
    let syncing = true;
    const during: Search[] = [];
    const searching = (async () => {
      for (const query of duringQueries) {
        if (!syncing) break;
        during.push(await ask(query));
        await new Promise((resolve) => setTimeout(resolve, SEARCH_SPACING_MS));
      }
    })();
    const first = await syncEnded(probe, startedAt, 600_000 * scale, 250).finally(() => {
      syncing = false;
    });
    await searching;
    await stalls.collect(true);
    const cpuAfter = await cpu(tb);
    const book = bookOf(first);
    if (book.state !== "synced" || book.lastSuccess === null) throw new Error(`the book ended ${book.state}: ${book.problem ?? "no problem named"}`);
    const changeset = bookRequests(fake, BOOK).find((r) => r.method === "GET" && r.path.includes("/_changeset?since=0"));
    if (!changeset) throw new Error("no initial changeset");
    const syncMs = book.lastSuccess - changeset.at;
    const { tenths, tailMs } = paceByTenth(bookRequests(fake, BOOK), changeset.at, book.lastSuccess, contacts);
    const mem = await memory(tb, atStart);

    const idle: Search[] = [];
    const cpuIdleFrom = await cpu(tb);
    for (const query of idleQueries) {
      idle.push(await ask(query));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const cpuIdleTo = await cpu(tb);
    const noChange: number[] = [];
    const settledMs = (await extensionSettled(tb)) + (await writesSettled(tb.pid));
    const trace = TRACE_WRITES ? await startWriteTrace(tb.pid, tb.profileDir) : null;
    const writtenBefore = bytesWrittenTree(tb.pid);
    for (let round = 0; round < NO_CHANGE_ROUNDS; round++) noChange.push((await timedSync(probe)).fromTrigger);
    const writtenAfter = bytesWrittenTree(tb.pid);
    const writesByFile = trace ? await trace.stop() : null;
    const books = await probe.listBooks();
    const localBook = books.find((b) => b.name === "My contacts" && !b.remote);
    // Before the listing below, which would fill ext-addressBook's cache whatever the sync did.
    const held = await retention(tb);
    if (RETENTION_EXPERIMENT) {
      console.log(`  ${contacts}: as synced: ${formatRetention(held)}`);
      console.log(`  ${contacts}: parsed vCards dropped: ${formatRetention(await retention(tb, "parsed"))}; then ${formatRetention(await retention(tb))}`);
      console.log(`  ${contacts}: cache dropped: ${formatRetention(await retention(tb, "nodes"))}; then ${formatRetention(await retention(tb))}`);
    }
    const local = localBook ? (await probe.callWithTimeout<unknown[]>(120_000 * scale, "contacts.list", localBook.id)).length : 0;
    // The profiler writes its buffer at the quit: that can take minutes.
    await tb.quit(profile ? 1_800_000 : undefined);
    if (profile) {
      const sync = stalls.ticksIn(changeset.at, book.lastSuccess).filter((t) => t.gap > 50);
      fs.writeFileSync(`${profile}.stalls.json`, JSON.stringify({ sync }));
    }
    return {
      contacts,
      cards: fake.state.books.get(BOOK)?.items.size ?? 0,
      syncMs,
      tenths,
      tailMs,
      cpu: { from: cpuBefore, to: cpuAfter },
      cpuIdle: { from: cpuIdleFrom, to: cpuIdleTo },
      held,
      stalls: stalls.window(changeset.at, book.lastSuccess),
      during: during.filter((s) => s.at >= changeset.at && s.at + s.ms <= (book.lastSuccess as number)),
      idle,
      memory: mem,
      noChangeMs: median(noChange),
      writtenPerSync: writtenBefore === null || writtenAfter === null ? null : (writtenAfter - writtenBefore) / NO_CHANGE_ROUNDS,
      writesByFile,
      settledMs,
      local,
    };
  } finally {
    await killAllThunderbirds();
    await probe.close();
    await fake.close();
  }
}

const searchFigure = (s: Search[]): string =>
  s.length === 0 ? "none" : `p50 ${fmtMs(percentile(s.map((x) => x.ms), 0.5))}, p95 ${fmtMs(percentile(s.map((x) => x.ms), 0.95))}, max ${fmtMs(Math.max(...s.map((x) => x.ms)))} (×${s.length})`;

function report(base: PhaseResult, big: PhaseResult): void {
  const n = big.contacts;
  const linear = n / base.contacts;
  const ratio = big.syncMs / base.syncMs;
  const verdict = (ok: boolean): string => (ok ? "ok" : "MISSED");
  const p = (s: Search[], q: number): number => percentile(s.map((x) => x.ms), q);
  const kb = (bytes: number | null): string => (bytes === null ? "n/a" : `${(bytes / 1024).toFixed(0)} KB`);
  const columns = (label: string, a: string, b: string, note = ""): string => `${label.padEnd(40)} ${a.padStart(22)} ${b.padStart(22)}  ${note}`;
  console.log(`\nscale bench — "big" dataset resized: ${n.toLocaleString("en")} contacts against ${base.contacts.toLocaleString("en")} in the same run (two fresh profiles, one after the other)`);
  console.log(columns("", `${base.contacts.toLocaleString("en")} contacts`, `${n.toLocaleString("en")} contacts`));
  console.log(columns("cards on the server / contacts synced", `${base.cards} / ${base.local}`, `${big.cards} / ${big.local}`));
  console.log(columns("initial sync", fmtMs(base.syncMs), fmtMs(big.syncMs), `${ratio.toFixed(2)}× for ${linear.toFixed(1)}× the contacts; target ≤ ${(1.1 * linear).toFixed(1)}×: ${verdict(ratio <= 1.1 * linear)}`));
  console.log(columns("    per contact", `${(base.syncMs / base.contacts).toFixed(2)} ms`, `${(big.syncMs / big.contacts).toFixed(2)} ms`));
  console.log(`    s per 1,000 contacts, by tenth of the sync (${base.contacts.toLocaleString("en")}): ${paceRow(base)}`);
  console.log(`    s per 1,000 contacts, by tenth of the sync (${n.toLocaleString("en")}): ${paceRow(big)}`);
  console.log(`    ${base.contacts.toLocaleString("en")}: ${cpuSpent(base.cpu.from, base.cpu.to)}`);
  console.log(`    ${n.toLocaleString("en")}: ${cpuSpent(big.cpu.from, big.cpu.to)}`);
  console.log(columns("stalls during the sync: longest / p99", `${base.stalls.longest.toFixed(0)} / ${base.stalls.p99.toFixed(0)} ms`, `${big.stalls.longest.toFixed(0)} / ${big.stalls.p99.toFixed(0)} ms`, formatStalls(big.stalls)));
  console.log(columns("directory search during the sync", `${fmtMs(p(base.during, 0.5))} / ${fmtMs(p(base.during, 0.95))}`, `${fmtMs(p(big.during, 0.5))} / ${fmtMs(p(big.during, 0.95))}`, `p50 / p95; ${n.toLocaleString("en")}: ${searchFigure(big.during)}`));
  console.log(columns("directory search, sync done (idle)", `${fmtMs(p(base.idle, 0.5))} / ${fmtMs(p(base.idle, 0.95))}`, `${fmtMs(p(big.idle, 0.5))} / ${fmtMs(p(big.idle, 0.95))}`, `p50 / p95; ${n.toLocaleString("en")}: ${searchFigure(big.idle)}`));
  const duringRatio = p(big.during, 0.5) / p(big.idle, 0.5);
  console.log(columns("    during / idle, p50", `${(p(base.during, 0.5) / p(base.idle, 0.5)).toFixed(2)}×`, `${duringRatio.toFixed(2)}×`, `target: within the idle p95: ${verdict(p(big.during, 0.5) <= p(big.idle, 0.95))}`));
  console.log(`    idle searches, ${base.contacts.toLocaleString("en")}: ${cpuSpent(base.cpuIdle.from, base.cpuIdle.to)}`);
  console.log(`    idle searches, ${n.toLocaleString("en")}: ${cpuSpent(big.cpuIdle.from, big.cpuIdle.to)}`);
  console.log(`Thunderbird's parent after the sync, ${base.contacts.toLocaleString("en")}: ${formatRetention(base.held)}`);
  console.log(`Thunderbird's parent after the sync, ${n.toLocaleString("en")}: ${formatRetention(big.held)}`);
  console.log(columns("background page after the sync", fmtMb(base.memory.pageExplicit), fmtMb(big.memory.pageExplicit), `target < 100 MB: ${verdict(big.memory.pageExplicit < 100 * 1024 * 1024)}; after a GC ${fmtMb(big.memory.pageExplicitAfterGc)}, at start ${fmtMb(big.memory.pageExplicitAtStart)}`));
  console.log(columns("    extension process, unique", fmtMb(base.memory.extensionProcessUnique), fmtMb(big.memory.extensionProcessUnique), `resident ${fmtMb(big.memory.extensionProcessResident)} (all extensions: the add-on and the bench's probe)`));
  console.log(columns("    Thunderbird main process, resident", fmtMb(base.memory.mainProcessResident), fmtMb(big.memory.mainProcessResident)));
  console.log(columns("no-change sync (median of 5)", fmtMs(base.noChangeMs), fmtMs(big.noChangeMs), `${(big.noChangeMs / base.noChangeMs).toFixed(2)}×`));
  const flat = base.writtenPerSync !== null && big.writtenPerSync !== null ? big.writtenPerSync / Math.max(1, base.writtenPerSync) : Number.NaN;
  console.log(columns("    written per no-change sync", kb(base.writtenPerSync), kb(big.writtenPerSync), `${flat.toFixed(2)}× for ${linear.toFixed(1)}× the contacts (all Thunderbird processes' write() bytes, once the add-on and the writes settled: ${fmtMs(base.settledMs)} / ${fmtMs(big.settledMs)}); target flat: ${verdict(flat < 1.5)}`));
}

/** BENCH_ALONE / BENCH_PROFILE: one book's figures, with nothing to compare them to. */
function reportAlone(big: PhaseResult): void {
  const line = (label: string, value: string): void => console.log(`${label.padEnd(40)} ${value}`);
  console.log(`\nscale bench, one book alone: ${big.contacts.toLocaleString("en")} contacts (no baseline, no ratio)`);
  line("cards on the server / contacts synced", `${big.cards} / ${big.local}`);
  line("initial sync", `${fmtMs(big.syncMs)}, ${(big.syncMs / big.contacts).toFixed(2)} ms per contact`);
  line("    s per 1,000 contacts, by tenth", paceRow(big));
  line("    during the sync", cpuSpent(big.cpu.from, big.cpu.to));
  line("stalls during the sync", `longest ${big.stalls.longest.toFixed(0)} ms, p99 ${big.stalls.p99.toFixed(0)} ms; ${formatStalls(big.stalls)}`);
  line("directory search during the sync", searchFigure(big.during));
  line("directory search, sync done (idle)", searchFigure(big.idle));
  line("    CPU during the idle searches", cpuSpent(big.cpuIdle.from, big.cpuIdle.to));
  line("Thunderbird's parent after the sync", formatRetention(big.held));
  line("background page after the sync", `${fmtMb(big.memory.pageExplicit)}; after a GC ${fmtMb(big.memory.pageExplicitAfterGc)}`);
  line("no-change sync (median of 5)", fmtMs(big.noChangeMs));
  line("    written per no-change sync", big.writtenPerSync === null ? "n/a" : `${(big.writtenPerSync / 1024).toFixed(0)} KB, once the add-on and the writes settled (${fmtMs(big.settledMs)})`);
}

function reportWrites(result: PhaseResult): void {
  if (!result.writesByFile) return;
  console.log(`\nwritten per no-change sync at ${result.contacts.toLocaleString("en")} contacts, by file (strace; ≥ 1 KB):`);
  for (const row of formatWrites(result.writesByFile, NO_CHANGE_ROUNDS)) console.log(row);
}

export async function main(): Promise<void> {
  const contacts = contactsArgument();
  if (ALONE) {
    console.log(`scale bench${PROFILE ? ", profiled" : ""}: ${contacts} contacts alone; add-on ${ADDON_ID}`);
    const big = await phase(contacts, PROFILE);
    reportAlone(big);
    reportWrites(big);
    return;
  }
  console.log(`scale bench: ${BASELINE} contacts first (the baseline), then ${contacts}; add-on ${ADDON_ID}`);
  const base = await phase(BASELINE);
  console.log(`  ${BASELINE}: initial sync ${fmtMs(base.syncMs)}`);
  const big = await phase(contacts);
  report(base, big);
  reportWrites(base);
  reportWrites(big);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

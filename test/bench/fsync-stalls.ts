// How much of the main-thread stalls a bench saw is Thunderbird's main thread waiting on the disk
// (issue 13). A Gecko profile shows the stalls' samples inside `COMMIT TRANSACTION` with little
// CPU; this tells what the thread waited for, from the kernel's side: `perf trace` of every
// fsync/fdatasync on the machine during the bench, matched against the bench's stalls.
//
//   date +%s%3N > start; perf trace -a -e fsync,fdatasync -o fsync.txt &   (root, Linux)
//   BENCH_PROFILE=<file> npx tsx test/bench/sync-bench.ts                 (writes <file>.stalls.json)
//   npx tsx test/bench/fsync-stalls.ts fsync.txt $(cat start) <file>.stalls.json [minimum ms]
//
// perf trace prints times relative to its start; the second argument is that start's epoch (ms).
// Thunderbird's main thread is the thread named "thunderbird" (its other threads have their own
// names). Prints, per window of the stalls file: the main thread's fsyncs (count, p50/p90/max,
// share of the time), and for the stalls of at least `minimum` ms, how much of them was fsync.
import * as fs from "node:fs";

interface Sync {
  start: number;
  ms: number;
  thread: string;
  fd: string;
}

interface Stall {
  end: number;
  gap: number;
}

const LINE = /^\s*([\d.]+)\s+\(\s*([\d.]+) ms\):\s+(.+?)\/(\d+)\s+(fsync|fdatasync)\(fd: (\d+)/;

function readTrace(file: string, epoch: number): Sync[] {
  const out: Sync[] = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const match = LINE.exec(line);
    if (!match) continue;
    out.push({ start: epoch + Number(match[1]), ms: Number(match[2]), thread: match[3] as string, fd: match[6] as string });
  }
  return out;
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

function overlap(sync: Sync, from: number, to: number): number {
  return Math.max(0, Math.min(sync.start + sync.ms, to) - Math.max(sync.start, from));
}

function report(name: string, stalls: readonly Stall[], main: readonly Sync[], minimum: number): void {
  if (stalls.length === 0) return;
  const from = Math.min(...stalls.map((s) => s.end - s.gap));
  const to = Math.max(...stalls.map((s) => s.end));
  const inside = main.filter((s) => s.start >= from && s.start <= to);
  const sorted = inside.map((s) => s.ms).sort((a, b) => a - b);
  const total = sorted.reduce((a, b) => a + b, 0);
  console.log(`\n── ${name}: ${((to - from) / 1000).toFixed(1)} s from its first to its last stall over 50 ms`);
  console.log(`  main-thread fsyncs: ${inside.length} (${(inside.length / ((to - from) / 1000)).toFixed(1)}/s), p50 ${quantile(sorted, 0.5).toFixed(1)} ms, p90 ${quantile(sorted, 0.9).toFixed(1)} ms, max ${(sorted[sorted.length - 1] ?? 0).toFixed(1)} ms; ${total.toFixed(0)} ms in all, ${((100 * total) / (to - from)).toFixed(1)} % of the time`);
  const long = stalls.filter((s) => s.gap >= minimum);
  let stalled = 0;
  let waiting = 0;
  let touched = 0;
  for (const stall of long) {
    const wait = inside.reduce((sum, sync) => sum + overlap(sync, stall.end - stall.gap, stall.end), 0);
    stalled += stall.gap;
    waiting += wait;
    if (wait > 0) touched++;
  }
  console.log(`  stalls ≥ ${minimum} ms: ${long.length}, ${stalled.toFixed(0)} ms; ${touched} of them hold a main-thread fsync, which is ${waiting.toFixed(0)} ms (${((100 * waiting) / Math.max(1, stalled)).toFixed(0)} % of the stall time)`);
}

const [traceFile, epochArg, stallsFile, minimumArg] = process.argv.slice(2);
if (!traceFile || !epochArg || !stallsFile) throw new Error("usage: fsync-stalls.ts <perf trace output> <its start, epoch ms> <stalls.json> [minimum ms]");
const syncs = readTrace(traceFile, Number(epochArg));
const main = syncs.filter((s) => s.thread === "thunderbird");
const others = new Map<string, number>();
for (const s of syncs.filter((x) => x.thread !== "thunderbird")) others.set(s.thread, (others.get(s.thread) ?? 0) + 1);
console.log(`${syncs.length} fsync/fdatasync calls traced, ${main.length} on Thunderbird's main thread; elsewhere: ${[...others].map(([k, v]) => `${k} ${v}`).join(", ")}`);
const windows = JSON.parse(fs.readFileSync(stallsFile, "utf8")) as Record<string, Stall[]>;
for (const [name, stalls] of Object.entries(windows)) report(name, stalls, main, Number(minimumArg ?? 50));

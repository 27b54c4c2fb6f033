// Where the long stalls of a bench run come from (issue 13): reads a Gecko profile written by
// `BENCH_PROFILE=<file> npx tsx test/bench/sync-bench.ts` (MOZ_PROFILER_STARTUP with
// MOZ_PROFILER_SHUTDOWN) and the stalls the bench's 10 ms timer saw (<file>.stalls.json; the
// start-up bench writes its spawn → window-ready window there the same way), and
// tells, for the stalls over 100 ms of the initial sync and of the API floor, what the parent
// process's main thread was doing: the innermost and outermost JavaScript functions of its
// samples, the native labels (SQLite commits, GC and CC phases), and the GC/CC slices inside them.
//
//   npx tsx test/bench/profile-stalls.ts <file.json> [minimum stall ms, default 100] [maximum ms]
// With a maximum (e.g. 50 120: the band that makes the p99), each stall is also listed with what
// most of its samples were doing: the task that IS the stall.
import * as fs from "node:fs";

interface Table {
  schema: Record<string, number>;
  data: unknown[][];
}

interface RawThread {
  name: string;
  processType: string;
  samples: Table;
  markers: Table;
  stackTable: Table;
  frameTable: Table;
  stringTable: string[];
}

interface RawProfile {
  meta: { startTime: number; categories?: { name: string }[] };
  threads: RawThread[];
  processes?: RawProfile[];
}

interface Stall {
  end: number;
  gap: number;
}

const col = (table: Table, row: unknown[], name: string): unknown => row[table.schema[name] as number];

class ThreadView {
  private readonly frames: { location: string; category: number; js: boolean }[];
  private readonly stacks: { prefix: number | null; frame: number }[];

  constructor(
    readonly thread: RawThread,
    readonly startTime: number,
  ) {
    const strings = thread.stringTable;
    this.frames = thread.frameTable.data.map((row) => {
      const location = strings[col(thread.frameTable, row, "location") as number] ?? "?";
      return { location, category: Number(col(thread.frameTable, row, "category") ?? -1), js: /\((resource|chrome|moz-extension|jar):/.test(location) };
    });
    this.stacks = thread.stackTable.data.map((row) => ({ prefix: col(thread.stackTable, row, "prefix") as number | null, frame: col(thread.stackTable, row, "frame") as number }));
  }

  /** Frames of a stack, leaf first. */
  stack(index: number | null): { location: string; category: number; js: boolean }[] {
    const out = [];
    for (let i = index; i !== null && i !== undefined; i = this.stacks[i]?.prefix ?? null) {
      const frame = this.frames[this.stacks[i]?.frame as number];
      if (frame) out.push(frame);
    }
    return out;
  }

  private sampleList: { time: number; stack: number | null }[] | null = null;

  /** Samples in [from, to], found by binary search (a run holds millions). */
  samplesIn(from: number, to: number): { time: number; stack: number | null }[] {
    const s = this.thread.samples;
    this.sampleList ??= s.data
      .map((row) => ({ time: this.startTime + (col(s, row, "time") as number), stack: col(s, row, "stack") as number | null }))
      .sort((a, b) => a.time - b.time);
    const list = this.sampleList;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((list[middle] as { time: number }).time < from) low = middle + 1;
      else high = middle;
    }
    const out = [];
    for (let i = low; i < list.length && (list[i] as { time: number }).time <= to; i++) out.push(list[i] as { time: number; stack: number | null });
    return out;
  }

  private markerList: { name: string; start: number; end: number }[] | null = null;

  markersIn(from: number, to: number): { name: string; start: number; end: number }[] {
    const m = this.thread.markers;
    this.markerList ??= m.data
      .map((row) => ({
        name: this.thread.stringTable[col(m, row, "name") as number] ?? "?",
        start: this.startTime + Number(col(m, row, "startTime") ?? 0),
        end: this.startTime + Number(col(m, row, "endTime") ?? col(m, row, "startTime") ?? 0),
      }))
      .filter((x) => /^(GC|CC|ForgetSkippable|IdleForgetSkippable)/.test(x.name));
    return this.markerList.filter((x) => x.end >= from && x.start <= to);
  }
}

function count<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function top<K>(map: Map<K, number>, n: number, total: number): string {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `    ${((100 * v) / total).toFixed(0).padStart(3)}%  ${String(k)}`)
    .join("\n");
}

function report(label: string, stalls: Stall[], main: ThreadView, categories: string[]): void {
  const long = stalls.filter((s) => s.gap >= minimum && s.gap <= maximum);
  const totalMs = long.reduce((s, x) => s + x.gap, 0);
  console.log(`\n── ${label}: ${long.length} stalls ≥ ${minimum} ms, ${totalMs.toFixed(0)} ms in all; longest: ${long.map((s) => s.gap.toFixed(0)).sort((a, b) => Number(b) - Number(a)).slice(0, 8).join(", ")} ms`);
  const byCategory = new Map<string, number>();
  const byJs = new Map<string, number>();
  const byLabel = new Map<string, number>();
  const byOuterJs = new Map<string, number>();
  const markers = new Map<string, number>();
  let samples = 0;
  for (const stall of long) {
    const from = stall.end - stall.gap;
    for (const sample of main.samplesIn(from, stall.end)) {
      samples++;
      const frames = main.stack(sample.stack);
      const leaf = frames[0];
      count(byCategory, leaf ? (categories[leaf.category] ?? `#${leaf.category}`) : "(no stack)");
      const js = frames.filter((f) => f.js);
      count(byJs, js[0]?.location.replace(/\s*\(.*\/([^/]+)\)$/, " ($1)") ?? "(no JS on the stack)");
      count(byOuterJs, js[js.length - 1]?.location.replace(/\s*\(.*\/([^/]+)\)$/, " ($1)") ?? "(no JS on the stack)");
      const labels = frames.filter((f) => !f.js && !/^0x[0-9a-f]+$/.test(f.location) && f.location !== "(root)");
      count(byLabel, labels.slice(0, 2).map((f) => f.location).join(" ← ") || "(none)");
    }
    for (const marker of main.markersIn(from, stall.end)) {
      // Slices only: GCMajor and CC markers span a whole incremental collection, idle time included.
      if (/^(GCSlice|GCMinor|CCSlice|ForgetSkippable|IdleForgetSkippable|CCIdleSlice)$/.test(marker.name)) {
        count(markers, marker.name, Math.min(marker.end, stall.end) - Math.max(marker.start, from));
      }
    }
  }
  if (samples === 0) {
    console.log("  no profiler samples in these stalls");
    return;
  }
  console.log(`  ${samples} samples of the parent's main thread inside them`);
  // The raw format of MOZ_PROFILER_SHUTDOWN leaves most frames without a category: printed only when known.
  if (!byCategory.has("#-1")) console.log("  category of the sample (leaf frame):\n" + top(byCategory, 8, samples));
  console.log("  innermost JavaScript function:\n" + top(byJs, 14, samples));
  console.log("  outermost JavaScript function (who started the work):\n" + top(byOuterJs, 10, samples));
  console.log("  innermost native labels:\n" + top(byLabel, 12, samples));
  console.log("  GC/CC slices inside them (share of the stall time):\n" + top(markers, 10, totalMs));
  if (Number.isFinite(maximum)) eachStall(long, main);
}

/** One line per stall: its length, and the outermost JS function and native label most of its samples share. */
function eachStall(long: Stall[], main: ThreadView): void {
  const dominant = (map: Map<string, number>, total: number): string => {
    const [key, value] = [...map.entries()].sort((a, b) => b[1] - a[1])[0] ?? ["(none)", 0];
    return `${((100 * value) / Math.max(1, total)).toFixed(0)}% ${key}`;
  };
  console.log("  stall by stall (gap: samples; outermost JS; innermost native label; GC/CC ms):");
  for (const stall of long.slice(0, 40)) {
    const from = stall.end - stall.gap;
    const samples = main.samplesIn(from, stall.end);
    const outer = new Map<string, number>();
    const labels = new Map<string, number>();
    for (const sample of samples) {
      const frames = main.stack(sample.stack);
      const js = frames.filter((f) => f.js);
      count(outer, js[js.length - 1]?.location.replace(/\s*\(.*\/([^/]+)\)$/, " ($1)") ?? "(no JS)");
      count(labels, frames.find((f) => !f.js && !/^0x[0-9a-f]+$/.test(f.location) && f.location !== "(root)")?.location ?? "(none)");
    }
    const gc = main.markersIn(from, stall.end).filter((m) => /Slice|Minor|ForgetSkippable/.test(m.name)).reduce((sum, m) => sum + Math.min(m.end, stall.end) - Math.max(m.start, from), 0);
    console.log(`    ${stall.gap.toFixed(0).padStart(4)} ms: ${String(samples.length).padStart(3)}; ${dominant(outer, samples.length)}; ${dominant(labels, samples.length)}; GC/CC ${gc.toFixed(0)} ms`);
  }
}

const [file, minimumArg, maximumArg] = process.argv.slice(2);
if (!file) throw new Error("usage: profile-stalls.ts <profile.json> [minimum ms] [maximum ms]");
const minimum = Number(minimumArg ?? 100);
const maximum = maximumArg === undefined ? Infinity : Number(maximumArg);
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as RawProfile;
// The windows to look into, by name: the sync bench's "sync" and "floor", or any other.
const windows = JSON.parse(fs.readFileSync(`${file}.stalls.json`, "utf8")) as Record<string, Stall[]>;
const parent = profile.threads.find((t) => t.name === "GeckoMain" && t.processType === "default");
if (!parent) throw new Error("no parent-process main thread in the profile");
const main = new ThreadView(parent, profile.meta.startTime);
const categories = (profile.meta.categories ?? []).map((c) => c.name);
const LABELS: Record<string, string> = { sync: "initial sync", floor: "API floor" };
for (const [name, stalls] of Object.entries(windows)) report(LABELS[name] ?? name, stalls, main, categories);

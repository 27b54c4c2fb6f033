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
//   - five no-change syncs: their time and the bytes Thunderbird's processes wrote for each.
// Targets: time ≤ 1.1 × linear (5.5× for 50,000), memory < 100 MB, search p50/p95 during the sync
// within the idle figures' range, bytes written flat between 10,000 and N.
//
// BENCH_PROFILE=<file>: the big book alone, under the Gecko profiler (its figures printed, no
// ratio), the stalls of its sync in <file>.stalls.json for `profile-stalls.ts <file> 250`.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ADDON_ID, builtAddonXpi, policiesFor } from "../e2e/support/addon.ts";
import { waitForProviderBook, warmSearchIndex } from "../e2e/support/search-session.ts";
import { bookRequests } from "../e2e/support/synced.ts";
import { mulberry32, startFakeBlueMind } from "../fake-bluemind/index.ts";
import { ProbeClient } from "../thunderbird/probe.ts";
import { killAllThunderbirds, startThunderbird } from "../thunderbird/runner.ts";
import { BOOK, bookOf, fmtMb, fmtMs, JANE, median, memory, NO_CHANGE_ROUNDS, pageMemory, profilerEnv, syncEnded, timedSync, type MemoryFigures } from "./bench-session.ts";
import { bytesWrittenTree, contactsArgument, DEFAULT_CONTACTS, scaledBigDataset } from "./bench-scale.ts";
import { formatStalls, StallSampler, type StallStats } from "./stall-sampler.ts";

const DIRECTORY = "addressbook_example.com";
const SEARCH_SPACING_MS = 1_000;
const IDLE_SEARCHES = 30;
/** The baseline book's size; BENCH_SCALE_BASELINE only to try the bench itself on small books. */
const BASELINE = Number(process.env.BENCH_SCALE_BASELINE ?? DEFAULT_CONTACTS);
const PROFILE = process.env.BENCH_PROFILE;

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
    const book = bookOf(first);
    if (book.state !== "synced" || book.lastSuccess === null) throw new Error(`the book ended ${book.state}: ${book.problem ?? "no problem named"}`);
    const changeset = bookRequests(fake, BOOK).find((r) => r.method === "GET" && r.path.includes("/_changeset?since=0"));
    if (!changeset) throw new Error("no initial changeset");
    const syncMs = book.lastSuccess - changeset.at;
    const mem = await memory(tb, atStart);

    const idle: Search[] = [];
    for (const query of idleQueries) {
      idle.push(await ask(query));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const noChange: number[] = [];
    const writtenBefore = bytesWrittenTree(tb.pid);
    for (let round = 0; round < NO_CHANGE_ROUNDS; round++) noChange.push((await timedSync(probe)).fromTrigger);
    const writtenAfter = bytesWrittenTree(tb.pid);
    const books = await probe.listBooks();
    const localBook = books.find((b) => b.name === "My contacts" && !b.remote);
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
      stalls: stalls.window(changeset.at, book.lastSuccess),
      during: during.filter((s) => s.at >= changeset.at && s.at + s.ms <= (book.lastSuccess as number)),
      idle,
      memory: mem,
      noChangeMs: median(noChange),
      writtenPerSync: writtenBefore === null || writtenAfter === null ? null : (writtenAfter - writtenBefore) / NO_CHANGE_ROUNDS,
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
  console.log(columns("stalls during the sync: longest / p99", `${base.stalls.longest.toFixed(0)} / ${base.stalls.p99.toFixed(0)} ms`, `${big.stalls.longest.toFixed(0)} / ${big.stalls.p99.toFixed(0)} ms`, formatStalls(big.stalls)));
  console.log(columns("directory search during the sync", `${fmtMs(p(base.during, 0.5))} / ${fmtMs(p(base.during, 0.95))}`, `${fmtMs(p(big.during, 0.5))} / ${fmtMs(p(big.during, 0.95))}`, `p50 / p95; ${n.toLocaleString("en")}: ${searchFigure(big.during)}`));
  console.log(columns("directory search, sync done (idle)", `${fmtMs(p(base.idle, 0.5))} / ${fmtMs(p(base.idle, 0.95))}`, `${fmtMs(p(big.idle, 0.5))} / ${fmtMs(p(big.idle, 0.95))}`, `p50 / p95; ${n.toLocaleString("en")}: ${searchFigure(big.idle)}`));
  const duringRatio = p(big.during, 0.5) / p(big.idle, 0.5);
  console.log(columns("    during / idle, p50", `${(p(base.during, 0.5) / p(base.idle, 0.5)).toFixed(2)}×`, `${duringRatio.toFixed(2)}×`, `target: within the idle p95: ${verdict(p(big.during, 0.5) <= p(big.idle, 0.95))}`));
  console.log(columns("background page after the sync", fmtMb(base.memory.pageExplicit), fmtMb(big.memory.pageExplicit), `target < 100 MB: ${verdict(big.memory.pageExplicit < 100 * 1024 * 1024)}; after a GC ${fmtMb(big.memory.pageExplicitAfterGc)}, at start ${fmtMb(big.memory.pageExplicitAtStart)}`));
  console.log(columns("    extension process, unique", fmtMb(base.memory.extensionProcessUnique), fmtMb(big.memory.extensionProcessUnique), `resident ${fmtMb(big.memory.extensionProcessResident)} (all extensions: the add-on and the bench's probe)`));
  console.log(columns("    Thunderbird main process, resident", fmtMb(base.memory.mainProcessResident), fmtMb(big.memory.mainProcessResident)));
  console.log(columns("no-change sync (median of 5)", fmtMs(base.noChangeMs), fmtMs(big.noChangeMs), `${(big.noChangeMs / base.noChangeMs).toFixed(2)}×`));
  const flat = base.writtenPerSync !== null && big.writtenPerSync !== null ? big.writtenPerSync / Math.max(1, base.writtenPerSync) : Number.NaN;
  console.log(columns("    written per no-change sync", kb(base.writtenPerSync), kb(big.writtenPerSync), `${flat.toFixed(2)}× for ${linear.toFixed(1)}× the contacts (all Thunderbird processes' write() bytes); target flat: ${verdict(flat < 1.5)}`));
}

export async function main(): Promise<void> {
  const contacts = contactsArgument();
  if (PROFILE) {
    console.log(`scale bench, profiled: ${contacts} contacts alone; add-on ${ADDON_ID}`);
    const big = await phase(contacts, PROFILE);
    report(big, big);
    return;
  }
  console.log(`scale bench: ${BASELINE} contacts first (the baseline), then ${contacts}; add-on ${ADDON_ID}`);
  const base = await phase(BASELINE);
  console.log(`  ${BASELINE}: initial sync ${fmtMs(base.syncMs)}`);
  const big = await phase(contacts);
  report(base, big);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

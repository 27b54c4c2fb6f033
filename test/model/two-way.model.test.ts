// Model-based randomized test of the two-way sync (issue 12, "Done when"): random sequences of
// user edits in Thunderbird, another client's edits on BlueMind, syncs that complete, crash at a
// random point (the add-on is rebuilt from storage), are stopped by the user (Stop) at a random
// point or meet server faults, books repaired (Repair: re-read whole), and sync switched off and on; the real engine runs against the fake BlueMind and the in-memory Thunderbird, in
// process. After every command, what both sides agree on is checked against the merge rules
// (model-history.ts); after the sequence, the network is healthy, every book synced, syncs run
// until nothing changes, and the promises are checked (model-invariants.ts).
//
// MODEL_RUNS sequences (default 1,000) of up to MODEL_COMMANDS commands (default 30).
// MODEL_SEED replays a seed; MODEL_PATH with MODEL_REPLAY (the counterexample's replayPath) replays
// the shrunk sequence itself (fast-check prints all three on failure).
// `npm run soak` runs 20,000 sequences.
import fc from "fast-check";
import { describe, it } from "vitest";
import { commandArbitraries, type CommandKind } from "./model-commands.ts";
import { runSequence } from "./model-sequence.ts";

const RUNS = Number(process.env.MODEL_RUNS ?? 1_000);
const COMMANDS = Number(process.env.MODEL_COMMANDS ?? 30);
/**
 * CI runs a fixed seed, so that it judges the change, not the luck of the draw; `npm run soak`
 * (MODEL_SEED=random) explores new sequences, and every failure it finds becomes a regression
 * test. Seeds 11 and 2046208735 found the bugs I and J–S (twoway-model-regressions.test.ts).
 */
const CI_SEED = 11;
const SEED = process.env.MODEL_SEED === "random" ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.MODEL_SEED ?? CI_SEED);
const PATH = process.env.MODEL_PATH;
/** The counterexample's replayPath, with MODEL_PATH. */
const REPLAY = process.env.MODEL_REPLAY;
/**
 * Commands left out while a bug they find is open, each with its plain regression test in
 * test/integration/twoway-model-regressions.test.ts. MODEL_ALL=1 runs them anyway.
 */
// Empty: the bugs it listed (I, J–N, O–S, then AJ, which left Stop out) are fixed, each with its
// regression test.
const OPEN_BUGS: Partial<Record<CommandKind, string>> = {};
const WITHOUT = new Set<CommandKind>(process.env.MODEL_ALL === "1" ? [] : (Object.keys(OPEN_BUGS) as CommandKind[]));
/** Per sequence, generously: a sequence takes well under a second. */
const MS_PER_RUN = 2_000;

describe("two-way sync, model-based", () => {
  it(
    `keeps its promises over ${String(RUNS)} random sequences of up to ${String(COMMANDS)} commands`,
    async () => {
      // The seed is printed first, so that even a run cut short can be replayed.
      if (WITHOUT.size > 0) console.log(`model test: left out while their bugs are open: ${[...WITHOUT].map((k) => `${k} (${OPEN_BUGS[k] ?? ""})`).join(", ")}`);
      console.log(`model test: seed ${String(SEED)}, ${String(RUNS)} sequences of up to ${String(COMMANDS)} commands (MODEL_SEED=${String(SEED)} to replay)`);
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(fc.commands(commandArbitraries(WITHOUT), { maxCommands: COMMANDS, size: "max", ...(REPLAY === undefined ? {} : { replayPath: REPLAY }) }), async (commands) => {
          await runSequence(commands);
        }),
        { numRuns: RUNS, seed: SEED, ...(PATH === undefined ? {} : { path: PATH }), endOnFailure: process.env.MODEL_SHRINK === "0" },
      );
      const seconds = (performance.now() - started) / 1000;
      console.log(`model test: ${String(RUNS)} sequences in ${seconds.toFixed(1)} s`);
    },
    RUNS * MS_PER_RUN + 60_000,
  );
});

// `npm run bench` (after `npm run build`): the synced-book benchmark in a real Thunderbird, the
// start-up benchmark, then the search-only book benchmark. `npm run bench -- --contacts N` runs
// the scale bench instead (N contacts against 10,000 in the same run). The search bench runs in
// its own process: it is a script that reads its arguments from the command line and owns its
// fake server.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { main as scaleBench } from "./scale-bench.ts";
import { main as startupBench } from "./startup-bench.ts";
import { main as syncBench } from "./sync-bench.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

if (process.argv.includes("--contacts")) {
  await scaleBench();
} else {
  await syncBench();
  console.log("");
  await startupBench();
  console.log("");
  const search = spawnSync(process.execPath, ["--import", "tsx", path.join(here, "search-bench.ts")], { stdio: "inherit" });
  if (search.status !== 0) process.exitCode = search.status ?? 1;
}

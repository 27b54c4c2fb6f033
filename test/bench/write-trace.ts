// Which files a Thunderbird writes, and how much to each, while the bench does one thing (issue
// 13: "no state write that grows with the book on a no-change sync"). /proc's wchar says how much
// but not where, and counts IPC pipes and sockets too. strace -y names the file of each write.
// Linux with strace only; slows the traced process, so use it around short phases.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { processTree } from "./bench-scale.ts";

export interface WriteTrace {
  /** Bytes written per file (profile paths shortened), pipes and sockets under their kind. */
  stop(): Promise<Map<string, number>>;
}

const WRITE_CALLS = "write,pwrite64,writev,pwritev,pwritev2";

/** The target of a strace -y descriptor: a path, or "pipe", "socket", "anon_inode:…" for the rest. */
export function writeTarget(descriptor: string, profileDir?: string): string {
  if (descriptor.startsWith("pipe:")) return "pipe";
  if (descriptor.startsWith("socket:") || descriptor.startsWith("UNIX")) return "socket";
  if (profileDir && descriptor.startsWith(profileDir)) return `<profile>${descriptor.slice(profileDir.length)}`;
  return descriptor;
}

/** Sums the bytes of each successful write in strace -f -y output, by target. */
export function sumWrites(trace: string, profileDir?: string): Map<string, number> {
  const sums = new Map<string, number>();
  // "1234  pwrite64(45</p/abook.sqlite-wal>, "…"..., 4096, 8192) = 4096"; unfinished/resumed pairs
  // are rare for writes to files and are dropped rather than guessed.
  const line = /^\s*(?:\[pid\s+)?\d*\]?\s*(?:write|pwrite64|writev|pwritev2?)\(\d+<([^>]*)>.*\)\s+=\s+(\d+)\s*$/;
  for (const row of trace.split("\n")) {
    const match = line.exec(row);
    if (!match?.[1] || !match[2]) continue;
    const target = writeTarget(match[1], profileDir);
    sums.set(target, (sums.get(target) ?? 0) + Number(match[2]));
  }
  return sums;
}

/** Starts strace on every thread of Thunderbird's process tree. */
export async function startWriteTrace(pid: number, profileDir?: string): Promise<WriteTrace> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-writes-")), "strace.txt");
  const pids = processTree(pid).flatMap((p) => ["-p", String(p)]);
  const strace: ChildProcess = spawn("strace", ["-f", "-qq", "-y", "-s", "0", "-e", `trace=${WRITE_CALLS}`, "-e", "signal=none", "-o", out, ...pids], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  strace.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => strace.on("exit", resolve));
  // strace attaches thread by thread; a write before it is done would go uncounted.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  if (strace.exitCode !== null) throw new Error(`strace exited at once (${strace.exitCode}): ${errors.trim()}`);
  return {
    async stop(): Promise<Map<string, number>> {
      strace.kill("SIGINT");
      await exited;
      const trace = fs.readFileSync(out, "utf8");
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
      return sumWrites(trace, profileDir);
    },
  };
}

/** "1,040 KB <profile>/storage/…" lines, the largest first, files over `minBytes` only. */
export function formatWrites(sums: Map<string, number>, rounds: number, minBytes = 1024): string[] {
  return [...sums.entries()]
    .filter(([, bytes]) => bytes / rounds >= minBytes)
    .sort((a, b) => b[1] - a[1])
    .map(([target, bytes]) => `${`${(bytes / rounds / 1024).toFixed(0)} KB`.padStart(9)}  ${target}`);
}

// The bench's scale option (issue 13): `npm run bench -- --contacts 50000` syncs one book of that
// many contacts, with groups in proportion (the generator gives photos to the same share of
// cards), instead of the "big" dataset's 10,000. And what Thunderbird's process writes to disk,
// read from /proc (Linux): on a no-change sync nothing should be written that grows with the book.
import * as fs from "node:fs";
import type { DatasetSpec } from "../fake-bluemind/types.ts";
import { datasetSpec } from "../fake-bluemind/index.ts";
import { untilQuiet } from "./bench-session.ts";

export const DEFAULT_CONTACTS = 10_000;

/** `--contacts N` from the command line (npm run bench -- --contacts 50000), else 10,000. */
export function contactsArgument(argv: readonly string[] = process.argv): number {
  const at = argv.indexOf("--contacts");
  if (at < 0) return DEFAULT_CONTACTS;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 100) throw new Error(`--contacts needs a whole number ≥ 100, got ${argv[at + 1]}`);
  return value;
}

/** The "big" dataset with Jane's book resized to `contacts` (20 groups per 10,000 cards). */
export function scaledBigDataset(contacts: number): DatasetSpec {
  const big = datasetSpec("big");
  const [jane, ...others] = big.users;
  if (!jane) throw new Error("the big dataset has no user");
  return { ...big, users: [{ ...jane, contacts, contactGroups: Math.max(1, Math.round((20 * contacts) / DEFAULT_CONTACTS)) }, ...others] };
}

/** Bytes the process asked the kernel to write so far (/proc/<pid>/io wchar), null elsewhere. */
export function bytesWritten(pid: number): number | null {
  try {
    const match = /^wchar:\s*(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/io`, "utf8"));
    return match?.[1] ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(/\s+/))
      .filter((s) => s !== "")
      .map(Number);
  } catch {
    return [];
  }
}

/** Thunderbird's pid and those of every process it started, deepest last. */
export function processTree(pid: number): number[] {
  return [pid, ...childrenOf(pid).flatMap(processTree)];
}

/**
 * The same over Thunderbird and every process it started (content, extension, GPU processes): the
 * parent writes IndexedDB (storage.local) and the address books' SQLite, but a child could write
 * too. Null where /proc is missing. A child that exited in between is not counted: measure within
 * one session.
 */
export function bytesWrittenTree(pid: number): number | null {
  if (bytesWritten(pid) === null) return null;
  return processTree(pid).reduce((sum, p) => sum + (bytesWritten(p) ?? 0), 0);
}

/**
 * Waits until Thunderbird's processes stop writing (under 8 KB in 2 s, at most a minute): the
 * initial sync leaves write-behind (SQLite WAL checkpoints of the address book and of
 * storage.local) that would otherwise be counted against whichever no-change sync runs into it.
 * Returns how long it waited.
 */
export async function writesSettled(pid: number): Promise<number> {
  if (bytesWrittenTree(pid) === null) return 0;
  return untilQuiet(async () => bytesWrittenTree(pid) ?? 0, 8_192);
}

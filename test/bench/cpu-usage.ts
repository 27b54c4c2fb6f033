// Where a bench's time goes: CPU of Thunderbird's main process, of its extension process, of the
// bench's own Node process (with the fake server), and what the hypervisor took ("steal"): on a
// shared virtual machine a neighbour can take seconds of CPU and make a run meaningless.
import * as fs from "node:fs";
import type { ThunderbirdInstance } from "../thunderbird/runner.ts";
import { fmtMs, untilQuiet } from "./bench-session.ts";

export interface CpuSample {
  main: number;
  extension: number;
  node: number;
  /** CPU time the hypervisor gave to other guests while this one wanted it (ms), null off Linux. */
  stolen: number | null;
}

/** The machine's "steal" time (/proc/stat): on a shared virtual machine, what its neighbours took. */
function stolenMs(): number | null {
  try {
    const fields = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/) ?? [];
    const ticks = Number(fields[8]);
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}

const CPU_SCRIPT = `return (async () => {
  const info = await ChromeUtils.requestProcInfo();
  const extension = info.children.filter((c) => c.type === "extension").reduce((s, c) => s + c.cpuTime, 0);
  return { main: info.cpuTime / 1e6, extension: extension / 1e6 };
})();`;

export async function cpu(tb: ThunderbirdInstance): Promise<CpuSample> {
  const marionette = tb.marionette;
  if (!marionette) throw new Error("no Marionette");
  await marionette.setContext("chrome");
  const sample = await marionette.executeScript<{ main: number; extension: number }>(CPU_SCRIPT);
  const usage = process.cpuUsage();
  return { ...sample, node: (usage.user + usage.system) / 1000, stolen: stolenMs() };
}

export function cpuSpent(from: CpuSample, to: CpuSample): string {
  const stolen = from.stolen === null || to.stolen === null ? "" : `, stolen by the host ${fmtMs(to.stolen - from.stolen)}`;
  return `CPU: Thunderbird ${fmtMs(to.main - from.main)}, extension process ${fmtMs(to.extension - from.extension)}, bench+fake server ${fmtMs(to.node - from.node)}${stolen}`;
}

/**
 * Waits until the extension process stops working (under a tenth of a core over 2 s, at most
 * 3 minutes): after a big first sync the add-on still hashes what it wrote (in slices, so
 * searches go first) and a no-change sync measured then would be timed against that work.
 * Returns how long it waited.
 */
export function extensionSettled(tb: ThunderbirdInstance): Promise<number> {
  return untilQuiet(async () => (await cpu(tb)).extension, 200, { timeoutMs: 180_000 });
}

/**
 * A private X server for tests that drive or screenshot Thunderbird's real windows.
 * `-displayfd` makes Xvfb pick a free display number and report it once it accepts clients,
 * so parallel runs never collide and no polling is needed.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { guardChild } from "./child-guard.ts";

export interface XvfbServer {
  /** Value for DISPLAY, e.g. ":99". */
  display: string;
  stop(): Promise<void>;
}

export function isXvfbInstalled(): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => dir !== "" && fs.existsSync(path.join(dir, "Xvfb")));
}

export async function startXvfb(options: { screen?: string; timeoutMs?: number } = {}): Promise<XvfbServer> {
  const screen = options.screen ?? "1280x1024x24";
  const timeoutMs = options.timeoutMs ?? 10_000;
  const child = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp", "-noreset"], {
    detached: true,
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error("could not start Xvfb");
  const guard = guardChild(child.pid);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));

  const displayNumber = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    (child.stdio[3] as Readable).on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve(out.trim());
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited with ${code}: ${stderr}`));
    });
  }).catch((error: unknown) => {
    guard.killGroup();
    guard.release();
    throw error;
  });

  return {
    display: `:${displayNumber}`,
    async stop(): Promise<void> {
      guard.killGroup();
      await exited;
      guard.release();
    },
  };
}

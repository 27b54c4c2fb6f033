// The built add-on for end-to-end tests, and the enterprise policy that pre-configures it.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { PROBE_ID } from "../../thunderbird/probe.ts";

export const ADDON_ID = "bluemind-address-books@bluemind-tb";
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** What the add-on is built from: a source newer than the build means the build is stale. */
const ADDON_SOURCES = ["src", "_locales", "icons", "manifest.json", "package-lock.json"];

/** The newest modification time of a file, or of any file below a folder. */
export function newestMtime(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(target).map((entry) => newestMtime(path.join(target, entry))));
}

/** Whether `built` is missing or older than one of `sources` (paths from the repository root). */
export function isStale(built: string, sources: readonly string[]): boolean {
  return !fs.existsSync(built) || fs.statSync(built).mtimeMs < Math.max(...sources.map((s) => newestMtime(path.join(ROOT, s))));
}

/** dist/*.xpi, rebuilt when missing or older than its sources (a stale build would test old code). */
export function builtAddonXpi(): string {
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "manifest.json"), "utf8")) as { version: string }).version;
  const xpi = path.join(ROOT, "dist", `bluemind-addressbooks-${version}.xpi`);
  if (isStale(xpi, ADDON_SOURCES)) execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  return xpi;
}

export interface ManagedConfig {
  serverUrl: string;
  login: string;
  /** Absent: the user signs in through the options page. */
  apiKey?: string;
  syncIntervalMinutes?: number;
  /** Extensions allowed to read the status summary; default: the tests' probe, like any companion. */
  companionExtensions?: string[];
}

/** distribution/policies.json content, as an administrator would write it (README). */
export function policiesFor(config: ManagedConfig): object {
  return { policies: { "3rdparty": { Extensions: { [ADDON_ID]: { companionExtensions: [PROBE_ID], ...config } } } } };
}

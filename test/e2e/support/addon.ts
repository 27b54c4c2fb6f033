// The built add-on for end-to-end tests, and the enterprise policy that pre-configures it.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { PROBE_ID } from "../../thunderbird/probe.ts";
import { createProfileDir } from "../../thunderbird/profile.ts";

export const ADDON_ID = "bluemind-address-books@bluemind-tb";
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** dist/*.xpi, built once if `npm test`'s lint step has not built it already. */
export function builtAddonXpi(): string {
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "manifest.json"), "utf8")) as { version: string }).version;
  const xpi = path.join(ROOT, "dist", `bluemind-addressbooks-${version}.xpi`);
  if (!fs.existsSync(xpi)) execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  return xpi;
}

export interface ManagedConfig {
  serverUrl: string;
  login: string;
  apiKey: string;
  syncIntervalMinutes?: number;
  /** Extensions allowed to read the status summary; default: the tests' probe, like any companion. */
  companionExtensions?: string[];
}

/** distribution/policies.json content, as an administrator would write it (README). */
export function policiesFor(config: ManagedConfig): object {
  return { policies: { "3rdparty": { Extensions: { [ADDON_ID]: { companionExtensions: [PROBE_ID], ...config } } } } };
}

/**
 * A fresh profile in which the user already allowed the add-on to reach `serverUrl`, written the
 * way Thunderbird records an optional-permission grant (extension-preferences.json, the store
 * release builds use). It stands for the one click an add-on needs before it may reach a server
 * chosen at run time (README, "Pre-configuration").
 */
export function profileAllowing(serverUrl: string): string {
  const profileDir = createProfileDir();
  const url = new URL(serverUrl);
  const grants = { [ADDON_ID]: { permissions: [], origins: [`${url.protocol}//${url.hostname}/*`] } };
  fs.writeFileSync(path.join(profileDir, "extension-preferences.json"), JSON.stringify(grants));
  return profileDir;
}

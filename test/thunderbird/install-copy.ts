/**
 * A private copy of the Thunderbird install, so that a test can have its own
 * `distribution/policies.json` (enterprise policies feed the add-on's managed storage) without
 * touching the system install.
 *
 * The copy is made of hard links (`cp -al`: instant, no disk space; needs the same filesystem,
 * which os.tmpdir() and /usr are on here). The Debian install has relative symlinks pointing out
 * of the directory (`omni.ja -> ../../share/thunderbird/omni.ja`, `chrome`, `defaults`, …) which
 * break once copied elsewhere: they are rewritten as absolute links.
 *
 * Copies are cached under os.tmpdir() and shared by every test of a run: one per distinct
 * policies content (content-addressed, so a restarted profile sees the same install path — a
 * changed install path makes Thunderbird treat the start as an upgrade and rebuild its caches).
 * The cache key includes the install's file sizes and times: an upgraded Thunderbird gets a
 * fresh copy and the stale ones of that same install are removed. Copies of other installs (the
 * 140 ESR unpacked beside the system's 153, THUNDERBIRD_INSTALL_DIR) are left alone: a run on
 * one version must not pull the install from under a run on the other.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const THUNDERBIRD_INSTALL_DIR = process.env.THUNDERBIRD_INSTALL_DIR ?? "/usr/lib/thunderbird";

const CACHE_ROOT = path.join(os.tmpdir(), "bluemind-tb-harness");

/** The binary to run inside an install (or copy) directory. */
export function thunderbirdBinary(installDir: string): string {
  return path.join(installDir, "thunderbird");
}

/** Whether a usable Thunderbird install is present (binary, application.ini and omni.ja). */
export function isThunderbirdInstalled(installDir = THUNDERBIRD_INSTALL_DIR): boolean {
  try {
    fs.accessSync(thunderbirdBinary(installDir), fs.constants.X_OK);
    fs.statSync(path.join(installDir, "application.ini"));
    fs.statSync(path.join(installDir, "omni.ja"));
    return true;
  } catch {
    return false;
  }
}

function installKey(installDir: string): string {
  const hash = createHash("sha256").update(installDir);
  for (const name of fs.readdirSync(installDir).sort()) {
    const full = path.join(installDir, name);
    const link = fs.lstatSync(full);
    hash.update(`${name}:${link.mode}:${link.size}:${link.mtimeMs}`);
    if (link.isSymbolicLink()) {
      const target = fs.statSync(full, { throwIfNoEntry: false });
      hash.update(`->${fs.readlinkSync(full)}:${target?.size ?? -1}:${target?.mtimeMs ?? -1}`);
    }
  }
  return hash.digest("hex").slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Point every symlink that leaves the install directory at its absolute target. */
function absolutiseOutgoingLinks(sourceDir: string, copyDir: string): void {
  for (const name of fs.readdirSync(copyDir)) {
    const full = path.join(copyDir, name);
    if (!fs.lstatSync(full).isSymbolicLink()) continue;
    const target = fs.readlinkSync(full);
    if (path.isAbsolute(target)) continue;
    const resolved = path.resolve(sourceDir, target);
    // `thunderbird -> thunderbird-bin` stays relative: it must run the copy's own binary.
    if (!path.relative(sourceDir, resolved).startsWith("..")) continue;
    fs.unlinkSync(full);
    fs.symlinkSync(resolved, full);
  }
}

/** `install-<source>-`: the prefix of every copy of the install at `sourceDir`. */
function copiesPrefix(sourceDir: string): string {
  return `install-${createHash("sha256").update(path.resolve(sourceDir)).digest("hex").slice(0, 8)}-`;
}

function removeStaleCopies(sourceDir: string, currentKeyDir: string): void {
  const prefix = copiesPrefix(sourceDir);
  for (const name of fs.readdirSync(CACHE_ROOT)) {
    const full = path.join(CACHE_ROOT, name);
    if (name.startsWith(prefix) && full !== currentKeyDir) fs.rmSync(full, { recursive: true, force: true });
  }
}

/**
 * The path of an install copy holding exactly `policies` as distribution/policies.json
 * (no distribution directory when `policies` is undefined). Safe to call concurrently.
 */
export function prepareInstallCopy(policies?: object, sourceDir = THUNDERBIRD_INSTALL_DIR): string {
  if (!isThunderbirdInstalled(sourceDir)) throw new Error(`Thunderbird is not installed at ${sourceDir}`);
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  const keyDir = path.join(CACHE_ROOT, `${copiesPrefix(sourceDir)}${installKey(sourceDir)}`);
  const variant =
    policies === undefined ? "no-policies" : `policies-${createHash("sha256").update(stableJson(policies)).digest("hex").slice(0, 16)}`;
  const target = path.join(keyDir, variant);
  if (fs.existsSync(path.join(target, "application.ini"))) return target;

  if (!fs.existsSync(keyDir)) removeStaleCopies(sourceDir, keyDir);
  fs.mkdirSync(keyDir, { recursive: true });
  const building = `${target}.building-${process.pid}-${Math.random().toString(36).slice(2)}`;
  fs.mkdirSync(building);
  try {
    execFileSync("cp", ["-al", `${sourceDir}/.`, `${building}/`]);
    absolutiseOutgoingLinks(sourceDir, building);
    if (policies !== undefined) {
      const distribution = path.join(building, "distribution");
      fs.mkdirSync(distribution, { recursive: true });
      // Unlink first: a policies.json copied from the install is a hard link to the original.
      fs.rmSync(path.join(distribution, "policies.json"), { force: true });
      fs.writeFileSync(path.join(building, "distribution", "policies.json"), JSON.stringify(policies, null, 2));
    }
    fs.renameSync(building, target);
  } catch (error) {
    fs.rmSync(building, { recursive: true, force: true });
    // Lost a race with another process building the same variant: theirs is as good.
    if (fs.existsSync(path.join(target, "application.ini"))) return target;
    throw error;
  }
  return target;
}

/**
 * A Thunderbird profile for tests: user.js with prefs that make start-up fast, quiet and
 * offline-clean, and add-ons pre-installed as `<profile>/extensions/<gecko id>.xpi`
 * (the "profile" install scope, enabled by extensions.enabledScopes / autoDisableScopes).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readZipEntry } from "./zip.ts";

export type PrefValue = string | number | boolean;

/** An add-on to install: an XPI path (its id read from manifest.json) or an explicit pair. */
export type AddonSpec = string | { id: string; path: string };

export const DEFAULT_PREFS: Readonly<Record<string, PrefValue>> = {
  // Side-loaded add-ons in the profile are enabled without a prompt; unsigned is fine.
  "extensions.autoDisableScopes": 0,
  "extensions.enabledScopes": 15,
  "xpinstall.signatures.required": false,
  // Background pages otherwise wait for the first window's delayed start-up, which a headless
  // Thunderbird may never reach when a profile is started a second time (measured).
  "extensions.webextensions.background-delayed-startup": false,
  // Marionette picks a free port and writes it to <profile>/MarionetteActivePort.
  "marionette.port": 0,
  // Deterministic UI language whatever the machine's locale (book names, menus in screenshots).
  "intl.locale.requested": "en-US",
  // No first-run UI: default-client check, account wizard, start page, rights notification.
  "mail.shell.checkDefaultClient": false,
  "mail.provider.suppress_dialog_on_startup": true,
  "mail.spotlight.firstRunDone": true,
  "mail.winsearch.firstRunDone": true,
  "mailnews.start_page.enabled": false,
  "mailnews.start_page.url": "about:blank",
  "mailnews.start_page.override_url": "about:blank",
  "mail.rights.override": true,
  "mail.inappnotifications.enabled": false,
  // No network traffic besides what a test asks for.
  "app.update.disabledForTesting": true,
  "app.update.auto": false,
  "extensions.update.enabled": false,
  "extensions.update.autoUpdateDefault": false,
  "extensions.systemAddon.update.enabled": false,
  "extensions.getAddons.cache.enabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "datareporting.policy.dataSubmissionPolicyBypassNotification": true,
  "datareporting.healthreport.uploadEnabled": false,
  "toolkit.telemetry.enabled": false,
  "toolkit.telemetry.archive.enabled": false,
  "toolkit.telemetry.server": "",
  "toolkit.telemetry.newProfilePing.enabled": false,
  "toolkit.telemetry.shutdownPingSender.enabled": false,
  "toolkit.telemetry.firstShutdownPing.enabled": false,
  "toolkit.telemetry.updatePing.enabled": false,
  "toolkit.telemetry.bhrPing.enabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  // Less background work on a 2-core machine: no message indexing.
  "mailnews.database.global.indexer.enabled": false,
  // A loaded machine must not produce "slow script" dialogs nor safe-mode prompts after kills.
  "dom.max_chrome_script_run_time": 0,
  "dom.max_script_run_time": 0,
  "toolkit.startup.max_resumed_crashes": -1,
  // dump() and console.* of chrome and extension pages go to stdout, i.e. into `console`.
  "browser.dom.window.dump.enabled": true,
  "devtools.console.stdout.chrome": true,
  "devtools.console.stdout.content": true,
};

export function userJs(prefs: Readonly<Record<string, PrefValue>>): string {
  return Object.entries(prefs)
    .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`)
    .join("\n")
    .concat("\n");
}

export function addonIdOfXpi(xpiPath: string): string {
  const manifestBytes = readZipEntry(fs.readFileSync(xpiPath), "manifest.json");
  if (!manifestBytes) throw new Error(`${xpiPath} has no manifest.json`);
  const manifest = JSON.parse(manifestBytes.toString("utf8")) as {
    browser_specific_settings?: { gecko?: { id?: string } };
    applications?: { gecko?: { id?: string } };
  };
  const id = manifest.browser_specific_settings?.gecko?.id ?? manifest.applications?.gecko?.id;
  // A side-loaded XPI is only picked up when its file name is its id.
  if (!id) throw new Error(`${xpiPath}: manifest.json has no browser_specific_settings.gecko.id`);
  return id;
}

const PROFILES_ROOT = path.join(os.tmpdir(), "bluemind-tb-harness", "profiles");

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A fresh profile directory named after this process. Directories of processes that no longer
 * exist (a test run killed before its clean-up) are removed on the way.
 */
export function createProfileDir(): string {
  fs.mkdirSync(PROFILES_ROOT, { recursive: true });
  for (const name of fs.readdirSync(PROFILES_ROOT)) {
    const owner = Number(name.split("-")[0]);
    if (Number.isInteger(owner) && owner > 0 && !isProcessAlive(owner)) {
      fs.rmSync(path.join(PROFILES_ROOT, name), { recursive: true, force: true });
    }
  }
  return fs.mkdtempSync(path.join(PROFILES_ROOT, `${process.pid}-`));
}

/**
 * Write user.js and install the add-ons into `profileDir` (created if needed). On a reused
 * profile this refreshes both, which is how a restart test upgrades an add-on.
 * Returns the ids of the add-ons written (new or changed); unchanged XPIs are left alone.
 */
export function prepareProfile(profileDir: string, prefs: Readonly<Record<string, PrefValue>>, addons: readonly AddonSpec[]): string[] {
  fs.mkdirSync(profileDir, { recursive: true });
  fs.writeFileSync(path.join(profileDir, "user.js"), userJs({ ...DEFAULT_PREFS, ...prefs }));
  const extensionsDir = path.join(profileDir, "extensions");
  const written: string[] = [];
  fs.mkdirSync(extensionsDir, { recursive: true });
  for (const addon of addons) {
    const { id, path: xpiPath } = typeof addon === "string" ? { id: addonIdOfXpi(addon), path: addon } : addon;
    const installed = path.join(extensionsDir, `${id}.xpi`);
    const bytes = fs.readFileSync(xpiPath);
    // Rewriting an unchanged XPI would bump its mtime and make Thunderbird reinstall it
    // (runtime.onInstalled "update") on a restart that is meant to be a plain restart.
    if (fs.existsSync(installed) && fs.readFileSync(installed).equals(bytes)) continue;
    fs.writeFileSync(installed, bytes);
    written.push(id);
  }
  return written;
}

// Shared steps of the search-only (provider) book end-to-end tests: a Thunderbird with the probe
// and the add-on, connected by policy to the fake BlueMind server, and readings of what the
// server was asked.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { DatasetSpec, FakeBlueMind } from "../../fake-bluemind/index.ts";
import type { RequestLogEntry } from "../../fake-bluemind/types.ts";
import type { ProbeBook, ProbeClient, ProbeContact } from "../../thunderbird/probe.ts";
import { vCardQuery } from "../../../src/search/query.ts";
import { startThunderbird, type ThunderbirdInstance } from "../../thunderbird/runner.ts";
import { builtAddonXpi, policiesFor } from "./addon.ts";

export const TEST_OUTPUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../test-output");

/**
 * A 20,000-person domain directory (uid `addressbook_example.com`, unsynced) and one user, Ann
 * Lee `ann@example.com`, with an API key and no contacts of her own: nothing to sync, so a test
 * measures the directory's search alone.
 */
export const BIG_DIRECTORY: DatasetSpec = {
  domain: "example.com",
  directory: { count: 20_000 },
  users: [{ uid: "u-ann", login: "ann@example.com", password: "secret", displayName: "Ann Lee", roles: ["hasTbird", "hasMail"], apiKey: true }],
};

let addonCopy: string | null = null;

/**
 * The built add-on, copied once per test process: other work in the same tree may rebuild
 * dist/ while these tests run, and a restart must see the very same XPI (a changed one is an
 * update, not a restart).
 */
export function stableAddonXpi(): string {
  if (addonCopy === null || !fs.existsSync(addonCopy)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bm-search-e2e-"));
    addonCopy = path.join(dir, path.basename(builtAddonXpi()));
    fs.copyFileSync(builtAddonXpi(), addonCopy);
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return addonCopy;
}

export interface ConnectedStart {
  fake: FakeBlueMind;
  probe: ProbeClient;
  /** BlueMind login of a dataset user with an API key. */
  login: string;
  /** Reuse a profile (restart); a fresh one otherwise. */
  profileDir?: string;
  display?: boolean;
  systemAccess?: boolean;
}

/** Thunderbird with the probe and the add-on, pre-configured for `login`; resolves once the probe is ready. */
export async function startConnected(options: ConnectedStart): Promise<ThunderbirdInstance> {
  const apiKey = options.fake.control.datasetInfo().apiKeys[options.login];
  if (!apiKey) throw new Error(`the dataset has no API key for ${options.login}`);
  const tb = await startThunderbird({
    addons: [options.probe.addon, stableAddonXpi()],
    profileDir: options.profileDir,
    policies: policiesFor({ serverUrl: options.fake.url, login: options.login, apiKey }),
    display: options.display,
    systemAccess: options.systemAccess,
  });
  await options.probe.waitForReady();
  return tb;
}

/** The search-only (globe) book named `name`, once the add-on registered it. */
export function waitForProviderBook(probe: ProbeClient, name: string, timeoutMs = 20_000): Promise<ProbeBook> {
  return probe.waitFor(async () => (await probe.listBooks()).find((book) => book.name === name && book.remote === true), {
    timeoutMs,
    intervalMs: 100,
    what: `search-only book "${name}"`,
  });
}

/** The local (synced) book named `name`, once it holds a contact with this primary email. */
export function waitForSyncedContact(probe: ProbeClient, name: string, email: string, timeoutMs = 30_000): Promise<ProbeBook> {
  return probe.waitFor(
    async () => {
      const book = (await probe.listBooks()).find((candidate) => candidate.name === name && candidate.remote !== true);
      if (!book) return undefined;
      return (await probe.listContacts(book.id)).some((contact) => contact.properties.PrimaryEmail === email) ? book : undefined;
    },
    { timeoutMs, intervalMs: 200, what: `synced book "${name}" with ${email}` },
  );
}

/**
 * The `_search` and `_mget` calls on one book's content that arrived at `sinceMs` (epoch) or
 * later. By arrival, not by log position: the log is written when a call ends, so a slow call
 * sent earlier can land after a later one.
 */
export function searchCalls(fake: FakeBlueMind, containerUid: string, sinceMs = 0): RequestLogEntry[] {
  const prefix = `/api/addressbooks/${encodeURIComponent(containerUid)}/`;
  return fake.requests.filter((entry) => entry.at >= sinceMs && (entry.path.startsWith(`${prefix}_search`) || entry.path.startsWith(`${prefix}_mget`)));
}

/**
 * One search on the book from the test itself, so that the fake server builds its search index
 * (it does so on a book's first query: seconds for 20,000 people on a loaded machine) before a
 * test measures the add-on. A real server's index is always warm. Logged by the fake like any
 * call: count the add-on's calls from a time after this.
 */
export async function warmSearchIndex(fake: FakeBlueMind, login: string, containerUid: string): Promise<void> {
  const apiKey = fake.control.datasetInfo().apiKeys[login];
  if (!apiKey) throw new Error(`the dataset has no API key for ${login}`);
  const response = await fetch(`${fake.url}/api/addressbooks/${encodeURIComponent(containerUid)}/_search`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-bm-apikey": apiKey },
    body: JSON.stringify(vCardQuery(["warm"], 1)),
  });
  if (!response.ok) throw new Error(`warm-up search answered ${response.status}`);
}

/** "Name <email>" of a search result, as autocompletion would offer it. */
export function recipientOf(contact: ProbeContact): string {
  return `${contact.properties.DisplayName ?? ""} <${contact.properties.PrimaryEmail ?? ""}>`;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - started) };
}

// An administrator's deployment, exactly: Thunderbird's distribution/policies.json installs the
// add-on (ExtensionSettings, force_installed from a file URL) and configures it (3rdparty), on a
// fresh profile nobody touched — no permission grant written, nobody clicking. The add-on must
// connect and fill the synced books by itself. The probe only watches (public APIs).
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { startFakeBlueMind } from "../fake-bluemind/index.ts";
import type { ProbeClient } from "../thunderbird/probe.ts";
import { startThunderbird } from "../thunderbird/runner.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { ADDON_ID, builtAddonXpi } from "./support/addon.ts";
import { useProbe } from "./support/probe-suite.ts";
import { JANE, bookRequests, expectedBook } from "./support/synced.ts";

const MY_CONTACTS = `book:Contacts_${JANE.uid}`;

/** The origins Thunderbird recorded as granted at run time (extension-preferences.json), if any. */
function runtimeGrantedOrigins(profileDir: string): string[] {
  const file = path.join(profileDir, "extension-preferences.json");
  if (!fs.existsSync(file)) return [];
  const grants = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, { origins?: string[] }>;
  return grants[ADDON_ID]?.origins ?? [];
}

describeWithThunderbird("deployment by policy alone", () => {
  let probe: ProbeClient;
  useProbe((p) => (probe = p));

  it("a fresh profile with only policies.json installs the add-on, connects and syncs: no click, no grant file", async () => {
    const fake = await startFakeBlueMind({ dataset: "minimal" });
    try {
      const apiKey = fake.control.datasetInfo().apiKeys[JANE.login]!;
      const policies = {
        policies: {
          ExtensionSettings: { [ADDON_ID]: { installation_mode: "force_installed", install_url: pathToFileURL(builtAddonXpi()).href } },
          "3rdparty": { Extensions: { [ADDON_ID]: { serverUrl: fake.url, login: JANE.login, apiKey } } },
        },
      };
      // A fresh profile: the harness writes user.js and the probe, nothing about the add-on.
      const tb = await startThunderbird({ addons: [probe.addon], policies });
      await probe.waitForReady();

      const expected = await expectedBook(fake, MY_CONTACTS);
      const book = await probe.waitForBook("My contacts", 60_000);
      const contacts = await probe.waitForContactCount(book.id, expected.contacts.size, 60_000);
      expect(contacts.map((c) => c.id).sort()).toEqual([...expected.contacts.keys()].sort());

      // Signed in with the policy's key, every request answered.
      expect(fake.requests.filter((r) => r.path.startsWith("/api/auth/login"))).toEqual([]);
      expect(fake.requests.some((r) => r.path.startsWith(`/api/users/example.com/subscriptions/${JANE.uid}`) && r.status === 200)).toBe(true);
      expect(bookRequests(fake, MY_CONTACTS).some((r) => r.path.includes("/_changeset") && r.status === 200)).toBe(true);
      expect(fake.requests.every((r) => r.status === 200 || r.status === 204)).toBe(true);
      // Installed by the policy, with the host access of its manifest as Thunderbird read it (a
      // pattern Thunderbird did not accept would be missing here; its own moz-extension: origin
      // is always there).
      const addon = await probe.call<{ enabled: boolean; installType: string; hostPermissions: string[] }>("management.get", ADDON_ID);
      expect(addon.enabled).toBe(true);
      expect(addon.installType).toBe("admin");
      expect(addon.hostPermissions.filter((p) => !p.startsWith("moz-extension:")).sort()).toEqual(["http://127.0.0.1/*", "http://[::1]/*", "http://localhost/*", "https://*/*"]);

      expect(await tb.quit()).toBe(0);
      // Thunderbird granted the host access at install (a required permission): nothing was
      // recorded as granted later, which is where a click in a permission prompt would land.
      expect(runtimeGrantedOrigins(tb.profileDir)).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

// `npm start`: the fake BlueMind server with the demo dataset, and a Thunderbird on a fresh
// profile with the freshly built add-on pre-configured against it (the administrator's policy
// path). A window when a display is there,
// headless otherwise. Ctrl-C stops both and removes the temporary profile.
import { startFakeBlueMind } from "../fake-bluemind/index.ts";
import { startThunderbird } from "../thunderbird/runner.ts";
import { builtAddonXpi, policiesFor } from "../e2e/support/addon.ts";

const port = Number(process.env.DEMO_PORT ?? 0);
const headless = !process.env.DISPLAY || process.env.DEMO_HEADLESS === "1";

const fake = await startFakeBlueMind({ dataset: "demo", port });
const info = fake.control.datasetInfo();
const login = "jeanne.dupont@example.fr";
const apiKey = info.apiKeys[login];
if (!apiKey) throw new Error("the demo dataset has no API key for Jeanne Dupont");

console.log(`Fake BlueMind server: ${fake.url} (dataset "demo")`);
for (const user of info.users) console.log(`  user ${user.displayName} <${user.login}> password "${user.password}"`);
console.log(`  API key of ${login}: ${apiKey}`);

const tb = await startThunderbird({
  addons: [builtAddonXpi()],
  policies: policiesFor({ serverUrl: fake.url, login, apiKey, syncIntervalMinutes: 5 }),
  headless,
  timeoutMs: 120_000,
});
console.log(`Thunderbird started (${headless ? "headless: no display found" : "window on " + process.env.DISPLAY}), profile ${tb.profileDir}`);
console.log(
  [
    "What to look at:",
    "  - the fake server's log below: the add-on signs in with the policy's API key and lists Jeanne's books;",
    "  - Tools › Add-ons › BlueMind Address Books › Options: the account and the books with their Sync switches",
    '    ("Mes contacts", "Contacts collectés", "Clients (Paul Martin)" with 1,500 contacts, "Annuaire" search-only);',
    "  - the control API, e.g. curl -X POST " + fake.url + '/__control/renameBook -d \'["book:Contacts_u-jeanne","Perso"]\'',
    "Ctrl-C stops Thunderbird and the server.",
  ].join("\n"),
);

let seen = 0;
const logTimer = setInterval(() => {
  for (const entry of fake.requests.slice(seen)) console.log(`  server: ${entry.method} ${entry.path} → ${entry.status}`);
  seen = fake.requests.length;
}, 500);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(logTimer);
  console.log("\nStopping…");
  const code = await tb.quit();
  await fake.close();
  console.log(`Thunderbird exited with ${code}; server stopped.`);
  process.exit(0);
}
// The harness kills Thunderbird on these signals (its safety net for tests); a person pressing
// Ctrl-C deserves a clean quit instead, so this handler replaces it. The harness's exit handler
// still kills anything left if the quit fails.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void stop());
}
void tb.waitForExit(24 * 3600_000).then(() => {
  if (!stopping) {
    console.log("Thunderbird was closed.");
    void stop();
  }
});

// The built options page in headless Chromium, wired to the real background logic (BackgroundApp
// on an in-memory Thunderbird) and the fake BlueMind server: connect through the form, switch a
// book's sync and see the subscription change on the server, confirm a 1,500-contact book, see a
// refused change roll back. Screenshots (light/dark, en/fr) go to test-output/options-*.png.
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO_CLIENTS_BOOK, startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { describeIfAvailable } from "../thunderbird/vitest-helpers.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH, ROOT, startOptionsHarness, until, type OptionsPageHarness } from "./support/options-page.ts";

const OUTPUT = path.join(ROOT, "test-output");
const JEANNE = { uid: "u-jeanne", login: "jeanne.dupont@example.fr", password: "demo" };
const COLLECTED = `book:CollectedContacts_${JEANNE.uid}`;
const MY_CONTACTS = `book:Contacts_${JEANNE.uid}`;

/** Skipped without Chromium on a developer machine, failed in CI. */
function describeWithChromium(name: string, body: () => void): void {
  const missing = fs.existsSync(CHROMIUM_PATH) ? null : `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
  describeIfAvailable(name, missing, body);
}

describeWithChromium("options page in Chromium, on the real background and the fake server", () => {
  let fake: FakeBlueMind;
  let browser: Browser;
  let harness: OptionsPageHarness;
  let page: Page;

  const serverSync = (containerUid: string) => fake.state.subscriptionsOf(JEANNE.uid).get(containerUid)?.offlineSync;
  const switchOf = (p: Page, name: string) => p.getByRole("switch", { name: `Synchronize ${name}`, exact: true });
  const rowOf = (p: Page, containerUid: string) => p.locator(`[data-container-uid="${containerUid}"]`);
  const checked = (p: Page, name: string) => switchOf(p, name).getAttribute("aria-checked");
  const settled = async (p: Page, name: string) => (await switchOf(p, name).getAttribute("aria-busy")) === null;
  const screenshot = (p: Page, name: string) => p.screenshot({ path: path.join(OUTPUT, `options-${name}.png`), fullPage: true });

  beforeAll(async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    fake = await startFakeBlueMind({ dataset: "demo" });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    harness = await startOptionsHarness(browser);
    page = await harness.open({ language: "en", colorScheme: "light" });
  });

  afterAll(async () => {
    await harness?.close();
    await browser?.close();
    await fake?.close();
  });

  it("connects through the form: an API key created, the password forgotten", async () => {
    await expect(page.locator(".state-pill").textContent()).resolves.toBe("Not connected");
    await screenshot(page, "en-light-disconnected");
    const keysBefore = [...fake.state.apiKeys.values()].filter((k) => k.userUid === JEANNE.uid).length;

    // A wrong password first: the background's sentence, in the alert region; nothing kept.
    await page.getByLabel("Server address").fill(fake.url);
    await page.getByLabel("Login (user@domain)").fill(JEANNE.login);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    const alert = page.locator(".account").getByRole("alert");
    await alert.getByText("Sign-in failed.").waitFor({ timeout: 20_000 });
    await expect(alert.textContent()).resolves.toContain("the login or password is wrong");
    await expect(page.locator(".state-pill").textContent()).resolves.toBe("Sign-in needed");
    await expect(page.getByLabel("Password").inputValue()).resolves.toBe("");
    await screenshot(page, "en-light-bad-password");

    await page.getByLabel("Password").fill(JEANNE.password);
    await page.getByRole("button", { name: "Connect", exact: true }).click();

    await page.locator(".state-pill", { hasText: "Connected" }).waitFor({ timeout: 20_000 });
    expect(harness.calls.filter((c) => !c.endsWith("getState"))).toEqual(["request signIn", "request signIn"]);
    const keys = [...fake.state.apiKeys.values()].filter((k) => k.userUid === JEANNE.uid);
    expect(keys).toHaveLength(keysBefore + 1);
    expect(keys.at(-1)?.displayName).toBe("Thunderbird");
    expect(fake.requests.some((r) => r.method === "PUT" && r.path === "/api/auth/keys?displayName=Thunderbird" && r.status === 200)).toBe(true);
    await expect(page.getByLabel("Password").count()).resolves.toBe(0);
    const stored = JSON.stringify(await harness.tb.localStore.get("settings"));
    expect(stored).toContain(keys.at(-1)!.sid);
    expect(stored).not.toContain(`"${JEANNE.password}"`);
    await expect(page.locator(".facts").textContent()).resolves.toContain("Jeanne Dupont (jeanne.dupont@example.fr)");

    // The first sync (started by the sign-in) lists the books.
    await switchOf(page, "Clients").waitFor({ timeout: 20_000 });
    await expect(page.locator("section", { hasText: "My address books" }).locator(".book-name").allTextContents()).resolves.toEqual(
      expect.arrayContaining(["Mes contacts", "Contacts collectés"]),
    );
    await expect(rowOf(page, DEMO_CLIENTS_BOOK).locator(".book-owner").textContent()).resolves.toBe("Shared by Paul Martin");
    await expect(rowOf(page, DEMO_CLIENTS_BOOK).locator(".book-count").textContent()).resolves.toBe("1,500 contacts");
    await expect(rowOf(page, DEMO_CLIENTS_BOOK).locator(".badge-readonly").textContent()).resolves.toBe("Read-only");
  });

  it("switching a book's sync changes the subscription on BlueMind", async () => {
    expect(serverSync(COLLECTED)).toBe(true);
    await switchOf(page, "Contacts collectés").click();
    // The switch may lag the server by one status push (a sync run's snapshot): what the user ends
    // up seeing must be the server's value.
    await until(async () => serverSync(COLLECTED) === false && (await settled(page, "Contacts collectés")) && (await checked(page, "Contacts collectés")) === "false", "sync off on the server and on the switch");
    await expect(checked(page, "Contacts collectés")).resolves.toBe("false");
    expect(fake.requests.filter((r) => r.path.endsWith("/_subscribe")).at(-1)?.status).toBe(200);

    await switchOf(page, "Contacts collectés").click();
    await until(async () => serverSync(COLLECTED) === true && (await settled(page, "Contacts collectés")) && (await checked(page, "Contacts collectés")) === "true", "sync on again on the server and on the switch");
    await expect(checked(page, "Contacts collectés")).resolves.toBe("true");
  });

  it("warns about the 1,500-contact book and asks before syncing it", async () => {
    const clients = rowOf(page, DEMO_CLIENTS_BOOK);
    await expect(clients.locator(".badge-warning").textContent()).resolves.toContain("Large");
    // Turning it off needs no confirmation.
    await switchOf(page, "Clients").click();
    await until(async () => serverSync(DEMO_CLIENTS_BOOK) === false && (await settled(page, "Clients")), "Clients unsynced on the server");
    // And in Thunderbird: a sync that first runs once the switch is on again finds the book as it
    // was (synced) and has nothing to show progress for.
    await until(async () => !(await harness.tb.asUser.listBooks()).some((b) => !b.remote && b.name.startsWith("Clients")), "the local copy of Clients gone", 60_000);
    await expect(page.getByRole("dialog").count()).resolves.toBe(0);

    await switchOf(page, "Clients").click();
    const dialog = page.getByRole("dialog", { name: "Synchronize a large address book?" });
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain("“Clients” has 1,500 contacts.");
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Cancel");
    await screenshot(page, "en-light-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect(checked(page, "Clients")).resolves.toBe("false");
    await expect(page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).resolves.toBe("Synchronize Clients");
    expect(serverSync(DEMO_CLIENTS_BOOK)).toBe(false);

    // Slowed down so the live progress can be watched (and photographed) while it runs: 15 reads
    // of 100 cards, two at a time, 600 ms each. Watched from the click on: the switch may settle
    // only once the run that applies it is over.
    fake.faults.inject({ pathPattern: `/api/addressbooks/${DEMO_CLIENTS_BOOK}/_mget`, kind: "delay", delayMs: 600, times: Infinity });
    try {
      await switchOf(page, "Clients").click();
      await dialog.getByRole("button", { name: "Synchronize", exact: true }).click();
      const bar = clients.locator("progress");
      await bar.waitFor({ timeout: 20_000 });
      const done = () => bar.evaluate((element) => (element as HTMLProgressElement).value);
      const first = await done();
      await expect(clients.locator(".book-status").textContent()).resolves.toMatch(/^Synchronizing [\d,]+ \/ 1,[45]\d\d$/);
      // Pushed by the background as batches land, while the page stays open.
      await until(async () => (await bar.count()) === 0 || ((await done()) > first && (await done()) >= 300), "the progress to move");
      if ((await bar.count()) > 0) await screenshot(page, "en-light-syncing");
      await until(async () => serverSync(DEMO_CLIENTS_BOOK) === true && (await settled(page, "Clients")), "Clients synced on the server");
      await expect(checked(page, "Clients")).resolves.toBe("true");
    } finally {
      fake.faults.clear();
    }
    await until(async () => /^Synchronized at /.test((await clients.locator(".book-status").textContent()) ?? ""), "Clients synced again", 30_000);
  });

  it("rolls the switch back and shows the error when BlueMind refuses the change", async () => {
    // Every attempt fails, the client's retries of this idempotent call included.
    fake.faults.inject({ pathPattern: "/api/users/*/subscriptions/*/_subscribe", kind: "status", status: 500, times: Infinity, message: "Subscription service unavailable" });
    try {
      const before = fake.requests.filter((r) => r.path.endsWith("/_subscribe")).length;
      await switchOf(page, "Mes contacts").click();
      await rowOf(page, MY_CONTACTS).getByRole("alert").waitFor({ timeout: 30_000 });
      await expect(checked(page, "Mes contacts")).resolves.toBe("true");
      await expect(rowOf(page, MY_CONTACTS).getByRole("alert").textContent()).resolves.toMatch(/^The change was not saved on BlueMind: .+/);
      expect(serverSync(MY_CONTACTS)).toBe(true);
      const refused = fake.requests.filter((r) => r.path.endsWith("/_subscribe")).slice(before);
      expect(refused.length).toBeGreaterThan(1);
      expect(refused.every((r) => r.status === 500)).toBe(true);
      await screenshot(page, "en-light");
    } finally {
      fake.faults.clear();
    }
  });

  it("looks right in light and dark, English and French (screenshots)", async () => {
    for (const [language, colorScheme] of [
      ["en", "dark"],
      ["fr", "light"],
      ["fr", "dark"],
    ] as const) {
      const other = await harness.open({ language, colorScheme });
      await switchOf(other, "Clients")
        .or(other.getByRole("switch", { name: "Synchroniser Clients", exact: true }))
        .waitFor();
      const heading = language === "fr" ? "Mes carnets d'adresses" : "My address books";
      await expect(other.getByRole("heading", { name: heading }).count()).resolves.toBe(1);
      const background = await other.evaluate(() => getComputedStyle(document.body).backgroundColor);
      // Dark theme: a dark page background; light: a light one.
      const [r = 0, g = 0, b = 0] = (background.match(/\d+/g) ?? []).map(Number);
      expect((r + g + b) / 3 < 100).toBe(colorScheme === "dark");
      await screenshot(other, `${language}-${colorScheme}`);
      await other.close();
    }
  });
});

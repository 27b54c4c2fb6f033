/**
 * Smoke tests of the real-Thunderbird harness (test/thunderbird/): start with the probe,
 * drive address books through the public APIs, quit cleanly, read the profile back; survive a
 * SIGKILL; screenshot the real window under Xvfb. Plus the harness's own pure pieces (zip,
 * prefs), which need no Thunderbird.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PROBE_ID, ProbeClient, buildProbeXpi } from "../thunderbird/probe.ts";
import { DEFAULT_PREFS, addonIdOfXpi, userJs } from "../thunderbird/profile.ts";
import { findBook, parsePrefs, readProfile } from "../thunderbird/profile-reader.ts";
import { killAllThunderbirds, startThunderbird, withThunderbird, type ThunderbirdInstance } from "../thunderbird/runner.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { crc32, listZip, readZipEntry, writeZip } from "../thunderbird/zip.ts";

const TEST_OUTPUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../test-output");

const startedPids: number[] = [];
async function start(options: Parameters<typeof startThunderbird>[0]): Promise<ThunderbirdInstance> {
  const tb = await startThunderbird(options);
  startedPids.push(tb.pid);
  return tb;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function vCard(uid: string, fn: string, email: string): string {
  return ["BEGIN:VCARD", "VERSION:4.0", `UID:${uid}`, `FN:${fn}`, `EMAIL:${email}`, "END:VCARD", ""].join("\r\n");
}

afterEach(async () => {
  // A failed test must not leave Thunderbird running for the next one.
  await killAllThunderbirds();
});

describe("harness pieces (no Thunderbird needed)", () => {
  it("writes zips it can read back, deflated and stored, and detects corruption", () => {
    const big = "x".repeat(5000);
    const zip = writeZip([
      { name: "a.txt", data: "é" },
      { name: "dir/big.txt", data: big },
    ]);
    expect(listZip(zip)).toEqual(["a.txt", "dir/big.txt"]);
    expect(readZipEntry(zip, "a.txt")?.toString("utf8")).toBe("é");
    expect(readZipEntry(zip, "dir/big.txt")?.toString("utf8")).toBe(big);
    expect(zip.length).toBeLessThan(big.length); // the big entry really was deflated
    expect(readZipEntry(zip, "missing")).toBeUndefined();
    const corrupt = Buffer.from(zip);
    corrupt[30 + "a.txt".length] ^= 0xff; // first byte of a.txt's stored data
    expect(() => readZipEntry(corrupt, "a.txt")).toThrow(/crc/);
  });

  it("computes the standard CRC-32", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  });

  it("builds a probe XPI whose id and config can be read back", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "probe-xpi-test-"));
    const xpi = path.join(dir, "probe.xpi");
    fs.writeFileSync(xpi, buildProbeXpi({ url: "http://127.0.0.1:1", token: "t" }));
    expect(addonIdOfXpi(xpi)).toBe(PROBE_ID);
    expect(JSON.parse(readZipEntry(fs.readFileSync(xpi), "config.json")!.toString())).toEqual({ url: "http://127.0.0.1:1", token: "t" });
    expect(readZipEntry(fs.readFileSync(xpi), "options.js")!.toString()).toContain('{"contactEvents":true,"httpCache":true}');
    // The benches' probe: the options script runs before background.js registers its listeners.
    const quiet = buildProbeXpi({ url: "http://127.0.0.1:1", token: "t" }, { contactEvents: false, httpCache: false });
    expect(readZipEntry(quiet, "options.js")!.toString()).toContain('{"contactEvents":false,"httpCache":false}');
    expect(JSON.parse(readZipEntry(quiet, "manifest.json")!.toString()).background.scripts).toEqual(["options.js", "background.js"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes user.js that prefs parsing reads back", () => {
    const prefs = { ...DEFAULT_PREFS, "test.quote": 'a "b" \\ c' };
    expect(Object.fromEntries(parsePrefs(userJs(prefs)))).toEqual(prefs);
  });
});

describeWithThunderbird("real Thunderbird harness", () => {
  let probe: ProbeClient;

  beforeAll(async () => {
    probe = await ProbeClient.start();
  });

  afterAll(async () => {
    await probe?.close();
  });

  it("starts with the probe, edits address books, quits cleanly and leaves them on disk", async () => {
    const t0 = Date.now();
    const tb = await start({ addons: [probe.addon] });
    const hello = await probe.waitForReady();
    const readyMs = Date.now() - t0;
    expect(hello.browserInfo.name).toBe("Thunderbird");

    const books = await probe.listBooks();
    expect(books.map((book) => book.name).sort()).toEqual(["Collected Addresses", "Personal Address Book"]);

    const bookId = await probe.createBook("Harness book");
    await probe.waitForEvent("addressBooks.onCreated", (event) => (event.args[0] as { id: string }).id === bookId);
    const uid = "0f6c1c8e-4b7e-4d52-9a51-3b2d7c1e0a01";
    expect(await probe.createContact(bookId, vCard(uid, "Zoë Harness", "zoe@example.org"))).toBe(uid);
    await expect(probe.createContact(bookId, vCard(uid, "Duplicate", "dup@example.org"))).rejects.toThrow(/Duplicate contact id/);

    const found = await probe.quickSearch("harn");
    expect(found.map((contact) => contact.id)).toEqual([uid]);
    expect(found[0]!.properties.PrimaryEmail).toBe("zoe@example.org");
    expect(await probe.quickSearch("nobody-matches-this")).toEqual([]);

    const q0 = Date.now();
    const exitCode = await tb.quit();
    const quitMs = Date.now() - q0;
    console.log(`[harness] start to probe ready: ${readyMs} ms (Marionette session at ${tb.startupMs} ms); clean quit: ${quitMs} ms`);
    expect(exitCode).toBe(0);

    const snapshot = await readProfile(tb.profileDir);
    const book = findBook(snapshot, "Harness book");
    expect(book?.uid).toBe(bookId);
    expect(book?.contacts.map((contact) => contact.uid)).toEqual([uid]);
    expect(book?.contacts[0]!.vCard).toContain("FN:Zoë Harness");
    expect(findBook(snapshot, "Personal Address Book")?.contacts).toEqual([]);
  }, 120_000);

  it("keeps committed contacts across a SIGKILL and restarts the same profile", async () => {
    const tb = await start({ addons: [probe.addon] });
    await probe.waitForReady();
    const personal = (await probe.listBooks()).find((book) => book.name === "Personal Address Book")!;
    for (let i = 0; i < 20; i++) {
      await probe.createContact(personal.id, vCard(`c0ffee00-0000-4000-8000-${String(i).padStart(12, "0")}`, `Crash ${i}`, `crash${i}@example.org`));
    }
    await tb.kill();
    expect(tb.exited).toBe(true);

    // After a kill the last writes are only in the -wal file: the reader must replay it.
    expect(fs.statSync(path.join(tb.profileDir, "abook.sqlite-wal")).size).toBeGreaterThan(0);
    const afterKill = await readProfile(tb.profileDir);
    expect(findBook(afterKill, "Personal Address Book")?.contacts).toHaveLength(20);

    const r0 = Date.now();
    const again = await start({ addons: [probe.addon], profileDir: tb.profileDir });
    await probe.waitForReady();
    console.log(`[harness] restart after SIGKILL to probe ready: ${Date.now() - r0} ms`);
    // Look the book up again: its id (ldap_2.servers.pab.uid) lives in prefs.js, which a kill
    // soon after the first start may not have written — Thunderbird then picks a new one.
    const personalAgain = (await probe.listBooks()).find((book) => book.name === "Personal Address Book")!;
    expect(await probe.listContacts(personalAgain.id)).toHaveLength(20);
    expect(await again.quit()).toBe(0);
  }, 120_000);

  it("hands distribution/policies.json to the add-ons' managed storage", async () => {
    const policies = { policies: { "3rdparty": { Extensions: { [PROBE_ID]: { serverUrl: "http://127.0.0.1:1", syncIntervalMinutes: 7 } } } } };
    const managed = await withThunderbird({ addons: [probe.addon], policies }, async (tb) => {
      startedPids.push(tb.pid);
      await probe.waitForReady();
      expect(tb.installDir).not.toBe("/usr/lib/thunderbird");
      return probe.call("storage.managed.get", null);
    });
    expect(managed).toEqual({ serverUrl: "http://127.0.0.1:1", syncIntervalMinutes: 7 });
  }, 120_000);

  it("fails a start that exceeds its time bound and leaves nothing running", async () => {
    const error = await startThunderbird({ timeoutMs: 300 }).then(
      () => null,
      (reason: unknown) => reason as Error,
    );
    expect(error?.message).toMatch(/did not start within 300 ms/);
    const pid = Number(/Thunderbird (\d+) did not start/.exec(error?.message ?? "")?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(isRunning(pid)).toBe(false);
  }, 30_000);
});

describeWithThunderbird(
  "real Thunderbird under Xvfb",
  () => {
    it("screenshots the main window through chrome-context Marionette", async () => {
      const tb = await start({ display: true, systemAccess: true });
      const marionette = tb.marionette!;
      await marionette.setContext("chrome");
      const types: string[] = [];
      for (const handle of await marionette.getWindowHandles()) {
        await marionette.switchToWindow(handle);
        types.push(await marionette.getWindowType());
        if (types.at(-1) === "mail:3pane") break;
      }
      expect(types).toContain("mail:3pane");
      expect(await marionette.executeScript<string>("return document.documentElement.getAttribute('windowtype')")).toBe("mail:3pane");

      const png = await marionette.takeScreenshot();
      expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
      const width = png.readUInt32BE(16);
      const height = png.readUInt32BE(20);
      expect(width).toBeGreaterThan(600);
      expect(height).toBeGreaterThan(400);
      fs.mkdirSync(TEST_OUTPUT, { recursive: true });
      fs.writeFileSync(path.join(TEST_OUTPUT, "harness-main-window.png"), png);
      expect(await tb.quit()).toBe(0);
    }, 120_000);
  },
  { display: true },
);

describe("after the real-Thunderbird tests", () => {
  it("left no Thunderbird process running", () => {
    expect(startedPids.filter(isRunning)).toEqual([]);
  });
});

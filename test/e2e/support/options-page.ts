// Runs the BUILT options page (dist/addon) in headless Chromium against the REAL background logic
// (BackgroundApp on an in-memory Thunderbird) in this Node process. The page's `browser` is a
// small shim: runtime.sendMessage goes to handleRequest through page.exposeFunction, status
// pushes come back through page.evaluate, and i18n reads the add-on's own _locales.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { BackgroundApp } from "../../../src/background/app.ts";
import { handleRequest } from "../../../src/background/requests.ts";
import { isRequest, type Request, type StatusPush } from "../../../src/shared/messages.ts";
import type { StatusSnapshot } from "../../../src/shared/status.ts";
import { InMemoryThunderbird } from "../../unit/in-memory-thunderbird.ts";
import { isStale } from "./addon.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const ADDON_DIR = path.join(ROOT, "dist", "addon");
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** What the page's built files are made from: a newer source means the build is stale. */
const PAGE_SOURCES = ["src/options", "src/shared", "src/thunderbird", "_locales", "icons", "package-lock.json"];

/** dist/addon with an options page at least as new as its sources (`npm run build` otherwise). */
export function ensureBuiltOptionsPage(): string {
  const built = path.join(ADDON_DIR, "options.js");
  if (isStale(built, PAGE_SOURCES)) execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  return ADDON_DIR;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** dist/addon over loopback HTTP, so the page runs from an http://127.0.0.1 origin. */
export async function serveDirectory(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const wanted = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    const file = path.resolve(dir, `.${wanted}`);
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Language = "en" | "fr";

/**
 * The shim, as a string: Playwright sends functions by their source, and the test transform may
 * add helpers (esbuild's __name) that do not exist in the page.
 */
function browserShim(messages: unknown, language: Language): string {
  return `(() => {
    const messages = ${JSON.stringify(messages)};
    const listeners = new Set();
    // Pushes come from the add-on's background page, which the page checks (runtime-messaging.ts).
    const base = location.origin + "/";
    const background = { id: "bluemind-address-books@bluemind-tb", url: base + "_generated_background_page.html" };
    window.__bmDeliver = (message) => { for (const listener of [...listeners]) listener(message, background); };
    const getMessage = (key, substitutions) => {
      const entry = messages[key];
      if (!entry) return "";
      const subs = substitutions === undefined ? [] : [].concat(substitutions).map(String);
      const fill = (text) => text.replace(/\\$(\\d)/g, (_, n) => subs[Number(n) - 1] ?? "");
      return entry.message.replace(/\\$([A-Za-z0-9_@]+)\\$/g, (_, name) => {
        const placeholder = (entry.placeholders || {})[name.toLowerCase()];
        return placeholder ? fill(placeholder.content) : "";
      });
    };
    // Thunderbird gives an extension page \`browser\` and \`chrome\`, both with runtime.id:
    // webextension-polyfill then hands back \`browser\` as it is.
    const id = "bluemind-address-books@bluemind-tb";
    window.chrome = { runtime: { id } };
    window.browser = {
      runtime: {
        id,
        getURL: (file) => base + file,
        sendMessage: (message) => window.__bmSendMessage(message),
        onMessage: { addListener: (l) => listeners.add(l), removeListener: (l) => listeners.delete(l), hasListener: (l) => listeners.has(l) },
      },
      i18n: { getMessage, getUILanguage: () => ${JSON.stringify(language)} },
    };
  })();`;
}

export interface OptionsPageHarness {
  tb: InMemoryThunderbird;
  app: BackgroundApp;
  /** In order: "request <type>" entries, as the page made them. */
  calls: string[];
  open(options: { language: Language; colorScheme: "light" | "dark" }): Promise<Page>;
  close(): Promise<void>;
}

export async function startOptionsHarness(browser: Browser): Promise<OptionsPageHarness> {
  const addonDir = ensureBuiltOptionsPage();
  const site = await serveDirectory(addonDir);
  const tb = new InMemoryThunderbird();
  // Real fetch against the fake server on loopback; the client's own defaults otherwise.
  const app = new BackgroundApp(tb, { clientOptions: {} });
  await app.start();
  const calls: string[] = [];
  const pages = new Set<Page>();
  const contexts: BrowserContext[] = [];

  const deliver = (status: StatusSnapshot) => {
    const push: StatusPush = { type: "status", status };
    for (const page of pages) {
      // A page closing mid-push has nobody to tell.
      page.evaluate((message) => (window as unknown as { __bmDeliver: (m: unknown) => void }).__bmDeliver(message), push).catch(() => undefined);
    }
  };
  const unsubscribe = app.status.subscribe(deliver);

  return {
    tb,
    app,
    calls,
    async open({ language, colorScheme }) {
      const messages = JSON.parse(fs.readFileSync(path.join(addonDir, "_locales", language, "messages.json"), "utf8")) as unknown;
      const context = await browser.newContext({
        locale: language === "fr" ? "fr-FR" : "en-US",
        colorScheme,
        reducedMotion: "reduce",
        viewport: { width: 980, height: 900 },
        deviceScaleFactor: 1,
      });
      contexts.push(context);
      const page = await context.newPage();
      await page.exposeFunction("__bmSendMessage", async (message: unknown) => {
        if (!isRequest(message)) return undefined;
        calls.push(`request ${message.type}`);
        return handleRequest(app, message as Request);
      });
      await page.addInitScript(browserShim(messages, language));
      await page.emulateMedia({ colorScheme, reducedMotion: "reduce" });
      pages.add(page);
      page.on("close", () => pages.delete(page));
      await page.goto(`${site.url}/options.html`);
      await page.locator(".state-pill").waitFor();
      return page;
    },
    async close() {
      unsubscribe();
      app.stop();
      for (const context of contexts) await context.close().catch(() => undefined);
      await site.close();
    },
  };
}

/** Polls until `check` holds (or throws after `timeoutMs` with `what`). */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

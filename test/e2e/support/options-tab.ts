// Drives the add-on's options page inside a real Thunderbird, as the user does: opened in a tab
// of the main window, clicked through. Extension pages run in their own process, out of reach of
// chrome-context scripts, so code runs in the page through the tab's frame message manager.
import type { MarionetteClient } from "../../thunderbird/marionette.ts";
import { ADDON_ID } from "./addon.ts";

export async function openOptionsTab(marionette: MarionetteClient): Promise<void> {
  await marionette.setContext("chrome");
  await marionette.executeScript(
    `const policy = WebExtensionPolicy.getByID(arguments[0]);
     const win = Services.wm.getMostRecentWindow("mail:3pane");
     win.document.getElementById("tabmail").openTab("contentTab", { url: policy.getURL("options.html") });`,
    [ADDON_ID],
  );
  // The tab starts on about:blank and moves to the extension's process: a frame script loaded
  // before that move would be lost with the old frame (inOptionsPage would never hear back).
  const loaded = await marionette.executeAsyncScript<boolean>(
    `const [id, done] = arguments;
     const url = WebExtensionPolicy.getByID(id).getURL("options.html");
     const win = Services.wm.getMostRecentWindow("mail:3pane");
     const browser = win.document.getElementById("tabmail").currentTabInfo.browser;
     const loaded = () => browser.currentURI?.spec === url && !browser.webProgress?.isLoadingDocument;
     (function poll(tries) {
       if (loaded() || tries === 0) done(loaded());
       else win.setTimeout(() => poll(tries - 1), 50);
     })(400);`,
    [ADDON_ID],
  );
  if (!loaded) throw new Error("the options tab did not load the options page");
}

/**
 * Runs `body` (a function source taking the page's `document`, returning a JSON-able value or a
 * Promise of one) in the options tab and returns its result.
 */
export async function inOptionsPage<T>(marionette: MarionetteClient, body: string, timeoutMs = 30_000): Promise<T> {
  await marionette.setContext("chrome");
  const answer = await marionette.executeAsyncScript<{ ok: boolean; value?: T; error?: string }>(
    `const [body, timeoutMs, done] = arguments;
     const win = Services.wm.getMostRecentWindow("mail:3pane");
     const browser = win.document.getElementById("tabmail").currentTabInfo.browser;
     const mm = browser.messageManager;
     const topic = "bm-test:" + Math.random();
     const timer = setTimeout(() => done({ ok: false, error: "no answer from the options page" }), timeoutMs);
     mm.addMessageListener(topic, function listener(message) {
       mm.removeMessageListener(topic, listener);
       clearTimeout(timer);
       done(message.data);
     });
     // The tab may still hold its initial about:blank: wait for the options page itself.
     const script = "(async () => { try {" +
       " for (let i = 0; i < 200 && !(content.document.location.protocol === 'moz-extension:' && content.document.readyState === 'complete'); i++)" +
       " await new Promise((resolve) => content.setTimeout(resolve, 50));" +
       " const value = await (" + body + ")(content.document);" +
       " sendAsyncMessage(" + JSON.stringify(topic) + ", { ok: true, value }); }" +
       " catch (e) { sendAsyncMessage(" + JSON.stringify(topic) + ", { ok: false, error: String(e) }); } })()";
     mm.loadFrameScript("data:," + encodeURIComponent(script), false);`,
    // The frame script travels as a data: URL, read as Latin-1: anything else is escaped (valid
    // inside the string literals where page scripts hold their text).
    [body.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`), timeoutMs],
  );
  if (!answer.ok) throw new Error(`options page: ${answer.error}`);
  return answer.value as T;
}

/** Page script: clicks the Sync switch of a book's row once it is enabled; answers its aria-checked before the click. */
export const clickSyncSwitch = (containerUid: string): string => clickBookSwitch(containerUid, "sync");

/** Page script: clicks the "Use in autocompletion" switch of a search-only book's row; answers its aria-checked before the click. */
export const clickAutocompleteSwitch = (containerUid: string): string => clickBookSwitch(containerUid, "autocomplete");

/** What clickBookButton saw: the row before the click, and once the button went (or the wait ran out). */
export interface BookButtonClick {
  status: string;
  /** The explanation of the row's question (held deletions, Repair), if it shows one. */
  hint: string | null;
  stillOffered: boolean;
  /** The row still shows a question (.book-question). */
  questionAfter: boolean;
  statusAfter: string | null;
}

/**
 * Page script: waits (up to `tries.appear` × 50 ms) for the button `label` in a book's row, reads
 * the row, clicks it, and waits (up to `tries.gone` × 50 ms) for the button to go.
 */
export const clickBookButton = (containerUid: string, label: string, tries: { appear: number; gone: number }): string => `async (document) => {
  const row = () => document.querySelector('li.book[data-container-uid="${containerUid}"]');
  const button = () => [...(row()?.querySelectorAll("button") ?? [])].find((b) => b.textContent.trim() === ${JSON.stringify(label)});
  for (let i = 0; i < ${String(tries.appear)} && !button(); i++) await new Promise((resolve) => document.defaultView.setTimeout(resolve, 50));
  if (!button()) throw new Error(${JSON.stringify(`no ${label} button: `)} + (row()?.textContent ?? "no row"));
  const status = row().querySelector(".book-status").textContent;
  const hint = row().querySelector(".book-question .hint")?.textContent ?? null;
  button().click();
  for (let i = 0; i < ${String(tries.gone)} && button(); i++) await new Promise((resolve) => document.defaultView.setTimeout(resolve, 50));
  return { status, hint, stillOffered: button() !== undefined, questionAfter: row()?.querySelector(".book-question") != null, statusAfter: row()?.querySelector(".book-status")?.textContent ?? null };
}`;

/** Page script: the state of a book's switch of that kind ("true", "false"), once no change is on its way; null without one. */
export const bookSwitchState = (containerUid: string, kind: "sync" | "autocomplete"): string => `async (document) => {
  for (let i = 0; i < 100; i++) {
    const button = document.querySelector('[data-container-uid="${containerUid}"] [role=switch][data-switch="${kind}"]');
    if (!button) return null;
    if (button.getAttribute("aria-busy") !== "true") return button.getAttribute("aria-checked");
    await new Promise((resolve) => document.defaultView.setTimeout(resolve, 100));
  }
  throw new Error("the ${kind} switch of ${containerUid} stayed busy");
}`;

function clickBookSwitch(containerUid: string, kind: "sync" | "autocomplete"): string {
  return `async (document) => {
  for (let i = 0; i < 100; i++) {
    const row = document.querySelector('[data-container-uid="${containerUid}"]');
    const button = row && row.querySelector('[role=switch][data-switch="${kind}"]');
    if (button && !button.disabled && button.getAttribute("aria-busy") !== "true") {
      const before = button.getAttribute("aria-checked");
      button.click();
      return before;
    }
    await new Promise((resolve) => document.defaultView.setTimeout(resolve, 100));
  }
  throw new Error("no enabled ${kind} switch for ${containerUid}");
}`;
}

/** Types `password` into the sign-in form (server and login set by policy) and submits it. */
export function signInThroughPage(marionette: MarionetteClient, password: string): Promise<void> {
  return inOptionsPage<void>(
    marionette,
    `async (document) => {
      // Until the page has the background's settings, the server and login fields are empty and
      // the form would not submit.
      const field = (name) => document.querySelector("form.sign-in input[name=" + name + "]");
      const ready = () => field("password") && field("serverUrl").value !== "" && field("login").value !== "";
      for (let i = 0; i < 200 && !ready(); i++) await new Promise((resolve) => document.defaultView.setTimeout(resolve, 50));
      if (!ready()) throw new Error("no sign-in form with the server and login filled in");
      const input = field("password");
      input.value = ${JSON.stringify(password)};
      input.dispatchEvent(new document.defaultView.Event("input", { bubbles: true }));
      // Preact re-renders after the input event; the submit handler reads the password of its last render.
      await new Promise((resolve) => document.defaultView.setTimeout(resolve, 20));
      document.querySelector("form.sign-in button[type=submit]").click();
    }`,
  );
}

/** Clicks Disconnect, picks "remove" or "keep" the local copies, and confirms. */
export function disconnectThroughPage(marionette: MarionetteClient, removeLocalBooks: boolean): Promise<void> {
  return inOptionsPage<void>(
    marionette,
    `async (document) => {
      const disconnect = [...document.querySelectorAll("section.account .actions button")].find((b) => b.textContent.trim() === "Disconnect");
      if (!disconnect) throw new Error("no Disconnect button");
      disconnect.click();
      let dialog = null;
      for (let i = 0; i < 100 && !(dialog = document.querySelector("dialog[open]")); i++)
        await new Promise((resolve) => document.defaultView.setTimeout(resolve, 50));
      if (!dialog) throw new Error("no Disconnect dialog");
      dialog.querySelectorAll("input[name=local-copies]")[${removeLocalBooks ? 1 : 0}].click();
      // Preact re-renders after the click: the confirm button reads the choice of its last render.
      const confirm = () => [...dialog.querySelectorAll(".dialog-actions button")].pop();
      for (let i = 0; i < 100 && confirm().classList.contains("danger") !== ${removeLocalBooks}; i++)
        await new Promise((resolve) => document.defaultView.setTimeout(resolve, 20));
      confirm().click();
    }`,
  );
}

/** The options page's visible text (what the user reads), once `expected` appears in it. */
export function optionsPageTextWith(marionette: MarionetteClient, expected: string, timeoutMs = 20_000): Promise<string> {
  return inOptionsPage<string>(
    marionette,
    `async (document) => {
      const deadline = Date.now() + ${timeoutMs};
      while (!document.body.innerText.includes(${JSON.stringify(expected)}) && Date.now() < deadline)
        await new Promise((resolve) => document.defaultView.setTimeout(resolve, 100));
      return document.body.innerText;
    }`,
    timeoutMs + 5_000,
  );
}

/**
 * The add-on's own storage.local, reached through its options page (an extension page of the
 * add-on): for what no public API offers a test, such as ageing the date of the last full check.
 */
export const addonStorage = {
  async get<T>(marionette: MarionetteClient, key: string): Promise<T | undefined> {
    const json = await inOptionsPage<string>(
      marionette,
      `async (document) => {
        const page = document.defaultView.wrappedJSObject;
        return page.JSON.stringify(await page.browser.storage.local.get(${JSON.stringify(key)}));
      }`,
    );
    return (JSON.parse(json) as Record<string, T>)[key];
  },
  /** Every key the add-on has in storage.local. */
  async keys(marionette: MarionetteClient): Promise<string[]> {
    const json = await inOptionsPage<string>(
      marionette,
      `async (document) => {
        const page = document.defaultView.wrappedJSObject;
        return page.JSON.stringify(page.Object.keys(await page.browser.storage.local.get(null)));
      }`,
    );
    return JSON.parse(json) as string[];
  },
  async set(marionette: MarionetteClient, key: string, value: unknown): Promise<void> {
    await inOptionsPage<void>(
      marionette,
      `async (document) => {
        const page = document.defaultView.wrappedJSObject;
        await page.browser.storage.local.set(page.JSON.parse(${JSON.stringify(JSON.stringify({ [key]: value }))}));
      }`,
    );
  },
};

/** What the options page shows, as text: how a test reads the values the status summary that
 * companion extensions get leaves out (messages, the activity log). */
export interface OptionsPageView {
  /** The state pill ("Connected", "Sign-in needed"…). */
  account: string;
  /** The account's message under the facts, if any. */
  accountNotice: string | null;
  /** Each book row's status line, by container uid. */
  books: Record<string, string>;
  /** The activity log's messages, newest first. */
  activity: string[];
  /** The page's lang attribute: what the add-on's i18n.getUILanguage() gave it. */
  language: string;
}

/** Reads the open options tab (openOptionsTab) once it has its state. */
export function readOptionsPage(marionette: MarionetteClient): Promise<OptionsPageView> {
  return inOptionsPage<OptionsPageView>(
    marionette,
    `async (document) => {
      for (let i = 0; i < 200 && !document.querySelector(".state-pill"); i++) await new Promise((resolve) => document.defaultView.setTimeout(resolve, 50));
      const books = {};
      for (const row of document.querySelectorAll("[data-container-uid]")) books[row.getAttribute("data-container-uid")] = row.querySelector(".book-status")?.textContent ?? "";
      return {
        account: document.querySelector(".state-pill")?.textContent ?? "",
        accountNotice: document.querySelector(".account .notice-error")?.textContent ?? null,
        books,
        activity: [...document.querySelectorAll(".activity .activity-message")].map((e) => e.textContent),
        language: document.documentElement.lang,
      };
    }`,
  );
}

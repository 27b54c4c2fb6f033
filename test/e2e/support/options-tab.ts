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
    [body, timeoutMs],
  );
  if (!answer.ok) throw new Error(`options page: ${answer.error}`);
  return answer.value as T;
}

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

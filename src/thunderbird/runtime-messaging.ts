// Message passing between the options page and the background (runtime.sendMessage), behind the
// typed contract of shared/messages.ts, on webextension-polyfill's `browser`.
//
// Only the add-on's own pages talk to the background: every message is checked against its sender
// (this add-on's id and one of its own pages' URLs), so neither another extension nor a web page
// (a content script's sender URL is the page's) can read the status or act on the account. Other
// extensions reach a separate door, runtime.onMessageExternal, answered only when the
// administrator's policy lists them (background/requests.ts decides what they get).
import browser, { type Runtime } from "webextension-polyfill";
import { isRequest, isStatusPush, parseStateAnswer, type Answer, type Request, type StateAnswer, type StatusPush } from "../shared/messages.ts";
import { text } from "../shared/user-text.ts";

/** What the add-on knows of itself to recognise its own pages. */
export interface OwnIdentity {
  id: string;
  /** The base of its pages' URLs, `moz-extension://<uuid>/`. */
  baseUrl: string;
}

function ownIdentity(): OwnIdentity {
  return { id: browser.runtime.id, baseUrl: browser.runtime.getURL("") };
}

/** A message from one of this add-on's own pages (not a content script, not another extension). */
export function isOwnPage(sender: Pick<Runtime.MessageSender, "id" | "url">, own: OwnIdentity): boolean {
  return sender.id === own.id && typeof sender.url === "string" && own.baseUrl !== "" && sender.url.startsWith(own.baseUrl);
}

export function serveRequests(handler: (request: Request) => Promise<Answer<unknown>>): () => void {
  const own = ownIdentity();
  const listener = (message: unknown, sender: Runtime.MessageSender) => {
    if (!isOwnPage(sender, own) || !isRequest(message)) return undefined;
    return handler(message);
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

/**
 * Requests another extension may send (runtime.onMessageExternal): read the status, ask for a
 * sync — what the options page's "Sync now" does, nothing that changes the account, a setting or
 * a subscription. The handler sees the sender's id and answers undefined (no answer at all) to an
 * extension the administrator did not list.
 */
export const EXTERNAL_REQUEST_TYPES: ReadonlySet<Request["type"]> = new Set(["getState", "syncNow"]);

export function isExternalRequest(message: unknown): message is Request {
  return isRequest(message) && EXTERNAL_REQUEST_TYPES.has(message.type);
}

export function serveExternalRequests(handler: (request: Request, senderId: string) => Promise<Answer<unknown> | undefined>): () => void {
  const listener = (message: unknown, sender: Runtime.MessageSender) => {
    if (typeof sender.id !== "string" || !isExternalRequest(message)) return undefined;
    return handler(message, sender.id);
  };
  browser.runtime.onMessageExternal.addListener(listener);
  return () => browser.runtime.onMessageExternal.removeListener(listener);
}

export function pushStatus(push: StatusPush): void {
  // No page open → "Receiving end does not exist": nothing to tell.
  browser.runtime.sendMessage(push).catch(() => undefined);
}

/** The background's answer; undefined when no listener answered (background still starting). */
export async function sendRequest(request: Request): Promise<Answer<StateAnswer> | undefined> {
  const answer: unknown = await browser.runtime.sendMessage(request);
  if (answer === undefined) return undefined;
  return parseStateAnswer(answer) ?? { ok: false, error: text("pageUnreadableAnswer") };
}

export function onStatusPush(listener: (push: StatusPush) => void): () => void {
  const own = ownIdentity();
  const wrapped = (message: unknown, sender: Runtime.MessageSender) => {
    // The background page is one of the add-on's own pages too.
    if (isOwnPage(sender, own) && isStatusPush(message)) listener(message);
    return undefined;
  };
  browser.runtime.onMessage.addListener(wrapped);
  return () => browser.runtime.onMessage.removeListener(wrapped);
}

export function uiLanguage(): string {
  return browser.i18n.getUILanguage();
}

export function localized(key: string, substitutions?: string | string[]): string {
  return browser.i18n.getMessage(key, substitutions);
}

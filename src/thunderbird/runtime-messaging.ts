// Message passing between the options page and the background (runtime.sendMessage), behind the
// typed contract of shared/messages.ts, on webextension-polyfill's `browser`.
import browser from "webextension-polyfill";
import { isRequest, isStatusPush, parseStateAnswer, type Answer, type Request, type StateAnswer, type StatusPush } from "../shared/messages.ts";

export function serveRequests(handler: (request: Request) => Promise<Answer<unknown>>): () => void {
  const listener = (message: unknown) => {
    if (!isRequest(message)) return undefined;
    return handler(message);
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

/**
 * Requests other extensions may send (runtime.onMessageExternal): read the status, ask for a
 * sync — what the options page's "Sync now" does, nothing that changes the account, a setting or
 * a subscription. It lets a companion add-on (and the end-to-end tests' probe) follow and nudge
 * the sync; another extension sees nothing secret (getState never carries the API key) that its
 * own addressBooks permission does not already show, except the account's server and login.
 */
export const EXTERNAL_REQUEST_TYPES: ReadonlySet<Request["type"]> = new Set(["getState", "syncNow"]);

export function isExternalRequest(message: unknown): message is Request {
  return isRequest(message) && EXTERNAL_REQUEST_TYPES.has(message.type);
}

export function serveExternalRequests(handler: (request: Request) => Promise<Answer<unknown>>): () => void {
  const listener = (message: unknown) => {
    if (!isExternalRequest(message)) return undefined;
    return handler(message);
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
  return parseStateAnswer(answer) ?? { ok: false, error: "The add-on's background page sent an answer the options page cannot read." };
}

export function onStatusPush(listener: (push: StatusPush) => void): () => void {
  const wrapped = (message: unknown) => {
    if (isStatusPush(message)) listener(message);
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

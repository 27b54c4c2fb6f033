// Message passing between the options page and the background (runtime.sendMessage), behind the
// typed contract of shared/messages.ts.
import { isRequest, type Answer, type Request, type StatusPush } from "../shared/messages.ts";

export function serveRequests(handler: (request: Request) => Promise<Answer<unknown>>): () => void {
  const listener = (message: unknown) => {
    if (!isRequest(message)) return undefined;
    return handler(message);
  };
  messenger.runtime.onMessage.addListener(listener);
  return () => messenger.runtime.onMessage.removeListener(listener);
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
  messenger.runtime.onMessageExternal.addListener(listener);
  return () => messenger.runtime.onMessageExternal.removeListener(listener);
}

export function pushStatus(push: StatusPush): void {
  // No page open → "Receiving end does not exist": nothing to tell.
  messenger.runtime.sendMessage(push).catch(() => undefined);
}

export function sendRequest<T>(request: Request): Promise<Answer<T>> {
  return messenger.runtime.sendMessage(request) as Promise<Answer<T>>;
}

export function onStatusPush(listener: (push: StatusPush) => void): () => void {
  const wrapped = (message: unknown) => {
    if (typeof message === "object" && message !== null && (message as { type?: unknown }).type === "status") {
      listener(message as StatusPush);
    }
    return undefined;
  };
  messenger.runtime.onMessage.addListener(wrapped);
  return () => messenger.runtime.onMessage.removeListener(wrapped);
}

export function uiLanguage(): string {
  return messenger.i18n.getUILanguage();
}

export function localized(key: string, substitutions?: string | string[]): string {
  return messenger.i18n.getMessage(key, substitutions);
}

import { describe, expect, it, vi } from "vitest";
import type { Answer, Request } from "../shared/messages.ts";
import { isExternalRequest, isOwnPage, onStatusPush, serveExternalRequests, serveRequests } from "./runtime-messaging.ts";

type Listener = (message: unknown, sender: { id?: string; url?: string }) => unknown;

// The polyfill refuses to load outside an extension: a stand-in with this add-on's identity and
// the two message events, whose listeners the tests call as Thunderbird would.
const runtime = vi.hoisted(() => {
  const events = { message: new Set<Listener>(), external: new Set<Listener>() };
  const event = (set: Set<Listener>) => ({ addListener: (l: Listener) => set.add(l), removeListener: (l: Listener) => set.delete(l) });
  return {
    events,
    browser: {
      runtime: {
        id: "bluemind-address-books@bluemind-tb",
        getURL: (file: string) => `moz-extension://6f2c1d3e-0a4b-4c5d-8e9f-0a1b2c3d4e5f/${file}`,
        onMessage: event(events.message),
        onMessageExternal: event(events.external),
      },
    },
  };
});
vi.mock("webextension-polyfill", () => ({ default: runtime.browser }));

const OWN = { id: runtime.browser.runtime.id, baseUrl: runtime.browser.runtime.getURL("") };
const OPTIONS_PAGE = { id: OWN.id, url: runtime.browser.runtime.getURL("options.html") };
const BACKGROUND_PAGE = { id: OWN.id, url: runtime.browser.runtime.getURL("_generated_background_page.html") };
const OTHER_EXTENSION = { id: "probe@bluemind-tb.test", url: "moz-extension://0a0a0a0a-1b1b-2c2c-3d3d-4e4e4e4e4e4e/background.html" };
/** A content script of this add-on runs in a web page: its id is ours, its URL the page's. */
const WEB_PAGE = { id: OWN.id, url: "https://evil.example.com/moz-extension://6f2c1d3e-0a4b-4c5d-8e9f-0a1b2c3d4e5f/" };

function deliver(set: Set<Listener>, message: unknown, sender: { id?: string; url?: string }): unknown[] {
  return [...set].map((listener) => listener(message, sender));
}

describe("isOwnPage", () => {
  it("accepts this add-on's own pages", () => {
    expect(isOwnPage(OPTIONS_PAGE, OWN)).toBe(true);
    expect(isOwnPage(BACKGROUND_PAGE, OWN)).toBe(true);
  });

  it("refuses another extension, a web page (a content script), a forged id and a sender without URL", () => {
    expect(isOwnPage(OTHER_EXTENSION, OWN)).toBe(false);
    expect(isOwnPage(WEB_PAGE, OWN)).toBe(false);
    expect(isOwnPage({ id: "other@example.com", url: OPTIONS_PAGE.url }, OWN)).toBe(false);
    expect(isOwnPage({ id: OWN.id }, OWN)).toBe(false);
    expect(isOwnPage({}, OWN)).toBe(false);
  });
});

describe("serveRequests: the options page's door", () => {
  it("answers the add-on's own page and nobody else", async () => {
    const handled: Request[] = [];
    const stop = serveRequests(async (request) => {
      handled.push(request);
      return { ok: true, value: "state" };
    });
    try {
      const [own] = deliver(runtime.events.message, { type: "getState" }, OPTIONS_PAGE);
      expect(await own).toEqual({ ok: true, value: "state" });
      for (const sender of [OTHER_EXTENSION, WEB_PAGE, { id: OWN.id }]) {
        expect(deliver(runtime.events.message, { type: "getState" }, sender)).toEqual([undefined]);
        expect(deliver(runtime.events.message, { type: "signOut", removeLocalBooks: true }, sender)).toEqual([undefined]);
      }
      expect(deliver(runtime.events.message, { type: "nonsense" }, OPTIONS_PAGE)).toEqual([undefined]);
      expect(handled).toEqual([{ type: "getState" }]);
    } finally {
      stop();
    }
  });
});

describe("serveExternalRequests: other extensions' door", () => {
  it("passes getState and syncNow with the sender's id, and nothing that changes the account, a setting or a subscription", async () => {
    const seen: [Request["type"], string][] = [];
    const stop = serveExternalRequests(async (request, senderId): Promise<Answer<unknown>> => {
      seen.push([request.type, senderId]);
      return { ok: true, value: null };
    });
    try {
      deliver(runtime.events.external, { type: "getState" }, OTHER_EXTENSION);
      deliver(runtime.events.external, { type: "syncNow" }, OTHER_EXTENSION);
      for (const message of [
        { type: "signIn", serverUrl: "https://bm.example.com", login: "a@b", password: "x" },
        { type: "signOut", removeLocalBooks: true },
        { type: "setSync", containerUid: "book:x", sync: false },
        { type: "saveSettings", syncIntervalMinutes: 1 },
        { type: "status" },
      ]) {
        expect(deliver(runtime.events.external, message, OTHER_EXTENSION)).toEqual([undefined]);
      }
      // A sender without an id (a web page through an externally_connectable hole) is not answered.
      expect(deliver(runtime.events.external, { type: "getState" }, { url: "https://evil.example.com/" })).toEqual([undefined]);
      expect(seen).toEqual([
        ["getState", OTHER_EXTENSION.id],
        ["syncNow", OTHER_EXTENSION.id],
      ]);
    } finally {
      stop();
    }
  });

  it("isExternalRequest refuses what is not a request", () => {
    for (const message of [null, undefined, "getState", 42, {}, { type: 1 }, { type: "status" }]) expect(isExternalRequest(message)).toBe(false);
  });
});

describe("onStatusPush", () => {
  it("listens to the background only", () => {
    const heard: unknown[] = [];
    const stop = onStatusPush((push) => heard.push(push.status.syncing));
    try {
      const push = { type: "status", status: { account: { status: "disconnected", serverUrl: null, login: null, displayName: null, userUid: null, domainUid: null, message: null, lastContact: null }, books: [], syncing: true, lastSyncStarted: null, lastSyncEnded: null, activity: [] } };
      deliver(runtime.events.message, push, OTHER_EXTENSION);
      deliver(runtime.events.message, push, WEB_PAGE);
      deliver(runtime.events.message, push, BACKGROUND_PAGE);
      expect(heard).toEqual([true]);
    } finally {
      stop();
    }
  });
});

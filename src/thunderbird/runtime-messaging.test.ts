import { describe, expect, it, vi } from "vitest";
import { isExternalRequest } from "./runtime-messaging.ts";

// The polyfill refuses to load outside an extension; the request filter never reaches it.
vi.mock("webextension-polyfill", () => ({ default: {} }));

describe("requests accepted from other extensions", () => {
  it("accepts reading the state and asking for a sync", () => {
    expect(isExternalRequest({ type: "getState" })).toBe(true);
    expect(isExternalRequest({ type: "syncNow" })).toBe(true);
  });

  it("refuses everything that changes the account, a setting or a subscription", () => {
    for (const message of [
      { type: "signIn", serverUrl: "https://bm.example.com", login: "a@b", password: "x" },
      { type: "signOut", removeLocalBooks: true },
      { type: "setSync", containerUid: "book:x", sync: false },
      { type: "saveSettings", syncIntervalMinutes: 1 },
      { type: "status" },
    ]) {
      expect(isExternalRequest(message)).toBe(false);
    }
  });

  it("refuses what is not a request", () => {
    for (const message of [null, undefined, "getState", 42, {}, { type: 1 }]) expect(isExternalRequest(message)).toBe(false);
  });
});

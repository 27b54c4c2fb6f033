import { describe, expect, it } from "vitest";
import { DEFAULT_DELETION_LIMITS, DEFAULT_SYNC_INTERVAL_MINUTES, deletionLimits, parseManagedSettings, parseUserSettings, resolveSettings } from "./settings.ts";

describe("resolveSettings", () => {
  it("uses the user's values and defaults when nothing is managed", () => {
    const s = resolveSettings({}, { serverUrl: "https://bm.example.com", login: "jdoe@example.com" });
    expect(s).toEqual({
      serverUrl: "https://bm.example.com",
      login: "jdoe@example.com",
      apiKey: null,
      syncIntervalMinutes: DEFAULT_SYNC_INTERVAL_MINUTES,
      publishLocalBooks: true,
      autocompleteOff: [],
      managed: [],
    });
  });

  it("keeps the books the user kept out of autocompletion", () => {
    expect(resolveSettings({}, { autocompleteOff: ["addressbook_example.com"] }).autocompleteOff).toEqual(["addressbook_example.com"]);
  });

  it("lets the policy win and lists the managed fields", () => {
    const s = resolveSettings(
      { serverUrl: " https://bm.corp ", login: "a@corp", apiKey: "sid", syncIntervalMinutes: 15 },
      { serverUrl: "https://other", login: "b@corp", apiKey: "mine", syncIntervalMinutes: 2, publishLocalBooks: false },
    );
    expect(s.serverUrl).toBe("https://bm.corp");
    expect(s.login).toBe("a@corp");
    expect(s.apiKey).toBe("sid");
    expect(s.syncIntervalMinutes).toBe(15);
    expect(s.publishLocalBooks).toBe(false);
    expect(s.managed).toEqual(["serverUrl", "login", "apiKey", "syncIntervalMinutes"]);
  });

  it("clamps intervals and ignores empty managed strings", () => {
    expect(resolveSettings({ syncIntervalMinutes: 0 }, {}).syncIntervalMinutes).toBe(1);
    expect(resolveSettings({}, { syncIntervalMinutes: 99999 }).syncIntervalMinutes).toBe(1440);
    const s = resolveSettings({ serverUrl: "" }, { serverUrl: "https://bm" });
    expect(s.serverUrl).toBe("https://bm");
    expect(s.managed).toEqual([]);
  });
});

describe("parseUserSettings", () => {
  it("keeps every field of the right type", () => {
    const stored = { serverUrl: "https://bm.example.com", login: null, apiKey: "sid", syncIntervalMinutes: 15, publishLocalBooks: false, autocompleteOff: ["addressbook_example.com"] };
    expect(parseUserSettings(stored)).toEqual(stored);
    const marked = { apiKey: null, pendingKeyDeletion: { serverUrl: "https://bm.example.com", login: "a@b", apiKey: "old-sid" } };
    expect(parseUserSettings(marked)).toEqual(marked);
    expect(parseUserSettings({ pendingKeyDeletion: null })).toEqual({ pendingKeyDeletion: null });
    expect(parseUserSettings({ pendingKeyDeletion: { serverUrl: "https://bm.example.com", login: "a@b" } })).toEqual({});
  });

  it("leaves out fields of the wrong type and anything that is not an object", () => {
    expect(parseUserSettings({ serverUrl: 42, login: "a@b", apiKey: {}, syncIntervalMinutes: "5", publishLocalBooks: "yes", other: 1 })).toEqual({ login: "a@b" });
    expect(parseUserSettings({ syncIntervalMinutes: Number.NaN })).toEqual({});
    expect(parseUserSettings({ autocompleteOff: "addressbook_example.com" })).toEqual({});
    expect(parseUserSettings({ autocompleteOff: ["a", 3, "", "a", null, "b"] })).toEqual({ autocompleteOff: ["a", "b"] });
    for (const value of [undefined, null, "settings", [], 3]) expect(parseUserSettings(value)).toEqual({});
  });
});

describe("parseManagedSettings", () => {
  it("keeps the policy's strings and interval, nothing else", () => {
    expect(parseManagedSettings({ serverUrl: "https://bm.corp", login: "a@corp", apiKey: "sid", syncIntervalMinutes: 10, publishLocalBooks: false })).toEqual({
      serverUrl: "https://bm.corp",
      login: "a@corp",
      apiKey: "sid",
      syncIntervalMinutes: 10,
    });
    expect(parseManagedSettings({ serverUrl: null, login: 7, syncIntervalMinutes: "10" })).toEqual({});
    expect(parseManagedSettings(undefined)).toEqual({});
  });

  it("keeps the companion extensions' ids, dropping entries that are not ids", () => {
    expect(parseManagedSettings({ companionExtensions: ["probe@bluemind-tb.test", " other@example.com ", "", 7, null] })).toEqual({
      companionExtensions: ["probe@bluemind-tb.test", "other@example.com"],
    });
    expect(parseManagedSettings({ companionExtensions: "probe@bluemind-tb.test" })).toEqual({});
  });
});

describe("deletionLimits", () => {
  it("takes the policy's usable values and the defaults for the rest", () => {
    expect(deletionLimits({})).toEqual(DEFAULT_DELETION_LIMITS);
    expect(deletionLimits(parseManagedSettings({ massDeletionPercent: 80, massDeletionMinContacts: 0, massDeletionMaxContacts: 2000 }))).toEqual({ minBook: 0, maxShare: 0.8, maxCount: 2000 });
    // Out of range or of the wrong type: ignored, never a guard that trips on everything.
    expect(deletionLimits(parseManagedSettings({ massDeletionPercent: 0, massDeletionMinContacts: -3, massDeletionMaxContacts: "9" }))).toEqual(DEFAULT_DELETION_LIMITS);
    expect(deletionLimits(parseManagedSettings({ massDeletionPercent: 150, massDeletionMaxContacts: 0 }))).toEqual(DEFAULT_DELETION_LIMITS);
  });
});

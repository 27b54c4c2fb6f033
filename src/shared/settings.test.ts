import { describe, expect, it } from "vitest";
import { DEFAULT_SYNC_INTERVAL_MINUTES, resolveSettings } from "./settings.ts";

describe("resolveSettings", () => {
  it("uses the user's values and defaults when nothing is managed", () => {
    const s = resolveSettings({}, { serverUrl: "https://bm.example.com", login: "jdoe@example.com" });
    expect(s).toEqual({
      serverUrl: "https://bm.example.com",
      login: "jdoe@example.com",
      apiKey: null,
      syncIntervalMinutes: DEFAULT_SYNC_INTERVAL_MINUTES,
      publishLocalBooks: true,
      managed: [],
    });
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

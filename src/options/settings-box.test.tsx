// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { parseInterval } from "./settings-box.tsx";
import { CONNECTED, FakeBackend, account, alertText, buttonNamed, byLabel, click, commit, renderPage, settings, snapshot, unmount } from "../../test/support/options-testkit.tsx";
import { text } from "../shared/user-text.ts";

let root: HTMLElement | null = null;
afterEach(() => {
  if (root) unmount(root);
  root = null;
});

function connected(change: Parameters<typeof settings>[0] = {}): FakeBackend {
  return new FakeBackend({ status: snapshot({ account: account(CONNECTED) }), settings: settings(change) });
}

describe("synchronization settings", () => {
  it("Sync now asks the background, and is disabled while a sync runs or without a connection; Stop shows while one runs", async () => {
    const backend = connected();
    root = await renderPage(backend);
    expect(root.querySelector(".sync-summary")?.textContent).toBe("Not synchronized yet");
    await click(buttonNamed(root, "Sync now"));
    expect(backend.requests.at(-1)).toEqual({ type: "syncNow" });

    expect(buttonNamed(root, "Stop")).toBeFalsy();
    await backend.push({ syncing: true });
    expect(buttonNamed(root, "Sync now")?.disabled).toBe(true);
    await click(buttonNamed(root, "Stop"));
    expect(backend.requests.at(-1)).toEqual({ type: "stopSync" });
    expect(root.querySelector('.sync-summary[role="status"]')?.textContent).toBe("Synchronizing…");
    await backend.push({ syncing: false, lastSyncEnded: Date.now() });
    expect(root.querySelector(".sync-summary")?.textContent).toMatch(/^Last synchronized: \d/);
    await backend.push({ account: account({ ...CONNECTED, status: "error" }) });
    expect(buttonNamed(root, "Sync now")?.disabled).toBe(true);
  });

  it("saves a valid interval and refuses anything outside 1–1440 whole minutes", async () => {
    const backend = connected();
    backend.reply = (request) => {
      if (request.type !== "saveSettings") return undefined;
      backend.state = { ...backend.state, settings: { ...backend.state.settings, syncIntervalMinutes: request.syncIntervalMinutes ?? 5 } };
      return { ok: true, value: backend.state };
    };
    root = await renderPage(backend);
    const input = byLabel(root, "Synchronize every");
    expect(input.value).toBe("5");
    await commit(input, "30");
    expect(backend.requests.at(-1)).toEqual({ type: "saveSettings", syncIntervalMinutes: 30 });
    expect(root.querySelector(".feedback")?.textContent).toBe("Saved");

    for (const bad of ["0", "1441", "2.5", "abc", ""]) {
      await commit(input, bad);
      expect(input.getAttribute("aria-invalid")).toBe("true");
      expect(root.querySelector(".feedback")?.textContent).toBe("Enter a whole number of minutes from 1 to 1440.");
    }
    expect(backend.requests.filter((r) => r.type === "saveSettings")).toHaveLength(1);
  });

  it("an interval set by the administrator is read-only and says so", async () => {
    const backend = connected({ syncIntervalMinutes: 60, managed: ["syncIntervalMinutes"] });
    root = await renderPage(backend);
    const input = byLabel(root, "Synchronize every");
    expect(input.value).toBe("60");
    expect(input.readOnly).toBe(true);
    expect(document.getElementById(input.getAttribute("aria-describedby")!)?.textContent).toContain("Set by your administrator");
    await commit(input, "10");
    expect(backend.requests.filter((r) => r.type === "saveSettings")).toEqual([]);
  });

  it("publishing books created in Thunderbird is on by default and saved when switched; a refusal puts it back", async () => {
    const backend = connected();
    root = await renderPage(backend);
    const publish = byLabel(root, "Publish address books created in Thunderbird");
    expect(publish.getAttribute("role")).toBe("switch");
    expect(publish.checked).toBe(true);
    await click(publish);
    expect(backend.requests.at(-1)).toEqual({ type: "saveSettings", publishLocalBooks: false });

    backend.reply = () => ({ ok: false, error: text("errorDetail", "storage is full") });
    await click(publish);
    expect(publish.checked).toBe(true);
    expect(alertText(root)).toContain("storage is full");
  });

  it("parseInterval accepts whole minutes in range only", () => {
    expect([parseInterval("1"), parseInterval(" 1440 "), parseInterval("0"), parseInterval("-5"), parseInterval("1e2"), parseInterval("")]).toEqual([1, 1440, null, null, null, null]);
  });
});

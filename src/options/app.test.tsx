// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { ACTIVITY_LIMIT, type ActivityEntry } from "../shared/status.ts";
import { CONNECTED, FakeBackend, MESSAGES, account, alertText, book, renderPage, rowOf, settings, snapshot, switchFor, translatorFor, unmount } from "../../test/support/options-testkit.tsx";
import { legacyText, text } from "../shared/user-text.ts";

let root: HTMLElement | null = null;
afterEach(() => {
  if (root) unmount(root);
  root = null;
});

describe("options page", () => {
  it("says so when the background cannot be reached", async () => {
    const backend = new FakeBackend({ status: snapshot(), settings: settings() });
    backend.reply = () => ({ ok: false, error: text("errorDetail", "Could not establish connection. Receiving end does not exist.") });
    root = await renderPage(backend);
    expect(alertText(root)).toBe("The add-on did not answer: Could not establish connection. Receiving end does not exist.");
    expect(root.querySelector("form")).toBeNull();
  });

  it("shows the activity log newest first, at most the last 200 events", async () => {
    const activity: ActivityEntry[] = Array.from({ length: ACTIVITY_LIMIT + 20 }, (_, i) => ({ at: Date.now() - 1_000_000 + i * 1000, level: i % 7 === 0 ? "error" : "info", message: legacyText(`event ${i}`) }));
    root = await renderPage(new FakeBackend({ status: snapshot({ account: account(CONNECTED), activity }), settings: settings() }));
    const items = [...root.querySelectorAll(".activity li")];
    expect(items).toHaveLength(ACTIVITY_LIMIT);
    expect(items[0]?.querySelector(".activity-message")?.textContent).toBe(`event ${ACTIVITY_LIMIT + 19}`);
    expect(items.at(-1)?.querySelector(".activity-message")?.textContent).toBe("event 20");
    expect(root.querySelector(".activity-error .activity-level")?.textContent).toBe("Error");
  });

  it("follows Thunderbird's language: French strings and number formats", async () => {
    const backend = new FakeBackend(
      {
        status: snapshot({
          account: account(CONNECTED),
          books: [book({ containerUid: "clients", name: "Clients (Paul Martin)", ownerDisplayName: "Paul Martin", ownedByUser: false, itemCount: 1500, sync: false, state: "search-only" })],
        }),
        settings: settings(),
      },
      "fr",
    );
    root = await renderPage(backend);
    const headings = [...root.querySelectorAll("h2")].map((h) => h.textContent);
    expect(headings).toEqual(["Compte BlueMind", "Synchronisation", "Mes carnets d'adresses", "Autres carnets d'adresses", "Activité"]);
    expect(rowOf(root, "clients").querySelector(".book-count")?.textContent).toMatch(/^1\s500 contacts$/);
    expect(switchFor(root, "Synchroniser Clients")).toBeTruthy();
  });

  it("every key used by the page exists in both languages with the same placeholders", () => {
    const en = MESSAGES.en;
    const fr = MESSAGES.fr;
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en)) {
      expect(Object.keys(fr[key]?.placeholders ?? {}), key).toEqual(Object.keys(en[key]?.placeholders ?? {}));
    }
    expect(translatorFor(en)("statusSyncing", "3", "9")).toBe("Synchronizing 3 / 9");
  });
});

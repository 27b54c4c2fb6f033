import { afterEach, describe, expect, it, vi } from "vitest";
import { createMessengerThunderbird } from "./messenger.ts";
import { text } from "../shared/user-text.ts";
import { MESSAGES, translatorFor } from "../../test/support/options-testkit.tsx";

// The polyfill refuses to load outside an extension: a stand-in holding only what a test gives it
// (book creation and deletion never reach it).
const polyfill = vi.hoisted((): Record<string, unknown> => ({}));
vi.mock("webextension-polyfill", () => ({ default: polyfill }));

/** Just enough of `messenger` for book creation and deletion, recording the calls in order. */
function stubMessenger(options: { listFails?: boolean } = {}): string[] {
  const calls: string[] = [];
  vi.stubGlobal("messenger", {
    addressBooks: {
      provider: { onSearchRequest: { addListener: () => undefined, removeListener: () => undefined } },
      create: async ({ name }: { name: string }) => {
        calls.push(`create ${name}`);
        return "book-1";
      },
      delete: async (id: string) => {
        calls.push(`delete ${id}`);
      },
    },
    contacts: {
      list: async (id: string) => {
        calls.push(`list ${id}`);
        if (options.listFails) throw new Error("addressBook with id=book-1 could not be found.");
        return [];
      },
    },
  });
  return calls;
}

describe("address books through the real messenger API", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("loads a new book's contact list at once, so Thunderbird forgets its contacts when the book is deleted", async () => {
    const calls = stubMessenger();
    const id = await createMessengerThunderbird().addressBooks.createBook("Team");
    expect(id).toBe("book-1");
    expect(calls).toEqual(["create Team", "list book-1"]);
  });

  it("loads a book's contact list before deleting it", async () => {
    const calls = stubMessenger();
    await createMessengerThunderbird().addressBooks.deleteBook("book-1");
    expect(calls).toEqual(["list book-1", "delete book-1"]);
  });

  it("still deletes the book when the listing fails", async () => {
    const calls = stubMessenger({ listFails: true });
    await createMessengerThunderbird().addressBooks.deleteBook("book-1");
    expect(calls).toEqual(["list book-1", "delete book-1"]);
  });
});

describe("notifications", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("are shown in Thunderbird's language, nested texts and BlueMind's values included", async () => {
    stubMessenger();
    const shown: { title: string; message: string }[] = [];
    const french = translatorFor(MESSAGES.fr);
    Object.assign(polyfill, {
      runtime: { getURL: (file: string) => `moz-extension://x/${file}` },
      // As Thunderbird's i18n.getMessage: the UI language's catalogue, "" for an unknown key.
      i18n: { getMessage: (key: string, substitutions: string[] = []) => (key in MESSAGES.fr ? french(key as never, ...substitutions) : "") },
      notifications: { create: async (options: { title: string; message: string }) => void shown.push({ title: options.title, message: options.message }) },
    });
    await createMessengerThunderbird().notifications.notify(text("notifyReadOnlyChange", "Clients (Paul Martin)", text("whatList", "Équipe")));
    expect(shown).toEqual([{ title: "Carnets d'adresses BlueMind", message: "« Clients (Paul Martin) » est en lecture seule sur BlueMind : votre modification de la liste « Équipe » a été annulée." }]);
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { createMessengerThunderbird } from "./messenger.ts";

// The polyfill refuses to load outside an extension; book creation and deletion never reach it.
vi.mock("webextension-polyfill", () => ({ default: {} }));

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

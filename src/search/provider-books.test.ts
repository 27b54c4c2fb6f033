import { describe, expect, it } from "vitest";
import type { RemoteBook } from "../books/remote-books.ts";
import { InMemoryThunderbird } from "../../test/unit/in-memory-thunderbird.ts";
import type { SearchProviderApi } from "../thunderbird/types.ts";
import { providerBookId } from "./book-id.ts";
import type { ActivityLevel } from "../shared/status.ts";
import { PROVIDER_BOOKS_KEY, ProviderBooks, desiredProviderBooks, planProviderBooks } from "./provider-books.ts";
import type { ProviderBookSpec } from "./provider-books.ts";
import { FakeSearchServer, person } from "../../test/support/search-server.ts";
import { inEnglish } from "../shared/user-text.ts";

function remote(containerUid: string, displayName: string, sync: boolean): RemoteBook {
  return {
    containerUid,
    serverName: displayName,
    displayName,
    ownerUid: "owner",
    ownerDisplayName: "Owner",
    ownedByUser: false,
    isDomainDirectory: containerUid.startsWith("addressbook_"),
    sync,
    readOnly: true,
    internalId: 1,
  };
}

const DIRECTORY = remote("addressbook_example.com", "Directory", false);
const SHARED = remote("book:Contacts_u-bob", "Contacts (Bob Martin)", false);
const MINE = remote("book:Contacts_u-jdoe", "My contacts", true);

function spec(book: RemoteBook): ProviderBookSpec {
  return { id: providerBookId(book.containerUid), containerUid: book.containerUid, name: book.displayName };
}

function setUp(tb = new InMemoryThunderbird(), providers: SearchProviderApi = tb.searchProviders) {
  const logs: { level: ActivityLevel; message: string }[] = [];
  const server = new FakeSearchServer([person({ uid: "zq", given: "Zéphyrin", family: "Quercy", emails: ["zq@dir.test"] })]);
  const books = new ProviderBooks({
    providers,
    store: tb.localStore,
    server: () => server,
    canQuery: () => true,
    log: (level, message) => logs.push({ level, message: inEnglish(message) }),
  });
  return { tb, books, logs, server };
}

async function remoteBookIds(tb: InMemoryThunderbird): Promise<string[]> {
  return (await tb.addressBooks.listBooks()).filter((b) => b.remote).map((b) => b.id).sort();
}

describe("desiredProviderBooks / planProviderBooks", () => {
  it("wants one provider book per unsynced subscription", () => {
    expect(desiredProviderBooks([DIRECTORY, SHARED, MINE])).toEqual([spec(DIRECTORY), spec(SHARED)]);
  });

  it("registers new books and unregisters synced or gone ones", () => {
    expect(planProviderBooks([spec(DIRECTORY)], [spec(SHARED)])).toEqual({ unregister: [spec(DIRECTORY).id], register: [spec(SHARED)] });
  });

  it("re-registers a renamed book under the same id, and leaves unchanged ones alone", () => {
    const renamed = { ...spec(DIRECTORY), name: "Annuaire" };
    expect(planProviderBooks([spec(DIRECTORY), spec(SHARED)], [renamed, spec(SHARED)])).toEqual({ unregister: [renamed.id], register: [renamed] });
    expect(planProviderBooks([spec(SHARED)], [spec(SHARED)])).toEqual({ unregister: [], register: [] });
  });
});

describe("ProviderBooks", () => {
  it("registers the unsynced books under stable ids and names, as globe books", async () => {
    const { tb, books } = setUp();
    await books.reconcile([DIRECTORY, SHARED, MINE]);
    const listed = (await tb.addressBooks.listBooks()).filter((b) => b.remote);
    expect(listed.map((b) => [b.id, b.name, b.readOnly]).sort()).toEqual(
      [
        [spec(DIRECTORY).id, "Directory", true],
        [spec(SHARED).id, "Contacts (Bob Martin)", true],
      ].sort(),
    );
  });

  it("stores the list and registers it again at the next start, before any network", async () => {
    const first = setUp();
    await first.books.reconcile([DIRECTORY, SHARED, MINE]);
    expect(first.tb.storeSnapshot()[PROVIDER_BOOKS_KEY]).toEqual({
      version: 1,
      books: [
        { containerUid: DIRECTORY.containerUid, name: "Directory" },
        { containerUid: SHARED.containerUid, name: "Contacts (Bob Martin)" },
      ],
    });
    const restarted = new InMemoryThunderbird();
    await restarted.localStore.set(PROVIDER_BOOKS_KEY, first.tb.storeSnapshot()[PROVIDER_BOOKS_KEY]);
    const second = setUp(restarted);
    await second.books.restore();
    expect(await remoteBookIds(restarted)).toEqual(await remoteBookIds(first.tb));
    const found = await restarted.quickSearch("quercy", { parentId: spec(DIRECTORY).id });
    expect(found).toHaveLength(1);
  });

  it("unregisters a book whose sync turned on or whose subscription went away", async () => {
    const { tb, books } = setUp();
    await books.reconcile([DIRECTORY, SHARED]);
    await books.reconcile([{ ...DIRECTORY, sync: true }]);
    expect(await remoteBookIds(tb)).toEqual([]);
    await books.reconcile([DIRECTORY]);
    expect(await remoteBookIds(tb)).toEqual([spec(DIRECTORY).id]);
  });

  it("renames by registering again, keeping the id and the search's memory", async () => {
    const { tb, books, server } = setUp();
    await books.reconcile([DIRECTORY]);
    await tb.quickSearch("quercy");
    await books.reconcile([{ ...DIRECTORY, displayName: "Annuaire" }]);
    const listed = (await tb.addressBooks.listBooks()).filter((b) => b.remote);
    expect(listed.map((b) => [b.id, b.name])).toEqual([[spec(DIRECTORY).id, "Annuaire"]]);
    expect(await tb.quickSearch("quercy")).toHaveLength(1);
    expect(server.searches).toBe(1);
  });

  it("never registers an id twice, whatever the order of restore and reconcile", async () => {
    const tb = new InMemoryThunderbird();
    await tb.localStore.set(PROVIDER_BOOKS_KEY, { version: 1, books: [{ containerUid: DIRECTORY.containerUid, name: "Old name" }] });
    const { books, logs } = setUp(tb);
    await Promise.all([books.reconcile([DIRECTORY]), books.restore(), books.reconcile([DIRECTORY, SHARED])]);
    expect(logs.filter((l) => l.level === "error")).toEqual([]);
    expect(books.list().map((b) => b.name).sort()).toEqual(["Contacts (Bob Martin)", "Directory"]);
    expect(await remoteBookIds(tb)).toHaveLength(2);
  });

  it("logs a registration Thunderbird refuses and tries again at the next reconcile", async () => {
    const tb = new InMemoryThunderbird();
    let refuse = true;
    const providers: SearchProviderApi = {
      register: (id, name, handler) => {
        if (refuse) throw new Error(`addressBook with id=${id} already exists.`);
        return tb.searchProviders.register(id, name, handler);
      },
    };
    const { books, logs } = setUp(tb, providers);
    await books.reconcile([DIRECTORY]);
    expect(logs.some((l) => l.level === "error" && l.message.includes("already exists"))).toBe(true);
    expect(books.list()).toEqual([]);
    refuse = false;
    await books.reconcile([DIRECTORY]);
    expect(await remoteBookIds(tb)).toEqual([spec(DIRECTORY).id]);
  });

  it("ignores an unreadable stored list", async () => {
    const tb = new InMemoryThunderbird();
    await tb.localStore.set(PROVIDER_BOOKS_KEY, "garbage");
    const { books, logs } = setUp(tb);
    await books.restore();
    expect(books.list()).toEqual([]);
    expect(logs.some((l) => l.level === "warning")).toBe(true);
  });

  it("removes every book and forgets the list at sign-out", async () => {
    const { tb, books } = setUp();
    await books.reconcile([DIRECTORY, SHARED]);
    await books.removeAll();
    expect(await remoteBookIds(tb)).toEqual([]);
    expect(tb.storeSnapshot()[PROVIDER_BOOKS_KEY]).toBeUndefined();
  });
});

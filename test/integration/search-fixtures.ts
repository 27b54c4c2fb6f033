// Set-up shared by the search-only book integration tests: a fake BlueMind over real HTTP, an
// in-memory Thunderbird, and the provider books wired to a real BlueMind client as the
// background wires them.
import { BlueMindClient } from "../../src/bluemind/client.ts";
import type { VCard } from "../../src/bluemind/models.ts";
import { ProviderBooks, providerBookId } from "../../src/search/index.ts";
import type { ActivityLevel } from "../../src/shared/status.ts";
import type { SearchTuning } from "../../src/search/index.ts";
import { person } from "../support/search-server.ts";
import { fetchRemoteBooks } from "../../src/books/fetch-remote-books.ts";
import { startFakeBlueMind } from "../fake-bluemind/index.ts";
import type { FakeBlueMind } from "../fake-bluemind/index.ts";
import { InMemoryThunderbird } from "../unit/in-memory-thunderbird.ts";
import { inEnglish } from "../../src/shared/user-text.ts";

/** Someone who exists only in the (unsynced) domain directory of the "minimal" dataset. */
export const ZEPHYRIN = {
  uid: "zq-only-in-directory",
  card: person({
    uid: "zq-only-in-directory",
    given: "Zéphyrin",
    family: "Quercy",
    emails: ["zq.unique@example.com", "zephyrin@home.example"],
    company: "Xylophone SA",
    title: "Chief Tuner",
    tel: "+33 5 61 00 00 00",
  }).value as VCard,
};

export interface SearchWorld {
  fake: FakeBlueMind;
  tb: InMemoryThunderbird;
  client: BlueMindClient;
  books: ProviderBooks;
  user: { uid: string; login: string };
  directoryUid: string;
  directoryBookId: string;
  logs: { level: ActivityLevel; message: string }[];
  online: { value: boolean };
  /** Container uids whose search-only book the user kept out of autocompletion. */
  autocompleteOff: Set<string>;
  /** Lists the subscriptions on the server and reconciles the provider books with them. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export async function searchWorld(options: { dataset?: string; tuning?: Partial<SearchTuning>; tb?: InMemoryThunderbird } = {}): Promise<SearchWorld> {
  const fake = await startFakeBlueMind({ dataset: options.dataset ?? "minimal" });
  const info = fake.control.datasetInfo();
  const user = info.users[0];
  const sid = user ? info.apiKeys[user.login] : undefined;
  if (!user || !sid) throw new Error("the dataset has no user with an API key");
  const directoryUid = `addressbook_${info.domain}`;
  fake.control.createCard(directoryUid, ZEPHYRIN.uid, ZEPHYRIN.card);
  const client = new BlueMindClient({
    baseUrl: fake.url,
    origin: "search-tests",
    credential: { kind: "apiKey", login: user.login, sid },
    // Back-off between retries is the transport's business; keep the tests' clock real but short.
    retry: { baseDelayMs: 50, maxDelayMs: 200 },
  });
  const tb = options.tb ?? new InMemoryThunderbird();
  const logs: SearchWorld["logs"] = [];
  const online = { value: true };
  const autocompleteOff = new Set<string>();
  const books = new ProviderBooks({
    providers: tb.searchProviders,
    store: tb.localStore,
    server: (containerUid) => client.addressBook(containerUid),
    canQuery: () => online.value,
    useInAutocomplete: (containerUid) => !autocompleteOff.has(containerUid),
    tuning: options.tuning,
    log: (level, message) => logs.push({ level, message: inEnglish(message) }),
  });
  return {
    fake,
    tb,
    client,
    books,
    user: { uid: user.uid, login: user.login },
    directoryUid,
    directoryBookId: providerBookId(directoryUid),
    logs,
    online,
    autocompleteOff,
    async sync() {
      await books.reconcile(await fetchRemoteBooks(client, user.uid));
    },
    close: () => fake.close(),
  };
}

/** /api requests to a book's search endpoints since `from` (an index in the request log). */
export function searchRequests(fake: FakeBlueMind, from = 0): string[] {
  return fake.requests
    .slice(from)
    .map((r) => `${r.method} ${r.path.split("?")[0] ?? ""}`)
    .filter((line) => /\/_search$|\/_mget$/.test(line));
}

export function fnOf(vCard: string): string {
  return /^FN:(.*)$/m.exec(vCard)?.[1] ?? "?";
}

// Shared set-up of the BlueMind client integration tests: a fresh fake BlueMind per test (its
// "minimal" dataset, see /test/fake-bluemind) and clients that do not really wait between retries.
import { afterEach, beforeEach } from "vitest";
import { BlueMindClient } from "../../src/bluemind/client.ts";
import type { BlueMindClientOptions } from "../../src/bluemind/client.ts";
import type { RetryInfo } from "../../src/bluemind/transport.ts";
import { apiPath } from "../../src/bluemind/url.ts";
import { startFakeBlueMind } from "../fake-bluemind/index.ts";
import { rejectionOf } from "../support/bluemind-failure.ts";

export type Fake = Awaited<ReturnType<typeof startFakeBlueMind>>;

export const JANE = { login: "jdoe@example.com", password: "secret", uid: "u-jdoe", displayName: "Jane Doe" };
export const BOB = { login: "bob@example.com", password: "secret", uid: "u-bob", displayName: "Bob Martin" };
export const NO_TBIRD = { login: "notb@example.com", password: "secret" };
export const DOMAIN = "example.com";

export const BOOKS = {
  janeContacts: "book:Contacts_u-jdoe",
  janeCollected: "book:CollectedContacts_u-jdoe",
  directory: "addressbook_example.com",
  bobContacts: "book:Contacts_u-bob",
} as const;

export interface TestClient {
  client: BlueMindClient;
  /** Every retry the transport decided to make. */
  retries: RetryInfo[];
}

/** Starts a fresh fake BlueMind before each test of the calling file and stops it after. */
export function useFakeBlueMind(): { readonly fake: Fake } {
  const holder: { fake: Fake | null } = { fake: null };
  beforeEach(async () => {
    holder.fake = await startFakeBlueMind();
  });
  afterEach(async () => {
    await holder.fake?.close();
    holder.fake = null;
  });
  return {
    get fake(): Fake {
      if (holder.fake === null) throw new Error("the fake BlueMind is not running");
      return holder.fake;
    },
  };
}

export function clientFor(fake: Fake, options: Partial<BlueMindClientOptions> = {}): TestClient {
  const retries: RetryInfo[] = [];
  const client = new BlueMindClient({
    baseUrl: fake.url,
    origin: "bluemind-client-tests",
    credential: { kind: "password", login: JANE.login, password: JANE.password },
    sleep: async () => undefined,
    onRetry: (info) => retries.push(info),
    ...options,
  });
  return { client, retries };
}

/** Jane signed in with her password. */
export function jane(fake: Fake, options: Partial<BlueMindClientOptions> = {}): BlueMindClient {
  return clientFor(fake, options).client;
}

/** Jane with the API key of the dataset, used directly as X-BM-ApiKey. */
export function janeWithApiKey(fake: Fake, options: Partial<BlueMindClientOptions> = {}): BlueMindClient {
  const sid = fake.control.datasetInfo().apiKeys[JANE.login];
  if (sid === undefined) throw new Error("the dataset has no API key for Jane");
  return jane(fake, { credential: { kind: "apiKey", login: JANE.login, sid }, ...options });
}

/** GET _version of a book through the client's session: a cheap authenticated read for the tests
 * of sign-in and sessions (the add-on itself never reads a book's version). */
export function bookVersion(client: BlueMindClient, containerUid: string): Promise<number> {
  return client.session.call(
    { method: "GET", path: apiPath`/addressbooks/${containerUid}/_version`, response: "json", idempotent: true },
    (value) => Number(value),
  );
}

/** The requests the fake saw whose path (query left out) matches. */
export function requestsTo(fake: Fake, method: string, path: string | RegExp): { status: number; path: string }[] {
  return fake.requests.filter((r) => {
    const bare = r.path.split("?")[0] ?? "";
    return r.method === method && (typeof path === "string" ? bare === path : path.test(bare));
  });
}

/** The error a promise rejects with (fails the test if it resolves). */
export function rejection(promise: Promise<unknown>): Promise<Error> {
  return rejectionOf(promise, Error);
}

// Named datasets and the code that turns a DatasetSpec into state. Books are filled lazily
// (books.ts), so even "big" (30,000 cards) starts in milliseconds; its cards are generated on
// the first read of each book.
import type { ItemValue, VCard } from "../../src/bluemind/models.ts";
import { createBook, fillBook } from "./books.ts";
import { hashString, mulberry32 } from "./prng.ts";
import type { FakeState, User } from "./state.ts";
import type { DatasetSpec, UserSpec } from "./types.ts";

export const DATASET_NAMES = ["minimal", "demo", "big"] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

const TBIRD = ["hasTbird", "hasMail"];

/** Uid of Paul Martin's "Clients" book in the demo dataset (user-created books have UUIDs). */
export const DEMO_CLIENTS_BOOK = "4f7d2c1e-8a3b-4c5d-9e6f-0a1b2c3d4e5f";

export function datasetSpec(name: string): DatasetSpec {
  switch (name) {
    case "minimal":
      return {
        domain: "example.com",
        directory: { count: 20 },
        users: [
          { uid: "u-jdoe", login: "jdoe@example.com", password: "secret", displayName: "Jane Doe", lang: "en", roles: TBIRD, apiKey: true, contacts: 11, contactGroups: 1, collected: 3 },
          { uid: "u-bob", login: "bob@example.com", password: "secret", displayName: "Bob Martin", lang: "en", roles: TBIRD, contacts: 8, collected: 2 },
          { uid: "u-notb", login: "notb@example.com", password: "secret", displayName: "No Tbird", lang: "en", roles: ["hasMail"], contacts: 2 },
        ],
        shares: [{ bookUid: "book:Contacts_u-bob", subject: "u-jdoe", verbs: ["Read"], offlineSync: true }],
      };
    case "demo":
      return {
        domain: "example.fr",
        directory: { count: 2000 },
        users: [
          { uid: "u-jeanne", login: "jeanne.dupont@example.fr", password: "demo", displayName: "Jeanne Dupont", lang: "fr", roles: TBIRD, apiKey: true, contacts: 51, contactGroups: 1, collected: 10 },
          { uid: "u-paul", login: "paul.martin@example.fr", password: "demo", displayName: "Paul Martin", lang: "fr", roles: TBIRD, apiKey: true, contacts: 30, contactGroups: 1, collected: 5 },
        ],
        books: [
          {
            uid: DEMO_CLIENTS_BOOK,
            name: "Clients",
            owner: "u-paul",
            items: 1500,
            groups: 3,
            acl: { "u-jeanne": ["Read"] },
            subscribers: [
              { userUid: "u-paul", offlineSync: true },
              { userUid: "u-jeanne", offlineSync: true },
            ],
          },
        ],
      };
    case "big":
      return {
        domain: "example.com",
        directory: { count: 20_000 },
        users: [
          { uid: "u-jdoe", login: "jdoe@example.com", password: "secret", displayName: "Jane Doe", lang: "en", roles: TBIRD, apiKey: true, contacts: 10_000, contactGroups: 20, collected: 10 },
        ],
      };
    default:
      throw new Error(`unknown dataset "${name}" (known: ${DATASET_NAMES.join(", ")})`);
  }
}

function userOf(spec: UserSpec, domainUid: string): User {
  return {
    uid: spec.uid,
    login: spec.login,
    password: spec.password,
    displayName: spec.displayName,
    domainUid,
    email: spec.email ?? spec.login,
    lang: spec.lang ?? "en",
    roles: spec.roles ?? TBIRD,
    passwordExpired: spec.passwordExpired ?? false,
  };
}

/** The directory's own card for a user. */
function userCard(user: User): ItemValue<VCard> {
  const [given, ...rest] = user.displayName.split(" ");
  return {
    uid: user.uid,
    version: 0,
    value: {
      kind: "individual",
      identification: {
        formatedName: { value: user.displayName, parameters: [] },
        name: { givenNames: given ?? null, familyNames: rest.join(" ") || null, parameters: [] },
      },
      communications: { emails: [{ value: user.email, parameters: [{ label: "TYPE", value: "work" }, { label: "DEFAULT", value: "true" }] }] },
    },
  };
}

export interface BuiltDataset {
  domain: string;
  /** login → API key sid created at start-up. */
  apiKeys: Map<string, string>;
}

export function buildDataset(state: FakeState, spec: DatasetSpec, seed: number): BuiltDataset {
  const domain = spec.domain;
  state.domains.set(domain, { uid: domain });
  const apiKeys = new Map<string, string>();
  const fill = { seed, domain };

  for (const u of spec.users) {
    const user = userOf(u, domain);
    state.users.set(user.uid, user);
    const contacts = createBook(state, { uid: `book:Contacts_${user.uid}`, name: "", nameKey: "contacts", owner: user.uid, domainUid: domain, defaultContainer: true });
    const collected = createBook(state, { uid: `book:CollectedContacts_${user.uid}`, name: "", nameKey: "collected", owner: user.uid, domainUid: domain, defaultContainer: true });
    fillBook(state, contacts, u.contacts ?? 0, { ...fill, groups: u.contactGroups ?? 0 });
    fillBook(state, collected, u.collected ?? 0, fill);
    state.subscribe(user.uid, contacts.uid, true);
    state.subscribe(user.uid, collected.uid, true);
    if (u.apiKey) {
      const sid = typeof u.apiKey === "string" ? u.apiKey : mulberry32((seed ^ hashString(user.login)) >>> 0).uuid();
      state.apiKeys.set(sid, { sid, displayName: "dataset", userUid: user.uid, domainUid: domain });
      apiKeys.set(user.login, sid);
    }
  }

  if (spec.directory) {
    const uid = `addressbook_${domain}`;
    const directory = createBook(state, { uid, name: "", nameKey: "directory", owner: uid, domainUid: domain, defaultContainer: true });
    directory.acl.set(domain, ["Read"]);
    const people = [...state.users.values()].map(userCard);
    fillBook(state, directory, "items" in spec.directory ? [...people, ...spec.directory.items] : spec.directory.count, { ...fill, prepend: people });
    for (const user of state.users.values()) state.subscribe(user.uid, uid, false);
  }

  for (const b of spec.books ?? []) {
    const owner = state.users.get(b.owner);
    if (!owner) throw new Error(`book ${b.uid}: unknown owner ${b.owner}`);
    const book = createBook(state, { uid: b.uid, name: b.name, owner: owner.uid, domainUid: domain });
    for (const [subject, verbs] of Object.entries(b.acl ?? {})) book.acl.set(subject, verbs);
    fillBook(state, book, b.items ?? 0, { ...fill, groups: b.groups ?? 0 });
    for (const s of b.subscribers ?? []) state.subscribe(s.userUid, book.uid, s.offlineSync);
  }

  for (const share of spec.shares ?? []) {
    const book = state.books.get(share.bookUid);
    if (!book) throw new Error(`share: unknown book ${share.bookUid}`);
    book.acl.set(share.subject, share.verbs);
    if (share.offlineSync !== undefined) state.subscribe(share.subject, book.uid, share.offlineSync);
  }
  return { domain, apiKeys };
}

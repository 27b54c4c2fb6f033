// Test double of a book's search API for the unit tests of src/search: the fake BlueMind's own
// query engine (so queries are parsed and matched as the fake server does), in memory, with
// every call recorded and each call's timing and failure under the test's control.
import type { ItemValue, ListResult, VCard, VCardInfo, VCardQuery } from "../bluemind/models.ts";
import type { CallOptions } from "../bluemind/transport.ts";
import { createCard } from "../../test/fake-bluemind/card-store.ts";
import { generateCards } from "../../test/fake-bluemind/generator.ts";
import { runSearch } from "../../test/fake-bluemind/search.ts";
import { Book, FakeState } from "../../test/fake-bluemind/state.ts";
import { toVCardInfo } from "../../test/fake-bluemind/vcard-utils.ts";
import type { SearchServer } from "./book-search.ts";

export type ServerCall = { kind: "search"; query: VCardQuery; signal?: AbortSignal } | { kind: "mget"; uids: string[]; signal?: AbortSignal };

export interface PersonSpec {
  uid: string;
  given?: string;
  family?: string;
  /** Default: "<given> <family>". */
  name?: string;
  emails?: string[];
  company?: string;
  title?: string;
  tel?: string;
  kind?: VCard["kind"];
}

export function person(spec: PersonSpec): ItemValue<VCard> {
  const name = spec.name ?? [spec.given, spec.family].filter(Boolean).join(" ");
  const value: VCard = {
    kind: spec.kind ?? "individual",
    identification: {
      formatedName: { value: name, parameters: [] },
      name: { givenNames: spec.given ?? null, familyNames: spec.family ?? null, parameters: [] },
    },
    communications: {
      emails: (spec.emails ?? []).map((email, i) => ({
        value: email,
        parameters: i === 0 ? [{ label: "DEFAULT", value: "true" }] : [],
      })),
      tels: spec.tel ? [{ value: spec.tel, parameters: [{ label: "TYPE", value: "work" }] }] : [],
    },
    organizational: { title: spec.title ?? null, org: spec.company ? { company: spec.company } : null, member: [] },
  };
  return { uid: spec.uid, version: 0, value };
}

/** Deterministic generated people (the fake server's generator). */
export function generatedPeople(count: number, seed = 7): ItemValue<VCard>[] {
  return generateCards({ seed, count, bookUid: "addressbook_unit.test", domain: "unit.test" });
}

/** A fake-server book holding `items` (sanitised as the server stores cards). */
function bookOf(items: readonly ItemValue<VCard>[]): Book {
  const state = new FakeState();
  const book = new Book({ uid: "addressbook_unit.test", name: "Directory", owner: "addressbook_unit.test", domainUid: "unit.test", internalId: 1 });
  for (const item of items) createCard(state, book, item.uid, item.value, "test");
  return book;
}

export class FakeSearchServer implements SearchServer {
  readonly calls: ServerCall[] = [];
  private book: Book;
  /** Each call waits for this before answering (tests hold or delay answers with it). */
  gate: (call: ServerCall) => Promise<void> = async () => undefined;
  /** Each call first asks this; a thrown error fails the call. */
  failWith: (call: ServerCall) => Error | null = () => null;

  constructor(items: readonly ItemValue<VCard>[]) {
    this.book = bookOf(items);
  }

  get searches(): number {
    return this.calls.filter((call) => call.kind === "search").length;
  }

  get mgets(): number {
    return this.calls.filter((call) => call.kind === "mget").length;
  }

  setItems(items: readonly ItemValue<VCard>[]): void {
    this.book = bookOf(items);
  }

  async search(query: VCardQuery, options: CallOptions = {}): Promise<ListResult<ItemValue<VCardInfo>>> {
    const call: ServerCall = { kind: "search", query, signal: options.signal };
    this.calls.push(call);
    await this.gate(call);
    const failure = this.failWith(call);
    if (failure) throw failure;
    const { total, hits } = runSearch([this.book], query);
    return { total, values: hits.map((hit) => ({ uid: hit.item.uid, version: hit.item.version, value: toVCardInfo(hit.item.value) })) };
  }

  async mget(uids: readonly string[], options: CallOptions = {}): Promise<ItemValue<VCard>[]> {
    const call: ServerCall = { kind: "mget", uids: [...uids], signal: options.signal };
    this.calls.push(call);
    await this.gate(call);
    const failure = this.failWith(call);
    if (failure) throw failure;
    return uids.flatMap((uid) => {
      const item = this.book.items.get(uid);
      return item ? [{ uid, version: item.version, value: item.value }] : [];
    });
  }
}

// Test double of a book's search API for the unit tests of src/search: the fake BlueMind's own
// query engine (so queries are parsed and matched as the fake server does) through its public
// `offlineBook`, in memory, with every call recorded and each call's timing and failure under
// the test's control.
import type { ItemValue, ListResult, VCard, VCardInfo, VCardQuery } from "../../src/bluemind/models.ts";
import type { CallOptions } from "../../src/bluemind/transport.ts";
import type { SearchServer } from "../../src/search/ports.ts";
import { generateCards, offlineBook, type OfflineBook } from "../fake-bluemind/index.ts";

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

export class FakeSearchServer implements SearchServer {
  readonly calls: ServerCall[] = [];
  private book: OfflineBook;
  /** Each call waits for this before answering (tests hold or delay answers with it). */
  gate: (call: ServerCall) => Promise<void> = async () => undefined;
  /** Each call first asks this; a thrown error fails the call. */
  failWith: (call: ServerCall) => Error | null = () => null;

  constructor(items: readonly ItemValue<VCard>[]) {
    this.book = offlineBook(items);
  }

  get searches(): number {
    return this.calls.filter((call) => call.kind === "search").length;
  }

  get mgets(): number {
    return this.calls.filter((call) => call.kind === "mget").length;
  }

  setItems(items: readonly ItemValue<VCard>[]): void {
    this.book = offlineBook(items);
  }

  async search(query: VCardQuery, options: CallOptions = {}): Promise<ListResult<ItemValue<VCardInfo>>> {
    const call: ServerCall = { kind: "search", query, signal: options.signal };
    this.calls.push(call);
    await this.gate(call);
    const failure = this.failWith(call);
    if (failure) throw failure;
    return this.book.search(query);
  }

  async mget(uids: readonly string[], options: CallOptions = {}): Promise<ItemValue<VCard>[]> {
    const call: ServerCall = { kind: "mget", uids: [...uids], signal: options.signal };
    this.calls.push(call);
    await this.gate(call);
    const failure = this.failWith(call);
    if (failure) throw failure;
    return this.book.mget(uids);
  }
}

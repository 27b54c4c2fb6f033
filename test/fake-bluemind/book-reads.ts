// What one book's read routes answer (`POST …/_search`, `POST …/_mget`), shared by the HTTP
// routes and by `offlineBook`: the same book answered in process, for unit tests that need the
// server's query semantics with each call's timing and failure under their own control.
import type { ItemValue, ListResult, VCard, VCardInfo, VCardQuery } from "../../src/bluemind/models.ts";
import { createCard, toItemValue } from "./card-store.ts";
import { runSearch } from "./search.ts";
import { Book, FakeState } from "./state.ts";
import type { StoredItem } from "./state.ts";
import { toVCardInfo } from "./vcard-utils.ts";

export function infoOf(item: StoredItem): ItemValue<VCardInfo> {
  return { ...toItemValue(item), value: toVCardInfo(item.value) };
}

export function searchBook(book: Book, query: VCardQuery): ListResult<ItemValue<VCardInfo>> {
  const { total, hits } = runSearch([book], query);
  return { total, values: hits.map((h) => infoOf(h.item)) };
}

/** The cards among `uids` that exist, in the order asked; unknown uids are left out. */
export function mgetCards(book: Book, uids: readonly string[]): ItemValue<VCard>[] {
  const out: ItemValue<VCard>[] = [];
  for (const uid of uids) {
    const item = book.items.get(uid);
    if (item) out.push(toItemValue(item));
  }
  return out;
}

export interface OfflineBook {
  search(query: VCardQuery): ListResult<ItemValue<VCardInfo>>;
  mget(uids: readonly string[]): ItemValue<VCard>[];
}

/** A directory book holding `items`, stored (sanitised) as the server stores created cards. */
export function offlineBook(items: readonly ItemValue<VCard>[]): OfflineBook {
  const state = new FakeState();
  const book = new Book({ uid: "addressbook_unit.test", name: "Directory", owner: "addressbook_unit.test", domainUid: "unit.test", internalId: 1 });
  for (const item of items) createCard(state, book, item.uid, item.value, "test");
  return { search: (query) => searchBook(book, query), mget: (uids) => mgetCards(book, uids) };
}

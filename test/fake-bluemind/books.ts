// Creating, filling, deleting and re-creating address books (shared by the management routes,
// the datasets and the control API).
import type { ItemValue, VCard } from "../../src/bluemind/models.ts";
import { insertTrusted } from "./card-store.ts";
import { generateCards } from "./generator.ts";
import { pngFor } from "./png.ts";
import { sanitizeCard } from "./sanitize.ts";
import { Book } from "./state.ts";
import type { DefaultBookKind, FakeState } from "./state.ts";

export interface NewBook {
  uid: string;
  name: string;
  nameKey?: DefaultBookKind | null;
  owner: string;
  domainUid: string;
  defaultContainer?: boolean;
}

export function createBook(state: FakeState, init: NewBook): Book {
  const book = new Book({ ...init, internalId: state.nextContainerId() });
  // A domain book (owner = its own uid) has no owning user to grant rights to.
  if (init.owner !== init.uid) book.acl.set(init.owner, ["All"]);
  state.books.set(book.uid, book);
  return book;
}

export function deleteBook(state: FakeState, uid: string): void {
  state.books.delete(uid);
  state.unsubscribeEveryone(uid);
}

/** Delete and re-create under the same uid: new internalId, version back to 0, same ACL and subscriptions. */
export function recreateBook(state: FakeState, book: Book): void {
  book.reset(state.nextContainerId());
}

export interface FillOptions {
  seed: number;
  /** Number of groups among generated cards. */
  groups?: number;
  /** Domain used for generated work emails. */
  domain: string;
  /** Given cards stored before the generated ones (the domain directory's users). */
  prepend?: ItemValue<VCard>[];
}

/**
 * Fill a book with generated cards (a count) or given ones, lazily: the cards are only built when
 * the book is first read, so that a 20,000-card dataset starts instantly.
 */
export function fillBook(state: FakeState, book: Book, items: number | ItemValue<VCard>[], opts: FillOptions): void {
  const prepend = typeof items === "number" ? (opts.prepend ?? []) : [];
  const count = prepend.length + (typeof items === "number" ? items : items.length);
  if (count === 0) return;
  book.setLoader(count, () => {
    const given = [...prepend, ...(typeof items === "number" ? [] : items)].map((i) => ({ ...i, value: sanitizeCard(i.value) }));
    const generated =
      typeof items === "number" && items > 0
        ? generateCards({ seed: opts.seed, count: items, bookUid: book.uid, domain: opts.domain, groups: opts.groups ?? 0 })
        : [];
    const cards = [...given, ...generated];
    for (const card of cards) {
      const photo = card.value.identification?.photo === true;
      insertTrusted(state, book, card.uid, card.value, book.owner);
      if (photo) book.photos.set(card.uid, pngFor(card.uid));
    }
  });
}

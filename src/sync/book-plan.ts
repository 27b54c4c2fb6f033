// Which local books should exist: BlueMind's subscriptions (with their sync flag) against the
// books this add-on created (the index) and what Thunderbird has now. Pure: the engine applies the
// operations.
//
// Rules (design.md §2, "Sync of synced books"):
//  - subscribed with sync on, no local copy yet → create it (named by the design's naming rule);
//  - subscribed with sync on, local copy present → keep it, renamed if the name differs (the
//    server's name wins, like every other synced field);
//  - subscribed with sync on, but the local copy the index names is gone from Thunderbird → the
//    user deleted it: reported as `missing`, the engine's policy decides (by default re-create
//    it; the background's policy, TwoWaySync's, switches sync off on BlueMind);
//  - sync off → remove the local copy;
//  - unsubscribed, or the container deleted (it then has no descriptor and is not in the remote
//    list) → remove the local copy, but only when the previous listing did not name it either:
//    one listing that leaves a book out (a bad answer) must not cost its local copy. Until then
//    the book is `unlisted`, and left alone.
// Provider (search-only) books are not this plan's business: `unsynced` lists the books the
// caller registers them for.
import type { AddressBookInfo } from "../thunderbird/types.ts";
import type { RemoteBook } from "../books/remote-books.ts";
import type { SyncIndex } from "./state/sync-state.ts";

export type RemovalReason = "sync-off" | "unsubscribed";

export type BookOperation =
  | { kind: "create"; book: RemoteBook }
  | { kind: "keep"; book: RemoteBook; localBookId: string; rename: string | null }
  | { kind: "missing"; book: RemoteBook; localBookId: string }
  /** `book` is present when the subscription still exists (sync switched off). */
  | { kind: "remove"; containerUid: string; localBookId: string; reason: RemovalReason; book: RemoteBook | null }
  /** Nothing left in Thunderbird: only the stored state goes. */
  | { kind: "forget"; containerUid: string; reason: RemovalReason };

export interface BookPlan {
  operations: BookOperation[];
  /** Subscribed books with sync off: the search-only (provider) books to register. */
  unsynced: RemoteBook[];
  /** Synced books this listing does not name: pass them as `unlistedBefore` to the next plan. */
  unlisted: string[];
}

/** `unlistedBefore`: the `unlisted` of the previous plan (the previous listing). */
export function planBooks(remote: readonly RemoteBook[], index: SyncIndex, localBooks: readonly AddressBookInfo[], unlistedBefore: ReadonlySet<string>): BookPlan {
  const local = new Map(localBooks.map((b) => [b.id, b]));
  const operations: BookOperation[] = [];
  const unsynced: RemoteBook[] = [];
  const unlisted: string[] = [];
  const seen = new Set<string>();

  for (const book of remote) {
    if (seen.has(book.containerUid)) continue;
    seen.add(book.containerUid);
    const entry = index.books[book.containerUid];
    if (!book.sync) {
      unsynced.push(book);
      if (entry) operations.push(removal(book.containerUid, entry.localBookId, "sync-off", book, local));
      continue;
    }
    if (!entry) {
      operations.push({ kind: "create", book });
      continue;
    }
    const existing = local.get(entry.localBookId);
    if (!existing) {
      operations.push({ kind: "missing", book, localBookId: entry.localBookId });
      continue;
    }
    operations.push({ kind: "keep", book, localBookId: entry.localBookId, rename: existing.name === book.displayName ? null : book.displayName });
  }

  for (const [containerUid, entry] of Object.entries(index.books)) {
    if (seen.has(containerUid)) continue;
    unlisted.push(containerUid);
    if (unlistedBefore.has(containerUid)) operations.push(removal(containerUid, entry.localBookId, "unsubscribed", null, local));
  }
  return { operations, unsynced, unlisted };
}

function removal(
  containerUid: string,
  localBookId: string,
  reason: RemovalReason,
  book: RemoteBook | null,
  local: ReadonlyMap<string, AddressBookInfo>,
): BookOperation {
  return local.has(localBookId) ? { kind: "remove", containerUid, localBookId, reason, book } : { kind: "forget", containerUid, reason };
}

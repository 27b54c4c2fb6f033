// IAddressBook at /api/addressbooks/{containerUid} (bluemind-api.md §5) and the search across
// every subscribed book. Reads need Read, writes need Write; an unknown book is a 404.
import type { VCardChanges, VCardQuery } from "../../src/bluemind/models.ts";
import { can, requireVerb } from "./acl.ts";
import { objectBody, stringList } from "./body.ts";
import { infoOf, mgetCards, searchBook } from "./book-reads.ts";
import {
  applyUpdates,
  createCard,
  deleteCard,
  refreshGroups,
  setPhoto,
  toItemValue,
  updateCard,
} from "./card-store.ts";
import { bookOr404 } from "./descriptors.ts";
import { checkAndSanitizePhoto } from "./image-check.ts";
import { invalidParameter, notFound } from "./errors.ts";
import { RawReply } from "./http.ts";
import type { RequestBody } from "./http.ts";
import type { Route, RouteContext } from "./router.ts";
import { runSearch } from "./search.ts";
import type { Book } from "./state.ts";
import type { Verb } from "./types.ts";

const BOOK = "/api/addressbooks/{containerUid}";

function bookFor(ctx: RouteContext, verb: Verb): Book {
  const book = bookOr404(ctx.state, ctx.params.containerUid as string);
  requireVerb(book, ctx.caller.user, verb);
  return book;
}

function vcardQuery(body: RequestBody): VCardQuery {
  const q = objectBody(body, "VCardQuery");
  return {
    query: typeof q.query === "string" ? q.query : "",
    from: typeof q.from === "number" ? q.from : 0,
    size: typeof q.size === "number" ? q.size : -1,
    orderBy: q.orderBy === "FormatedName" ? "FormatedName" : "Pertinance",
    escapeQuery: q.escapeQuery === true,
  };
}

function photoBytes(body: RequestBody): Buffer {
  let bytes: Buffer;
  if (body.kind === "bytes") bytes = body.bytes;
  else if (body.kind === "json" && typeof body.value === "string") bytes = Buffer.from(body.value, "base64");
  else if (body.kind === "text") bytes = Buffer.from(body.text, "utf8");
  else bytes = Buffer.alloc(0);
  if (bytes.length === 0) throw invalidParameter("photo must not be empty");
  return bytes;
}

function sinceParam(ctx: RouteContext): number {
  const raw = ctx.query.get("since");
  if (raw === null || raw === "") return 0;
  const since = Number(raw);
  if (!Number.isFinite(since)) throw invalidParameter(`invalid since: ${raw}`);
  return since;
}

export const addressBookRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/api/addressbooks/_search",
    handle: ({ state, caller, body }) => {
      const query = vcardQuery(body);
      const books: Book[] = [];
      for (const sub of state.subscriptionsOf(caller.user.uid).values()) {
        const book = state.books.get(sub.containerUid);
        if (book && can(book, caller.user, "Read")) books.push(book);
      }
      const { total, hits } = runSearch(books, query);
      return { total, values: hits.map((h) => ({ ...infoOf(h.item), containerUid: h.book.uid })) };
    },
  },
  {
    method: "GET",
    pattern: `${BOOK}/_changeset`,
    handle: (ctx) => {
      const book = bookFor(ctx, "Read");
      const items = book.items;
      return book.changelog.changeset(sinceParam(ctx), book.version, () => items.keys(), (uid) => items.has(uid));
    },
  },
  { method: "GET", pattern: `${BOOK}/_version`, handle: (ctx) => bookFor(ctx, "Read").version },
  { method: "GET", pattern: `${BOOK}/_all`, handle: (ctx) => [...bookFor(ctx, "Read").items.keys()] },
  {
    method: "POST",
    pattern: `${BOOK}/_mget`,
    handle: (ctx) => {
      return mgetCards(bookFor(ctx, "Read"), stringList(ctx.body, "_mget"));
    },
  },
  {
    method: "PUT",
    pattern: `${BOOK}/_mupdates`,
    handle: (ctx) => {
      const book = bookFor(ctx, "Write");
      return applyUpdates(ctx.state, book, objectBody(ctx.body, "VCardChanges") as VCardChanges, ctx.caller.user.uid);
    },
  },
  {
    method: "POST",
    pattern: `${BOOK}/_search`,
    handle: (ctx) => {
      return searchBook(bookFor(ctx, "Read"), vcardQuery(ctx.body));
    },
  },
  {
    method: "GET",
    pattern: `${BOOK}/{uid}/complete`,
    handle: (ctx) => {
      const item = bookFor(ctx, "Read").items.get(ctx.params.uid as string);
      return item ? toItemValue(item) : null;
    },
  },
  {
    method: "GET",
    pattern: `${BOOK}/{uid}/info`,
    handle: (ctx) => {
      const item = bookFor(ctx, "Read").items.get(ctx.params.uid as string);
      return item ? infoOf(item) : null;
    },
  },
  {
    method: "GET",
    pattern: `${BOOK}/{uid}/photo`,
    handle: (ctx) => {
      // BlueMind does not check rights on photo reads (a FIXME in its code); neither do we.
      const photo = bookOr404(ctx.state, ctx.params.containerUid as string).photos.get(ctx.params.uid as string);
      return photo ? new RawReply(200, photo, "image/png") : null;
    },
  },
  {
    method: "POST",
    pattern: `${BOOK}/{uid}/photo`,
    handle: (ctx) => {
      const book = bookFor(ctx, "Write");
      const uid = ctx.params.uid as string;
      // The item is looked up before any image work, as BlueMind does.
      if (!book.items.has(uid)) throw notFound("item doesnt exists");
      setPhoto(book, uid, checkAndSanitizePhoto(photoBytes(ctx.body)));
      return undefined;
    },
  },
  {
    method: "DELETE",
    pattern: `${BOOK}/{uid}/photo`,
    handle: (ctx) => {
      setPhoto(bookFor(ctx, "Write"), ctx.params.uid as string, null);
      return undefined;
    },
  },
  {
    method: "PUT",
    pattern: `${BOOK}/{uid}`,
    handle: (ctx) => {
      createCard(ctx.state, bookFor(ctx, "Write"), ctx.params.uid as string, bodyValue(ctx.body), ctx.caller.user.uid);
      return undefined;
    },
  },
  {
    method: "POST",
    pattern: `${BOOK}/{uid}`,
    handle: (ctx) => {
      const book = bookFor(ctx, "Write");
      const uid = ctx.params.uid as string;
      if (updateCard(ctx.state, book, uid, bodyValue(ctx.body), ctx.caller.user.uid)) {
        refreshGroups(ctx.state, book, [{ uid, card: book.items.get(uid)?.value ?? null }]);
      }
      return undefined;
    },
  },
  {
    method: "DELETE",
    pattern: `${BOOK}/{uid}`,
    handle: (ctx) => {
      const book = bookFor(ctx, "Write");
      const uid = ctx.params.uid as string;
      if (deleteCard(book, uid)) refreshGroups(ctx.state, book, [{ uid, card: null }]);
      return undefined;
    },
  },
];

function bodyValue(body: RequestBody): unknown {
  return body.kind === "json" ? body.value : null;
}

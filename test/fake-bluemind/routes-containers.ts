// Container descriptors (rights, internalId) and item counts (bluemind-api.md §4).
import { rawVerbs, requireVerb } from "./acl.ts";
import { stringList } from "./body.ts";
import { bookOr404, containerDescriptor } from "./descriptors.ts";
import { permissionDenied } from "./errors.ts";
import type { Route } from "./router.ts";
import type { Book } from "./state.ts";

export const containerRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/api/containers/_manage/_mget",
    handle: ({ state, caller, body }) =>
      stringList(body, "_mget")
        .map((uid) => state.books.get(uid))
        .filter((b): b is Book => b !== undefined && rawVerbs(b, caller.user).length > 0)
        .map((b) => containerDescriptor(state, b, caller.user)),
  },
  {
    method: "GET",
    pattern: "/api/containers/_manage/{uid}",
    handle: ({ state, caller, params }) => {
      const book = bookOr404(state, params.uid as string);
      if (rawVerbs(book, caller.user).length === 0) throw permissionDenied(`no right on container ${book.uid}`);
      return containerDescriptor(state, book, caller.user);
    },
  },
  {
    method: "GET",
    pattern: "/api/containers/_manage/{uid}/_itemCount",
    handle: ({ state, caller, params }) => {
      const book = bookOr404(state, params.uid as string);
      requireVerb(book, caller.user, "Read");
      return { total: book.count };
    },
  },
];

// Address book management at /api/mgmt/addressbooks/{uid} (bluemind-api.md §7): create (not
// subscribed), rename, delete (drops every subscription), get (204 when missing).
import { can, requireVerb } from "./acl.ts";
import { objectBody } from "./body.ts";
import { addressBookDescriptor, bookOr404 } from "./descriptors.ts";
import { invalidParameter, permissionDenied, ServerFault } from "./errors.ts";
import { createBook, deleteBook } from "./books.ts";
import type { Route } from "./router.ts";

const PATH = "/api/mgmt/addressbooks/{uid}";

export const mgmtRoutes: Route[] = [
  {
    method: "PUT",
    pattern: PATH,
    handle: ({ state, caller, params, query, body }) => {
      const uid = params.uid as string;
      const isDefault = query.get("isDefault");
      if (isDefault !== "true" && isDefault !== "false") throw invalidParameter("isDefault query parameter is required");
      const d = objectBody(body, "AddressBookDescriptor");
      const owner = typeof d.owner === "string" ? d.owner : "";
      if (owner !== caller.user.uid) throw permissionDenied("cannot manage this addressbook");
      if (state.books.has(uid)) throw new ServerFault("ALREADY_EXISTS", `addressbook ${uid} already exists`);
      if (typeof d.name !== "string" || d.name.trim() === "") throw invalidParameter("name must not be empty");
      if (d.domainUid !== caller.user.domainUid) throw invalidParameter(`invalid domainUid ${String(d.domainUid)}`);
      createBook(state, { uid, name: d.name, owner, domainUid: caller.user.domainUid, defaultContainer: isDefault === "true" });
      return undefined;
    },
  },
  {
    method: "POST",
    pattern: PATH,
    handle: ({ state, caller, params, body }) => {
      const book = bookOr404(state, params.uid as string);
      requireVerb(book, caller.user, "Manage");
      const d = objectBody(body, "AddressBookDescriptor");
      if (typeof d.name !== "string" || d.name.trim() === "") throw invalidParameter("name must not be empty");
      book.name = d.name;
      book.nameKey = null;
      return undefined;
    },
  },
  {
    method: "DELETE",
    pattern: PATH,
    handle: ({ state, caller, params }) => {
      const book = bookOr404(state, params.uid as string);
      requireVerb(book, caller.user, "Manage");
      if (book.defaultContainer) throw invalidParameter(`cannot delete default addressbook ${book.uid}`);
      deleteBook(state, book.uid);
      return undefined;
    },
  },
  {
    method: "GET",
    pattern: PATH,
    handle: ({ state, caller, params }) => {
      const book = state.books.get(params.uid as string);
      if (!book) return null;
      if (!can(book, caller.user, "Read") && !can(book, caller.user, "Manage")) throw permissionDenied();
      return addressBookDescriptor(book, caller.user);
    },
  },
];

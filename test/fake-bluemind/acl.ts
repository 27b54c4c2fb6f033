// Access rights: BlueMind ACL entries (subject → verbs) on containers. Subjects are user uids or
// a domain uid (everybody in the domain). Write implies ReadExtended implies Read; All implies
// everything. Descriptors show the owner's expanded list but other users' raw verbs (bluemind-api.md §4).
import { permissionDenied } from "./errors.ts";
import type { Book, User } from "./state.ts";
import type { Verb } from "./types.ts";

export const ALL_VERBS: readonly Verb[] = ["All", "Manage", "Write", "ReadExtended", "Read"];

const IMPLIED: Record<Verb, readonly Verb[]> = {
  All: ALL_VERBS,
  Manage: ["Manage"],
  Write: ["Write", "ReadExtended", "Read"],
  ReadExtended: ["ReadExtended", "Read"],
  Read: ["Read"],
};

export function isVerb(v: unknown): v is Verb {
  return typeof v === "string" && (ALL_VERBS as readonly string[]).includes(v);
}

/** Verbs granted to the user on the book, as stored (union of the user's and the domain's entries). */
export function rawVerbs(book: Book, user: User): Verb[] {
  const out: Verb[] = [];
  for (const subject of [user.uid, user.domainUid]) {
    for (const v of book.acl.get(subject) ?? []) if (!out.includes(v)) out.push(v);
  }
  return out;
}

export function effectiveVerbs(book: Book, user: User): Set<Verb> {
  const out = new Set<Verb>();
  for (const v of rawVerbs(book, user)) for (const implied of IMPLIED[v]) out.add(implied);
  return out;
}

export function can(book: Book, user: User, verb: Verb): boolean {
  return effectiveVerbs(book, user).has(verb);
}

export function requireVerb(book: Book, user: User, verb: Verb): void {
  if (!can(book, user, verb)) {
    throw permissionDenied(`${user.login} has no ${verb} right on container ${book.uid}`);
  }
}

export function descriptorVerbs(book: Book, user: User): Verb[] {
  const raw = rawVerbs(book, user);
  return raw.includes("All") ? [...ALL_VERBS] : raw;
}

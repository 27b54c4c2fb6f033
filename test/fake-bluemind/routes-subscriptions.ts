// Subscriptions (which books a user sees, and their offlineSync flag) and the offlineSync
// switches under /api/containers/_manage (bluemind-api.md §3).
import { requireVerb } from "./acl.ts";
import type { Caller } from "./auth.ts";
import { jsonBody, stringList } from "./body.ts";
import { bookOr404, subscriptionDescriptor } from "./descriptors.ts";
import { invalidParameter, notFound, permissionDenied, ServerFault } from "./errors.ts";
import type { Route } from "./router.ts";

function requireSelf(caller: Caller, domainUid: string | null, userUid: string): void {
  if (caller.user.uid !== userUid || (domainUid !== null && caller.user.domainUid !== domainUid)) {
    throw permissionDenied(`${caller.user.login} cannot manage the subscriptions of ${userUid}`);
  }
}

const BASE = "/api/users/{domainUid}/subscriptions/{userUid}";

export const subscriptionRoutes: Route[] = [
  {
    method: "GET",
    pattern: BASE,
    handle: ({ state, caller, params, query }) => {
      requireSelf(caller, params.domainUid as string, params.userUid as string);
      const type = query.get("type");
      if (type !== null && type !== "addressbook") return [];
      const out = [];
      for (const sub of state.subscriptionsOf(caller.user.uid).values()) {
        const book = state.books.get(sub.containerUid);
        if (book) out.push(subscriptionDescriptor(state, sub, book, caller.user));
      }
      return out;
    },
  },
  {
    method: "POST",
    pattern: `${BASE}/_subscribe`,
    handle: ({ state, caller, params, body }) => {
      requireSelf(caller, params.domainUid as string, params.userUid as string);
      const list = jsonBody(body);
      if (!Array.isArray(list)) throw invalidParameter("expected a JSON array of ContainerSubscription");
      const wanted = list.map((entry: unknown) => {
        const e = (entry ?? {}) as { containerUid?: unknown; offlineSync?: unknown; automount?: unknown };
        if (typeof e.containerUid !== "string") throw invalidParameter("containerUid is required");
        return { containerUid: e.containerUid, offlineSync: e.offlineSync === true, automount: e.automount !== false };
      });
      // Check everything first so that a bad entry leaves the subscriptions untouched.
      for (const w of wanted) requireVerb(bookOr404(state, w.containerUid), caller.user, "Read");
      for (const w of wanted) state.subscribe(caller.user.uid, w.containerUid, w.offlineSync, w.automount);
      return undefined;
    },
  },
  {
    method: "POST",
    pattern: `${BASE}/_unsubscribe`,
    handle: ({ state, caller, params, body }) => {
      requireSelf(caller, params.domainUid as string, params.userUid as string);
      const subs = state.subscriptionsOf(caller.user.uid);
      for (const uid of stringList(body, "_unsubscribe")) {
        const book = state.books.get(uid);
        // A user's own default books cannot be unsubscribed: silently ignored.
        if (book && book.defaultContainer && book.owner === caller.user.uid) continue;
        subs.delete(uid);
      }
      return undefined;
    },
  },
  ...(["PUT", "DELETE"] as const).map(
    (method): Route => ({
      method,
      pattern: "/api/containers/_manage/{containerUid}/{userUid}/offlineSync",
      handle: ({ state, caller, params }) => {
        const containerUid = params.containerUid as string;
        requireSelf(caller, null, params.userUid as string);
        if (!state.books.has(containerUid)) throw notFound(`container ${containerUid} not found`);
        const sub = state.subscriptionsOf(caller.user.uid).get(containerUid);
        if (!sub) throw new ServerFault("UNKNOWN", `No subscription for container ${containerUid}`);
        sub.offlineSync = method === "PUT";
        return undefined;
      },
    }),
  ),
];

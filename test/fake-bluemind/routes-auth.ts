// /api/auth: login (anonymous, JSON-string body), ping, logout, current user, API keys.
import { randomUUID } from "node:crypto";
import type { APIKey } from "../../src/bluemind/models.ts";
import { authUserOf, login } from "./auth.ts";
import { jsonBody } from "./body.ts";
import { permissionDenied } from "./errors.ts";
import type { Route } from "./router.ts";
import type { ApiKeyRecord } from "./state.ts";

function toApiKey(k: ApiKeyRecord): APIKey {
  return { sid: k.sid, displayName: k.displayName, subject: k.userUid, domainUid: k.domainUid };
}

export const authRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/api/auth/login",
    anonymous: true,
    handle: ({ state, query, body }) => login(state, query.get("login") ?? "", jsonBody(body), query.get("origin")),
  },
  { method: "GET", pattern: "/api/auth/ping", handle: () => undefined },
  {
    method: "POST",
    pattern: "/api/auth/logout",
    handle: ({ state, caller }) => {
      if (caller.sessionKey) state.sessions.delete(caller.sessionKey);
      return undefined;
    },
  },
  { method: "GET", pattern: "/api/auth", handle: ({ caller }) => authUserOf(caller.user) },
  {
    method: "PUT",
    pattern: "/api/auth/keys",
    handle: ({ state, caller, query }) => {
      const record: ApiKeyRecord = {
        sid: randomUUID(),
        displayName: query.get("displayName") ?? "",
        userUid: caller.user.uid,
        domainUid: caller.user.domainUid,
      };
      state.apiKeys.set(record.sid, record);
      return toApiKey(record);
    },
  },
  {
    method: "GET",
    pattern: "/api/auth/keys",
    handle: ({ state, caller }) => [...state.apiKeys.values()].filter((k) => k.userUid === caller.user.uid).map(toApiKey),
  },
  {
    method: "DELETE",
    pattern: "/api/auth/keys/{sid}",
    handle: ({ state, caller, params }) => {
      const key = state.apiKeys.get(params.sid as string);
      if (key && key.userUid !== caller.user.uid) throw permissionDenied("cannot delete another user's API key");
      state.apiKeys.delete(params.sid as string);
      return undefined;
    },
  },
];

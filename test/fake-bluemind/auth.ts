// Who is calling: X-BM-ApiKey holds either a session key from login (expires after
// sessionIdleMs without use) or an API-key sid (never expires). Missing key → 403 (anonymous),
// unknown or expired key → 401 AUTHENTICATION_FAIL (bluemind-api.md §1–2).
import { randomUUID } from "node:crypto";
import type { AuthUser, LoginResponse } from "../../src/bluemind/models.ts";
import { invalidSession, permissionDenied } from "./errors.ts";
import type { FakeState, User } from "./state.ts";

export interface Caller {
  user: User;
  /** The X-BM-ApiKey value used. */
  key: string;
  /** Set when the key is a login session (not an API key). */
  sessionKey: string | null;
}

export function authenticate(state: FakeState, key: string | undefined): Caller {
  if (!key) throw permissionDenied("anonymous calls are not allowed here");
  const apiKey = state.apiKeys.get(key);
  if (apiKey) {
    const user = state.users.get(apiKey.userUid);
    if (user) return { user, key, sessionKey: null };
  }
  const session = state.sessions.get(key);
  const now = state.now();
  if (!session || now - session.lastUsed > state.sessionIdleMs) {
    state.sessions.delete(key);
    throw invalidSession(key);
  }
  const user = state.users.get(session.userUid);
  if (!user) throw invalidSession(key);
  session.lastUsed = now;
  return { user, key, sessionKey: key };
}

export function authUserOf(user: User): AuthUser {
  return {
    uid: user.uid,
    domainUid: user.domainUid,
    displayName: user.displayName,
    value: {
      login: user.login.split("@")[0],
      emails: [{ address: user.email, isDefault: true, allAliases: false }],
    },
    roles: [...user.roles],
    settings: { lang: user.lang },
  };
}

export function openSession(state: FakeState, user: User, origin: string | null): string {
  const key = randomUUID();
  state.sessions.set(key, { key, userUid: user.uid, lastUsed: state.now(), origin });
  return key;
}

/** BlueMind's domain for logins typed without one: only its own admin0 lives there. */
export const GLOBAL_DOMAIN = "global.virt";

/** The secret is the password or one of the user's API-key sids. A failure is a 200 "Bad". */
export function login(state: FakeState, login: string, secret: unknown, origin: string | null): LoginResponse {
  // As BlueMind: "jdoe" is "jdoe@global.virt", not a user of the default domain.
  const user = state.userByLogin(login.includes("@") ? login : `${login}@${GLOBAL_DOMAIN}`);
  const bad: LoginResponse = { status: "Bad", message: "Invalid login or password", authKey: null, latd: null, authUser: null };
  if (!user || typeof secret !== "string") return bad;
  const apiKey = state.apiKeys.get(secret);
  const byApiKey = apiKey !== undefined && apiKey.userUid === user.uid;
  if (!byApiKey && secret !== user.password) return bad;
  if (!byApiKey && user.passwordExpired) {
    return { status: "Expired", message: "Password expired", authKey: null, latd: user.login, authUser: null };
  }
  return {
    status: "Ok",
    message: null,
    authKey: openSession(state, user, origin),
    latd: user.login,
    authUser: authUserOf(user),
  };
}

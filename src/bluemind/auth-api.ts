// The caller's own account: the API keys that replace a stored password
// (design.md: after a password login, create a key, keep only its sid).

import type { APIKey } from "./models.ts";
import type { ApiCaller } from "./session.ts";
import type { CallOptions } from "./transport.ts";
import { apiPath } from "./url.ts";
import { nothing, objectWith } from "./validate.ts";

const apiKey = objectWith<APIKey>("sid");

export class AuthApi {
  constructor(private readonly caller: ApiCaller) {}

  /** PUT /api/auth/keys?displayName=… — not idempotent: every call mints another key, so a
   * retry after a lost answer would leave an orphan key behind. */
  createApiKey(displayName: string, options: CallOptions = {}): Promise<APIKey> {
    return this.caller.call(
      { ...options, method: "PUT", path: apiPath`/auth/keys`, query: { displayName }, response: "json", idempotent: false },
      apiKey,
    );
  }

  /** DELETE /api/auth/keys/{sid} — idempotent: deleting a deleted key changes nothing. The key
   * is in the path: declared secret, so no error shows it. */
  deleteApiKey(sid: string, options: CallOptions = {}): Promise<void> {
    return this.caller.call(
      { ...options, method: "DELETE", path: apiPath`/auth/keys/${sid}`, secrets: [sid], response: "void", idempotent: true },
      nothing,
    );
  }
}

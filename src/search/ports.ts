// What a book's search needs from outside it (the server's two calls, a log) and what it counts.
import type { ItemValue, ListResult, VCard, VCardInfo, VCardQuery } from "../bluemind/models.ts";
import type { CallOptions } from "../bluemind/transport.ts";
import type { ActivityLevel } from "../shared/status.ts";
import { inEnglish, type UserText } from "../shared/user-text.ts";

/** The two calls a search needs; `BlueMindClient.addressBook(uid)` is one. */
export interface SearchServer {
  search(query: VCardQuery, options?: CallOptions): Promise<ListResult<ItemValue<VCardInfo>>>;
  mget(uids: readonly string[], options?: CallOptions): Promise<ItemValue<VCard>[]>;
}

export type SearchLog = (level: ActivityLevel, message: UserText) => void;

export const consoleSearchLog: SearchLog = (level, message) => {
  const line = inEnglish(message);
  if (level === "error") console.error(line);
  else if (level === "warning") console.warn(line);
  else console.info(line);
};

export interface SearchStats {
  /** `_search` requests sent. */
  searches: number;
  /** `_mget` requests sent. */
  mgets: number;
  /** Queries answered by narrowing a complete answer, without a request. */
  narrowed: number;
  /** Answers given from memory because the server had not answered in time. */
  timeouts: number;
  failures: number;
}

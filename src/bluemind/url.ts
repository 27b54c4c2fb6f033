// Server URL handling and path building. The address rules themselves are in
// shared/server-url.ts, which the options page applies to what the user typed before asking for a
// host permission; here a refused address becomes the client's ServerUrlError.

import { checkServerUrl } from "../shared/server-url.ts";
import { ServerUrlError } from "./errors.ts";

/** The base every `/api/...` route hangs off (see checkServerUrl); throws ServerUrlError. */
export function normaliseBaseUrl(input: string): string {
  const check = checkServerUrl(input);
  if (check.ok) return check.baseUrl;
  throw new ServerUrlError(check.text, { code: check.problem, cause: check.cause });
}

declare const apiPathBrand: unique symbol;
/** A route under `/api`, built only by `apiPath` so every parameter is percent-encoded. */
export type ApiPath = string & { readonly [apiPathBrand]: true };

/**
 * Tagged template for routes: apiPath`/addressbooks/${uid}/_mget`. BlueMind URL-decodes path
 * parameters and turns `+` into a space, and container uids contain `:`; encodeURIComponent covers
 * both. `.` and `..` cannot be sent at all: URL parsing removes them as dot-segments even when
 * percent-encoded (WHATWG URL treats `%2e` as a dot), so they are refused rather than silently
 * addressing the parent route.
 */
export function apiPath(strings: TemplateStringsArray, ...params: (string | number)[]): ApiPath {
  let out = strings[0] ?? "";
  params.forEach((param, i) => {
    const text = String(param);
    if (text === "" || text === "." || text === "..") {
      throw new TypeError(`Path parameter ${JSON.stringify(text)} cannot be sent in ${strings.join("…")}`);
    }
    out += encodeStrict(text) + (strings[i + 1] ?? "");
  });
  // Cast: this is the brand's one constructor, and every parameter above went through encodeStrict.
  return out as ApiPath;
}

export type QueryValue = string | number | boolean | null | undefined;

/** `?a=1&b=x` with null/undefined entries left out; %20 for spaces (never `+`, see apiPath). */
export function queryString(query: Readonly<Record<string, QueryValue>> | undefined): string {
  if (query === undefined) return "";
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined) continue;
    parts.push(`${encodeStrict(key)}=${encodeStrict(String(value))}`);
  }
  return parts.length === 0 ? "" : `?${parts.join("&")}`;
}

/** encodeURIComponent plus `!'()*` (RFC 3986 reserved): the URL parser would otherwise encode
 * `'` in queries itself, and what we build should be exactly what goes on the wire. */
function encodeStrict(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

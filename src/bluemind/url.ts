// Server URL handling and path building. Kept apart from the transport because the options page
// validates what the user typed with the same rules before asking for a host permission.

import { ServerUrlError } from "./errors.ts";

/**
 * Turns what a user or an administrator types into the base every `/api/...` route hangs off:
 * `bm.example.com`, `https://bm.example.com/`, `https://bm.example.com/api` all give
 * `https://bm.example.com`. A path prefix (a BlueMind behind `/bluemind/`) is kept.
 * Plain `http://` is refused except for loopback hosts: the API key travels in a header on every
 * call, so anything else would hand it to whoever is on the network path.
 */
export function normaliseBaseUrl(input: string): string {
  let text = input.trim();
  if (text === "") {
    throw new ServerUrlError("The BlueMind server address is empty.", { code: "INVALID_URL" });
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new ServerUrlError(`"${input.trim()}" is not a valid server address.`, { code: "INVALID_URL", cause });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ServerUrlError(`The server address must start with https:// (got ${url.protocol}//).`, {
      code: "INVALID_URL",
    });
  }
  if (url.username !== "" || url.password !== "") {
    throw new ServerUrlError("The server address must not contain a user name or password.", { code: "INVALID_URL" });
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new ServerUrlError(
      `Refusing to connect to ${url.host} over plain http://: the credentials would travel unencrypted. Use https://${url.host}.`,
      { code: "INSECURE_URL" },
    );
  }
  let path = url.pathname.replace(/\/+$/, "");
  if (path.toLowerCase().endsWith("/api")) path = path.slice(0, -"/api".length);
  return `${url.origin}${path}`;
}

/** Hosts whose traffic never leaves the machine: 127.0.0.0/8, ::1 (and its IPv4-mapped form for
 * 127.x), `localhost` and `*.localhost` (RFC 6761 reserves them for loopback). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  if (host === "[::1]" || host === "::1") return true;
  // The URL parser writes ::ffff:127.a.b.c as [::ffff:7fXX:XXXX].
  return /^\[?::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]?$/.test(host);
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

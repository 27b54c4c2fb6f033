// The rules for a BlueMind server address, in one place for the two rooms that apply them: the
// options page checks what the user typed before asking for a host permission, and the REST
// client (bluemind/url.ts) refuses the same addresses with its own error type.
import { text, type UserText } from "./user-text.ts";

export type ServerUrlProblem = "INVALID_URL" | "INSECURE_URL";

export type ServerUrlCheck =
  | { ok: true; baseUrl: string }
  | { ok: false; problem: ServerUrlProblem; text: UserText; cause?: unknown };

/**
 * Turns what a user or an administrator types into the base every `/api/...` route hangs off:
 * `bm.example.com`, `https://bm.example.com/`, `https://bm.example.com/api` all give
 * `https://bm.example.com`. A path prefix (a BlueMind behind `/bluemind/`) is kept.
 * Plain `http://` is refused except for loopback hosts: the API key travels in a header on every
 * call, so anything else would hand it to whoever is on the network path.
 */
export function checkServerUrl(input: string): ServerUrlCheck {
  let typed = input.trim();
  if (typed === "") return invalid(text("urlEmpty"));
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(typed)) typed = `https://${typed}`;
  let url: URL;
  try {
    url = new URL(typed);
  } catch (cause) {
    return { ...invalid(text("urlNotValid", input.trim())), cause };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return invalid(text("urlBadScheme", url.protocol));
  }
  if (url.username !== "" || url.password !== "") {
    // Not even in a refusal: what was typed holds a password.
    return invalid(text("urlWithCredentials"));
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return { ok: false, problem: "INSECURE_URL", text: text("urlPlainHttp", url.host) };
  }
  let path = url.pathname.replace(/\/+$/, "");
  if (path.toLowerCase().endsWith("/api")) path = path.slice(0, -"/api".length);
  return { ok: true, baseUrl: `${url.origin}${path}` };
}

function invalid(value: UserText): ServerUrlCheck & { ok: false } {
  return { ok: false, problem: "INVALID_URL", text: value };
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

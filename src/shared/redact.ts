// Secrets never reach a message: the BlueMind client builds its errors from redacted pieces (an
// API key in a path, a header, a query string or a body), and the background's status store
// redacts once more with the account's own secrets before anything is shown or stored.
import type { UserText } from "./user-text.ts";

export const REDACTED = "…";

/** Shorter values are not searched for: a test key of two letters would only mangle words, and
 * real secrets (BlueMind API keys and session keys are UUIDs) are far longer. */
export const MIN_SECRET_LENGTH = 8;

/** Names of query parameters and JSON body fields whose value is a secret. */
const SECRET_NAME = /pass(word)?|api[-_]?key|^sid$|secret|token|^authkey$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** `value` with every secret (as typed, and percent-encoded as in a URL) replaced by REDACTED. */
export function redact(value: string, secrets: Iterable<string>): string {
  let out = value;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

export function redactText(value: UserText, secrets: readonly string[]): UserText {
  return { key: value.key, args: value.args.map((arg) => (typeof arg === "string" ? redact(arg, secrets) : redactText(arg, secrets))) };
}

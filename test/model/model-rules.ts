// The rules the model checks an agreement against (design.md §2, "Local changes"): what a contact's
// fate is, which value a field must end with, and which membership a list must end with, given
// the writes each side made since the base (model-history.ts). Each returns the violations in
// words.
import type { ContactModel, Track } from "./model-history.ts";

/** What the three-way rule expects of a contact. */
export type Fate = "exists" | "gone" | "comes-back" | "gone-or-back";

export function fateOf(contact: ContactModel): Fate {
  const { exists } = contact;
  if (!exists.base) return exists.writes.at(-1)?.value === true ? "exists" : "gone";
  if (exists.writes.some((w) => w.side === "server" && !w.value)) return "gone";
  if (exists.writes.some((w) => w.side === "local" && !w.value)) {
    // Deleted here while BlueMind changed it: the server wins, the card comes back.
    if (Object.values(contact.fields).some((t) => t.last("server") !== undefined)) return "comes-back";
    // Deleted here after an agreement a crash may have kept from the engine (a cut pull wrote the
    // server's change here, unrecorded): to the engine, BlueMind changed the card since the
    // last agreement it knows, and the card coming back is its rule (nothing lost, logged).
    const untrusted = !contact.exists.trusted || Object.values(contact.fields).some((t) => !t.trusted);
    return untrusted ? "gone-or-back" : "gone";
  }
  return "exists";
}

export function inLog(lines: readonly string[], value: string): boolean {
  return lines.some((line) => line.includes(value));
}

/** The violations of the field rule when both sides show `final`. */
export function checkField(label: string, track: Track<string | null>, final: string | null, lines: readonly string[]): string[] {
  const local = track.last("local");
  const server = track.last("server");
  const problems: string[] = [];
  const lostLocal = (): void => {
    if (local !== undefined && local.value !== null && final !== local.value && !inLog(lines, local.value)) {
      problems.push(`${label}: the local value ${local.value} lost to ${String(final)} and is not in the activity log`);
    }
  };
  if (!track.trusted) {
    const allowed = [track.base, local?.value, server?.value];
    if (!allowed.includes(final)) problems.push(`${label}: ${String(final)} is none of base ${String(track.base)}, local ${String(local?.value)}, server ${String(server?.value)}`);
    else if (server !== undefined && final !== server.value && final !== local?.value) problems.push(`${label}: the server's ${String(server.value)} was lost (now ${String(final)})`);
    lostLocal();
    return problems;
  }
  let expected: string | null;
  if (local === undefined) expected = server === undefined ? track.base : server.value;
  else if (server === undefined) expected = local.value;
  else expected = server.value;
  if (final !== expected) problems.push(`${label}: expected ${String(expected)} (base ${String(track.base)}, local ${String(local?.value)}, server ${String(server?.value)}), found ${String(final)}`);
  if (local !== undefined && server !== undefined && local.value !== server.value) lostLocal();
  return problems;
}

/** The violations of the set merge when both sides show membership `final`. */
export function checkMembership(label: string, track: Track<boolean>, final: boolean): string[] {
  const local = track.last("local");
  const server = track.last("server");
  let expected: boolean | null;
  if (local === undefined) expected = server === undefined ? track.base : server.value;
  else if (server === undefined || server.value === local.value) expected = local.value;
  // Both sides changed it differently: either is a merge of sets (one added, the other removed).
  else expected = null;
  if (expected === null || final === expected) return [];
  return [`${label} should ${expected ? "" : "not "}be a member (base ${String(track.base)}, local ${String(local?.value)}, server ${String(server?.value)})`];
}

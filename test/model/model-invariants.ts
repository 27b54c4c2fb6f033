// The promises checked once the world is quiet (network healthy, every book synced, syncs run
// until nothing changes): nothing lost, nothing duplicated, both sides the same, Thunderbird-only
// fields kept; then the final agreement is checked like every earlier one (History.observe: each
// field the value the three-way rule gives, list membership merged as sets, a local value that
// lost a conflict in the activity log). Returns the violations, in words.
import { FIELDS, type SideView, type WorldView } from "./model-view.ts";
import type { History } from "./model-history.ts";
import { fateOf } from "./model-rules.ts";
import { MODEL_BOOKS, type ModelWorld } from "./model-world.ts";
import { keyOfEmail, vCardProperties } from "./model-view.ts";

function duplicates(side: SideView, where: string): string[] {
  const problems: string[] = [];
  for (const [key, copies] of side.contacts) if (copies.length > 1) problems.push(`${where}: ${copies.length} contacts for ${key}`);
  for (const [name, copies] of side.lists) if (copies.length > 1) problems.push(`${where}: ${copies.length} lists named ${name}`);
  if (side.strays.length > 0) problems.push(`${where}: unexpected contacts ${side.strays.join(", ")}`);
  return problems;
}

export function checkFinal(history: History, view: WorldView, lines: readonly string[]): string[] {
  const problems: string[] = [];
  for (const book of MODEL_BOOKS) {
    const { server, local } = view[book];
    if (local === null) {
      problems.push(`${book}: no synced local copy at the end`);
      continue;
    }
    problems.push(...duplicates(server, `${book} on BlueMind`), ...duplicates(local, `${book} in Thunderbird`));
    const known = new Set([...history.contacts.values()].filter((c) => c.book === book).map((c) => c.key));
    for (const key of new Set([...server.contacts.keys(), ...local.contacts.keys()])) {
      if (!known.has(key)) problems.push(`${book}: ${key} is no model contact`);
    }
  }

  for (const contact of history.contacts.values()) {
    const { server, local } = view[contact.book];
    if (local === null || contact.refused === true) continue;
    const label = `${contact.key} (${contact.createdBy}-born, ${contact.book})`;
    const s = server.contacts.get(contact.key)?.[0];
    const l = local.contacts.get(contact.key)?.[0];
    const fate = fateOf(contact);
    if (fate === "gone-or-back" && s === undefined && l === undefined) continue;
    if (fate === "gone") {
      if (s !== undefined) problems.push(`${label}: deleted, yet still on BlueMind`);
      if (l !== undefined) problems.push(`${label}: deleted, yet still in Thunderbird`);
      continue;
    }
    if (s === undefined || l === undefined) {
      problems.push(`${label}: lost (should be ${fate}):${s === undefined ? " missing on BlueMind" : ""}${l === undefined ? " missing in Thunderbird" : ""}`);
      continue;
    }
    if (s.fn !== l.fn) problems.push(`${label}: name differs, BlueMind ${String(s.fn)}, Thunderbird ${String(l.fn)}`);
    for (const field of FIELDS) {
      if (s.fields[field] !== l.fields[field]) problems.push(`${label}.${field}: sides differ, BlueMind ${String(s.fields[field])}, Thunderbird ${String(l.fields[field])}`);
    }
    if (fate === "exists" && contact.custom1 !== null && l.custom1 !== contact.custom1) problems.push(`${label}: Custom 1 is ${String(l.custom1)}, expected ${contact.custom1}`);
  }

  for (const list of history.lists.values()) {
    const { server, local } = view[list.book];
    if (local === null) continue;
    const s = server.lists.get(list.name)?.[0];
    const l = local.lists.get(list.name)?.[0];
    const label = `list ${list.name} (${list.createdBy}-born, ${list.book})`;
    if (s === undefined || l === undefined) {
      problems.push(`${label}: lost, ${s === undefined ? "missing on BlueMind" : "missing in Thunderbird"}`);
      continue;
    }
    const there = new Set(s.members);
    const here = new Set(l.members);
    // A contact BlueMind refused is a member only here: BlueMind has no card to refer to.
    const differ = [...new Set([...there, ...here])].filter((k) => there.has(k) !== here.has(k) && history.contacts.get(k)?.refused !== true);
    if (differ.length > 0) problems.push(`${label}: members differ for ${differ.join(", ")} (BlueMind ${[...there].join(" ")}, Thunderbird ${[...here].join(" ")})`);
  }

  return [...problems, ...history.observe(view, true, lines)];
}

/**
 * A contact BlueMind refused is in Thunderbird (its synced book, or the plain book it was left in
 * when its book stopped being synced), never on BlueMind, and named in the activity log.
 */
export async function checkRefused(history: History, world: ModelWorld, view: WorldView, lines: readonly string[]): Promise<string[]> {
  const refused = [...history.contacts.values()].filter((c) => c.refused === true && fateOf(c) === "exists");
  if (refused.length === 0) return [];
  const here = new Map<string, number>();
  for (const book of await world.tb.asUser.listBooks()) {
    for (const contact of await world.tb.asUser.listContacts(book.id)) {
      for (const key of (vCardProperties(contact.vCard).get("EMAIL") ?? []).map(keyOfEmail)) if (key !== null) here.set(key, (here.get(key) ?? 0) + 1);
    }
  }
  const problems: string[] = [];
  for (const contact of refused) {
    const label = `${contact.key} (refused, ${contact.book})`;
    if (view[contact.book].server.contacts.has(contact.key)) problems.push(`${label}: on BlueMind, which refuses its address`);
    if ((here.get(contact.key) ?? 0) !== 1) problems.push(`${label}: ${String(here.get(contact.key) ?? 0)} copies in Thunderbird, expected 1`);
    const name = `Model ${contact.key.toUpperCase()}`;
    if (!lines.some((line) => line.includes(name) && line.includes("could not be saved"))) problems.push(`${label}: the refusal is not in the activity log`);
  }
  return problems;
}

/** No secret (the password, a session or API key BlueMind gave) in the activity log, book states, notifications or console. */
export function checkSecrets(world: ModelWorld): string[] {
  world.noteSecrets();
  const places: [string, string[]][] = [
    ["the activity log", world.lines.map((l) => `${l.message} ${JSON.stringify(l.text)}`)],
    ["a book state", world.reporter.stateLog.map((s) => JSON.stringify(s))],
    ["a notification", world.tb.notified],
    ["the console", world.console],
  ];
  const problems: string[] = [];
  for (const secret of world.secrets) {
    for (const [where, texts] of places) {
      const found = texts.find((t) => t.includes(secret));
      if (found !== undefined) problems.push(`a secret (${secret.slice(0, 4)}…) in ${where}: ${found.slice(0, 200)}`);
    }
  }
  return problems;
}

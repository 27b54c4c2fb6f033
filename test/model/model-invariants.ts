// The promises checked once the world is quiet (network healthy, every book synced, syncs run
// until nothing changes): nothing lost, nothing duplicated, both sides the same, Thunderbird-only
// fields kept; then the final agreement is checked like every earlier one (History.observe: each
// field the value the three-way rule gives, list membership merged as sets, a local value that
// lost a conflict in the activity log). Returns the violations, in words.
import { FIELDS, type SideView, type WorldView } from "./model-view.ts";
import type { History } from "./model-history.ts";
import { fateOf } from "./model-rules.ts";
import { MODEL_BOOKS } from "./model-world.ts";

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
    if (local === null) continue;
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
    const differ = [...new Set([...there, ...here])].filter((k) => there.has(k) !== here.has(k));
    if (differ.length > 0) problems.push(`${label}: members differ for ${differ.join(", ")} (BlueMind ${[...there].join(" ")}, Thunderbird ${[...here].join(" ")})`);
  }

  return [...problems, ...history.observe(view, true, lines)];
}

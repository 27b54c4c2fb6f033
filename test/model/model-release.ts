// What a synced book must leave behind when it stops being synced (Disconnect, sync switched off),
// checked against the model (issue 12: "nothing local is deleted while it holds something
// unsent"). The push runs first; what it could not send (refused, or changed here after the push
// read the queue) stays in Thunderbird, in the old local book kept whole (Disconnect with "keep")
// or detached as a plain book named "… (not saved on BlueMind)". So per model contact of a
// released book:
//  - a change made here is on BlueMind now (pushed), or the kept book shows it; a value that lost
//    a same-field conflict is in the activity log (History.observe checks it);
//  - a contact created here and not on BlueMind (never sent, or refused) is in the kept book;
//  - a deletion made here reached BlueMind (the kept book cannot hold a deletion).
// What the kept book holds in place of BlueMind leaves the model (History.detach, or the local
// writes dropped): the sync after the next sign-in starts from BlueMind's copy, and the kept book
// is a plain book of the user's, left out of the synced comparison.
import { fateOf, inLog } from "./model-rules.ts";
import { FIELDS, type SideView } from "./model-view.ts";
import type { History } from "./model-history.ts";
import { localSide, readView } from "./model-view.ts";
import { MODEL_BOOKS, type ModelBook, type ModelWorld } from "./model-world.ts";

/** What the add-on marks a detached book's name with (English: the model's Thunderbird). */
export const DETACHED_MARK = "(not saved on BlueMind)";

/**
 * After each command: each model book whose synced local copy went since the last call is checked
 * (checkRelease) against what stayed under its Thunderbird id, which then counts as the user's
 * plain book. The first call only notes the synced books.
 */
export async function checkReleases(history: History, world: ModelWorld): Promise<string[]> {
  const problems: string[] = [];
  const books = await world.tb.asUser.listBooks();
  for (const book of MODEL_BOOKS) {
    const before = history.localBookIds.get(book) ?? null;
    const now = await world.localBookOf(book);
    history.localBookIds.set(book, now);
    if (before === null || before === now) continue;
    const left = books.find((b) => b.id === before);
    const kept = left === undefined ? null : await localSide(world, book, before);
    if (left !== undefined) world.plainBooks.add(before);
    const server = (await readView(world))[book].server;
    problems.push(...checkRelease(history, book, server, kept, left === undefined || left.name.endsWith(DETACHED_MARK), world.lines.map((l) => l.message)));
  }
  return problems;
}

/**
 * The violations of the rule above for `book`, released with `remove` (not kept whole): `server` is BlueMind's side
 * after the release, `kept` the local book left behind (null: deleted).
 */
export function checkRelease(history: History, book: ModelBook, server: SideView, kept: SideView | null, remove: boolean, lines: readonly string[]): string[] {
  const problems: string[] = [];
  for (const contact of [...history.contacts.values()].filter((c) => c.book === book)) {
    const label = `${contact.key} (${contact.createdBy}-born, ${book})`;
    const s = server.contacts.get(contact.key)?.[0];
    const k = kept?.contacts.get(contact.key)?.[0];
    const fate = fateOf(contact);
    const localExists = contact.exists.last("local");
    if (contact.refused === true) {
      if (fate === "exists" && k === undefined) problems.push(`${label}: refused by BlueMind, and not kept in Thunderbird at the release`);
      history.detach(contact.key);
      continue;
    }
    if (s === undefined) {
      // Never sent (BlueMind did not delete it): only the kept book holds it now.
      if (fate === "exists" && contact.exists.last("server") === undefined) {
        if (k === undefined) problems.push(`${label}: created here, not on BlueMind, and not kept at the release`);
        history.detach(contact.key);
      } else if (k !== undefined) {
        // Deleted on BlueMind while edited here (seed 31415): the release kept the edited copy in
        // the user's plain book rather than deleting it. Nothing lost; it leaves the comparison.
        history.detach(contact.key);
      }
      continue;
    }
    if (localExists?.value === false && fate === "gone") {
      // Deleted here while the run was releasing the book (SlowSync): Thunderbird's event may come
      // after the push read the queue, and a deletion cannot be kept in a plain book. The card
      // stays on BlueMind: nothing is lost, the deletion is (one event's window, tolerated).
      // Its edits went with the deletion.
      if (localExists.step === history.step - 1) {
        contact.exists.writes = contact.exists.writes.filter((w) => w.side === "server");
        for (const track of Object.values(contact.fields)) track.writes = track.writes.filter((w) => w.side === "server");
      } else problems.push(`${label}: deleted here, still on BlueMind after the release (the deletion was not sent)`);
      continue;
    }
    if (localExists?.value === false) {
      // Deleted here after its edits, changed on BlueMind: the card comes back as BlueMind has it
      // (the rule of a sync), and the edits went with the deletion.
      for (const track of Object.values(contact.fields)) track.writes = track.writes.filter((w) => w.side === "server");
      continue;
    }
    for (const field of FIELDS) {
      const track = contact.fields[field];
      const mine = track.last("local");
      if (mine === undefined || s.fields[field] === mine.value || track.last("server") !== undefined) continue;
      // A base seen while a crash had no clean sync after it (model-history.ts): the engine may have
      // lost that agreement, and then merges without it — a conflict BlueMind wins, the value logged.
      const loggedConflict = !track.trusted && inLog(lines, String(mine.value));
      if (k?.fields[field] !== mine.value && !loggedConflict) problems.push(`${label}.${field}: ${String(mine.value)} neither sent nor kept at the release (BlueMind ${String(s.fields[field])}, kept ${k === undefined ? "nothing" : String(k.fields[field])})`);
      // Kept aside: from now on BlueMind's value is the synced one.
      track.writes = track.writes.filter((w) => w.side === "server");
    }
    if (!remove && contact.custom1 !== null && k !== undefined && k.custom1 !== contact.custom1) problems.push(`${label}: Custom 1 ${contact.custom1} not kept at the release (kept ${String(k.custom1)})`);
    // What only Thunderbird held stayed with the old copy (or went with it): a later synced copy
    // starts from BlueMind's card.
    contact.custom1 = null;
  }
  for (const list of [...history.lists.values()].filter((l) => l.book === book)) {
    const s = server.lists.get(list.name)?.[0];
    const k = kept?.lists.get(list.name)?.[0];
    if (s === undefined) {
      if (list.createdBy === "local" && [...list.members.values()].every((t) => t.last("server") === undefined)) {
        if (k === undefined && !remove) problems.push(`list ${list.name}: created here, not on BlueMind, and not kept at the release`);
        history.detach(list.name);
      }
      continue;
    }
    for (const [key, track] of list.members) {
      const mine = track.last("local");
      if (mine === undefined || track.last("server") !== undefined || s.members.includes(key) === mine.value) continue;
      // A member whose card BlueMind deleted goes with it, whatever was done here.
      if (!server.contacts.has(key)) continue;
      if (k?.members.includes(key) !== mine.value) problems.push(`list ${list.name}: ${key} ${mine.value ? "added" : "removed"} here, neither sent nor kept at the release`);
      track.writes = track.writes.filter((w) => w.side === "server");
    }
  }
  return problems;
}

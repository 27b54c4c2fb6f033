// A full push: the whole local book compared with the ledger, and what differs queued as if the
// user had just made each change — for a book published from Thunderbird, and for the catch-up of
// edits made while the add-on was not listening (Thunderbird starting, the add-on updated or
// disabled), which raise no event.
import { text } from "../../shared/user-text.ts";
import type { LocalEvent } from "../state/change-queue.ts";
import { sameList } from "./push-plan.ts";
import type { PushRun } from "./push-run.ts";

/**
 * Missing contacts above which a catch-up deletes nothing when they are also more than half the
 * book: a user deletes a few contacts while the add-on is off, not most of a book.
 */
const MISSING_DELETION_LIMIT = 10;

export async function expandFullPush(run: PushRun): Promise<void> {
  const { ledger, target, deps } = run;
  const contacts = await deps.books.listContacts(target.localBookId);
  run.localContacts = new Map(contacts.map((c) => [c.id, c]));
  const changedContacts: Record<string, LocalEvent> = {};
  for (const contact of contacts) {
    const record = ledger.state.contacts[contact.id];
    if (record !== undefined && (record.item === null || ledger.holdsAsSynced(contact.id, contact.vCard))) continue;
    changedContacts[contact.id] = { op: "upsert", uid: record?.item ?? null };
  }
  queueMissingContacts(run, changedContacts);
  const changedLists: Record<string, LocalEvent> = {};
  for (const list of await run.lists()) {
    const groupUid = ledger.groupOfList(list.id);
    const record = groupUid === null ? undefined : ledger.state.groups[groupUid];
    if (record !== undefined && sameList(record, await run.snapshotOf(list))) continue;
    // Most likely the list a cut pull created before recording it: the next pull re-links it.
    if (record === undefined && ledger.awaitedList(list.name) !== null) continue;
    changedLists[list.id] = { op: "upsert", uid: groupUid };
  }
  await deps.queue.expandFullPush(target.containerUid, changedContacts, changedLists);
}

/**
 * Synced contacts no longer in Thunderbird, deleted while the add-on was not listening: their
 * deletion is queued like one the user just made. Unless too many are gone at once (a book
 * emptied by something else than a user, say): then nothing is deleted on BlueMind and the next
 * pull brings them back.
 */
function queueMissingContacts(run: PushRun, changed: Record<string, LocalEvent>): void {
  const local = run.localContacts;
  if (local === null) return;
  const synced = Object.entries(run.ledger.state.contacts).filter(([, record]) => record.item !== null);
  // Missing because the add-on was writing it anew when it stopped: the pull creates it again.
  const missing = synced.filter(([id, record]) => !local.has(id) && record.rewrite !== true);
  if (missing.length === 0) return;
  if (missing.length > MISSING_DELETION_LIMIT && missing.length * 2 > synced.length) {
    for (const [, record] of missing) if (record.item !== null) run.ledger.refetchItem(record.item, "missing in Thunderbird");
    run.log("warning", text("logContactsMissingHere", String(missing.length), run.target.bookName));
    return;
  }
  for (const [id, record] of missing) changed[id] = { op: "delete", uid: record.item };
}

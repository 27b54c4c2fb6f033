// One book's push: the queued local changes (state/change-queue.ts) → BlueMind, with `_mupdates`.
//
//   [full push requested → compare the whole book with the ledger, queue what differs (full-push.ts)]
//   → contacts (push-contacts.ts): read each changed contact from Thunderbird, drop what is
//     unchanged, batches of PUSH_BATCH_SIZE: _mget the server copies, decide (push-plan.ts), merge
//     three-way on a conflict, one _mupdates
//   → mailing lists the same way, after the contacts (push-lists.ts)
//   → ledger checkpointed, then the queue settled (push-run.ts).
//
// Invariants:
//  - Nothing is lost: a queue entry is settled only once BlueMind accepted the change (or the
//    merge decided nothing is left to send, the loser's fields logged), and only after the
//    ledger recorded it; a refused or unanswered change stays queued.
//  - Nothing is duplicated: an add goes only for a contact born here (its own id as item uid);
//    a derived id without a record waits for the pull to re-link it, and a new contact whose
//    content a synced card of the book already holds waits for the user (held-copies.ts).
//  - The server's current copy is fetched before a change is sent: a conflict is only visible
//    there; the merge base is the stored copy both sides last agreed on (state/base-copies.ts).
//
// A batch refused whole because of the book's item limit is sent again without its adds, which
// are refused like a single card (item-limit.ts); any other batch-wide refusal stops this book's
// push, everything still queued.
import { mupdatesWithinItemLimit } from "./item-limit.ts";
import { expandFullPush } from "./full-push.ts";
import { ContactPush } from "./push-contacts.ts";
import { ListPush } from "./push-lists.ts";
import { PushRun, type PushDeps, type PushOutcome, type PushServer, type PushTarget } from "./push-run.ts";

export { PUSH_BATCH_SIZE, type PushDeps, type PushOutcome, type PushServer, type PushTarget } from "./push-run.ts";
export { groupCard } from "./push-lists.ts";
export { cardSummary } from "./card-summary.ts";

export async function pushBook(target: PushTarget, deps: PushDeps): Promise<PushOutcome> {
  const { server } = deps;
  const withinLimit: PushServer = {
    mget: (uids, options) => server.mget(uids, options),
    mupdates: (changes, options) => mupdatesWithinItemLimit(server, changes, options),
    version: (options) => server.version(options),
    changeset: (since, options) => server.changeset(since, options),
    setPhoto: (uid, png, options) => server.setPhoto(uid, png, options),
    getPhoto: (uid, options) => server.getPhoto(uid, options),
    deletePhoto: (uid, options) => server.deletePhoto(uid, options),
  };
  const run = new PushRun(target, { ...deps, server: withinLimit });
  const queue = await deps.queue.get(target.containerUid);
  try {
    // The queue object is the live one: a full push's expansion lands in it.
    if (queue.full) await expandFullPush(run);
    await new ContactPush(run).push(queue);
    if (!run.stopped) {
      await new ListPush(run).push(queue);
      if (!run.stopped) run.ledger.forgetDeletedCards();
    }
  } finally {
    await run.checkpoint();
  }
  return run.outcome;
}

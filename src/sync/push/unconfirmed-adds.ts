// What became of an add whose answer the push never read (ContactRecord.sent): the process died
// between `_mupdates` and the checkpoint after it, or the answer was lost on the way. If BlueMind
// has the card, the add landed and the contact is compared with it as usual. If it does not, the
// add either never landed (send it again) or landed and another client deleted it since (the
// server's deletion wins, as for any synced contact) — and a changeset from the version before the
// batch cannot tell: BlueMind leaves out a card created and deleted within the window.
//
// But a changeset from a version at which the card existed lists it as deleted. The add took one
// of the versions right after the batch started: `since + 1` to `since + changes` (the batch's
// changes each take the next version). So the changesets from each of those versions are read —
// only after a crash or a lost answer, and no further than the container's current version — and
// the card is deleted there if one of them lists it as deleted.
//
// Limits, both on the safe side (the card is sent again: it comes back, nothing is lost): another
// client's write between the push's `_version` (read just before the server's copies) and its
// `_mupdates` shifts the add past the versions read, and BlueMind purges deletion records after 60 days.
import type { SentAdd } from "../state/sync-state.ts";
import type { PushRun } from "./push-run.ts";

export class UnconfirmedAdds {
  /** Per batch (its starting version), the items deleted since one of its versions. */
  private readonly deletedAfter = new Map<number, Promise<Set<string>>>();

  constructor(private readonly run: PushRun) {}

  /** Whether BlueMind took the add of `item` and the card was deleted there since. */
  async deletedThere(item: string, sent: SentAdd): Promise<boolean> {
    let deleted = this.deletedAfter.get(sent.since);
    if (deleted === undefined) {
      deleted = this.readDeletions(sent);
      this.deletedAfter.set(sent.since, deleted);
    }
    return (await deleted).has(item);
  }

  private async readDeletions({ since, changes }: SentAdd): Promise<Set<string>> {
    const { server, signal } = this.run.deps;
    const deleted = new Set<string>();
    // A card deleted at version d was deleted after every version before d: no need to go past it.
    const last = Math.min(since + changes, (await server.version({ signal })) - 1);
    for (let at = since + 1; at <= last; at++) {
      for (const uid of (await server.changeset(at, { signal })).deleted) deleted.add(uid);
    }
    return deleted;
  }
}

// The push's side of local-only copies (local-copies.ts): a new contact whose content a synced
// card of the book already holds is not sent. It stays queued, so an edit that makes it a contact
// of its own (its hash then differs) goes at the next push like any new contact, and it is named
// in the push's outcome for the book's status, where the user can remove it.
import { originalsByContent } from "../local-copies.ts";
import type { BookQueue } from "../state/change-queue.ts";
import type { PushRun } from "./push-run.ts";

export class HeldCopies {
  /** Built at the first new contact, once per push: the ledger does not change before the sends. */
  private originals: ReadonlyMap<string, readonly string[]> | null = null;

  constructor(
    private readonly run: PushRun,
    private readonly queue: BookQueue,
  ) {}

  /** Whether the add of a contact with this content is held back (and reported as a copy). */
  hold(hash: string | null, name: string): boolean {
    if (hash === null) return false;
    this.originals ??= originalsByContent(this.run.ledger, (id) => this.queue.contacts[id]?.op ?? null);
    if (!this.originals.has(hash)) return false;
    this.run.outcome.copies.push(name);
    return true;
  }
}

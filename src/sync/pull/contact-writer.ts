// Thunderbird writes of one book's pull, each through the shared Limiter, with the fallbacks that
// make a replayed or resumed pull converge instead of failing:
//  - create, but the id exists: in this book → it was written by a pull that did not get to
//    record it: update it; in another book → a stray copy (a book the add-on lost track of): the
//    contact moves here (deleted there, created here) — the id is derived from this container,
//    so that copy can only be a stale image of this very card;
//  - update, but the id is gone (the user deleted the contact) → create it again;
//  - delete, but the id is already gone → nothing to do.
// The cheap path never pays for these checks: Thunderbird is only asked what it holds (getContact)
// after it refused a write.
//
// Every call also goes through a WritePacer (pacing.ts): the limiter bounds the calls in flight,
// the pacer keeps fewer when Thunderbird's main thread is slow to answer, so its window stays
// responsive during a big sync.
import type { AddressBooksApi } from "../../thunderbird/types.ts";
import type { Limiter } from "../concurrency.ts";
import { WritePacer } from "../pacing.ts";
import { throwIfAborted } from "../sync-errors.ts";

export type WriteResult = "created" | "updated" | "moved";

export class ContactWriter {
  readonly pacer: WritePacer;

  constructor(
    readonly books: AddressBooksApi,
    readonly bookId: string,
    private readonly limiter: Limiter,
    private readonly signal?: AbortSignal,
    pacer?: WritePacer,
  ) {
    this.pacer = pacer ?? new WritePacer({ max: limiter.limit });
  }

  /** Runs one Thunderbird call in a slot of the shared limiter, when the pacer lets it, unless
   * the run was cancelled meanwhile. */
  call<T>(task: () => Promise<T>): Promise<T> {
    return this.limiter.run(() =>
      this.pacer.run(() => {
        throwIfAborted(this.signal);
        return task();
      }),
    );
  }

  async write(contactId: string, vCard: string, intent: "create" | "update"): Promise<WriteResult> {
    return intent === "create" ? this.create(contactId, vCard) : this.update(contactId, vCard);
  }

  private async create(contactId: string, vCard: string): Promise<WriteResult> {
    try {
      await this.call(() => this.books.createContact(this.bookId, vCard));
      return "created";
    } catch (error) {
      const existing = await this.call(() => this.books.getContact(contactId));
      if (existing === null) throw error;
      if (existing.parentId === this.bookId) {
        await this.call(() => this.books.updateContact(contactId, vCard));
        return "updated";
      }
      await this.call(() => this.books.deleteContact(contactId));
      await this.call(() => this.books.createContact(this.bookId, vCard));
      return "moved";
    }
  }

  private async update(contactId: string, vCard: string): Promise<WriteResult> {
    try {
      await this.call(() => this.books.updateContact(contactId, vCard));
      return "updated";
    } catch (error) {
      const existing = await this.call(() => this.books.getContact(contactId));
      if (existing !== null) throw error;
      await this.call(() => this.books.createContact(this.bookId, vCard));
      return "created";
    }
  }

  /** False when there was nothing to delete. */
  async remove(contactId: string): Promise<boolean> {
    try {
      await this.call(() => this.books.deleteContact(contactId));
      return true;
    } catch (error) {
      const existing = await this.call(() => this.books.getContact(contactId));
      if (existing === null) return false;
      throw error;
    }
  }

  setPhoto(contactId: string, bytes: Uint8Array, type: string): Promise<void> {
    return this.call(() => this.books.setContactPhoto(contactId, bytes, type));
  }
}

// What one book's push shares between its contact and list halves: the target and its ledger,
// what Thunderbird holds (read once per push), the outcome being built, the queue entries settled
// so far, and the one place where a `_mupdates` result is read and the push checkpoints.
//
// Checkpoint order: the ledger (bases, then records) first, then the queue — an entry is never
// forgotten before the record of what was sent is stored. A crash in between makes a change be
// sent twice, which is harmless: `_mupdates` applies "make it so", and a re-sent change whose copy
// BlueMind already holds is recognised as in sync.
import type { ContainerChangeset, ContainerUpdatesResult, ItemValue, VCard, VCardChanges } from "../../bluemind/models.ts";
import type { CallOptions } from "../../bluemind/transport.ts";
import type { ActivityLevel } from "../../shared/status.ts";
import { text, type TextArg, type UserText } from "../../shared/user-text.ts";
import type { AddressBooksApi, ContactInfo, ImagesApi, MailingListInfo } from "../../thunderbird/types.ts";
import type { SyncReporter } from "../reporter.ts";
import type { BookLedger } from "../state/book-ledger.ts";
import { emptySettlement, type ChangeQueue, type QueueSettlement, type RefusedChange } from "../state/change-queue.ts";
import type { ListSnapshot } from "./push-plan.ts";

/** BlueMind's own Thunderbird connector pushes 50 changes per _mupdates. */
export const PUSH_BATCH_SIZE = 50;
/** Batches between saves of the state and the queue: a big push (a published book) stays cheap. */
const CHECKPOINT_BATCHES = 10;

/** The part of BlueMind a push needs (BlueMindClient.addressBook(uid) has it). */
export interface PushServer {
  mget(uids: readonly string[], options?: CallOptions): Promise<ItemValue<VCard>[]>;
  mupdates(changes: VCardChanges, options?: CallOptions): Promise<ContainerUpdatesResult>;
  /** The container's current version: taken before a batch with adds (ContactRecord.sent). */
  version(options?: CallOptions): Promise<number>;
  /** Read only to tell what became of an unconfirmed add (unconfirmed-adds.ts). */
  changeset(since: number, options?: CallOptions): Promise<ContainerChangeset>;
  setPhoto(uid: string, png: Uint8Array, options?: CallOptions): Promise<void>;
  /** Read back after setPhoto: BlueMind stores what it is sent re-encoded. */
  getPhoto(uid: string, options?: CallOptions): Promise<Uint8Array | null>;
  deletePhoto(uid: string, options?: CallOptions): Promise<void>;
}

export interface PushTarget {
  containerUid: string;
  localBookId: string;
  /** The name the user sees, for messages. */
  bookName: string;
  /** The book's state: read, and changed only through it. */
  ledger: BookLedger;
}

export interface PushDeps {
  books: AddressBooksApi;
  /** Scales a photo down for BlueMind (push-photo.ts). */
  images: ImagesApi;
  server: PushServer;
  queue: ChangeQueue;
  reporter: SyncReporter;
  signal?: AbortSignal;
  batchSize?: number;
}

export interface PushOutcome {
  /** Changes BlueMind accepted. */
  sent: number;
  conflicts: number;
  /** `“name”: message` per change BlueMind refused (for the book's status). */
  problems: UserText[];
  /** Names of the new contacts held back as copies of synced ones (held-copies.ts). */
  copies: string[];
}

export class PushRun {
  readonly outcome: PushOutcome = { sent: 0, conflicts: 0, problems: [], copies: [] };
  /** The book's contacts when listed (a full push, or many changes), else null. */
  localContacts: Map<string, ContactInfo> | null = null;
  /** A batch-wide refusal: the rest of this book waits for the next sync. */
  stopped = false;
  private settlement: QueueSettlement = emptySettlement();
  private localLists: MailingListInfo[] | null = null;
  private readonly listMembers = new Map<string, ContactInfo[]>();
  private batchesSinceCheckpoint = 0;

  constructor(
    readonly target: PushTarget,
    readonly deps: PushDeps,
  ) {}

  get ledger(): BookLedger {
    return this.target.ledger;
  }

  get batchSize(): number {
    return this.deps.batchSize ?? PUSH_BATCH_SIZE;
  }

  // ───────────── what Thunderbird holds ─────────────

  async lists(): Promise<MailingListInfo[]> {
    this.localLists ??= await this.deps.books.listLists(this.target.localBookId);
    return this.localLists;
  }

  /** The members of a local list, read once per push. */
  async membersOf(listId: string): Promise<ContactInfo[]> {
    let members = this.listMembers.get(listId);
    if (members === undefined) {
      members = await this.deps.books.listMembers(listId);
      this.listMembers.set(listId, members);
    }
    return members;
  }

  async snapshotOf(list: MailingListInfo): Promise<ListSnapshot> {
    const members = await this.membersOf(list.id);
    return { name: list.name, description: list.description, members: members.map((m) => m.id) };
  }

  // ───────────── BlueMind ─────────────

  async serverCopies(uids: string[]): Promise<Map<string, ItemValue<VCard>>> {
    if (uids.length === 0) return new Map();
    const items = await this.deps.server.mget(uids, { signal: this.deps.signal });
    return new Map(items.map((i) => [i.uid, i]));
  }

  /**
   * Sends one batch and sorts the answer: each sent change is accepted, refused (with BlueMind's
   * message) or neither ("unhandled": it stays queued for the next push). A batch-wide refusal
   * (uid null) stops this book's push, everything still queued.
   */
  async send<P>(changes: VCardChanges, sent: Map<string, P>, onSent: (p: P, version: number) => Promise<void> | void, onRefused: (p: P, message: string) => Promise<void> | void): Promise<void> {
    const result = await this.deps.server.mupdates(changes, { signal: this.deps.signal });
    const batchWide = result.errors.find((e) => e.uid === null);
    if (batchWide !== undefined) {
      this.stopped = true;
      this.outcome.problems.push(text("serverSaid", batchWide.message));
      this.log("error", text("logChangesRefused", this.target.bookName, batchWide.message));
      return;
    }
    const errors = new Map(result.errors.map((e) => [e.uid, e.message]));
    const accepted = new Set([...result.added, ...result.updated, ...result.removed]);
    for (const [uid, p] of sent) {
      const message = errors.get(uid);
      if (message !== undefined) await onRefused(p, message);
      else if (accepted.has(uid)) {
        this.outcome.sent++;
        await onSent(p, result.version);
      }
    }
  }

  // ───────────── the queue ─────────────

  done(id: string, rev: number, kind: "contact" | "list" = "contact"): void {
    (kind === "contact" ? this.settlement.doneContacts : this.settlement.doneLists).push({ id, rev });
  }

  /** BlueMind refused the change: it stays queued with what was refused, not sent again as is. */
  refusedChange(kind: "contact" | "list", id: string, rev: number, refused: RefusedChange, name: TextArg): void {
    (kind === "contact" ? this.settlement.refusedContacts : this.settlement.refusedLists).push({ id, rev, refused });
    this.outcome.problems.push(text("problemNamed", name, refused.message));
    this.log("warning", text("logNotSavedOnServer", name, refused.message));
  }

  async maybeCheckpoint(): Promise<void> {
    if (++this.batchesSinceCheckpoint < CHECKPOINT_BATCHES) return;
    this.batchesSinceCheckpoint = 0;
    await this.checkpoint();
  }

  async checkpoint(): Promise<void> {
    const settlement = this.settlement;
    this.settlement = emptySettlement();
    await this.ledger.checkpoint();
    await this.deps.queue.settle(this.target.containerUid, settlement);
  }

  log(level: ActivityLevel, message: UserText): void {
    this.deps.reporter.log(level, message, this.target.containerUid);
  }
}

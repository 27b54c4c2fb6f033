// Local changes waiting to go to BlueMind, per synced book, kept in storage.local so that an edit
// made just before Thunderbird quits (or crashes) is still pushed after the restart — the lesson
// of Thunderbird's own CardDAV directory, whose failed writes survive restarts.
//
// Key: queueKey(containerUid) ("sync.queue.<containerUid>"): one key per book, like the sync
// state, so a burst of edits in one book does not rewrite the queues of the others.
//
// What is queued is *which* contact or list changed, never its content: the push reads the current
// content from Thunderbird when it runs. Successive events on one contact therefore fold into one
// entry (coalesceContact): created + edited = one upsert; edited + deleted = one delete; created
// here + deleted before any push = nothing at all. An entry also carries `rev`, bumped by every
// event, so a push only dequeues the entries it actually sent (an edit made while the push was on
// the wire stays queued).
//
// `full` asks the push to compare the whole book with the sync state (a book just published from
// Thunderbird): cheaper to store than one entry per contact, and restartable.
//
// Writes are behind the memory copy but never more than one at a time per book: a burst of 500
// deletions costs a few storage writes, not 500, and `flush()` waits for the last one.
import { isRecord, isRecordOf } from "../../shared/parse.ts";
import { isDerivedContactId } from "../contact-uid.ts";
import { isUserText, type TextArg } from "../../shared/user-text.ts";
import type { KeyValueStore } from "../../thunderbird/types.ts";

export const QUEUE_PREFIX = "sync.queue.";
const SCHEMA = 1;

export function queueKey(containerUid: string): string {
  return `${QUEUE_PREFIX}${containerUid}`;
}

/** A change BlueMind refused: not sent again until the content changes (a different hash). */
export interface RefusedChange {
  /** vCardContentHash (contacts) or list fingerprint (lists) of what was refused. */
  hash: string | null;
  /** BlueMind's own message, or the add-on's reason when the change could not even be sent. */
  message: TextArg;
}

export interface ContactChange {
  op: "upsert" | "delete";
  /** The BlueMind item uid when the contact is known to be on the server, else null. */
  item: string | null;
  rev: number;
  refused?: RefusedChange;
}

export interface ListChange {
  op: "upsert" | "delete";
  /** The BlueMind group uid when the list is known to be on the server, else null. */
  group: string | null;
  rev: number;
  refused?: RefusedChange;
}

export interface BookQueue {
  schema: number;
  /** Thunderbird contact id → change. */
  contacts: Record<string, ContactChange>;
  /** Thunderbird mailing-list id → change. */
  lists: Record<string, ListChange>;
  full: boolean;
  /** Last rev handed out. */
  rev: number;
}

export interface LocalEvent {
  op: "upsert" | "delete";
  /** The server uid known when the event happened (from the sync state), if any. */
  uid: string | null;
}

export function emptyQueue(): BookQueue {
  return { schema: SCHEMA, contacts: {}, lists: {}, full: false, rev: 0 };
}

/**
 * Folds a new event into what is queued for one contact or list. Returns undefined when nothing is
 * left to send: an upsert of something BlueMind never had, deleted before the push.
 */
export function coalesce(
  previous: { op: "upsert" | "delete"; uid: string | null } | undefined,
  event: LocalEvent,
  derivedId = false,
): { op: "upsert" | "delete"; uid: string | null } | undefined {
  const uid = event.uid ?? previous?.uid ?? null;
  if (event.op === "upsert") return { op: "upsert", uid };
  // A delete needs a server uid; without one the thing never reached BlueMind — unless its id is
  // derived from a card's (a cut pull wrote it unrecorded): the pull then finds the card.
  return uid === null && !derivedId ? undefined : { op: "delete", uid };
}

export function isEmptyQueue(queue: BookQueue): boolean {
  return !queue.full && Object.keys(queue.contacts).length === 0 && Object.keys(queue.lists).length === 0;
}

function isRefused(value: unknown): value is RefusedChange | undefined {
  return value === undefined || (isRecord(value) && (value.hash === null || typeof value.hash === "string") && (typeof value.message === "string" || isUserText(value.message)));
}

function isChange(value: unknown, uidField: "item" | "group"): boolean {
  if (!isRecord(value)) return false;
  const uid = value[uidField];
  return (value.op === "upsert" || value.op === "delete") && (uid === null || typeof uid === "string") && typeof value.rev === "number" && isRefused(value.refused);
}

function isContactChange(value: unknown): value is ContactChange {
  return isChange(value, "item");
}

function isListChange(value: unknown): value is ListChange {
  return isChange(value, "group");
}

/** The stored queue if readable; an unreadable one is dropped (the next edit queues again). */
export function parseQueue(value: unknown): BookQueue {
  if (!isRecord(value) || value.schema !== SCHEMA) return emptyQueue();
  const { contacts, lists } = value;
  if (!isRecordOf(contacts, isContactChange) || !isRecordOf(lists, isListChange)) return emptyQueue();
  return {
    schema: SCHEMA,
    contacts,
    lists,
    full: value.full === true,
    rev: typeof value.rev === "number" ? value.rev : 0,
  };
}

/** What a push sent and how it ended, to settle the queue afterwards. */
export interface QueueSettlement {
  /** Entries that reached BlueMind (or need nothing any more), with the rev that was sent. */
  doneContacts: { id: string; rev: number }[];
  doneLists: { id: string; rev: number }[];
  refusedContacts: { id: string; rev: number; refused: RefusedChange }[];
  refusedLists: { id: string; rev: number; refused: RefusedChange }[];
}

export function emptySettlement(): QueueSettlement {
  return { doneContacts: [], doneLists: [], refusedContacts: [], refusedLists: [] };
}

export class ChangeQueue {
  private readonly queues = new Map<string, Promise<BookQueue>>();
  private readonly writes = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();

  constructor(private readonly store: KeyValueStore) {}

  /** The queue of a book (loaded once, then kept in memory). Treat as read-only. */
  get(containerUid: string): Promise<BookQueue> {
    let queue = this.queues.get(containerUid);
    if (queue === undefined) {
      queue = this.store.get(queueKey(containerUid)).then(parseQueue, () => emptyQueue());
      this.queues.set(containerUid, queue);
    }
    return queue;
  }

  async recordContact(containerUid: string, contactId: string, event: LocalEvent): Promise<void> {
    const queue = await this.get(containerUid);
    const previous = queue.contacts[contactId];
    const next = coalesce(previous === undefined ? undefined : { op: previous.op, uid: previous.item }, event, isDerivedContactId(contactId));
    if (next === undefined) delete queue.contacts[contactId];
    else {
      const change: ContactChange = { op: next.op, item: next.uid, rev: ++queue.rev };
      if (previous?.refused !== undefined && next.op === "upsert") change.refused = previous.refused;
      queue.contacts[contactId] = change;
    }
    this.persist(containerUid, queue);
  }

  async recordList(containerUid: string, listId: string, event: LocalEvent): Promise<void> {
    const queue = await this.get(containerUid);
    const previous = queue.lists[listId];
    const next = coalesce(previous === undefined ? undefined : { op: previous.op, uid: previous.group }, event);
    if (next === undefined) delete queue.lists[listId];
    else {
      const change: ListChange = { op: next.op, group: next.uid, rev: ++queue.rev };
      if (previous?.refused !== undefined && next.op === "upsert") change.refused = previous.refused;
      queue.lists[listId] = change;
    }
    this.persist(containerUid, queue);
  }

  /** Forgets what is queued for one contact (a pull settled it: the server's side won). */
  async dropContact(containerUid: string, contactId: string): Promise<void> {
    const queue = await this.get(containerUid);
    if (queue.contacts[contactId] === undefined) return;
    delete queue.contacts[contactId];
    this.persist(containerUid, queue);
  }

  /** Asks the next push to compare the whole book with the sync state. */
  async requestFullPush(containerUid: string): Promise<void> {
    const queue = await this.get(containerUid);
    queue.full = true;
    this.persist(containerUid, queue);
  }

  /** Replaces the full-push request by the entries it found. */
  async expandFullPush(containerUid: string, contacts: Record<string, LocalEvent>, lists: Record<string, LocalEvent>): Promise<void> {
    const queue = await this.get(containerUid);
    for (const [id, event] of Object.entries(contacts)) {
      if (queue.contacts[id] === undefined) queue.contacts[id] = { op: event.op, item: event.uid, rev: ++queue.rev };
    }
    for (const [id, event] of Object.entries(lists)) {
      if (queue.lists[id] === undefined) queue.lists[id] = { op: event.op, group: event.uid, rev: ++queue.rev };
    }
    queue.full = false;
    this.persist(containerUid, queue);
  }

  /** Drops the entries a push handled, unless an event changed them since (a newer rev). */
  async settle(containerUid: string, settlement: QueueSettlement): Promise<void> {
    const queue = await this.get(containerUid);
    for (const { id, rev } of settlement.doneContacts) if (queue.contacts[id]?.rev === rev) delete queue.contacts[id];
    for (const { id, rev } of settlement.doneLists) if (queue.lists[id]?.rev === rev) delete queue.lists[id];
    for (const { id, rev, refused } of settlement.refusedContacts) {
      const entry = queue.contacts[id];
      if (entry?.rev === rev) entry.refused = refused;
    }
    for (const { id, rev, refused } of settlement.refusedLists) {
      const entry = queue.lists[id];
      if (entry?.rev === rev) entry.refused = refused;
    }
    this.persist(containerUid, queue);
  }

  /** Forgets everything queued for a book (its sync went off, it was deleted). */
  async drop(containerUid: string): Promise<void> {
    const queue = await this.get(containerUid);
    queue.contacts = {};
    queue.lists = {};
    queue.full = false;
    this.persist(containerUid, queue);
  }

  /** Resolves when every change recorded so far is in storage. */
  async flush(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes.values()]);
  }

  private persist(containerUid: string, queue: BookQueue): void {
    this.dirty.add(containerUid);
    if (!this.writes.has(containerUid)) this.writes.set(containerUid, this.writeLoop(containerUid, queue));
  }

  private async writeLoop(containerUid: string, queue: BookQueue): Promise<void> {
    try {
      // Each round writes the latest memory copy; changes made during a write need one more round.
      while (this.dirty.delete(containerUid)) {
        try {
          if (isEmptyQueue(queue)) await this.store.remove(queueKey(containerUid));
          else await this.store.set(queueKey(containerUid), queue);
        } catch {
          // storage.local failing is beyond repair here; the memory copy still gets pushed.
        }
      }
    } finally {
      // Same synchronous step as the last check of `dirty`: no change can slip in between.
      this.writes.delete(containerUid);
    }
  }
}

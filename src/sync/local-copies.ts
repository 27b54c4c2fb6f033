// Local-only copies: contacts of a synced writable book that repeat a synced card's content but
// were never on BlueMind — left by an earlier connector, an import, a copy made in Thunderbird.
// Sent as new, each would make BlueMind hold the card twice; so the push keeps them back
// (push/held-copies.ts), the book's status shows them, and "Remove copies" deletes them here
// (copy-removal.ts). Nothing here ever touches a card BlueMind has.
//
// A copy is a contact
//  - without a record in the book's state (never sent; an add on its way has a record), and
//  - whose id is not derived from a BlueMind card (contact-uid.ts: such a contact without a record
//    is a synced card whose record was lost, which the pull re-links), and
//  - whose content hash (vCardContentHash: BlueMind's content only, so neither UID nor PHOTO nor
//    Thunderbird's re-serialisation counts) is the hash of an original.
// An original is a card BlueMind confirmed (a record with an item, no unconfirmed add, no restore
// pending) with nothing queued for it: a contact the user edited or deleted since no longer holds
// what BlueMind has, and its copy may then be the only place left where that content is.
//
// What a wrong answer costs: a contact taken for a copy is not sent and is offered for removal,
// which is why removal looks again at both contacts as Thunderbird holds them. A copy missed is
// sent, and BlueMind holds the card twice, as it did before this module existed.
// Local-only contacts equal to each other but to no original are new contacts: all are sent.
import type { ContactInfo } from "../thunderbird/types.ts";
import { vCardContentHash } from "../vcard/index.ts";
import { isDerivedContactId } from "./contact-uid.ts";
import { cardSummary } from "./push/card-summary.ts";
import type { BookLedger } from "./state/book-ledger.ts";

/** What the change queue holds for a contact. */
export type QueuedOp = (contactId: string) => "upsert" | "delete" | null;

type LedgerView = Pick<BookLedger, "state" | "hashOf">;

export interface LocalCopy {
  id: string;
  /** The synced contact it copies, found in Thunderbird with that content. */
  original: string;
  name: string;
}

/** The content hashes of the book's originals, each with the contacts holding it. */
export function originalsByContent(ledger: LedgerView, queued: QueuedOp): Map<string, string[]> {
  const originals = new Map<string, string[]>();
  for (const [id, record] of Object.entries(ledger.state.contacts)) {
    if (record.item === null || record.sent !== undefined || record.restore !== undefined || queued(id) !== null) continue;
    const hash = ledger.hashOf(id);
    if (hash === null) continue;
    const ids = originals.get(hash);
    if (ids === undefined) originals.set(hash, [id]);
    else ids.push(id);
  }
  return originals;
}

/** Never sent to BlueMind, and not a BlueMind card whose record was lost. */
export function isLocalOnly(ledger: LedgerView, contactId: string): boolean {
  return ledger.state.contacts[contactId] === undefined && !isDerivedContactId(contactId);
}

/**
 * The copies among a book's contacts. Stricter than the push's test: the original must be among
 * `contacts` with that very content, so a removal never leaves the content nowhere in the book.
 */
export function findLocalCopies(ledger: LedgerView, contacts: readonly ContactInfo[], queued: QueuedOp): LocalCopy[] {
  const candidates = contacts.filter((c) => isLocalOnly(ledger, c.id));
  if (candidates.length === 0) return [];
  const originals = originalsByContent(ledger, queued);
  const here = new Map(contacts.map((c) => [c.id, c.vCard]));
  const copies: LocalCopy[] = [];
  for (const contact of candidates) {
    const hash = vCardContentHash(contact.vCard);
    if (hash === null) continue;
    const original = originals.get(hash)?.find((id) => {
      const vCard = here.get(id);
      return vCard !== undefined && vCardContentHash(vCard) === hash;
    });
    if (original !== undefined) copies.push({ id: contact.id, original, name: cardSummary(contact.vCard).name });
  }
  return copies;
}

// The integrity check: a synced book's local contacts compared with what the sync state says
// Thunderbird holds — the add-on's own record of BlueMind's cards (their content fingerprints) —
// so that drift the change events never showed is noticed and can be repaired (Repair re-reads the
// book: ledger.requestRepair).
//
// Drift, per contact of a BlueMind card (a bare-email member contact or an add on its way is none):
//  - missing: recorded, no longer in Thunderbird, and no deletion queued (a deletion the add-on did
//    not see: made while it was off in a read-only book, which has no catch-up, or an event lost);
//  - changed: in Thunderbird with content other than the record's, and no change queued;
//  - extra: under an id derived from a BlueMind card (contact-uid.ts) without a record, and no
//    change queued (a copy the state lost track of).
// When: once per session per book, and at each daily full check (the catch-up's rhythm, two-way.ts):
// it lists the book, one Thunderbird call that a 10,000-contact book pays in a few hundred ms.
import type { ContactInfo } from "../thunderbird/types.ts";
import { vCardContentHash } from "../vcard/index.ts";
import { isDerivedContactId } from "./contact-uid.ts";
import type { BookLedger } from "./state/book-ledger.ts";

export interface Drift {
  missing: number;
  changed: number;
  extra: number;
}

export function driftTotal(drift: Drift): number {
  return drift.missing + drift.changed + drift.extra;
}

export function findDrift(ledger: Pick<BookLedger, "state" | "hashOf">, contacts: readonly ContactInfo[], pending: (contactId: string) => "upsert" | "delete" | null): Drift {
  const { state } = ledger;
  const drift: Drift = { missing: 0, changed: 0, extra: 0 };
  const here = new Map(contacts.map((c) => [c.id, c.vCard]));
  for (const [id, record] of Object.entries(state.contacts)) {
    if (record.item === null || record.sent !== undefined || record.restore !== undefined || pending(id) !== null) continue;
    const vCard = here.get(id);
    if (vCard === undefined) drift.missing++;
    else {
      const written = ledger.hashOf(id);
      if (written !== null && vCardContentHash(vCard) !== written) drift.changed++;
    }
  }
  for (const id of here.keys()) {
    if (state.contacts[id] === undefined && isDerivedContactId(id) && pending(id) === null) drift.extra++;
  }
  return drift;
}

/** Which books are due for a check: the first sync of each in this session, then daily. */
export class IntegritySchedule {
  private readonly checked = new Set<string>();

  due(containerUid: string, fullCheck: boolean): boolean {
    const first = !this.checked.has(containerUid);
    this.checked.add(containerUid);
    return first || fullCheck;
  }
}

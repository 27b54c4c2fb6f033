import { describe, expect, it } from "vitest";
import type { ContactInfo } from "../thunderbird/types.ts";
import { vCardContentHash } from "../vcard/index.ts";
import { contactIdFor } from "./contact-uid.ts";
import { findLocalCopies, originalsByContent } from "./local-copies.ts";
import { emptyBookState, type BookSyncState } from "./state/sync-state.ts";

const card = (uid: string, name: string, email: string) => `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:${uid}\r\nFN:${name}\r\nEMAIL:${email}\r\nEND:VCARD\r\n`;
/** The same content as Thunderbird writes a copy: another UID, a photo, other property order. */
const copyOf = (uid: string, name: string, email: string) =>
  `BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL:${email}\r\nFN:${name}\r\nPHOTO:data:image/png;base64,iVBORw0KGgo=\r\nUID:${uid}\r\nEND:VCARD\r\n`;

const contact = (id: string, vCard: string): ContactInfo => ({ id, parentId: "tb-book", vCard });

async function syncedBook() {
  const state: BookSyncState = emptyBookState("book:A", 1);
  const ann = await contactIdFor("book:A", "ann");
  const bob = await contactIdFor("book:A", "bob");
  const annCard = card(ann, "Ann Lee", "ann@example.com");
  const bobCard = card(bob, "Bob Roe", "bob@example.com");
  state.contacts[ann] = { item: "ann", v: 3, h: vCardContentHash(annCard) };
  state.contacts[bob] = { item: "bob", v: 4, h: vCardContentHash(bobCard) };
  const ledger = { state, hashOf: (id: string) => state.contacts[id]?.h ?? null };
  return { state, ledger, ann, bob, synced: [contact(ann, annCard), contact(bob, bobCard)] };
}

const nothingQueued = () => null;

describe("findLocalCopies", () => {
  it("finds a contact never sent whose content is a synced card's, whatever its UID, photo or serialisation", async () => {
    const { ledger, ann, synced } = await syncedBook();
    const here = [...synced, contact("copy-1", copyOf("copy-1", "Ann Lee", "ann@example.com")), contact("copy-2", copyOf("copy-2", "Ann Lee", "ann@example.com"))];
    expect(findLocalCopies(ledger, here, nothingQueued)).toEqual([
      { id: "copy-1", original: ann, name: "Ann Lee" },
      { id: "copy-2", original: ann, name: "Ann Lee" },
    ]);
  });

  it("leaves alone a different contact, an add on its way, a lost BlueMind card and copies of each other only", async () => {
    const { state, ledger, synced } = await syncedBook();
    const lost = await contactIdFor("book:A", "lost");
    state.contacts.sent = { item: "sent", v: -1, h: vCardContentHash(card("sent", "Ann Lee", "ann@example.com")), sent: { since: 4, changes: 1 } };
    const here = [
      ...synced,
      contact("edited", copyOf("edited", "Ann Lee", "ann.lee@example.com")),
      contact("sent", copyOf("sent", "Ann Lee", "ann@example.com")),
      contact(lost, copyOf(lost, "Bob Roe", "bob@example.com")),
      contact("new-1", card("new-1", "Cy Doe", "cy@example.com")),
      contact("new-2", copyOf("new-2", "Cy Doe", "cy@example.com")),
    ];
    expect(findLocalCopies(ledger, here, nothingQueued)).toEqual([]);
  });

  it("takes no original the user changed or deleted (queued), nor one changed here or gone unseen", async () => {
    const { ledger, ann, bob, synced } = await syncedBook();
    const copies = [contact("copy-ann", copyOf("copy-ann", "Ann Lee", "ann@example.com")), contact("copy-bob", copyOf("copy-bob", "Bob Roe", "bob@example.com"))];
    expect(findLocalCopies(ledger, [...synced, ...copies], (id) => (id === ann ? "upsert" : id === bob ? "delete" : null))).toEqual([]);
    const annChangedUnseen = contact(ann, card(ann, "Ann Lee-Smith", "ann@example.com"));
    expect(findLocalCopies(ledger, [annChangedUnseen, ...copies], nothingQueued)).toEqual([]);
  });

  it("takes no original that is a member's bare address, an unconfirmed add or a card kept to be put back", async () => {
    const { state, ledger, ann, bob, synced } = await syncedBook();
    const annRecord = state.contacts[ann]!;
    const copies = [contact("copy-ann", copyOf("copy-ann", "Ann Lee", "ann@example.com")), contact("copy-bob", copyOf("copy-bob", "Bob Roe", "bob@example.com"))];
    state.contacts[ann] = { ...annRecord, sent: { since: 2, changes: 1 } };
    state.contacts[bob] = { ...state.contacts[bob]!, restore: true };
    expect(findLocalCopies(ledger, [...synced, ...copies], nothingQueued)).toEqual([]);
    state.contacts[ann] = { ...annRecord, item: null };
    expect(originalsByContent(ledger, nothingQueued).size).toBe(0);
  });
});

describe("originalsByContent", () => {
  it("lists each content hash with every synced contact holding it", async () => {
    const { state, ledger, ann, bob } = await syncedBook();
    state.contacts[bob] = { ...state.contacts[bob]!, h: state.contacts[ann]!.h };
    expect([...originalsByContent(ledger, nothingQueued)]).toEqual([[state.contacts[ann]!.h, [ann, bob]]]);
  });
});

import { describe, expect, it } from "vitest";
import type { VCard } from "../../shared/bluemind-card.ts";
import { blueMindToVCard, vCardContentHash } from "../../vcard/index.ts";
import { decideIncoming, type IncomingCard } from "./incoming-card.ts";

const ID = "5f2b7c1a-0d3e-5a4b-8c9d-0e1f2a3b4c5d";

function card(title: string, note: string): VCard {
  return {
    kind: "individual",
    identification: { formatedName: { value: "Jane Doe", parameters: [] } },
    organizational: { title },
    explanatory: { note },
  };
}

function vCardOf(value: VCard): string {
  const converted = blueMindToVCard(value, ID);
  if (!converted.ok) throw new Error("conversion failed");
  return converted.value;
}

/** BlueMind changed the note; Thunderbird's copy is `local`, the stored base is the first card. */
function incoming(local: string, record: IncomingCard["record"], pending: IncomingCard["pending"]): IncomingCard {
  const server = card("Engineer", "Theirs");
  const serverVCard = vCardOf(server);
  return { contactId: ID, card: server, version: 2, serverVCard, hash: vCardContentHash(serverVCard), record, listed: { vCard: local }, readOnly: false, pending };
}

const base = vCardOf(card("Engineer", "First"));
const readers = { readLocal: () => Promise.resolve(null), readBase: () => Promise.resolve(base) };

describe("decideIncoming", () => {
  it("a contact unchanged here since its record takes BlueMind's card", async () => {
    const action = await decideIncoming(incoming(base, { item: "card-1", v: 1, h: vCardContentHash(base) }, null), readers);
    expect(action.kind).toBe("update");
  });

  // Bug AC (model, seed 77): a run recorded the contact and died before computing its hash; the
  // user's edit, queued, was taken for no change and overwritten by BlueMind's card.
  it("a record without a hash and a queued edit: merged, the edit kept", async () => {
    const edited = vCardOf(card("Manager", "First"));
    const action = await decideIncoming(incoming(edited, { item: "card-1", v: 1, h: null }, "upsert"), readers);
    expect(action.kind).toBe("merge");
    if (action.kind !== "merge") return;
    expect(action.conflicts).toEqual([]);
    expect(action.vCard).toContain("Manager");
    expect(action.vCard).toContain("Theirs");
    expect(action.push).toBe(true);
  });

  it("a record without a hash and nothing queued: BlueMind's card", async () => {
    const action = await decideIncoming(incoming(base, { item: "card-1", v: 1, h: null }, null), readers);
    expect(action.kind).toBe("update");
  });
});

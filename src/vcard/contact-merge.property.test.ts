// Invariants of the contact merge (contact-merge.ts) over generated contacts: a base card from
// arbitraries.ts, random edits on each side (contact-edits.ts), the local side sometimes saved
// by Thunderbird's editor, the server side gone through BlueMind (read onto the base card and
// written back, as a pull would see it).

import { inEnglish } from "../shared/user-text.ts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { VCard } from "../shared/bluemind-card.ts";
import { blueMindCard, text } from "../../test/unit/fixtures/vcard/arbitraries.ts";
import { THUNDERBIRD_ONLY, applyEdits, blueMindEdit, thunderbirdEdit, touchedField } from "../../test/unit/fixtures/vcard/contact-edits.ts";
import { thunderbirdEditorSave } from "../../test/unit/fixtures/vcard/thunderbird-save.ts";
import type { ContactMerge } from "./contact-merge.ts";
import { mergeContacts, sameBlueMindContent } from "./contact-merge.ts";
import { MAPPED_PROPERTIES } from "./fields.ts";
import { vCardToBlueMind } from "./from-vcard.ts";
import type { JCardProperty } from "./jcard.ts";
import { parseVCardText, textValue } from "./jcard.ts";
import { stableStringify } from "./key.ts";
import { dig } from "./read.ts";
import { blueMindToVCard } from "./to-vcard.ts";

// 300 generated contacts per property; raise with VCARD_PROPERTY_RUNS for a longer hunt.
const RUNS = { numRuns: Math.max(300, Number(process.env.VCARD_PROPERTY_RUNS ?? 0) || 0) };
const TIMEOUT = { timeout: 60 * RUNS.numRuns };
const UID = "7e1d3c5a-0b2f-4e6d-8a9c-1f3e5d7b9a0c";

/** Where each merged field lands in BlueMind's card (CATEGORIES are not read back from Thunderbird). */
const PATHS: Record<string, string[]> = {
  kind: ["kind"],
  fn: ["identification", "formatedName"],
  n: ["identification", "name"],
  nickname: ["identification", "nickname"],
  bday: ["identification", "birthday"],
  anniversary: ["identification", "anniversary"],
  gender: ["identification", "gender"],
  email: ["communications", "emails"],
  tel: ["communications", "tels"],
  impp: ["communications", "impps"],
  lang: ["communications", "langs"],
  adr: ["deliveryAddressing"],
  url: ["explanatory", "urls"],
  org: ["organizational", "org"],
  title: ["organizational", "title"],
  role: ["organizational", "role"],
  note: ["explanatory", "note"],
};

function toVCard(card: VCard, thunderbirdVCard: string | null = null): string {
  const result = blueMindToVCard(card, UID, { thunderbirdVCard });
  if (!result.ok) throw new Error(inEnglish(result.reason));
  return result.value;
}

function fromVCard(vCard: string, previous: VCard | null = null): VCard {
  const result = vCardToBlueMind(vCard, previous);
  if (!result.ok) throw new Error(inEnglish(result.reason));
  return result.value;
}

function merge(base: string | null, local: string, server: string): ContactMerge {
  const result = mergeContacts({ base, local, server });
  if (!result.ok) throw new Error(inEnglish(result.reason));
  return result.value;
}

function properties(vCard: string): JCardProperty[] {
  const parsed = parseVCardText(vCard);
  if (!parsed.ok) throw new Error(inEnglish(parsed.reason));
  return parsed.properties;
}

const fieldContent = (vCard: string, name: string): string => stableStringify(dig(fromVCard(vCard), ...(PATHS[name] ?? [])) ?? null);
const fieldText = (vCard: string, name: string): string => JSON.stringify(properties(vCard).filter((p) => p.name === name));
const thunderbirdOnly = (vCard: string): string[] =>
  properties(vCard)
    .filter((p) => !MAPPED_PROPERTIES.has(p.name))
    .map((p) => JSON.stringify([p.name, p.params, textValue(p)]));

/**
 * An address or organisation line ending with a backslash: once Thunderbird's editor has folded
 * it into a list, ical.js (inside Thunderbird too) misreads the delimiter after it (jcard.ts).
 */
function misreadWhenFolded(vCard: string): boolean {
  return properties(vCard)
    .filter((p) => p.name === "adr" || p.name === "org")
    .some((p) => p.values.flat(2).some((value) => value.split("\n").some((line) => line.trim().endsWith("\\"))));
}

const scenario = fc
  .record({
    card: blueMindCard,
    localEdits: fc.array(thunderbirdEdit, { maxLength: 4 }),
    serverEdits: fc.array(blueMindEdit, { maxLength: 4 }),
    editorSave: fc.boolean(),
    // Thunderbird-only fields the server copy still carries from an older local copy.
    stale: fc.array(fc.tuple(fc.constantFrom(...THUNDERBIRD_ONLY), text), { maxLength: 2 }),
  })
  .map(({ card, localEdits, serverEdits, editorSave, stale }) => {
    const base = toVCard(card);
    const edited = applyEdits(base, localEdits);
    const local = editorSave && !misreadWhenFolded(edited) ? thunderbirdEditorSave(edited) : edited;
    const older = applyEdits(base, stale.map(([name, value]) => ({ op: "thunderbirdOnly", name, value })));
    const server = toVCard(fromVCard(applyEdits(base, serverEdits), card), older);
    const touchedLocally = new Set(localEdits.map(touchedField));
    const changedOnServer = new Set(Object.keys(PATHS).filter((name) => fieldText(server, name) !== fieldText(base, name)));
    return { base, local, server, touchedLocally, changedOnServer };
  });

describe("contact merge invariants", () => {
  it("merge(b, b, s) is s and merge(b, l, b) is l, in content, without conflicts", TIMEOUT, () => {
    fc.assert(
      fc.property(scenario, ({ base, local, server }) => {
        const fromServer = merge(base, base, server);
        expect(sameBlueMindContent(fromServer.merged, server)).toBe(true);
        expect(fromServer.conflicts).toEqual([]);
        const fromLocal = merge(base, local, base);
        expect(sameBlueMindContent(fromLocal.merged, local)).toBe(true);
        expect(fromLocal.conflicts).toEqual([]);
        expect(fromLocal.thunderbirdOutdated).toBe(false);
      }),
      RUNS,
    );
  });

  it("merge(b, x, x) is x without conflicts, nothing to write or push", TIMEOUT, () => {
    fc.assert(
      fc.property(scenario, ({ base, server }) => {
        const result = merge(base, server, server);
        expect(sameBlueMindContent(result.merged, server)).toBe(true);
        expect(result).toMatchObject({ conflicts: [], thunderbirdOutdated: false, serverOutdated: false });
      }),
      RUNS,
    );
  });

  it("a conflict only on a field changed on both sides; a field changed on one side comes from it", TIMEOUT, () => {
    fc.assert(
      fc.property(scenario, ({ base, local, server, touchedLocally, changedOnServer }) => {
        const result = merge(base, local, server);
        for (const conflict of result.conflicts) {
          const name = conflict.field.split(" ")[0]!.toLowerCase();
          expect(touchedLocally.has(name) && changedOnServer.has(name), conflict.field).toBe(true);
        }
        for (const name of Object.keys(PATHS)) {
          if (touchedLocally.has(name) && !changedOnServer.has(name)) expect(fieldContent(result.merged, name), name).toBe(fieldContent(local, name));
          // Thunderbird's editor may have folded an address Thunderbird keeps: the same value.
          const folded = (vCard: string): string => fieldContent(thunderbirdEditorSave(vCard), name);
          if (!touchedLocally.has(name) && changedOnServer.has(name)) expect(folded(result.merged), name).toBe(folded(server));
        }
      }),
      RUNS,
    );
  });

  it("keeps what Thunderbird alone holds, as it is in Thunderbird, and Thunderbird's UID", TIMEOUT, () => {
    fc.assert(
      fc.property(scenario, fc.boolean(), ({ base, local, server }, knownBase) => {
        const { merged } = merge(knownBase ? base : null, local, server);
        expect(thunderbirdOnly(merged)).toEqual(thunderbirdOnly(local));
        expect(properties(merged).filter((p) => p.name === "uid").map(textValue)).toEqual([UID]);
        expect(vCardToBlueMind(merged).ok).toBe(true);
      }),
      RUNS,
    );
  });

  it("is idempotent: merging the result again gives no conflict and the same content", TIMEOUT, () => {
    fc.assert(
      fc.property(scenario, ({ base, local, server }) => {
        const { merged } = merge(base, local, server);
        for (const again of [merge(base, merged, server), merge(server, merged, server)]) {
          expect(again.conflicts).toEqual([]);
          expect(sameBlueMindContent(again.merged, merged)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("without a base, loses no email or phone of either side", TIMEOUT, () => {
    // An email's case is no difference (BlueMind lower-cases addresses).
    const entries = (vCard: string): string[] =>
      ["email", "tel"].flatMap((name) => {
        const list = dig(fromVCard(vCard), ...(PATHS[name] ?? []));
        return Array.isArray(list) ? list.map((entry: unknown) => stableStringify([name, dig(entry, "value"), dig(entry, "ext")]).toLowerCase()) : [];
      });
    fc.assert(
      fc.property(scenario, ({ local, server }) => {
        const kept = new Set(entries(merge(null, local, server).merged));
        for (const entry of [...entries(server), ...entries(local)]) expect(kept.has(entry), entry).toBe(true);
      }),
      RUNS,
    );
  });
});

import { describe, expect, it } from "vitest";
import { janeDoe } from "../../test/unit/fixtures/vcard/cards.ts";
import { normalizedVCardKey, vCardContentHash } from "./key.ts";
import { blueMindToVCard } from "./to-vcard.ts";

const card = (...lines: string[]) => ["BEGIN:VCARD", "VERSION:4.0", ...lines, "END:VCARD", ""].join("\r\n");

describe("normalizedVCardKey", () => {
  const base = card("FN:Jane Doe", "N:Doe;Jane;;;", "EMAIL;PREF=1;TYPE=work:jane@example.com", "TEL;TYPE=work,voice;VALUE=TEXT:+33 5", "NOTE:a\\nb", "UID:u1");

  it("is the same however Thunderbird re-serialises the same content", () => {
    const variants = [
      // parameter order, property order, name case, LF line ends
      card("n:Doe;Jane;;;", "fn:Jane Doe", "email;type=work;pref=1:jane@example.com", "TEL;VALUE=TEXT;TYPE=work;TYPE=voice:+33 5", "NOTE:a\\Nb", "UID:u1").replaceAll("\r\n", "\n"),
      // folding
      base.replace("NOTE:a\\nb", "NOTE:a\r\n \\nb"),
      // properties BlueMind cannot hold, empty ones the editor leaves, another UID
      base.replace("UID:u1", "UID:u2\r\nX-CUSTOM1:\r\nTZ:Europe/Paris\r\nNICKNAME:\r\nitem1.X-ABLABEL:x"),
    ];
    for (const variant of variants) expect(normalizedVCardKey(variant)).toBe(normalizedVCardKey(base));
  });

  it("changes when something BlueMind stores changes", () => {
    const edits = [
      base.replace("FN:Jane Doe", "FN:Jane D."),
      base.replace("jane@example.com", "jane@example.org"),
      base.replace("EMAIL;PREF=1;", "EMAIL;"),
      base.replace("TYPE=work,voice", "TYPE=home"),
      base.replace("NOTE:a\\nb", "NOTE:a\\n b"),
      base.replace("UID:u1", "BDAY;VALUE=DATE:19800101\r\nUID:u1"),
    ];
    const keys = new Set([normalizedVCardKey(base), ...edits.map(normalizedVCardKey)]);
    expect(keys.size).toBe(edits.length + 1);
  });

  it("is null for an unreadable vCard", () => {
    expect(normalizedVCardKey("garbage")).toBeNull();
  });

  it("matches between what the add-on writes and the same card read back", () => {
    const written = blueMindToVCard(janeDoe(), "u1");
    expect(written.ok).toBe(true);
    if (written.ok) expect(normalizedVCardKey(written.value.replaceAll("\r\n ", ""))).toBe(normalizedVCardKey(written.value));
  });
});

describe("vCardContentHash", () => {
  it("is 16 hex digits, equal for equal keys, different for different content", () => {
    const a = card("FN:A", "UID:1");
    const hash = vCardContentHash(a);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(vCardContentHash(a.replaceAll("\r\n", "\n"))).toBe(hash);
    expect(vCardContentHash(card("FN:B", "UID:1"))).not.toBe(hash);
    expect(vCardContentHash("")).toBeNull();
  });

  it("spreads: no collisions among many similar cards", () => {
    const hashes = new Set(Array.from({ length: 5000 }, (_, i) => vCardContentHash(card(`FN:Person ${i}`))));
    expect(hashes.size).toBe(5000);
  });
});

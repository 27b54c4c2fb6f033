// Captures vCards exactly as a real Thunderbird stores them, as fixtures for the vCard tests
// (test/unit/fixtures/vcard/captured/). Run by hand when Thunderbird changes:
//   node --import tsx test/thunderbird/capture-vcards.ts
// Each case is written through the public API (legacy flat properties, which make Thunderbird
// build the vCard itself, or a vCard that Thunderbird parses and re-serialises), then read back.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ProbeClient } from "./probe.ts";
import { startThunderbird } from "./runner.ts";

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../unit/fixtures/vcard/captured");

type Case = { name: string; properties: Record<string, string>; update?: Record<string, string> };

const V = (...lines: string[]) => ["BEGIN:VCARD", "VERSION:4.0", ...lines, "END:VCARD", ""].join("\r\n");

const CASES: Case[] = [
  {
    name: "legacy-properties",
    properties: {
      FirstName: "Élodie",
      LastName: "Garçon-Dupré",
      DisplayName: "Élodie Garçon-Dupré",
      NickName: "Lodie",
      PrimaryEmail: "elodie@example.fr",
      SecondEmail: "e.g@perso.example",
      WorkPhone: "+33 1 23 45 67 89",
      CellularNumber: "+33 6 12 34 56 78",
      HomeAddress: "12, rue de la Paix",
      HomeCity: "Paris",
      HomeZipCode: "75002",
      HomeCountry: "France",
      Company: "ACME; SARL",
      Department: "R&D",
      JobTitle: "Ingénieure",
      WebPage1: "https://acme.example",
      BirthYear: "1985",
      BirthMonth: "3",
      BirthDay: "15",
      Notes: "Line 1\nLine 2, with comma; and semicolon \\ backslash",
    },
  },
  {
    name: "full-vcard",
    properties: {
      vCard: V(
        "UID:5b0b6c2e-1f0e-4b5c-9a59-1b7c0d9e1a01",
        "KIND:individual",
        "FN:Dr. Jean-Paul de La Fontaine Jr.",
        "N:de La Fontaine;Jean-Paul;Marie,Joseph;Dr.;Jr.",
        "NICKNAME:JP",
        "EMAIL;TYPE=work:jp@acme.example",
        "EMAIL;PREF=1;TYPE=home:jp.home@example.org",
        "TEL;TYPE=work,voice;VALUE=TEXT:+33 5 00 00 00 00",
        "TEL;TYPE=cell;VALUE=TEXT:+33 6 00 00 00 00",
        "TEL;TYPE=fax;VALUE=TEXT:+33 5 00 00 00 01",
        "ADR;TYPE=work:;Bât. B;1\\, rue X;Toulouse;Occitanie;31000;France",
        "ORG:ACME\\; SARL;R&D",
        "TITLE:CTO",
        "ROLE:Architecte",
        "URL;TYPE=work:https://acme.example",
        "IMPP:xmpp:jp@acme.example",
        "LANG:fr",
        "GENDER:M",
        "BDAY;VALUE=DATE:19700101",
        "ANNIVERSARY;VALUE=DATE:20000610",
        "CATEGORIES:Clients,VIP",
        "NOTE:Première ligne\\nSeconde ligne\\, avec virgule\\; point-virgule \\\\ antislash",
      ),
    },
    update: {},
  },
  {
    name: "non-latin",
    properties: {
      vCard: V("UID:5b0b6c2e-1f0e-4b5c-9a59-1b7c0d9e1a02", "FN:王小明", "N:王;小明;;;", "EMAIL:xiaoming@example.cn", "NOTE:مرحبا\\nΚαλημέρα"),
    },
  },
  {
    name: "partial-dates",
    properties: {
      vCard: V("UID:5b0b6c2e-1f0e-4b5c-9a59-1b7c0d9e1a03", "FN:Sans Année", "BDAY;VALUE=DATE:--0315", "ANNIVERSARY;VALUE=DATE:2010"),
    },
  },
];

const probe = await ProbeClient.start();
const tb = await startThunderbird({ addons: [probe.addon] });
try {
  await probe.waitForReady();
  const bookId = await probe.createBook("Capture");
  fs.mkdirSync(OUT, { recursive: true });
  for (const c of CASES) {
    const id = (await probe.call("contacts.create", bookId, c.properties)) as string;
    if (c.update) {
      // An update round: what Thunderbird writes back when a contact is saved again.
      const node = (await probe.call("contacts.get", id)) as { properties: { vCard: string } };
      await probe.call("contacts.update", id, { vCard: node.properties.vCard, ...c.update });
    }
    const node = (await probe.call("contacts.get", id)) as { properties: Record<string, string> };
    fs.writeFileSync(path.join(OUT, `${c.name}.vcf`), node.properties["vCard"] ?? "");
    const { vCard: _vCard, ...flat } = node.properties;
    fs.writeFileSync(path.join(OUT, `${c.name}.properties.json`), JSON.stringify(flat, null, 2) + "\n");
    console.log(`captured ${c.name}`);
  }
} finally {
  console.log(`Thunderbird quit: ${await tb.quit()}`);
  await probe.close();
}

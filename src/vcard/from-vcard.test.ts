import { describe, expect, it } from "vitest";
import type { VCard } from "../shared/bluemind-card.ts";
import { ANNIVERSARY, BIRTHDAY, janeDoe, team } from "../../test/unit/fixtures/vcard/cards.ts";
import { vCardToBlueMind } from "./from-vcard.ts";
import { blueMindToVCard } from "./to-vcard.ts";
import { inEnglish } from "../shared/user-text.ts";

const UID = "5d0c6c8e-2b9f-5a43-8f0e-0b5e4a1c9d11";

function vCard(...lines: string[]): string {
  return ["BEGIN:VCARD", "VERSION:4.0", ...lines, `UID:${UID}`, "END:VCARD", ""].join("\r\n");
}

function read(text: string, previous: VCard | null = null): VCard {
  const result = vCardToBlueMind(text, previous);
  if (!result.ok) throw new Error(inEnglish(result.reason));
  return result.value;
}

function written(card: VCard): string {
  const result = blueMindToVCard(card, UID);
  if (!result.ok) throw new Error(inEnglish(result.reason));
  return result.value;
}

/** A vCard (or the one of `card`) with one line replaced, or removed when `by` is null. */
function edit(source: VCard | string, startsWith: string, by: string | null): string {
  const lines = (typeof source === "string" ? source : written(source)).split("\r\n");
  const index = lines.findIndex((line) => line.startsWith(startsWith));
  if (index < 0) throw new Error(`no ${startsWith} line`);
  if (by === null) lines.splice(index, 1);
  else lines[index] = by;
  return lines.join("\r\n");
}

function addLine(card: VCard, line: string): string {
  return written(card).replace("\r\nUID:", `\r\n${line}\r\nUID:`);
}

describe("vCardToBlueMind: a new card from Thunderbird", () => {
  it("builds a complete card in BlueMind's layout", () => {
    expect(read(vCard("N:Martin;Sophie;;;", "FN:Sophie Martin", "EMAIL;PREF=1:sophie.martin@example.com"))).toStrictEqual({
      kind: "individual",
      identification: {
        formatedName: { value: "Sophie Martin", parameters: [] },
        name: { parameters: [], familyNames: "Martin", givenNames: "Sophie", additionalNames: null, prefixes: null, suffixes: null },
        nickname: { value: null, parameters: [] },
        photo: false,
        birthday: null,
        anniversary: null,
        gender: { value: null, text: null, parameters: [] },
      },
      deliveryAddressing: [],
      communications: {
        emails: [{ value: "sophie.martin@example.com", parameters: [{ label: "DEFAULT", value: "true" }] }],
        tels: [],
        impps: [],
        langs: [],
      },
      organizational: { org: { company: null, department: null, division: null }, title: null, role: null, member: [] },
      explanatory: { urls: [], categories: [], note: null },
      related: { spouse: null, manager: null, assistant: null },
      security: { keys: [] },
    });
  });

  it("reads KIND, defaulting to individual", () => {
    expect(read(vCard("KIND:group")).kind).toBe("group");
    expect(read(vCard("KIND:ORG")).kind).toBe("org");
    expect(read(vCard("KIND:location")).kind).toBe("location");
    expect(read(vCard()).kind).toBe("individual");
  });

  it("reads FN and N, joining list components back", () => {
    const card = read(vCard("FN:Dr. Jane Doe", "N:Doe;Jane;Mary,Ann;Dr.;PhD"));
    expect(card.identification?.formatedName?.value).toBe("Dr. Jane Doe");
    expect(card.identification?.name).toMatchObject({ familyNames: "Doe", givenNames: "Jane", additionalNames: "Mary,Ann", prefixes: "Dr.", suffixes: "PhD" });
  });

  it("reads NICKNAME, several values joined with commas", () => {
    expect(read(vCard("NICKNAME:JD")).identification?.nickname?.value).toBe("JD");
    expect(read(vCard("NICKNAME:JD,Janie")).identification?.nickname?.value).toBe("JD,Janie");
  });

  it("reads BDAY and ANNIVERSARY in the forms Thunderbird writes", () => {
    for (const bday of ["BDAY;VALUE=DATE:19800101", "BDAY:19800101", "BDAY:1980-01-01", "BDAY:19800101T083000Z"]) {
      expect(read(vCard(bday)).identification?.birthday, bday).toBe(BIRTHDAY);
    }
    expect(read(vCard("ANNIVERSARY;VALUE=DATE:20050618")).identification?.anniversary).toBe(ANNIVERSARY);
  });

  it("reads GENDER and its text", () => {
    expect(read(vCard("GENDER:F;she/her")).identification?.gender).toMatchObject({ value: "F", text: "she/her" });
    expect(read(vCard("GENDER:m")).identification?.gender).toMatchObject({ value: "M", text: null });
    expect(read(vCard("GENDER:;fluid")).identification?.gender).toMatchObject({ value: null, text: "fluid" });
  });

  it("reads ADR parts and TYPE; a street written as a list becomes lines", () => {
    const card = read(vCard("ADR;TYPE=WORK:BP 12;Bât C;1 rue X,2e étage;Toulouse;Occitanie;31000;France"));
    expect(card.deliveryAddressing).toEqual([
      {
        address: {
          value: null,
          postOfficeBox: "BP 12",
          extentedAddress: "Bât C",
          streetAddress: "1 rue X\n2e étage",
          locality: "Toulouse",
          region: "Occitanie",
          postalCode: "31000",
          countryName: "France",
          parameters: [{ label: "TYPE", value: "work" }],
        },
      },
    ]);
  });

  it("reads TEL with its TYPEs, extension and PREF, from text or tel: URIs", () => {
    const card = read(vCard("TEL;TYPE=work,voice;VALUE=TEXT:+33 5 00;ext=12", "TEL;TYPE=CELL;PREF=1:tel:+33-6-11", "TEL;VALUE=TEXT:555"));
    expect(card.communications?.tels).toEqual([
      {
        value: "+33 5 00",
        ext: "12",
        parameters: [
          { label: "TYPE", value: "work" },
          { label: "TYPE", value: "voice" },
        ],
      },
      {
        value: "+33-6-11",
        ext: null,
        parameters: [
          { label: "TYPE", value: "cell" },
          { label: "PREF", value: "1" },
        ],
      },
      { value: "555", ext: null, parameters: [] },
    ]);
  });

  it("marks Thunderbird's primary email (lowest PREF, first on a tie) as BlueMind's DEFAULT", () => {
    const emails = (...lines: string[]) => read(vCard(...lines)).communications?.emails;
    expect(emails("EMAIL;TYPE=home:a@x.org", "EMAIL;PREF=1;TYPE=work:b@x.org")).toEqual([
      { value: "a@x.org", parameters: [{ label: "TYPE", value: "home" }] },
      {
        value: "b@x.org",
        parameters: [
          { label: "TYPE", value: "work" },
          { label: "DEFAULT", value: "true" },
        ],
      },
    ]);
    expect(emails("EMAIL;PREF=3:a@x.org", "EMAIL;PREF=2:b@x.org", "EMAIL;PREF=2:c@x.org")?.map((e) => e.parameters)).toEqual([
      [],
      [{ label: "DEFAULT", value: "true" }],
      [],
    ]);
    expect(emails("EMAIL:a@x.org", "EMAIL:b@x.org")?.map((e) => e.parameters)).toEqual([[], []]);
    expect(emails("EMAIL;TYPE=INTERNET,PREF:a@x.org")?.[0]?.parameters).toEqual([
      { label: "TYPE", value: "internet" },
      { label: "DEFAULT", value: "true" },
    ]);
  });

  it("reads IMPP, LANG and URL", () => {
    const card = read(vCard("IMPP:xmpp:jane@example.com", "LANG;PREF=1:fr", "LANG;VALUE=TEXT:Français", "URL;TYPE=work:https://x.example/a,b"));
    expect(card.communications?.impps).toEqual([{ value: "xmpp:jane@example.com", parameters: [] }]);
    expect(card.communications?.langs).toEqual([
      { value: "fr", parameters: [{ label: "PREF", value: "1" }] },
      { value: "Français", parameters: [] },
    ]);
    expect(card.explanatory?.urls).toEqual([{ value: "https://x.example/a,b", parameters: [{ label: "TYPE", value: "work" }] }]);
  });

  it("reads ORG as company;department;division, later units joined into the division", () => {
    const org = (line: string) => read(vCard(line)).organizational?.org;
    expect(org("ORG:ACME")).toEqual({ company: "ACME", department: null, division: null });
    expect(org("ORG:ACME;R&D")).toEqual({ company: "ACME", department: "R&D", division: null });
    expect(org("ORG:ACME;R&D;Sud")).toEqual({ company: "ACME", department: "R&D", division: "Sud" });
    expect(org("ORG:ACME;R&D;Sud;Toulouse")).toEqual({ company: "ACME", department: "R&D", division: "Sud, Toulouse" });
    expect(org("ORG:AC\\;ME\\, Inc.")).toEqual({ company: "AC;ME, Inc.", department: null, division: null });
  });

  it("reads TITLE, ROLE and NOTE", () => {
    const card = read(vCard("TITLE:CTO", "ROLE:Architect", "NOTE:line 1\\nline 2\\, with comma; and semicolon"));
    expect(card.organizational).toMatchObject({ title: "CTO", role: "Architect" });
    expect(card.explanatory?.note).toBe("line 1\nline 2, with comma; and semicolon");
  });

  it("ignores UID, CATEGORIES (no tag ids) and Thunderbird-only properties", () => {
    const card = read(vCard("CATEGORIES:VIP", "TZ:Europe/Paris", "X-CUSTOM1:x", "item1.X-ABLABEL:y"));
    expect(card.explanatory?.categories).toEqual([]);
    expect(JSON.stringify(card)).not.toMatch(/Europe|X-CUSTOM|ABLABEL|VIP|5d0c6c8e/);
  });
});

describe("vCardToBlueMind onto the server copy: pushes keep what Thunderbird does not show", () => {
  it("gives back the server copy unchanged when nothing was edited", () => {
    const card = janeDoe();
    expect(vCardToBlueMind(written(card), card)).toStrictEqual({ ok: true, value: janeDoe(), warnings: [] });
    expect(vCardToBlueMind(written(team()), team())).toStrictEqual({ ok: true, value: team(), warnings: [] });
  });

  it("keeps categories, security keys, related, group members, photo flag and source", () => {
    const previous = { ...janeDoe(), source: "ldap://directory", kind: "group" as const };
    previous.organizational!.member = team().organizational!.member!;
    const merged = read(vCard("KIND:group", "FN:Renamed"), previous);
    expect(merged.identification?.formatedName?.value).toBe("Renamed");
    expect(merged.explanatory?.categories).toEqual(janeDoe().explanatory?.categories);
    expect(merged.security).toEqual(janeDoe().security);
    expect(merged.related).toEqual(janeDoe().related);
    expect(merged.organizational?.member).toEqual(team().organizational?.member);
    expect(merged.identification?.photo).toBe(true);
    expect(merged.source).toBe("ldap://directory");
  });

  it("keeps the older security.key shape and unknown server fields", () => {
    const previous = { ...janeDoe(), security: { key: { value: "PGP", parameters: [] } }, futureField: { a: 1 } } as VCard;
    const merged = read(edit(previous, "TITLE:", "TITLE:CEO"), previous);
    expect(merged.security).toEqual({ key: { value: "PGP", parameters: [] } });
    expect((merged as unknown as Record<string, unknown>).futureField).toEqual({ a: 1 });
    expect(merged.organizational?.title).toBe("CEO");
  });

  it("replaces the fields Thunderbird shows, and clears those removed there", () => {
    const previous = janeDoe();
    const merged = read(edit(edit(previous, "TITLE:", null), "NICKNAME:", "NICKNAME:Janie"), previous);
    expect(merged.organizational?.title).toBeNull();
    expect(merged.identification?.nickname).toEqual({ value: "Janie", parameters: [] });
    expect(read(edit(previous, "BDAY", null), previous).identification?.birthday).toBeNull();
    expect(read(edit(previous, "N:", null), previous).identification?.name).toMatchObject({ familyNames: null, givenNames: null });
    expect(read(edit(previous, "NOTE:", null), previous).explanatory?.note).toBeNull();
    expect(read(edit(previous, "ORG:", null), previous).organizational?.org).toEqual({ company: null, department: null, division: null });
  });

  it("keeps GENDER, LANG and KIND when the vCard does not have them", () => {
    const previous = janeDoe();
    const text = edit(edit(edit(edit(previous, "GENDER:", null), "LANG;PREF=1:", null), "LANG:", null), "KIND:", null);
    const merged = read(text, previous);
    expect(merged.identification?.gender).toEqual(previous.identification?.gender);
    expect(merged.communications?.langs).toEqual(previous.communications?.langs);
    expect(merged.kind).toBe("individual");
    expect(read(edit(previous, "GENDER:", "GENDER:M"), previous).identification?.gender).toEqual({ value: "M", text: null, parameters: [] });
  });

  it("moves DEFAULT to the email the user made primary, keeping the other parameters", () => {
    const previous = janeDoe();
    const text = edit(edit(previous, "EMAIL;TYPE=home:", "EMAIL;PREF=1;TYPE=home:jane.doe@example.org"), "EMAIL;PREF=1;TYPE=work:", "EMAIL;TYPE=work:jane@example.com");
    expect(read(text, previous).communications?.emails).toEqual([
      {
        value: "jane.doe@example.org",
        parameters: [
          { label: "TYPE", value: "home" },
          { label: "DEFAULT", value: "true" },
        ],
      },
      { value: "jane@example.com", parameters: [{ label: "TYPE", value: "work" }] },
    ]);
  });

  it("carries parameters Thunderbird drops over to the matching entry only", () => {
    const previous = janeDoe();
    previous.communications!.tels![1]!.parameters!.push({ label: "X-BM-ORIGIN", value: "ldap" });
    const text = edit(previous, "TEL;TYPE=cell", "TEL;TYPE=home;VALUE=TEXT:+33 6 11 22 33 44");
    expect(read(text, previous).communications?.tels?.[1]).toEqual({
      value: "+33 6 11 22 33 44",
      ext: null,
      parameters: [
        { label: "TYPE", value: "home" },
        { label: "X-BM-ORIGIN", value: "ldap" },
      ],
    });
    const changedNumber = edit(previous, "TEL;TYPE=cell", "TEL;TYPE=cell;VALUE=TEXT:+33 6 99");
    expect(read(changedNumber, previous).communications?.tels?.[1]).toEqual({ value: "+33 6 99", ext: null, parameters: [{ label: "TYPE", value: "cell" }] });
  });

  it("adds entries created in Thunderbird and drops those deleted there", () => {
    const previous = janeDoe();
    const text = addLine({ ...previous }, "TEL;TYPE=pager;VALUE=TEXT:+33 7 00").replace(/TEL;TYPE=fax[^\r]*\r\n/, "");
    expect(read(text, previous).communications?.tels?.map((tel) => tel.value)).toEqual(["+33 5 00 00 00 00", "+33 6 11 22 33 44", "+33 7 00"]);
  });

  it("keeps entries Thunderbird could not show (empty values) at their place", () => {
    const previous = janeDoe();
    previous.communications!.emails!.splice(1, 0, { value: "", parameters: [{ label: "X", value: "1" }] });
    previous.deliveryAddressing!.unshift({ address: { label: "only a label", parameters: [] } });
    expect(read(written(previous), previous)).toStrictEqual(previous);
  });

  it("undoes Thunderbird's folding of PO box and extended address into the street", () => {
    const previous = janeDoe();
    const text = edit(previous, "ADR;TYPE=work", "ADR;TYPE=work:;;BP 12,1 rue X,Bâtiment C;Toulouse;Occitanie;31000;France");
    expect(read(text, previous).deliveryAddressing?.[0]).toEqual(previous.deliveryAddressing?.[0]);
  });

  it("takes a really edited address as Thunderbird has it, keeping nothing stale", () => {
    const previous = janeDoe();
    const text = edit(previous, "ADR;TYPE=work", "ADR;TYPE=work:;;3 rue Z;Toulouse;Occitanie;31000;France");
    expect(read(text, previous).deliveryAddressing?.[0]).toEqual({
      address: {
        value: null,
        postOfficeBox: null,
        extentedAddress: null,
        streetAddress: "3 rue Z",
        locality: "Toulouse",
        region: "Occitanie",
        postalCode: "31000",
        countryName: "France",
        parameters: [{ label: "TYPE", value: "work" }],
      },
    });
  });

  it("undoes Thunderbird's joining of department and division", () => {
    const previous = janeDoe();
    const text = edit(previous, "ORG:", "ORG:ACME;R&D\\, Division Sud");
    expect(read(text, previous).organizational?.org).toEqual(previous.organizational?.org);
    const edited = edit(previous, "ORG:", "ORG:ACME;Sales");
    expect(read(edited, previous).organizational?.org).toEqual({ company: "ACME", department: "Sales", division: null });
  });

  it("keeps an HTML note Thunderbird shows unchanged, sends an edited one back as HTML", () => {
    const previous = janeDoe();
    expect(read(written(previous), previous).explanatory?.note).toBe(previous.explanatory?.note);
    const text = edit(previous, "NOTE:", "NOTE:Met at FOSDEM 2024\\nCall back");
    expect(read(text, previous).explanatory?.note).toBe("<div>Met at FOSDEM 2024<br>Call back</div>");
  });

  it("keeps the exact server date when Thunderbird shows the same day", () => {
    const previous = janeDoe();
    previous.identification!.birthday = BIRTHDAY - 3_600_000; // stored at CET midnight
    expect(read(written(previous), previous).identification?.birthday).toBe(BIRTHDAY - 3_600_000);
    expect(read(edit(previous, "BDAY", "BDAY;VALUE=DATE:19800102"), previous).identification?.birthday).toBe(BIRTHDAY + 86_400_000);
  });

  it("treats an email case change as no change (BlueMind lower-cases addresses)", () => {
    const previous = janeDoe();
    const text = edit(previous, "EMAIL;PREF=1", "EMAIL;PREF=1;TYPE=work:Jane@Example.COM");
    expect(read(text, previous).communications?.emails?.[1]?.value).toBe("jane@example.com");
  });

  it("keeps a server FN that was empty when Thunderbird shows the rebuilt one", () => {
    const previous = janeDoe();
    previous.identification!.formatedName = { value: null, parameters: [] };
    expect(read(written(previous), previous).identification?.formatedName).toEqual({ value: null, parameters: [] });
  });

  it("does not add sections the server copy did not have when the vCard has nothing for them", () => {
    const previous: VCard = { kind: "individual", identification: { formatedName: { value: "Bare", parameters: [] } } };
    expect(read(written(previous), previous)).toStrictEqual(previous);
  });
});

describe("partial and unreadable dates", () => {
  it("drops a year-less birthday BlueMind cannot store, with a warning", () => {
    const result = vCardToBlueMind(vCard("BDAY;VALUE=DATE:--0315"));
    expect(result).toMatchObject({ ok: true, value: { identification: { birthday: null } } });
    expect(result.ok && result.warnings.map(inEnglish).join()).toMatch(/birthday.*--03-15/);
  });

  it("keeps the server date when the partial date still matches it", () => {
    const previous = janeDoe();
    const merged = vCardToBlueMind(edit(previous, "BDAY", "BDAY;VALUE=DATE:--0101"), previous);
    expect(merged).toMatchObject({ ok: true, warnings: [], value: { identification: { birthday: BIRTHDAY } } });
    const yearOnly = vCardToBlueMind(edit(previous, "BDAY", "BDAY;VALUE=DATE:1980"), previous);
    expect(yearOnly).toMatchObject({ ok: true, value: { identification: { birthday: BIRTHDAY } } });
  });

  it("drops a partial date that no longer matches", () => {
    const previous = janeDoe();
    const merged = vCardToBlueMind(edit(previous, "BDAY", "BDAY;VALUE=DATE:--0704"), previous);
    expect(merged).toMatchObject({ ok: true, value: { identification: { birthday: null } } });
  });

  it("keeps the server date when the vCard's cannot be read", () => {
    const previous = janeDoe();
    for (const line of ["BDAY;VALUE=TEXT:circa 1980", "BDAY:19801340", "BDAY:T1200"]) {
      const result = vCardToBlueMind(edit(previous, "BDAY", line), previous);
      expect(result, line).toMatchObject({ ok: true, value: { identification: { birthday: BIRTHDAY } } });
      expect(result.ok && result.warnings.map(inEnglish).join(), line).toMatch(/birthday: unreadable date/);
    }
  });

  it("treats an empty date as removed", () => {
    const previous = janeDoe();
    expect(read(edit(previous, "ANNIVERSARY", "ANNIVERSARY:"), previous).identification?.anniversary).toBeNull();
  });
});

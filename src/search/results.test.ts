import { describe, expect, it } from "vitest";
import type { VCard, VCardInfo } from "../bluemind/models.ts";
import type { Candidate } from "./answer.ts";
import { autocompletionCard, buildResults, candidateVCard, cardFromInfo, emailsOf, isUsable, withMainEmail } from "./results.ts";
import { person } from "../../test/support/search-server.ts";

const full = person({ uid: "p1", given: "Zoé", family: "Quercy", emails: ["zq@dir.test", "zoe@home.test"], company: "Xylo SA", title: "CTO", tel: "+33 5 00 00 00 00" }).value;
const fullInfo: VCardInfo = { kind: "individual", formatedName: "Zoé Quercy", mail: "zq@dir.test", tel: "+33 5 00 00 00 00" };
const noEmail: Candidate = { uid: "p2", info: { kind: "individual", formatedName: "Phone Only", mail: null, tel: "123" }, card: null };
const groupNoEmail: Candidate = { uid: "g1", info: { kind: "group", formatedName: "Team", mail: null, tel: null }, card: null };
const groupWithEmail: Candidate = { uid: "g2", info: { kind: "group", formatedName: "Sales", mail: "sales@dir.test", tel: null }, card: null };

describe("isUsable", () => {
  it("offers only cards with an email to autocompletion", () => {
    expect(isUsable({ uid: "p1", info: fullInfo, card: full }, "autocomplete")).toBe(true);
    expect(isUsable(noEmail, "autocomplete")).toBe(false);
    expect(isUsable(groupWithEmail, "autocomplete")).toBe(true);
  });

  it("shows people without an email in the search box, but no group without one", () => {
    expect(isUsable(noEmail, "searchBox")).toBe(true);
    expect(isUsable(groupNoEmail, "searchBox")).toBe(false);
    expect(isUsable(groupWithEmail, "searchBox")).toBe(true);
  });

  it("reads every email of a full card, else the summary's", () => {
    expect(emailsOf({ uid: "p1", info: fullInfo, card: full })).toEqual(["zq@dir.test", "zoe@home.test"]);
    expect(emailsOf(groupWithEmail)).toEqual(["sales@dir.test"]);
  });
});

describe("candidateVCard", () => {
  it("writes name, emails, phone, organisation and title from the full card, with the given UID", () => {
    const vCard = candidateVCard({ uid: "p1", info: fullInfo, card: full }, "bm-dir-0123");
    expect(vCard).toContain("FN:Zoé Quercy");
    expect(vCard).toContain("N:Quercy;Zoé;;;");
    expect(vCard).toMatch(/EMAIL[^:]*:zq@dir\.test/);
    expect(vCard).toMatch(/EMAIL[^:]*:zoe@home\.test/);
    expect(vCard).toMatch(/TEL[^:]*:\+33 5 00 00 00 00/);
    expect(vCard).toContain("ORG:Xylo SA");
    expect(vCard).toContain("TITLE:CTO");
    expect(vCard).toContain("UID:bm-dir-0123");
  });

  it("falls back to the search summary when the full card is unknown", () => {
    const vCard = candidateVCard({ uid: "p1", info: fullInfo, card: null }, "u1") ?? "";
    expect(vCard).toContain("FN:Zoé Quercy");
    expect(vCard).toMatch(/EMAIL[^:]*:zq@dir\.test/);
    expect(vCard).toMatch(/TEL[^:]*:\+33 5 00 00 00 00/);
  });

  it("falls back to the summary when the full card cannot be converted", () => {
    const broken = "not a card" as unknown as VCard;
    expect(candidateVCard({ uid: "p1", info: fullInfo, card: broken }, "u1")).toContain("FN:Zoé Quercy");
    expect(candidateVCard({ uid: "p1", info: null, card: broken }, "u1")).toBeNull();
  });

  it("builds a minimal card from a summary", () => {
    expect(cardFromInfo({ kind: "individual", formatedName: null, mail: "a@b.test", tel: null })).toEqual({
      kind: "individual",
      communications: { emails: [{ value: "a@b.test", parameters: [] }] },
    });
  });
});

describe("buildResults", () => {
  const many = (n: number): Candidate[] =>
    Array.from({ length: n }, (_, i) => ({ uid: `c${i}`, info: { kind: "individual", formatedName: `P ${i}`, mail: `p${i}@x.test`, tel: null }, card: null }));
  const cardUid = (uid: string) => `bm-t-${uid}`;

  it("is complete only when the candidates were all the matches and all fit", () => {
    expect(buildResults(many(3), { path: "autocomplete", limit: 100, complete: true, words: [], cardUid }).result.isCompleteResult).toBe(true);
    expect(buildResults(many(3), { path: "autocomplete", limit: 100, complete: false, words: [], cardUid }).result.isCompleteResult).toBe(false);
    const cut = buildResults(many(101), { path: "autocomplete", limit: 100, complete: true, words: [], cardUid });
    expect(cut.result.results).toHaveLength(100);
    expect(cut.result.isCompleteResult).toBe(false);
  });

  it("leaves out unusable candidates before applying the limit", () => {
    const built = buildResults([noEmail, ...many(2), groupNoEmail], { path: "autocomplete", limit: 2, complete: true, words: [], cardUid });
    expect(built.usable).toBe(2);
    expect(built.result.results).toHaveLength(2);
    expect(built.result.isCompleteResult).toBe(true);
    expect(built.result.results[0]?.vCard).toContain("UID:bm-t-c0");
  });
});

describe("buildResults: one card per address in autocompletion, per person in the search box", () => {
  const three = person({ uid: "p3", given: "Zoé", family: "Trois", emails: ["zoe@work.test", "zoe@home.test", "zoe@club.test"] }).value;
  const candidate: Candidate = { uid: "p3", info: null, card: three };
  const cardUid = (uid: string, email?: string) => (email === undefined ? `bm-t-${uid}` : `bm-t-${uid}-${email}`);
  const primary = (vCard: string): string => /^EMAIL[^:]*:(.*)$/m.exec(vCard)?.[1] ?? "?";
  const uidOf = (vCard: string): string => /^UID:(.*)$/m.exec(vCard)?.[1] ?? "?";

  it("gives autocompletion one card per address, the default first, each with its address preferred", () => {
    const built = buildResults([candidate], { path: "autocomplete", limit: 100, complete: true, words: ["zoe"], cardUid });
    const vCards = built.result.results.map((result) => result.vCard);
    expect(vCards.map(primary)).toEqual(["zoe@work.test", "zoe@home.test", "zoe@club.test"]);
    expect(vCards.map(uidOf)).toEqual(["bm-t-p3", "bm-t-p3-zoe@home.test", "bm-t-p3-zoe@club.test"]);
    // Only the chosen address is preferred; the others stay on the card.
    for (const vCard of vCards) {
      expect(vCard.match(/PREF=1/g)).toHaveLength(1);
      expect(vCard.match(/^EMAIL/gm)).toHaveLength(3);
      expect(vCard).toMatch(new RegExp(`^EMAIL;PREF=1[^:]*:${primary(vCard).replace(/\./g, "\\.")}`, "m"));
    }
    expect(built.result.isCompleteResult).toBe(true);
  });

  it("gives the search box one card holding every address", () => {
    const built = buildResults([candidate], { path: "searchBox", limit: 100, complete: true, words: ["zoe"], cardUid });
    expect(built.result.results).toHaveLength(1);
    const vCard = built.result.results[0]?.vCard ?? "";
    expect(uidOf(vCard)).toBe("bm-t-p3");
    expect(primary(vCard)).toBe("zoe@work.test");
    expect(vCard.match(/^EMAIL/gm)).toHaveLength(3);
  });

  it("keeps a person's addresses together under the limit, and says incomplete when it cut", () => {
    const other: Candidate = { uid: "p0", info: { kind: "individual", formatedName: "Zoé Alpha", mail: "alpha@x.test", tel: null }, card: null };
    const built = buildResults([candidate, other], { path: "autocomplete", limit: 3, complete: true, words: ["zoe"], cardUid });
    expect(built.result.results.map((result) => primary(result.vCard))).toEqual(["alpha@x.test"]);
    expect(built.result.isCompleteResult).toBe(false);
  });

  it("orders people by name, those starting with the typed text first", () => {
    const later: Candidate = { uid: "p9", info: { kind: "individual", formatedName: "Anne Zoé", mail: "anne@x.test", tel: null }, card: null };
    const built = buildResults([later, candidate], { path: "searchBox", limit: 100, complete: true, words: ["zo"], cardUid });
    expect(built.result.results.map((result) => fnOf(result.vCard))).toEqual(["Zoé Trois", "Anne Zoé"]);
  });

  it("offers a directory group with an email to autocompletion, under its name", () => {
    const group: Candidate = { uid: "g9", info: null, card: person({ uid: "g9", name: "Ventes", kind: "group", emails: ["ventes@dir.test"] }).value };
    const built = buildResults([group], { path: "autocomplete", limit: 100, complete: true, words: ["ven"], cardUid });
    expect(built.result.results).toHaveLength(1);
    expect(fnOf(built.result.results[0]?.vCard ?? "")).toBe("Ventes");
    expect(primary(built.result.results[0]?.vCard ?? "")).toBe("ventes@dir.test");
  });
});

describe("withMainEmail", () => {
  it("moves the address first as the only default, keeping the others and their types", () => {
    const card = person({ uid: "p", given: "A", family: "B", emails: ["a@one.test", "a@two.test"] }).value;
    card.communications!.emails![1]!.parameters = [{ label: "TYPE", value: "home" }];
    const moved = withMainEmail(card, "a@two.test");
    expect(moved.communications?.emails).toEqual([
      { value: "a@two.test", parameters: [{ label: "TYPE", value: "home" }, { label: "DEFAULT", value: "true" }] },
      { value: "a@one.test", parameters: [] },
    ]);
    expect(card.communications?.emails?.[0]?.parameters).toEqual([{ label: "DEFAULT", value: "true" }]);
    expect(withMainEmail(card, "nobody@x.test")).toBe(card);
  });
});

function fnOf(vCard: string): string {
  return /^FN:(.*)$/m.exec(vCard)?.[1] ?? "?";
}

describe("autocompletionCard", () => {
  it("keeps names, every address (the chosen one default) and the organisation, and leaves the rest out", () => {
    const card = person({ uid: "p", given: "Zoé", family: "Quercy", emails: ["zq@dir.test", "zoe@home.test"], company: "Xylo SA", title: "CTO", tel: "+33 5 00 00 00 00" }).value;
    const slim = autocompletionCard({ ...card, explanatory: { note: "<p>long HTML note</p>" } }, "zoe@home.test");
    expect(slim.identification).toEqual(card.identification);
    expect(slim.communications).toEqual({ emails: [
      { value: "zoe@home.test", parameters: [{ label: "DEFAULT", value: "true" }] },
      { value: "zq@dir.test", parameters: [] },
    ] });
    expect(slim.organizational).toMatchObject({ title: "CTO", org: { company: "Xylo SA" } });
    expect(slim.explanatory).toBeUndefined();
    const vCard = candidateVCard({ uid: "p", info: null, card }, "u-auto", "zoe@home.test") ?? "";
    expect(vCard).toContain("ORG:Xylo SA");
    expect(vCard).not.toContain("TEL");
  });
});

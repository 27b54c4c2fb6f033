import { describe, expect, it } from "vitest";
import type { Candidate } from "./answer.ts";
import { orderCandidates, shownName } from "./order.ts";

const info = (uid: string, name: string | null): Candidate => ({ uid, info: { kind: "individual", formatedName: name, mail: `${uid}@x.test`, tel: null }, card: null });

describe("orderCandidates", () => {
  it("puts names starting with the typed text first, then the rest, each by name", () => {
    const found = [info("a", "Marie Jeanne"), info("b", "Jeannette Roux"), info("c", "Anne Jeanson"), info("d", "Jeanne Dupont"), info("e", "Zoé Jeanneau")];
    expect(orderCandidates(found, ["jeann"]).map(shownName)).toEqual(["Jeanne Dupont", "Jeannette Roux", "Anne Jeanson", "Marie Jeanne", "Zoé Jeanneau"]);
  });

  it("folds case and accents: a name sorts with its unaccented spelling", () => {
    const found = [info("a", "éric Zola"), info("b", "Eric Abel"), info("c", "Émile Martin"), info("d", "Ève Roux"), info("e", "eve Adam"), info("f", "Œdipe Roi")];
    expect(orderCandidates(found, ["e"]).map(shownName)).toEqual(["Émile Martin", "Eric Abel", "éric Zola", "eve Adam", "Ève Roux", "Œdipe Roi"]);
  });

  it("takes a name starting with any of several words first", () => {
    const found = [info("a", "Paul Dupont"), info("b", "Dupont Agence"), info("c", "Jean Dupont")];
    expect(orderCandidates(found, ["dupont", "jean"]).map(shownName)).toEqual(["Dupont Agence", "Jean Dupont", "Paul Dupont"]);
  });

  it("prefers the full card's name, keeps the server's order for equal names, and puts nameless last", () => {
    const card: Candidate = { uid: "f", info: { kind: "individual", formatedName: "old", mail: null, tel: null }, card: { kind: "individual", identification: { formatedName: { value: "Alain Fort", parameters: [] } } } };
    const found = [info("n", null), info("x", "Alain Fort"), card];
    expect(orderCandidates(found, ["al"]).map((candidate) => candidate.uid)).toEqual(["x", "f", "n"]);
  });
});

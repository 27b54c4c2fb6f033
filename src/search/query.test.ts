import { describe, expect, it } from "vitest";
import { parseQueryString } from "../../test/fake-bluemind/query-string.ts";
import type { QueryNode } from "../../test/fake-bluemind/query-string.ts";
import { SEARCH_FIELDS, buildSearchQuery, escapeQueryText, vCardQuery } from "./query.ts";

// Every character Elasticsearch's query_string reserves (bluemind-api.md §5), one by one.
const SPECIALS = ["+", "-", "=", "&", "|", ">", "<", "!", "(", ")", "{", "}", "[", "]", "^", '"', "~", "*", "?", ":", "\\", "/"];

/** The literal text and wildcards of each term, per field, of a parsed single-word query. */
function prefixTerms(node: QueryNode): { field: string | null; literal: string; trailingStar: boolean }[] {
  if (node.type !== "or") throw new Error(`expected an OR over the fields, got ${node.type}`);
  return node.children.map((child) => {
    if (child.type !== "term") throw new Error(`expected a term, got ${child.type}`);
    const last = child.parts[child.parts.length - 1];
    const literal = child.parts.map((part) => ("lit" in part ? part.lit : "")).join("");
    return { field: child.field, literal, trailingStar: last !== undefined && "wild" in last && last.wild === "*" };
  });
}

describe("escapeQueryText", () => {
  it.each(SPECIALS)("escapes %s with a backslash", (c) => {
    expect(escapeQueryText(`a${c}b`)).toBe(`a\\${c}b`);
  });

  it("escapes the two-character operators character by character", () => {
    expect(escapeQueryText("a&&b||c")).toBe("a\\&\\&b\\|\\|c");
  });

  it("escapes white space inside a word", () => {
    expect(escapeQueryText("jean pierre")).toBe("jean\\ pierre");
    expect(escapeQueryText("a\tb")).toBe("a\\\tb");
  });

  it("leaves letters, digits, accents, @ and dots alone", () => {
    expect(escapeQueryText("Élodie.o'neil@example.com_42")).toBe("Élodie.o'neil@example.com_42");
  });
});

describe("buildSearchQuery", () => {
  it.each([...SPECIALS, " "])("keeps a word holding %j one literal prefix term on every field", (c) => {
    const word = `a${c}b`;
    const terms = prefixTerms(parseQueryString(buildSearchQuery([word])));
    expect(terms.map((t) => t.field)).toEqual([...SEARCH_FIELDS]);
    for (const term of terms) {
      expect(term.literal).toBe(word);
      expect(term.trailingStar).toBe(true);
    }
  });

  it("asks a prefix of the display name, given and family names, emails and company", () => {
    expect(SEARCH_FIELDS).toEqual([
      "value.identification.formatedName.value",
      "value.identification.name.givenNames",
      "value.identification.name.familyNames",
      "value.communications.emails.value",
      "value.organizational.org.company",
    ]);
    expect(buildSearchQuery(["jan"])).toBe(`(${SEARCH_FIELDS.map((f) => `${f}:jan*`).join(" OR ")})`);
  });

  it("ANDs several words, each an OR over the fields", () => {
    const ast = parseQueryString(buildSearchQuery(["jean", "dup"]));
    expect(ast.type).toBe("and");
    if (ast.type !== "and") return;
    expect(ast.children.map((child) => prefixTerms(child)[0]?.literal)).toEqual(["jean", "dup"]);
  });

  it("never lets a typed AND, OR or NOT act as an operator", () => {
    const ast = parseQueryString(buildSearchQuery(["AND", "or", "NOT"]));
    expect(ast.type).toBe("and");
    if (ast.type !== "and") return;
    expect(ast.children.map((child) => prefixTerms(child)[0]?.literal)).toEqual(["and", "or", "not"]);
  });

  it("refuses an empty word list rather than asking for everything", () => {
    expect(() => buildSearchQuery([])).toThrow();
  });
});

describe("vCardQuery", () => {
  it("always sends a size, from 0, by relevance, unescaped by the server", () => {
    expect(vCardQuery(["jean"], 250)).toEqual({ query: buildSearchQuery(["jean"]), from: 0, size: 250, orderBy: "Pertinance", escapeQuery: false });
  });
});

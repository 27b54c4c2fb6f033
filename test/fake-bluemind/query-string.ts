// A useful subset of Elasticsearch's `query_string` syntax, as BlueMind's `_search` accepts it:
//   field:value  field:(a OR b*)  "a phrase"  field:'quoted'  AND OR NOT && || ! + -  ( )
//   _exists_:field   *   *:*   backslash escapes (\: \- \( \* …)
// Default operator AND; precedence NOT > AND > OR. Boost/fuzziness suffixes (^2, ~1) are
// accepted and ignored; ranges and regular expressions are refused (INVALID_QUERY), as a real
// server would fail them on a field that does not support them.
// Single quotes are not special in Elasticsearch: a single-quoted word is analysed and the quotes
// vanish. We treat a single-quoted span as a phrase, which gives the same result for one word and
// the sensible one for several.
import { ServerFault } from "./errors.ts";

export type TermPart = { lit: string } | { wild: "*" | "?" };

export type QueryNode =
  | { type: "and"; children: QueryNode[] }
  | { type: "or"; children: QueryNode[] }
  | { type: "not"; child: QueryNode }
  | { type: "all" }
  | { type: "exists"; field: string }
  | { type: "term"; field: string | null; parts: TermPart[] }
  | { type: "phrase"; field: string | null; text: string };

type Token =
  | { t: "(" }
  | { t: ")" }
  | { t: "AND" }
  | { t: "OR" }
  | { t: "NOT" }
  | { t: "+" }
  | { t: "field"; name: string }
  | { t: "term"; parts: TermPart[] }
  | { t: "phrase"; text: string };

/** Characters that end a bare word unless escaped. */
const WORD_END = new Set([" ", "\t", "\n", "\r", "(", ")", ":", '"', "^", "~"]);

function invalid(message: string): ServerFault {
  return new ServerFault("INVALID_QUERY", message);
}

function pushLiteral(parts: TermPart[], ch: string): void {
  const last = parts[parts.length - 1];
  if (last && "lit" in last) last.lit += ch;
  else parts.push({ lit: ch });
}

function partsText(parts: TermPart[]): string {
  return parts.map((p) => ("lit" in p ? p.lit : p.wild)).join("");
}

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = query.length;
  const readQuoted = (quote: string): string => {
    let text = "";
    i++;
    while (i < n && query[i] !== quote) {
      if (query[i] === "\\" && i + 1 < n) i++;
      text += query[i];
      i++;
    }
    if (i >= n) throw invalid(`Unterminated ${quote} in query`);
    i++;
    return text;
  };
  const skipModifier = (): void => {
    // ^boost or ~fuzziness: digits and dots after the operator.
    while (i < n && (query[i] === "^" || query[i] === "~")) {
      i++;
      while (i < n && /[0-9.]/.test(query[i] as string)) i++;
    }
  };

  while (i < n) {
    const c = query[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      tokens.push({ t: c });
      i++;
      continue;
    }
    if (c === "&" && query[i + 1] === "&") {
      tokens.push({ t: "AND" });
      i += 2;
      continue;
    }
    if (c === "|" && query[i + 1] === "|") {
      tokens.push({ t: "OR" });
      i += 2;
      continue;
    }
    if (c === "!" || c === "-") {
      tokens.push({ t: "NOT" });
      i++;
      continue;
    }
    if (c === "+") {
      tokens.push({ t: "+" });
      i++;
      continue;
    }
    if (c === "[" || c === "{") throw invalid("Range queries are not supported");
    if (c === "/") throw invalid("Regular expression queries are not supported");
    if (c === '"' || (c === "'" && query.indexOf("'", i + 1) > i)) {
      tokens.push({ t: "phrase", text: readQuoted(c) });
      skipModifier();
      continue;
    }
    if (c === ":") throw invalid(`Unexpected ':' at ${i}`);

    const parts: TermPart[] = [];
    let escaped = false;
    while (i < n && !WORD_END.has(query[i] as string)) {
      const ch = query[i] as string;
      if (ch === "\\") {
        if (i + 1 >= n) throw invalid("Query ends with a lone backslash");
        pushLiteral(parts, query[i + 1] as string);
        escaped = true;
        i += 2;
        continue;
      }
      if (ch === "*" || ch === "?") parts.push({ wild: ch });
      else pushLiteral(parts, ch);
      i++;
    }
    if (query[i] === ":") {
      tokens.push({ t: "field", name: partsText(parts) });
      i++;
      continue;
    }
    skipModifier();
    const text = partsText(parts);
    if (!escaped && (text === "AND" || text === "OR" || text === "NOT")) tokens.push({ t: text });
    else tokens.push({ t: "term", parts });
  }
  return tokens;
}

class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  parse(): QueryNode {
    if (this.tokens.length === 0) return { type: "all" };
    const node = this.orExpr(null);
    const rest = this.peek();
    if (rest) throw invalid(`Unexpected '${rest.t}' in query`);
    return node;
  }

  private orExpr(field: string | null): QueryNode {
    const children = [this.andExpr(field)];
    while (this.peek()?.t === "OR") {
      this.pos++;
      children.push(this.andExpr(field));
    }
    return children.length === 1 ? (children[0] as QueryNode) : { type: "or", children };
  }

  private andExpr(field: string | null): QueryNode {
    const children: QueryNode[] = [];
    for (;;) {
      const tok = this.peek();
      if (!tok || tok.t === "OR" || tok.t === ")") break;
      if (tok.t === "AND") {
        if (children.length === 0) throw invalid("AND without a left operand");
        this.pos++;
        const next = this.peek();
        if (!next || next.t === "OR" || next.t === ")" || next.t === "AND") throw invalid("AND without a right operand");
        continue;
      }
      children.push(this.unary(field));
    }
    if (children.length === 0) throw invalid("Empty expression in query");
    return children.length === 1 ? (children[0] as QueryNode) : { type: "and", children };
  }

  private unary(field: string | null): QueryNode {
    const tok = this.peek();
    if (tok?.t === "NOT") {
      this.pos++;
      return { type: "not", child: this.unary(field) };
    }
    if (tok?.t === "+") {
      this.pos++;
      return this.unary(field);
    }
    return this.primary(field);
  }

  private primary(field: string | null): QueryNode {
    const tok = this.tokens[this.pos++];
    if (!tok) throw invalid("Query ends unexpectedly");
    switch (tok.t) {
      case "(": {
        const inner = this.orExpr(field);
        if (this.tokens[this.pos++]?.t !== ")") throw invalid("Missing ')' in query");
        return inner;
      }
      case "field":
        return this.fieldValue(tok.name);
      case "term":
        return termNode(field, tok.parts);
      case "phrase":
        return { type: "phrase", field, text: tok.text };
      default:
        throw invalid(`Unexpected '${tok.t}' in query`);
    }
  }

  private fieldValue(name: string): QueryNode {
    const tok = this.peek();
    if (name === "_exists_") {
      this.pos++;
      if (tok?.t !== "term") throw invalid("_exists_ needs a field name");
      return { type: "exists", field: partsText(tok.parts) };
    }
    if (tok?.t === "(") return this.primary(name);
    if (tok?.t === "term") {
      this.pos++;
      if (name === "*" && partsText(tok.parts) === "*") return { type: "all" };
      return termNode(name, tok.parts);
    }
    if (tok?.t === "phrase") {
      this.pos++;
      return { type: "phrase", field: name, text: tok.text };
    }
    throw invalid(`Missing value after '${name}:'`);
  }
}

function termNode(field: string | null, parts: TermPart[]): QueryNode {
  if (parts.length === 1 && "wild" in (parts[0] as TermPart) && (parts[0] as { wild: string }).wild === "*") {
    return field === null ? { type: "all" } : { type: "exists", field };
  }
  return { type: "term", field, parts };
}

export function parseQueryString(query: string): QueryNode {
  return new Parser(tokenize(query)).parse();
}

const SPECIAL = /[+\-=&|><!(){}[\]^"~*?:\\/]/g;

/** Escape user text for query_string (the list BlueMind documents). */
export function escapeQueryText(text: string): string {
  return text.replace(SPECIAL, "\\$&");
}

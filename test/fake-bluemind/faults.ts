// Fault injection: the next N calls matching a method and path pattern fail in a chosen way
// (an error status, a delay, a dropped connection, a malformed JSON body, an empty list, a session
// expiry),
// so the client's retry, back-off and re-login paths can be tested deterministically.
import type { FaultInjector, FaultKind, FaultRule } from "./types.ts";

const KINDS: readonly FaultKind[] = ["status", "delay", "drop", "malformed", "empty", "expire"];

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
  pattern: RegExp;
}

/** Glob on the path: `*` matches any run of characters (slashes included), `?` one character. */
export function globToRegExp(glob: string): RegExp {
  const source = [...glob].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${source}$`);
}

export class Faults implements FaultInjector {
  private rules: ActiveRule[] = [];

  inject(rule: FaultRule): void {
    if (!KINDS.includes(rule.kind)) throw new Error(`unknown fault kind ${String(rule.kind)}`);
    const times = rule.times ?? 1;
    if (!(times > 0)) throw new Error("times must be positive");
    const pattern = typeof rule.pathPattern === "string" ? globToRegExp(rule.pathPattern) : rule.pathPattern;
    this.rules.push({ rule: { ...rule, times }, remaining: times, pattern });
  }

  clear(): void {
    this.rules = [];
  }

  active(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.rule, times: r.remaining }));
  }

  /** The fault to apply to this call, if any (consumes one use of the first matching rule). */
  take(method: string, pathname: string): FaultRule | null {
    for (const r of this.rules) {
      if (r.rule.method && r.rule.method.toUpperCase() !== method) continue;
      r.pattern.lastIndex = 0;
      if (!r.pattern.test(pathname)) continue;
      r.remaining -= 1;
      if (r.remaining <= 0) this.rules = this.rules.filter((x) => x !== r);
      return r.rule;
    }
    return null;
  }
}

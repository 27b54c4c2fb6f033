// Both languages are complete: every message id the code uses exists in English and French with
// the placeholders its call fills, no id exists in one language only, and the two languages give a
// message the same placeholders. The code is read with TypeScript's parser, so a key written in a
// call (text("…"), t("…")) or as a value of a map typed MessageKey is found wherever it is.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import en from "../../_locales/en/messages.json" with { type: "json" };
import fr from "../../_locales/fr/messages.json" with { type: "json" };

type Catalogue = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A message id written in the code: where, and how many substitutions its call passes (null when
 * unknown: a spread, or a key given as a value rather than in a call). */
interface KeyUse {
  key: string;
  where: string;
  substitutions: number | null;
}

/** The functions whose first argument is a message id and the rest its substitutions. */
const KEY_CALLS = new Set(["text", "userText", "t", "localized", "getMessage"]);

function productSources(): { file: string; source: string }[] {
  const out: { file: string; source: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push({ file: path.relative(ROOT, full), source: fs.readFileSync(full, "utf8") });
    }
  };
  walk(path.join(ROOT, "src"));
  return out;
}

function calleeName(call: ts.CallExpression): string | null {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return null;
}

/** Every message id the sources use: first arguments of KEY_CALLS, and string values of object
 * literals and maps typed with MessageKey. */
function keyUses(sources: readonly { file: string; source: string }[]): KeyUse[] {
  const uses: KeyUse[] = [];
  for (const { file, source } of sources) {
    const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const where = (node: ts.Node) => `${file}:${tree.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && KEY_CALLS.has(calleeName(node) ?? "")) {
        const [first, ...rest] = node.arguments;
        if (first !== undefined && ts.isStringLiteral(first)) {
          const substitutions = rest.some(ts.isSpreadElement) ? null : rest.length;
          uses.push({ key: first.text, where: where(first), substitutions });
        }
      }
      // `const NAMES: Record<X, MessageKey> = { a: "key", … }`: the values are ids.
      if (ts.isVariableDeclaration(node) && node.type?.getText(tree).includes("MessageKey") && node.initializer && ts.isObjectLiteralExpression(node.initializer)) {
        for (const property of node.initializer.properties) {
          if (ts.isPropertyAssignment(property) && ts.isStringLiteral(property.initializer)) {
            uses.push({ key: property.initializer.text, where: where(property.initializer), substitutions: null });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(tree);
  }
  return uses;
}

function placeholderNames(message: string): string[] {
  return [...message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => (m[1] ?? "").toLowerCase());
}

/** What is wrong with the two catalogues for these uses; empty when both languages are complete. */
function localeProblems(uses: readonly KeyUse[], catalogues: Record<"en" | "fr", Catalogue>): string[] {
  const problems: string[] = [];
  const languages = Object.entries(catalogues) as ["en" | "fr", Catalogue][];
  const enKeys = Object.keys(catalogues.en);
  const frKeys = new Set(Object.keys(catalogues.fr));
  for (const key of enKeys) if (!frKeys.has(key)) problems.push(`${key}: only in en`);
  for (const key of frKeys) if (!(key in catalogues.en)) problems.push(`${key}: only in fr`);

  for (const key of enKeys) {
    const entries = languages.map(([language, catalogue]) => [language, catalogue[key]] as const);
    const defined = entries.map(([language, entry]) => [language, JSON.stringify(entry?.placeholders ?? {})] as const);
    if (new Set(defined.map(([, json]) => json)).size > 1) problems.push(`${key}: placeholders differ (${defined.map(([l, json]) => `${l} ${json}`).join(", ")})`);
    for (const [language, entry] of entries) {
      if (entry === undefined || typeof entry.message !== "string" || entry.message === "") {
        problems.push(`${key}: no message in ${language}`);
        continue;
      }
      const names = Object.keys(entry.placeholders ?? {});
      const used = placeholderNames(entry.message);
      for (const name of used) if (!names.includes(name)) problems.push(`${key}: ${language} uses $${name.toUpperCase()}$, not defined`);
      for (const name of names) if (!used.includes(name)) problems.push(`${key}: ${language} never shows placeholder ${name}`);
      const contents = Object.values(entry.placeholders ?? {}).map((p) => p.content).sort();
      const expected = names.map((_, i) => `$${i + 1}`).sort();
      if (JSON.stringify(contents) !== JSON.stringify(expected)) problems.push(`${key}: ${language} placeholders are not $1…$${names.length}`);
    }
  }

  for (const use of uses) {
    for (const [language, catalogue] of languages) {
      const entry = catalogue[use.key];
      if (entry === undefined) {
        problems.push(`${use.where}: "${use.key}" missing in ${language}`);
        continue;
      }
      const expected = Object.keys(entry.placeholders ?? {}).length;
      if (use.substitutions !== null && use.substitutions !== expected) {
        problems.push(`${use.where}: "${use.key}" called with ${use.substitutions} substitution(s), ${language} has ${expected} placeholder(s)`);
      }
    }
  }
  return problems;
}

const CATALOGUES: Record<"en" | "fr", Catalogue> = { en, fr };

describe("the two languages", () => {
  const uses = keyUses(productSources());

  it("finds the message ids the code uses (calls and MessageKey maps)", () => {
    const keys = new Set(uses.map((u) => u.key));
    for (const key of ["logBookRenamed", "errorApiKeyRefused", "syncReasonLocalChange", "level_warning", "account_needs_sign_in", "notificationTitle", "statusSyncing"]) {
      expect(keys, key).toContain(key);
    }
  });

  it("are complete: every id used exists in both, with the placeholders its call fills, none in one language only", () => {
    expect(localeProblems(uses, CATALOGUES)).toEqual([]);
  });

  it("every id of the catalogues is used by the code, the manifest or the options page", () => {
    const used = new Set(uses.map((u) => u.key));
    const manifest = fs.readFileSync(path.join(ROOT, "manifest.json"), "utf8");
    for (const match of manifest.matchAll(/__MSG_([A-Za-z0-9_@]+)__/g)) used.add(match[1] ?? "");
    // Ids also reach the code as values (a state's name, a map's entry): any string literal counts.
    const literals = productSources().map((s) => s.source).join("\n");
    const unused = Object.keys(en).filter((key) => !used.has(key) && !literals.includes(`"${key}"`));
    expect(unused).toEqual([]);
  });

  it("would catch a missing translation, a placeholder that differs and a call with the wrong arguments", () => {
    const { logBookRenamed: _dropped, ...frWithout } = fr;
    expect(localeProblems([], { en, fr: frWithout })).toEqual([
      "logBookRenamed: only in en",
      expect.stringContaining("logBookRenamed: placeholders differ"),
      "logBookRenamed: no message in fr",
    ]);
    const frRenamed = { ...fr, logBookRenamed: { message: "Renommé en « $NOM$ ».", placeholders: { nom: { content: "$1" } } } };
    expect(localeProblems([], { en, fr: frRenamed })).toEqual([expect.stringContaining("logBookRenamed: placeholders differ")]);
    const frUndefined = { ...fr, logBookRenamed: { message: "Renommé en « $NAME$ » ($OLD$).", placeholders: { name: { content: "$1" } } } };
    expect(localeProblems([], { en, fr: frUndefined })).toEqual(["logBookRenamed: fr uses $OLD$, not defined"]);
    const wrongCall = keyUses([{ file: "x.ts", source: 'text("logBookRenamed", a, b); t("noSuchKey");' }]);
    expect(localeProblems(wrongCall, CATALOGUES)).toEqual([
      'x.ts:1: "logBookRenamed" called with 2 substitution(s), en has 1 placeholder(s)',
      'x.ts:1: "logBookRenamed" called with 2 substitution(s), fr has 1 placeholder(s)',
      'x.ts:1: "noSuchKey" missing in en',
      'x.ts:1: "noSuchKey" missing in fr',
    ]);
  });
});

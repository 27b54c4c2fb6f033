// The rooms of src/ as the project's own ESLint configuration enforces them: each allowance and
// each refusal of eslint.config.js's ROOMS table, linted on one-line sources under virtual paths.
import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The rooms/imports messages ESLint reports for `source` placed at `file`. */
async function roomProblems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${ROOT}/${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === "rooms/imports").map((m) => m.message);
}

const allowed: [file: string, source: string][] = [
  ["src/bluemind/x.ts", 'import "../shared/bluemind-card.ts";'],
  ["src/vcard/x.ts", 'import "../shared/bluemind-card.ts";'],
  ["src/vcard/x.ts", 'import ICAL from "ical.js"; export { ICAL };'],
  ["src/thunderbird/x.ts", 'import "../shared/messages.ts";'],
  ["src/thunderbird/x.ts", 'import browser from "webextension-polyfill"; export { browser };'],
  ["src/books/x.ts", 'import "../bluemind/containers-api.ts";'],
  ["src/sync/x.ts", 'import "../books/remote-books.ts";'],
  ["src/sync/x.ts", 'import "../vcard/index.ts";'],
  ["src/sync/x.ts", 'import type { AddressBooksApi } from "../thunderbird/types.ts"; export type { AddressBooksApi };'],
  ["src/search/x.ts", 'import "../books/remote-books.ts";'],
  ["src/search/x.ts", 'import "../bluemind/models.ts";'],
  ["src/options/x.ts", 'import "../shared/server-url.ts";'],
  ["src/options/x.ts", 'import "../thunderbird/runtime-messaging.ts";'],
  ["src/options/x.tsx", 'import "preact/hooks";'],
  ["src/background/x.ts", 'import "../sync/index.ts"; import "../search/index.ts"; import "../thunderbird/messenger.ts";'],
  ["src/sync/x.ts", 'import "./engine.ts";'],
  // sync/'s sub-rooms: the engine drives pull and push, which share sync/ and sync/state/.
  ["src/sync/x.ts", 'import "./pull/book-pull.ts"; import "./push/book-push.ts"; import "./state/book-ledger.ts";'],
  ["src/sync/pull/x.ts", 'import "../state/book-ledger.ts"; import "../concurrency.ts"; import "./list-sync.ts";'],
  ["src/sync/push/x.ts", 'import "../state/change-queue.ts"; import "../../vcard/index.ts";'],
  ["src/shared/x.ts", 'import en from "../../_locales/en/messages.json" with { type: "json" }; export { en };'],
  // A test beside its module may use test/ helpers, Node and dev dependencies.
  ["src/sync/x.test.ts", 'import "../../test/support/memory-content.ts";'],
  ["src/vcard/x.test.ts", 'import "node:fs"; import "vitest"; import "fast-check";'],
  ["src/options/x.test.tsx", 'import "../../test/support/options-testkit.tsx";'],
];

const refused: [file: string, source: string, message: RegExp][] = [
  ["src/bluemind/x.ts", 'import "../vcard/index.ts";', /src\/bluemind\/ may not import src\/vcard\/index\.ts/],
  ["src/bluemind/x.ts", 'import "../thunderbird/types.ts";', /src\/bluemind\/ may not import src\/thunderbird/],
  ["src/vcard/x.ts", 'import "../bluemind/models.ts";', /src\/vcard\/ may not import src\/bluemind\/models\.ts/],
  ["src/vcard/x.ts", 'import "preact";', /may not import the package preact/],
  ["src/thunderbird/x.ts", 'import "../sync/index.ts";', /src\/thunderbird\/ may not import src\/sync/],
  ["src/books/x.ts", 'import "../sync/engine.ts";', /src\/books\/ may not import src\/sync/],
  ["src/sync/x.ts", 'import "webextension-polyfill";', /may not import the package webextension-polyfill/],
  ["src/options/x.ts", 'import "webextension-polyfill";', /may not import the package webextension-polyfill/],
  ["src/sync/x.ts", 'import "../search/index.ts";', /src\/sync\/ may not import src\/search/],
  ["src/sync/pull/x.ts", 'import "../push/book-push.ts";', /src\/sync\/pull\/ may not import src\/sync\/push\/book-push\.ts/],
  ["src/sync/push/x.ts", 'import "../pull/book-pull.ts";', /src\/sync\/push\/ may not import src\/sync\/pull\/book-pull\.ts/],
  ["src/sync/state/x.ts", 'import "../pull/book-pull.ts";', /src\/sync\/state\/ may not import src\/sync\/pull/],
  ["src/sync/push/x.ts", 'import "../../books/remote-books.ts";', /src\/sync\/push\/ may not import src\/books/],
  ["src/sync/x.ts", 'import "../thunderbird/messenger.ts";', /src\/sync\/ may not import src\/thunderbird\/messenger\.ts/],
  ["src/sync/x.ts", 'import "../options/app.tsx";', /src\/sync\/ may not import src\/options/],
  ["src/search/x.ts", 'import "../sync/local-books.ts";', /src\/search\/ may not import src\/sync/],
  ["src/search/x.ts", 'import "../background/app.ts";', /src\/search\/ may not import src\/background/],
  ["src/options/x.ts", 'import "../bluemind/url.ts";', /src\/options\/ may not import src\/bluemind\/url\.ts/],
  ["src/options/x.ts", 'import "../thunderbird/messenger.ts";', /src\/options\/ may not import src\/thunderbird\/messenger\.ts/],
  ["src/options/x.ts", 'import "ical.js";', /may not import the package ical\.js/],
  ["src/shared/x.ts", 'import "../bluemind/errors.ts";', /src\/shared\/ may not import src\/bluemind/],
  ["src/sync/x.ts", 'import "../../_locales/en/messages.json";', /src\/sync\/ product code may not import _locales\/en\/messages\.json/],
  ["src/shared/x.ts", 'import "../../_locales/fr/messages.json";', /src\/shared\/ product code may not import _locales\/fr\/messages\.json/],
  // Nothing in the product reaches test/ or Node.
  ["src/background/x.ts", 'import "../../test/support/memory-content.ts";', /outside src\//],
  ["src/search/x.ts", 'import "../../test/fake-bluemind/index.ts";', /outside src\//],
  ["src/sync/x.ts", 'import "node:fs";', /may not import node:fs/],
  ["src/bluemind/x.ts", 'import "http";', /may not import http/],
  // Every import form is checked, and a path cannot wander around the rule.
  ["src/options/x.ts", 'export { normaliseBaseUrl } from "../bluemind/url.ts";', /src\/options\/ may not import/],
  ["src/options/x.ts", 'export * from "../bluemind/url.ts";', /src\/options\/ may not import/],
  ["src/options/x.ts", 'void import("../bluemind/url.ts");', /src\/options\/ may not import/],
  ["src/options/x.ts", 'export type Url = typeof import("../bluemind/url.ts");', /src\/options\/ may not import/],
  ["src/options/x.ts", 'import "./../bluemind/url.ts";', /src\/options\/ may not import/],
  // A test keeps its room's rules for src/.
  ["src/search/x.test.ts", 'import "../sync/local-books.ts";', /src\/search\/ may not import src\/sync/],
  // A folder the table does not name is refused until it is given its rules.
  ["src/newroom/x.ts", "export const x = 1;", /src\/newroom\/ is not a room/],
];

describe("rooms of src/ (eslint.config.js)", () => {
  it.each(allowed)("%s may: %s", async (file, source) => {
    expect(await roomProblems(file, source)).toEqual([]);
  });

  it.each(refused)("%s may not: %s", async (file, source, message) => {
    const problems = await roomProblems(file, source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});

import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import rooms from "./test/lint/rooms-rule.js";

// The rooms of src/ and what each may import besides its own files (CONTRIBUTING.md says why).
// `rooms` names other rooms, or one file of a room; `packages` the runtime dependencies its
// product code may use. Tests beside a module keep these rules and may also import test/
// helpers, node:* and dev dependencies (test/lint/rooms-rule.js).
const ROOMS = {
  // The English catalogue is the one source of English text (shared/user-text.ts).
  shared: { rooms: [], files: ["_locales/en/messages.json"] },
  bluemind: { rooms: ["shared"] },
  vcard: { rooms: ["shared"], packages: ["ical.js"] },
  thunderbird: { rooms: ["shared"], packages: ["webextension-polyfill"] },
  books: { rooms: ["bluemind", "shared"] },
  // The engine (sync/) drives pull and push; both write the book's state only through
  // sync/state's owner, and never import each other.
  sync: { rooms: ["sync/state", "sync/pull", "sync/push", "bluemind", "vcard", "books", "shared", "thunderbird/types.ts"] },
  "sync/state": { rooms: ["sync", "vcard", "shared", "thunderbird/types.ts"] },
  "sync/pull": { rooms: ["sync", "sync/state", "bluemind", "vcard", "shared", "thunderbird/types.ts"] },
  "sync/push": { rooms: ["sync", "sync/state", "bluemind", "vcard", "shared", "thunderbird/types.ts"] },
  search: { rooms: ["bluemind", "vcard", "books", "shared", "thunderbird/types.ts"] },
  options: { rooms: ["shared", "thunderbird/runtime-messaging.ts"], packages: ["preact"] },
  background: { rooms: ["bluemind", "vcard", "thunderbird", "books", "sync", "search", "shared"] },
};

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "test/thunderbird/probe/**/*.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/**/*.ts", "src/**/*.tsx"],
    plugins: { rooms },
    rules: {
      "rooms/imports": ["error", { root: import.meta.dirname, rooms: ROOMS }],
    },
  },
  {
    // messenger.* belongs to src/thunderbird/ only (design.md §3).
    files: ["src/**/*.ts", "src/**/*.tsx"],
    ignores: ["src/thunderbird/**"],
    rules: {
      "no-restricted-globals": ["error", { name: "messenger", message: "Use src/thunderbird/ instead." }, { name: "browser", message: "Use src/thunderbird/ instead." }],
    },
  },
  {
    // Inside src/thunderbird/ the generic WebExtension APIs come from webextension-polyfill's
    // `browser` (imported, typed by @types/webextension-polyfill); `messenger` keeps only
    // Thunderbird's own namespaces.
    files: ["src/thunderbird/**/*.ts"],
    rules: {
      "no-restricted-globals": [
        "error",
        { name: "browser", message: 'Import browser from "webextension-polyfill".' },
        { name: "chrome", message: 'Import browser from "webextension-polyfill".' },
      ],
      "no-restricted-properties": [
        "error",
        ...["runtime", "storage", "permissions", "alarms", "notifications", "i18n"].map((property) => ({
          object: "messenger",
          property,
          message: 'Generic WebExtension API: use browser from "webextension-polyfill".',
        })),
      ],
    },
  },
);

import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

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

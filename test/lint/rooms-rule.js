// ESLint rule `rooms/imports`: what each room of src/ may import, from the table in
// eslint.config.js. A room is a top-level folder, or a sub-folder the table names ("sync/pull"),
// which is then a room of its own, apart from its parent. One rule rather than a no-restricted-imports pattern list per folder
// because it resolves every relative import to the folder it lands in (`./../sync/x` cannot slip
// past a pattern) and reads the table as an allow-list: a new room, or a package a room starts to
// use, is refused until the table names it.
//
// Product files import only their own room, the rooms (or single files of a room) the table
// allows, the table's packages and the files outside src/ it names (`files`); never test/,
// anything else outside src/, or node:*. Tests beside a module (*.test.ts, *.test.tsx) keep the
// room rules for src/ and may also import test/ (test/support helpers, fixtures, the fake server),
// node:* and the dev dependencies.
import { builtinModules } from "node:module";
import path from "node:path";

const TEST_FILE = /\.test\.tsx?$/;

/** `@scope/name/sub` → `@scope/name`, `preact/hooks` → `preact`. */
function packageOf(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function isNodeBuiltin(specifier) {
  return specifier.startsWith("node:") || builtinModules.includes(packageOf(specifier));
}

export const roomImports = {
  meta: {
    type: "problem",
    docs: { description: "Each room of src/ imports only what eslint.config.js allows it." },
    schema: [
      {
        type: "object",
        properties: {
          root: { type: "string" },
          rooms: {
            type: "object",
            additionalProperties: {
              type: "object",
              properties: {
                rooms: { type: "array", items: { type: "string" } },
                packages: { type: "array", items: { type: "string" } },
                files: { type: "array", items: { type: "string" } },
              },
              required: ["rooms"],
              additionalProperties: false,
            },
          },
        },
        required: ["root", "rooms"],
        additionalProperties: false,
      },
    ],
    messages: {
      unknownRoom: "src/{{room}}/ is not a room of eslint.config.js: add it to ROOMS with what it may import.",
      otherRoom: "src/{{room}}/ may not import {{target}}: it imports only {{allowed}}.",
      outsideSrc: "src/{{room}}/ product code may not import {{target}}: outside src/ (test helpers are for *.test.ts files).",
      nodeModule: "src/{{room}}/ product code may not import {{specifier}}: the add-on runs in Thunderbird, not Node.",
      package: "src/{{room}}/ may not import the package {{specifier}}: it uses only {{allowed}}.",
    },
  },

  create(context) {
    const { root, rooms } = context.options[0];
    const file = path.relative(root, context.filename).split(path.sep).join("/");
    if (!file.startsWith("src/")) return {};
    const room = roomOf(rooms, file);
    const allowed = rooms[room];
    const isTest = TEST_FILE.test(file);
    const listOf = (names) => (names.length === 0 ? "nothing outside itself" : names.map((n) => (n.includes(".") ? n : `${n}/`)).join(", "));

    if (!allowed) {
      return { Program: (node) => context.report({ node, messageId: "unknownRoom", data: { room } }) };
    }

    function check(source) {
      const specifier = source.value;
      if (typeof specifier !== "string") return;
      const data = { room, specifier };
      if (specifier.startsWith(".")) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
        if (target.startsWith("src/")) {
          const to = roomOf(rooms, target);
          if (to === room || allowed.rooms.includes(to) || allowed.rooms.includes(target.slice("src/".length))) return;
          context.report({ node: source, messageId: "otherRoom", data: { ...data, target, allowed: listOf(allowed.rooms) } });
        } else if (!isTest && !(allowed.files ?? []).includes(target)) {
          context.report({ node: source, messageId: "outsideSrc", data: { ...data, target } });
        }
        return;
      }
      if (isTest) return;
      if (isNodeBuiltin(specifier)) {
        context.report({ node: source, messageId: "nodeModule", data });
      } else if (!(allowed.packages ?? []).includes(packageOf(specifier))) {
        context.report({ node: source, messageId: "package", data: { ...data, allowed: (allowed.packages ?? []).join(", ") || "none" } });
      }
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => node.source && check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source),
      // `typeof import("../sync/x.ts")` in a type position.
      TSImportType: (node) => check(node.source),
    };
  },
};

/**
 * The room a path of src/ belongs to: the longest key of the table that is a folder holding it
 * ("sync/pull" for src/sync/pull/x.ts), else its top-level folder (reported when unknown).
 */
function roomOf(rooms, file) {
  const inSrc = file.slice("src/".length);
  let best = null;
  for (const key of Object.keys(rooms)) if (inSrc.startsWith(`${key}/`) && (best === null || key.length > best.length)) best = key;
  return best ?? inSrc.split("/")[0];
}

export default { rules: { imports: roomImports } };

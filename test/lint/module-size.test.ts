// The sync engine is where a reader must be able to hold a whole module in mind: its modules stay
// under MAX_LINES, each with one job (CONTRIBUTING.md). A module that grows past it is split, not
// exempted.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const MAX_LINES = 350;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function modulesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return modulesUnder(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe("module size", () => {
  it(`keeps every module of src/sync/ under ${MAX_LINES} lines`, () => {
    const modules = modulesUnder(path.join(root, "src/sync"));
    expect(modules.length).toBeGreaterThan(20);
    const long = modules
      .map((file) => ({ file: path.relative(root, file), lines: fs.readFileSync(file, "utf8").split("\n").length - 1 }))
      .filter((m) => m.lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});

// The source archive `npm run package` makes for the add-on store's reviewers builds the very XPI
// it ships with: unpacked in an empty folder, `npm ci` (from npm's cache, offline) and
// `npm run build` give the same files, byte for byte.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { addonVersion } from "../../scripts/source-archive.ts";
import { listZip, readZipEntry } from "../thunderbird/zip.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function run(command: string, args: string[], cwd: string): void {
  execFileSync(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
}

describe("release package", () => {
  it("npm run package: the XPI rebuilt from the source archive alone has the same files, byte for byte", () => {
    run("npm", ["run", "package"], ROOT);
    const version = addonVersion(ROOT);
    const xpi = fs.readFileSync(path.join(ROOT, "dist", `bluemind-addressbooks-${version}.xpi`));
    const archive = path.join(ROOT, "dist", `bluemind-addressbooks-${version}-source.tar.gz`);

    const work = fs.mkdtempSync(path.join(os.tmpdir(), "bm-source-rebuild-"));
    try {
      run("tar", ["--extract", "--gzip", "--file", archive, "--directory", work], work);
      expect(fs.readdirSync(work)).toEqual([`bluemind-addressbooks-${version}`]);
      const project = path.join(work, `bluemind-addressbooks-${version}`);
      expect(fs.readFileSync(path.join(project, "README.md"), "utf8")).toContain("### Build from source");

      run("npm", ["ci", "--offline", "--no-audit", "--no-fund"], project);
      run("npm", ["run", "build"], project);
      const rebuilt = fs.readFileSync(path.join(project, "dist", `bluemind-addressbooks-${version}.xpi`));

      const names = listZip(xpi).sort();
      expect(names).toContain("manifest.json");
      expect(names).toContain("main.js");
      expect(listZip(rebuilt).sort()).toEqual(names);
      const differing = names.filter((name) => !readZipEntry(rebuilt, name)?.equals(readZipEntry(xpi, name) ?? Buffer.alloc(0)));
      expect(differing).toEqual([]);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

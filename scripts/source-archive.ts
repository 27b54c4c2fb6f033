// The source archive the add-on stores ask for with a bundled add-on: the files `npm ci` and
// `npm run build` need to make the very same XPI, plus README.md, whose "Build from source"
// section is the reviewers' instructions. `npm run package` writes it next to the XPI.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** What the build reads (package.json's build scripts), and what explains it. */
export const SOURCE_FILES = ["README.md", "CHANGELOG.md", "package.json", "package-lock.json", "tsconfig.json", "manifest.json", "_locales", "icons", "src"];

export function addonVersion(root: string): string {
  return (JSON.parse(fs.readFileSync(path.join(root, "manifest.json"), "utf8")) as { version: string }).version;
}

/** Writes `<outDir>/bluemind-addressbooks-<version>-source.tar.gz` (one top folder) and returns its path. */
export function createSourceArchive(root: string, outDir: string): string {
  const version = addonVersion(root);
  const top = `bluemind-addressbooks-${version}`;
  const archive = path.join(outDir, `${top}-source.tar.gz`);
  fs.mkdirSync(outDir, { recursive: true });
  const tarball = execFileSync(
    "tar",
    ["--create", "--file", "-", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--transform", `s,^,${top}/,`, "-C", root, ...SOURCE_FILES],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  fs.writeFileSync(archive, gzipSync(tarball, { level: 9 }));
  return archive;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const xpi = path.join(root, "dist", `bluemind-addressbooks-${addonVersion(root)}.xpi`);
  if (!fs.existsSync(xpi)) throw new Error(`${xpi} is missing: run npm run build first`);
  console.log(`Add-on:         ${path.relative(root, xpi)}`);
  console.log(`Source archive: ${path.relative(root, createSourceArchive(root, path.join(root, "dist")))}`);
}

// The harness's private install copies, on stand-in installs: two Thunderbirds side by side (the
// 140 ESR unpacked beside the system's 153) keep their copies; an upgraded one drops only its own.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let root: string;
let prepareInstallCopy: typeof import("../thunderbird/install-copy.ts").prepareInstallCopy;

/** The files isThunderbirdInstalled() looks for, and a relative link out of the install. */
function fakeInstall(name: string, version: string): string {
  const dir = path.join(root, name, "usr", "lib", "thunderbird");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "thunderbird"), "#!/bin/sh\n", { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "application.ini"), `[App]\nVersion=${version}\n`);
  const shared = path.join(root, name, "usr", "share", "thunderbird");
  fs.mkdirSync(shared, { recursive: true });
  fs.writeFileSync(path.join(shared, "omni.ja"), "omni");
  fs.symlinkSync("../../share/thunderbird/omni.ja", path.join(dir, "omni.ja"));
  return dir;
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "install-copy-test-"));
  // The cache lives under os.tmpdir(), read when the module loads: point it into this test's folder.
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = root;
  try {
    ({ prepareInstallCopy } = await import("../thunderbird/install-copy.ts"));
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe("install copies", () => {
  it("keep one copy per install and policies; an upgrade replaces only that install's copies", () => {
    const esr153 = fakeInstall("tb153", "153.8.0");
    const esr140 = fakeInstall("tb140", "140.12.0");
    const policies = { policies: { "3rdparty": { Extensions: { "a@b": { serverUrl: "https://bm.example.com" } } } } };

    const copy153 = prepareInstallCopy(policies, esr153);
    const copy140 = prepareInstallCopy(policies, esr140);
    expect(copy140).not.toBe(copy153);
    expect(prepareInstallCopy(policies, esr153)).toBe(copy153);
    expect(JSON.parse(fs.readFileSync(path.join(copy140, "distribution", "policies.json"), "utf8"))).toEqual(policies);
    // The relative link out of the install still reaches its target from the copy.
    expect(fs.readFileSync(path.join(copy140, "omni.ja"), "utf8")).toBe("omni");
    expect(fs.readFileSync(path.join(copy140, "application.ini"), "utf8")).toContain("140.12.0");

    fs.writeFileSync(path.join(esr153, "application.ini"), "[App]\nVersion=153.9.0\n");
    const upgraded = prepareInstallCopy(policies, esr153);
    expect(upgraded).not.toBe(copy153);
    expect(fs.existsSync(copy153)).toBe(false);
    expect(fs.existsSync(copy140)).toBe(true);
    expect(prepareInstallCopy(policies, esr140)).toBe(copy140);
  });
});

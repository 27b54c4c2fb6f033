/**
 * Skip-or-fail policy for suites that need a real Thunderbird: on a developer machine without
 * Thunderbird (or Xvfb) they are skipped with a message; in CI (process.env.CI set) a missing
 * prerequisite is a failure, so the end-to-end tests can never silently not run.
 */
import { describe, it } from "vitest";
import { isThunderbirdInstalled, THUNDERBIRD_INSTALL_DIR } from "./install-copy.ts";
import { isXvfbInstalled } from "./xvfb.ts";

/** Why the suite cannot run here, or null when it can. */
export function missingPrerequisite(options: { display?: boolean } = {}): string | null {
  if (!isThunderbirdInstalled()) return `Thunderbird is not installed at ${THUNDERBIRD_INSTALL_DIR} (set THUNDERBIRD_INSTALL_DIR, or apt-get install thunderbird)`;
  if (options.display && !isXvfbInstalled()) return "Xvfb is not installed (apt-get install xvfb)";
  return null;
}

/** `describe` for real-Thunderbird suites; `display: true` when the suite also needs Xvfb. */
export function describeWithThunderbird(name: string, body: () => void, options: { display?: boolean } = {}): void {
  describeIfAvailable(name, missingPrerequisite(options), body);
}

/**
 * `describe` for a suite that needs a program of the machine: run when `missing` is null; else
 * skipped with the reason on a developer machine, and failed in CI so it can never silently not run.
 */
export function describeIfAvailable(name: string, missing: string | null, body: () => void): void {
  if (missing === null) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it("has its prerequisites (required in CI)", () => {
        throw new Error(`${missing}. CI must run this suite.`);
      });
    });
  } else {
    console.warn(`Skipping "${name}": ${missing}.`);
    describe.skip(name, body);
  }
}

// Runs Mozilla's addons-linter (web-ext lint) on the built add-on and fails on any error, and on
// any warning that is not one of the explained ones below. addons-linter checks against Firefox's
// schemas, so a few Thunderbird facts read as warnings to it.
import { execFileSync } from "node:child_process";

interface LintMessage {
  code: string;
  message: string;
  file?: string;
  line?: number;
}

const EXPLAINED: { code: string; file?: string; message?: RegExp; why: string }[] = [
  {
    code: "MANIFEST_PERMISSIONS",
    file: "manifest.json",
    // Only that one: a host pattern the linter refused must not pass as explained.
    message: /^\/permissions: Invalid permissions "addressBooks" at \d+\./,
    why: '"addressBooks" is a Thunderbird permission that Firefox\'s schema does not know.',
  },
  {
    code: "MISSING_DATA_COLLECTION_PERMISSIONS",
    file: "manifest.json",
    why: "Firefox's built-in data consent key is not part of Thunderbird 140's manifest; the add-on sends data only to the user's own BlueMind server.",
  },
  {
    code: "UNSAFE_VAR_ASSIGNMENT",
    file: "options.js",
    why: "Preact's renderer contains the innerHTML path of dangerouslySetInnerHTML, which this add-on never uses (no HTML is built from server strings).",
  },
];

const output = execFileSync("npx", ["web-ext", "lint", "--source-dir", "dist/addon", "--self-hosted", "--output", "json"], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
});
const report = JSON.parse(output.slice(output.indexOf("{"))) as { errors: LintMessage[]; warnings: LintMessage[]; notices: LintMessage[] };

const explanationOf = (w: LintMessage) =>
  EXPLAINED.find((e) => e.code === w.code && (e.file === undefined || e.file === w.file) && (e.message === undefined || e.message.test(w.message)));
const unexplained = report.warnings.filter((w) => explanationOf(w) === undefined);
for (const w of report.warnings) {
  const reason = explanationOf(w)?.why;
  console.log(`${reason ? "explained" : "WARNING"} ${w.code} ${w.file ?? ""}${w.line ? `:${w.line}` : ""} ${reason ?? w.message}`);
}
for (const e of report.errors) console.log(`ERROR ${e.code} ${e.file ?? ""}: ${e.message}`);
console.log(`web-ext lint: ${report.errors.length} errors, ${report.warnings.length} warnings (${unexplained.length} unexplained), ${report.notices.length} notices`);
if (report.errors.length > 0 || unexplained.length > 0) process.exit(1);

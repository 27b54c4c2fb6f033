// Ends the run with one plain line, "N passed, N failed, N skipped", that any CI log reader
// understands (Vitest's own summary is decorated and split over several lines).
// PLAIN_SUMMARY_LABEL prefixes the line ("Thunderbird 140: 12 passed, …") when CI makes several
// runs; PLAIN_SUMMARY_FILE collects each run's "passed failed skipped" for CI's closing total.
import * as fs from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
    }
    const label = process.env.PLAIN_SUMMARY_LABEL;
    console.log(`\n${label ? `${label}: ` : ""}${passed} passed, ${failed} failed, ${skipped} skipped`);
    const file = process.env.PLAIN_SUMMARY_FILE;
    if (file) fs.appendFileSync(file, `${passed} ${failed} ${skipped}\n`);
  }
}

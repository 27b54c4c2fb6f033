import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/unit/**/*.test.ts", "test/lint/**/*.test.ts"], environment: "node", sequence: { groupOrder: 0 } } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts", "test/fake-bluemind/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      // The model-based randomized test of the two-way sync (test/model/): MODEL_RUNS sequences
      // (default 1,000; `npm run soak` runs 20,000), one file, its own time limit.
      {
        test: {
          name: "model",
          include: ["test/model/**/*.test.ts"],
          environment: "node",
          sequence: { groupOrder: 0 },
        },
      },
      // Real Thunderbird and Chromium, one file at a time and after the others: their timing
      // checks (first sync within 5 s, a search answered within 3.5 s) must not share two cores
      // with the rest of the suite.
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      // Rebuilds the add-on from its source archive (npm ci, a build): after the timed suites,
      // and rewrites dist/ only once nothing else reads it.
      {
        test: {
          name: "release",
          include: ["test/release/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});

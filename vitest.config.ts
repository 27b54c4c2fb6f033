import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/unit/**/*.test.ts"], environment: "node" } },
      { test: { name: "integration", include: ["test/integration/**/*.test.ts", "test/fake-bluemind/**/*.test.ts"], environment: "node", testTimeout: 30_000 } },
      { test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], environment: "node", testTimeout: 180_000, hookTimeout: 180_000, fileParallelism: false } },
    ],
  },
});

import { defineConfig } from "vitest/config";

// Unit tests live beside pure code (shared/**, server/**/*.test.ts); integration and browser tests
// live in test/. Integration files each get their own database cloned from a migrated template
// (test/setup/global-setup.ts), so files run in parallel without seeing each other's rows.
export default defineConfig({
  test: {
    include: ["shared/**/*.test.ts", "server/**/*.test.ts", "client/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**", ".data/**"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["test/setup/global-setup.ts"],
  },
});

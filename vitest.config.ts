import { defineConfig } from "vitest/config";
import LongestFirstSequencer from "./test/setup/sequencer.ts";

// Two projects: unit tests beside pure code (shared/**, server/**/*.test.ts) need no database;
// integration and browser tests in test/ each get their own database cloned from a migrated
// template (test/setup/global-setup.ts), so files run in parallel without seeing each other's rows.
export default defineConfig({
  test: {
    exclude: ["node_modules/**", "dist/**", ".data/**"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: one file at a time on a 2-core machine.
    // Most files wait on PostgreSQL, a server or Chromium, so two files at once use the machine
    // better (TEST_WORKERS to change it).
    maxWorkers: Number(process.env.TEST_WORKERS ?? 2),
    // Longest files first across both projects, from recorded times (test/setup/sequencer.ts), so
    // the run does not end with one long file started last while the other worker sits idle.
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["shared/**/*.test.ts", "server/**/*.test.ts", "client/**/*.test.ts"],
          // Pure code with no process-wide state (no mocks, fake timers or env changes): one worker
          // process runs file after file instead of a new process per file (about 2 s each).
          isolate: process.env.TEST_ISOLATE_UNIT === "1",
        },
      },
      {
        extends: true,
        test: { name: "integration", include: ["test/**/*.test.ts"], globalSetup: ["test/setup/global-setup.ts"] },
      },
    ],
  },
});

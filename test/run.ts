// `npm test`: builds the console (the browser tests drive the built SPA), then runs every test
// file with vitest. Browser tests need Debian's Chromium; without it they are skipped and this
// says so plainly, unless REQUIRE_BROWSER=1 (CI), which turns a missing browser into a failure.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { buildClient } from "../server/cli/client-build.ts";

mkdirSync("test-results", { recursive: true });
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const requireBrowser = process.env.REQUIRE_BROWSER === "1";
const hasBrowser = existsSync(CHROMIUM);

if (!hasBrowser && requireBrowser) {
  console.error(`[test] REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}
if (hasBrowser) {
  console.log("[test] building the console for the browser tests…");
  await buildClient();
} else {
  console.log(`[test] NOTE: browser tests will be SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`);
}

// The JSON report is the source of truth for pass/fail, not only the exit code (a library's exit
// hook once turned a failing run into exit code 0).
const reportFile = "test-results/vitest-report.json";
rmSync(reportFile, { force: true });
const result = spawnSync("npx", ["vitest", "run", "--reporter=default", "--reporter=./test/setup/file-timings.ts", "--reporter=json", `--outputFile.json=${reportFile}`, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, BROWSER_TESTS: hasBrowser ? "1" : "0", CHROMIUM_PATH: CHROMIUM },
});
if (!hasBrowser) console.log(`[test] browser tests were skipped: no Chromium at ${CHROMIUM}.`);
let failed = result.status !== 0;
if (existsSync(reportFile)) {
  const report = JSON.parse(readFileSync(reportFile, "utf8")) as { success: boolean; numFailedTests: number; numPassedTests: number; numPendingTests: number; numFailedTestSuites: number };
  failed ||= !report.success || report.numFailedTests > 0 || report.numFailedTestSuites > 0;
  // A file that fails to load has no failed tests of its own: count it as a failure too.
  const failedCount = report.numFailedTests > 0 ? report.numFailedTests : report.numFailedTestSuites;
  console.log(`tests: ${report.numPassedTests} passed, ${failedCount} failed, ${report.numPendingTests} skipped`);
} else {
  console.error("[test] vitest wrote no report: treating the run as failed.");
  failed = true;
}
process.exit(failed ? 1 : 0);

// `npm test`: builds the console (the browser tests drive the built SPA), then runs every test
// file with vitest. Browser tests need Debian's Chromium; without it they are skipped and this
// says so plainly, unless REQUIRE_BROWSER=1 (CI), which turns a missing browser into a failure.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { buildClient } from "../server/cli/client-build.ts";

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

const result = spawnSync("npx", ["vitest", "run", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, BROWSER_TESTS: hasBrowser ? "1" : "0", CHROMIUM_PATH: CHROMIUM },
});
if (!hasBrowser) console.log(`[test] browser tests were skipped: no Chromium at ${CHROMIUM}.`);
process.exit(result.status ?? 1);

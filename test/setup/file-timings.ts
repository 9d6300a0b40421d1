// A vitest reporter that prints each test file's wall time, hooks included (the JSON report's
// durations leave out beforeAll/afterAll), slowest first, and writes them to
// test-results/file-timings.json. Use it beside the default reporter:
//   npx vitest run --reporter=default --reporter=./test/setup/file-timings.ts [files…]
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

interface FileTiming {
  file: string;
  /** From the file's start to its end in its worker (import, hooks and tests). */
  wallSeconds: number;
  /** Tests and hooks (beforeAll/afterAll included). */
  testsAndHooksSeconds: number;
  /** Importing the file and what it imports. */
  collectSeconds: number;
  state: string;
}

export default class FileTimings implements Reporter {
  private readonly started = new Map<string, number>();
  private readonly timings: FileTiming[] = [];

  onTestModuleStart(module: TestModule) {
    this.started.set(module.moduleId, Date.now());
  }

  onTestModuleEnd(module: TestModule) {
    const d = module.diagnostic();
    const start = this.started.get(module.moduleId);
    this.timings.push({
      file: path.relative(process.cwd(), module.moduleId),
      wallSeconds: start === undefined ? NaN : (Date.now() - start) / 1000,
      testsAndHooksSeconds: d.duration / 1000,
      collectSeconds: d.collectDuration / 1000,
      state: module.state(),
    });
  }

  onTestRunEnd() {
    const rows = [...this.timings].sort((a, b) => b.wallSeconds - a.wallSeconds);
    const total = rows.reduce((s, r) => s + r.wallSeconds, 0);
    console.log(`\nPer-file wall time (hooks included), slowest first; sum ${total.toFixed(1)} s:`);
    for (const r of rows) console.log(`${r.wallSeconds.toFixed(1).padStart(8)} s  ${r.file}${r.state === "passed" ? "" : `  (${r.state})`}`);
    mkdirSync("test-results", { recursive: true });
    writeFileSync(path.join("test-results", "file-timings.json"), JSON.stringify(rows, null, 2));
  }
}

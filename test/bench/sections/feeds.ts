// Bench section: the Feed health query (#15, server/features/feeds/health.ts) on the bench data set,
// as the console's page and its alarm strip run it: at the data set's own "now" (the end of its
// window, where its traffic is) and at the wall clock (where the decisions section's records are,
// if it ran). Prints figures, asserts nothing. No goal in the issue; it runs on each page load and
// every 30-60 s per open console, so it should stay well under the overview's own SQL figures.
import { performance } from "node:perf_hooks";
import { feedHealth } from "../../../server/features/feeds/health.ts";
import type { BenchFigure, BenchSection } from "../context.ts";

async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
  return { p50: at(50), p95: at(95) };
}

export const section: BenchSection = {
  name: "feeds",
  order: 95,
  async run(ctx) {
    const figures: BenchFigure[] = [];
    const moments: Array<[string, Date]> = [["data set's now", ctx.dataNow ?? new Date()], ["wall clock", new Date()]];
    for (const [label, now] of moments) {
      const first = await feedHealth(ctx.db.pool, now);
      const t = await timeRuns(20, () => feedHealth(ctx.db.pool, now));
      ctx.log(`feed health at the ${label}: p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms (${first.rows.length} feeds, ${first.alarms.length} alarms)`);
      figures.push({ name: `feed health query at the ${label}, p50 / p95`, value: `${t.p50.toFixed(1)} / ${t.p95.toFixed(1)}`, unit: "ms", note: `${first.rows.length} feeds, ${first.alarms.length} alarms` });
    }
    return figures;
  },
};

// Bench section: the overview's queries (charts and per-bank table) for 6 h, 24 h, 7 d and 30 d,
// next to a plain GROUP BY bank, date_bin over the raw charge and link tables with the same window
// measured in the same run, and the ratio; the time to refresh baselines and spikes for all banks on
// a new bucket; the built client's initial JavaScript (gzip). Prints figures, asserts nothing.
//
// Two overview figures per range, labelled:
//   sql     every figure read by SQL from the rollups (what a process without a current detector
//           answers; no cache of any kind)
//   served  what the running server answers: window totals and chart series from the detector's
//           memory (refreshed by every detection run, every 2 s, from the committed rollups), spikes,
//           suspensions and banks still read by SQL on every request
// Ratios are raw p50 / overview p50 and raw p95 / overview p95 (like with like).
//
// Call `benchOverview({ db })` on a database that holds the data set (events ingested, volume
// backfilled). The detection figure advances the detector's clock past the data's last bucket one
// bucket at a time, so run it last (it writes rows for those buckets).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Database } from "../../../server/db/client.ts";
import { volumeOverview } from "../../../server/features/volume/overview.ts";
import { backfillVolume, resetDetection, runDetection } from "../../../server/features/volume/detection.ts";
import { resolveWindow, type VolumeRange } from "../../../shared/volume/schemas.ts";

export interface OverviewBenchOptions {
  db: Database;
  /** Where the data set ends (default: now). */
  now?: Date;
  runs?: number;
  log?: (line: string) => void;
  /** The built client (default dist/client). */
  clientDir?: string;
  /** Run the backfill first (when the data set was loaded without it). */
  backfill?: boolean;
}

interface RangeFigures {
  range: VolumeRange;
  bucketMinutes: number;
  rawP50Ms: number;
  rawP95Ms: number;
  /** Everything by SQL (no detector memory, no cache). */
  sqlP50Ms: number;
  sqlP95Ms: number;
  sqlRatioP50: number;
  sqlRatioP95: number;
  /** As the running server answers (detector memory for totals and charts). */
  servedP50Ms: number;
  servedP95Ms: number;
  servedRatioP50: number;
  servedRatioP95: number;
}

export interface OverviewBenchFigures {
  ranges: RangeFigures[];
  backfillMs: number | null;
  /** The detector's first run in a process (loads the histories and stored expected levels). */
  detectionFirstRunMs: number;
  detectionNewBucketP50Ms: number;
  detectionNewBucketP95Ms: number;
  initialJsGzipKb: number | null;
}

const RANGES: Array<Exclude<VolumeRange, "custom">> = ["6h", "24h", "7d", "30d"];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await fn(); // warm-up (plans, JIT)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

// What the overview shows, computed the plain way from the raw rows: links and charges (count and
// yen) per bank and bucket over the window.
function rawQuery(db: Database, from: Date, to: Date, bucketMinutes: number) {
  return Promise.all([
    db.pool.query(
      `SELECT bank_code, date_bin(make_interval(mins => $3::int), occurred_at, TIMESTAMPTZ '2000-01-01') AS b, count(*), sum(amount_yen)
         FROM charge WHERE occurred_at >= $1 AND occurred_at <= $2 GROUP BY 1, 2`,
      [from, to, bucketMinutes],
    ),
    db.pool.query(
      `SELECT bank_code, date_bin(make_interval(mins => $3::int), registered_at, TIMESTAMPTZ '2000-01-01') AS b, count(*)
         FROM bank_link WHERE registered_at >= $1 AND registered_at <= $2 GROUP BY 1, 2`,
      [from, to, bucketMinutes],
    ),
  ]);
}

/** Initial JavaScript of the built client: the entry script and the modules it preloads, gzipped. */
export function initialJsGzipBytes(clientDir: string): number | null {
  const indexHtml = path.join(clientDir, "index.html");
  if (!existsSync(indexHtml)) return null;
  const html = readFileSync(indexHtml, "utf8");
  const files = new Set<string>();
  for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) files.add(m[1]);
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) files.add(m[1]);
  let total = 0;
  for (const f of files) total += gzipSync(readFileSync(path.join(clientDir, f.replace(/^\//, "")))).length;
  return total;
}

export async function benchOverview(opts: OverviewBenchOptions): Promise<OverviewBenchFigures> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const now = opts.now ?? new Date();
  const runs = opts.runs ?? 40;
  const db = opts.db;

  let backfillMs: number | null = null;
  if (opts.backfill) {
    const t0 = performance.now();
    await backfillVolume(db, { now });
    backfillMs = performance.now() - t0;
    log(`volume backfill (35 days, 5- and 60-minute lanes): ${(backfillMs / 1000).toFixed(1)} s`);
  }

  // The plain way and the SQL-only overview first, with no detector in this process.
  resetDetection(db);
  const measured: Array<Omit<RangeFigures, "servedP50Ms" | "servedP95Ms" | "servedRatioP50" | "servedRatioP95">> = [];
  for (const range of RANGES) {
    const w = resolveWindow({ range }, now);
    const raw = await timeRuns(Math.max(5, Math.floor(runs / 4)), () => rawQuery(db, w.from, w.to, w.bucketMinutes));
    const sql = await timeRuns(runs, () => volumeOverview(db, { range, chargeMeasure: "count" }, now, { source: "sql" }));
    measured.push({
      range,
      bucketMinutes: w.bucketMinutes,
      rawP50Ms: raw.p50,
      rawP95Ms: raw.p95,
      sqlP50Ms: sql.p50,
      sqlP95Ms: sql.p95,
      sqlRatioP50: raw.p50 / sql.p50,
      sqlRatioP95: raw.p95 / sql.p95,
    });
  }

  // The detector as the server runs it (its job runs every 2 s); the overview then answers from it.
  const tFirst = performance.now();
  await runDetection(db, { now });
  const detectionFirstRunMs = performance.now() - tFirst;
  log(`detection, first run in this process (histories and stored expected levels): ${detectionFirstRunMs.toFixed(0)} ms`);
  const ranges: RangeFigures[] = [];
  log("overview (charts + per-bank table): sql = all by SQL, no cache | served = as the running server answers (detector memory) | raw = plain GROUP BY bank, date_bin over charges and links, same window; ratios raw/overview at p50 and at p95");
  for (const m of measured) {
    const served = await timeRuns(runs, () => volumeOverview(db, { range: m.range, chargeMeasure: "count" }, now, { source: "memory" }));
    const row: RangeFigures = { ...m, servedP50Ms: served.p50, servedP95Ms: served.p95, servedRatioP50: m.rawP50Ms / served.p50, servedRatioP95: m.rawP95Ms / served.p95 };
    ranges.push(row);
    log(
      `  ${row.range.padEnd(4)} (${String(row.bucketMinutes).padStart(2)}-min buckets): raw p50 ${row.rawP50Ms.toFixed(0)} ms, p95 ${row.rawP95Ms.toFixed(0)} ms` +
        ` | sql p50 ${row.sqlP50Ms.toFixed(1)} ms, p95 ${row.sqlP95Ms.toFixed(1)} ms (${row.sqlRatioP50.toFixed(0)}x / ${row.sqlRatioP95.toFixed(0)}x)` +
        ` | served p50 ${row.servedP50Ms.toFixed(1)} ms, p95 ${row.servedP95Ms.toFixed(1)} ms (${row.servedRatioP50.toFixed(0)}x / ${row.servedRatioP95.toFixed(0)}x)`,
    );
  }

  // Detection on a new bucket: the detector's clock moves one 5-minute bucket per run (as the wall
  // clock would), for every bank and metric, both lanes.
  const times: number[] = [];
  for (let i = 1; i <= Math.max(10, Math.floor(runs / 2)); i++) {
    const t0 = performance.now();
    await runDetection(db, { now: new Date(now.getTime() + i * 5 * 60_000) });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const detectionNewBucketP50Ms = percentile(times, 50);
  const detectionNewBucketP95Ms = percentile(times, 95);
  log(`detection, all banks and metrics, on a new bucket: p50 ${detectionNewBucketP50Ms.toFixed(1)} ms, p95 ${detectionNewBucketP95Ms.toFixed(1)} ms`);

  const gzip = initialJsGzipBytes(opts.clientDir ?? path.join(process.cwd(), "dist", "client"));
  const initialJsGzipKb = gzip === null ? null : gzip / 1024;
  log(initialJsGzipKb === null ? "client: not built (run npx vite build)" : `client initial JavaScript (entry + preloads), gzip: ${initialJsGzipKb.toFixed(1)} KB`);

  return { ranges, backfillMs, detectionFirstRunMs, detectionNewBucketP50Ms, detectionNewBucketP95Ms, initialJsGzipKb };
}

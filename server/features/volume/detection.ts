// Spike detection as events arrive: the detector state of every (bank, metric, bucket size) lives in
// memory, each run reads only the buckets that changed, evaluates them, and writes back the expected
// level, band and z of every evaluated bucket and the spikes, set-based. Two lanes run side by side
// (see defaultParamsFor): 5-minute buckets for sharp bursts, 60-minute buckets for attacks too
// sparse for 5 minutes at small banks. Each lane writes its own rows' expected values, so a chart
// of either bucket size reads the band its spikes were judged against.
//
// Lifecycle (per Database, so tests with their own databases do not share state):
//   first run   one query for the series' first/last-evaluated buckets, one for the non-zero
//               values of the history window (6 weeks before the oldest bucket to evaluate) and one
//               for the stored spikes (open ones restore the detector state; closed BURST ones are left
//               out of baselines). Each series resumes at its last evaluated bucket, so a restart
//               continues where the previous process stopped; a series never evaluated starts at most
//               CATCH_UP_DAYS_MAX back.
//   later runs  reads the buckets from the last evaluated one (it may have been still filling) to now,
//               plus whatever the ingest hook marked dirty (late events). Late events within
//               SNAPSHOT_HOURS rewind that series to the detector state at the start of their hour and
//               re-run it, replacing the spikes it had found since; older ones only refresh the
//               expected level and z of their buckets.
//
// Missing rows are zeros: ingestion writes only buckets that saw events, so every bucket after a
// series' first one is observed; detection then writes a row for every evaluated bucket (value 0 when
// new), so charts and window sums read a dense expected level. Concurrent ingestion upserts the same
// rows; both sides write in primary-key order (no deadlock) and detection never writes `value` of an
// existing row.
//
// The still-filling bucket is evaluated on every run (bursts open within seconds) but a spike is not
// closed on it: a bucket that has just begun looks quiet. It closes when the bucket is complete.
//
// The parts: detection-series.ts (the in-memory series), detection-store.ts (reads and writes),
// detection-initial-run.ts (the first run; a backfill is a fresh first run), detection-incremental-run.ts
// (later runs), detection-evaluate.ts (evaluate and write, shared by both). This file keeps the
// per-database memory and the entry points.
import type { Database } from "../../db/client.ts";
import type { VolumeMetric } from "../../../shared/volume/index.ts";
import { DAY_MS, FINEST_MS, floorTo, type Cache, type DetectionOptions, type DetectionRunSummary } from "./detection-series.ts";
import { initialRun } from "./detection-initial-run.ts";
import { incrementalRun } from "./detection-incremental-run.ts";

export type { DetectionOptions, DetectionRunSummary } from "./detection-series.ts";

const caches = new WeakMap<Database, Cache>();
/** The pools of one process share one detector memory (see Database.home in db/client.ts). */
const keyOf = (db: Database): Database => db.home ?? db;

/** Ingest hook: remembers the oldest bucket a batch touched, so the next run re-reads it. */
export function markVolumeDirty(db: Database, minOccurredAt: Date | null): void {
  const cache = caches.get(keyOf(db));
  if (!cache || !minOccurredAt) return;
  const ms = floorTo(minOccurredAt.getTime(), FINEST_MS);
  if (ms < cache.lastNowMs && (cache.dirtyFromMs === null || ms < cache.dirtyFromMs)) cache.dirtyFromMs = ms;
}

/** Forgets the in-memory detector state of a database (the next run starts from what is stored). */
export function resetDetection(db: Database): void {
  caches.delete(keyOf(db));
}

/** Brings expected levels, bands, z and spikes up to `now`. Runs of one database are serialised. */
export function runDetection(db: Database, opts: DetectionOptions = {}): Promise<DetectionRunSummary> {
  let cache = caches.get(keyOf(db));
  const first = !cache;
  if (!cache) {
    cache = { series: new Map(), coverageFromMs: { 5: Infinity, 60: Infinity }, lastNowMs: -Infinity, dirtyFromMs: null, queue: Promise.resolve(), alarms: new Map() };
    caches.set(keyOf(db), cache);
  }
  const c = cache;
  const run = c.queue.then(() => (c.lastNowMs === -Infinity ? initialRun(db, c, opts, {}) : incrementalRun(db, c, opts)));
  c.queue = run.catch(() => {
    // A failed first run leaves nothing half-loaded behind: start over next time.
    if (first && c.lastNowMs === -Infinity) caches.delete(keyOf(db));
  });
  return run;
}

export interface BackfillOptions {
  now?: Date;
  /** 5-minute rows older than this many days get expected values only where they saw events. */
  denseDays?: number;
  log?: (message: string) => void;
}

/**
 * Recomputes everything from the stored volumes: drops the stored spikes and evaluates every series
 * from CATCH_UP_DAYS_MAX back to now (the demo load's last step). 60-minute rows are written for
 * every hour; 5-minute rows for every bucket of the last `denseDays` days and for older buckets
 * that saw events (so old zero buckets do not fill the table; charts of ranges that old use hourly
 * buckets anyway).
 */
export async function backfillVolume(db: Database, opts: BackfillOptions = {}): Promise<DetectionRunSummary> {
  caches.delete(keyOf(db));
  const cache: Cache = { series: new Map(), coverageFromMs: { 5: Infinity, 60: Infinity }, lastNowMs: -Infinity, dirtyFromMs: null, queue: Promise.resolve(), alarms: new Map() };
  caches.set(keyOf(db), cache);
  const now = opts.now ?? new Date();
  const nowMs = floorTo(now.getTime(), FINEST_MS);
  const run = initialRun(db, cache, { now }, {
    fresh: true,
    denseFromMs: nowMs - (opts.denseDays ?? 3) * DAY_MS,
    log: opts.log,
  });
  cache.queue = run.catch(() => caches.delete(keyOf(db)));
  return run;
}

// ---------------------------------------------------------------------------------------------
// What the overview reads

export interface SeriesSnapshot {
  bankCode: string;
  metric: VolumeMetric;
  bucketMinutes: 5 | 60;
  startMs: number;
  bucketMs: number;
  firstDataMs: number;
  bandZ: number;
  /** Read only: values[i], expected[i], spread[i] of the bucket at startMs + i·bucketMs. */
  values: Float64Array;
  expected: Float64Array;
  spread: Float64Array;
}

export interface DetectionSnapshot {
  /** The newest 5-minute bucket evaluated. */
  lastNowMs: number;
  /** The newest bucket of each size with values (buckets after it are not known yet). */
  coverageFromMs: Record<5 | 60, number>;
  series: SeriesSnapshot[];
}

/**
 * The detector's in-memory view of this database (values as of the last run, and the expected
 * level and spread it wrote), or null when detection has not run here. Windows older than
 * `coverageFromMs` are not held.
 */
export function detectionSnapshot(db: Database): DetectionSnapshot | null {
  const cache = caches.get(keyOf(db));
  if (!cache || cache.lastNowMs === -Infinity) return null;
  const series: SeriesSnapshot[] = [];
  for (const s of cache.series.values()) {
    series.push({
      bankCode: s.bankCode,
      metric: s.metric,
      bucketMinutes: s.bucketMinutes,
      startMs: s.startMs,
      bucketMs: s.bucketMs,
      firstDataMs: s.firstDataMs,
      bandZ: s.params.bandZ,
      values: s.view.values,
      expected: s.expected,
      spread: s.spread,
    });
  }
  return { lastNowMs: cache.lastNowMs, coverageFromMs: cache.coverageFromMs, series };
}

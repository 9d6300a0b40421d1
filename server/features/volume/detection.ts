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
import type { Database } from "../../db/client.ts";
import { withPoolTransaction } from "../../db/transaction.ts";
import { advanceAlarms, type AlarmCursor, type LaneSeries } from "./alarms.ts";
import {
  DEFAULT_DETECTOR_PARAMS,
  DETECTION_BUCKET_MINUTES,
  bucketStartMs,
  defaultParamsFor,
  detect,
  initialDetectorState,
  parseStoredDetector,
  spikeMask,
  storedDetector,
  type DetectionBucketMinutes,
  type DetectorCore,
  type DetectorParams,
  type DetectorState,
  type Spike,
  type VolumeMetric,
  type VolumeSeries,
} from "../../../shared/volume/index.ts";

const MINUTE_MS = 60_000;
const FINEST_MS = DETECTION_BUCKET_MINUTES[0] * MINUTE_MS;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** What a baseline reads: weeklyMaxWeeks back, plus the neighbouring slots of the widest lane. */
const HISTORY_MS = DEFAULT_DETECTOR_PARAMS.weeklyMaxWeeks * 7 * DAY_MS + (DEFAULT_DETECTOR_PARAMS.neighbourSlots + 1) * HOUR_MS;
/** A series never evaluated before is evaluated from at most this long ago (charts show up to 30 days). */
export const CATCH_UP_DAYS_MAX = 35;
/** The overview reads windows from memory up to this far back (hourly buckets; 30-day charts). */
export const OVERVIEW_HOURLY_DAYS = 33;
/** … and 5-minute buckets up to this far back (5-minute charts cover at most ~66 hours). */
export const OVERVIEW_FIVE_MINUTE_DAYS = 3;
/** Late events up to this old re-run the detector from a saved state; older ones only refresh z. */
export const SNAPSHOT_HOURS = 24;
/** Spare room after now in each series' arrays, so they are re-based about once a day. */
const GROWTH_MS = DAY_MS;
/** Rows per write statement (10 parameters each, sent as arrays). */
const WRITE_CHUNK_ROWS = 20_000;

interface Series {
  bankCode: string;
  metric: VolumeMetric;
  bucketMinutes: DetectionBucketMinutes;
  bucketMs: number;
  params: DetectorParams;
  /** The detector's view: values[i] is the bucket at startMs + i·bucketMs; NaN before firstDataMs. */
  view: VolumeSeries & { values: Float64Array; excluded: Uint8Array };
  startMs: number;
  firstDataMs: number;
  state: DetectorState;
  /** The next run advances the state from this bucket on (the last evaluated one, or the first ever). */
  evalFromMs: number;
  /** State before each hour's first bucket, for re-running after late events. */
  snapshots: Map<number, DetectorState>;
  /**
   * Expected level and spread of each bucket as last written (NaN: not evaluated, or learning),
   * aligned with view.values: the overview reads windows from here instead of the table.
   */
  expected: Float64Array;
  spread: Float64Array;
  /** The newest row this process wrote (its newest bucket), to skip writing it again unchanged. */
  lastWrite: WrittenRow | null;
}

interface WrittenRow {
  atMs: number;
  value: number;
  expected: number | null;
  bandLow: number | null;
  bandHigh: number | null;
  z: number | null;
  kind: string;
}

interface Cache {
  series: Map<string, Series>;
  /** Per bucket size, from when expected levels are held in memory (see detectionSnapshot). */
  coverageFromMs: Record<5 | 60, number>;
  /** The newest 5-minute bucket evaluated by the last run. */
  lastNowMs: number;
  /** Oldest bucket touched by events since the last run read its values (from the ingest hook). */
  dirtyFromMs: number | null;
  /** Runs of one database never overlap. */
  queue: Promise<unknown>;
  /** The bank-level alarm's state per bank (see alarms.ts). */
  alarms: Map<string, AlarmCursor>;
}

const caches = new WeakMap<Database, Cache>();
/** The pools of one process share one detector memory (see Database.home in db/client.ts). */
const keyOf = (db: Database): Database => db.home ?? db;

export interface DetectionRunSummary {
  /** Newest 5-minute bucket evaluated (the still-filling one). */
  nowBucketAt: Date;
  series: number;
  /** 5- and 60-minute rows written. */
  bucketsWritten: number;
  /** Spikes inserted or updated. */
  spikesWritten: number;
  /** Spikes opened by this run. */
  spikesOpened: number;
  firstRun: boolean;
}

export interface DetectionOptions {
  /** The current time (default: the clock). Buckets after it are left alone. */
  now?: Date;
}

const seriesKey = (bankCode: string, metric: string, bucketMinutes: number) => `${bankCode}:${metric}:${bucketMinutes}`;
const floorTo = (ms: number, stepMs: number) => Math.floor(ms / stepMs) * stepMs;

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
// Loading

// Per series (every bank × metric × bucket size): its first bucket, and the last one detection
// evaluated. Index lookups on the primary key, one per series.
const SERIES_META = `
  SELECT b.code AS bank_code, m.metric::text AS metric, z.minutes,
         (SELECT min(v.bucket_start) FROM volume_bucket v
           WHERE v.bank_code = b.code AND v.metric = m.metric AND v.bucket_minutes = z.minutes AND v.bucket_start <= $1) AS first_at,
         CASE WHEN $2::bool THEN NULL ELSE
           (SELECT max(v.bucket_start) FROM volume_bucket v
             WHERE v.bank_code = b.code AND v.metric = m.metric AND v.bucket_minutes = z.minutes AND v.bucket_start <= $1
               AND v.baseline_kind IS NOT NULL) END AS evaluated_at
    FROM bank b CROSS JOIN unnest(enum_range(NULL::"VolumeMetric")) AS m(metric)
         CROSS JOIN unnest($3::smallint[]) AS z(minutes)`;

// Zeros are implied (see the header), so only buckets with events are read.
const HISTORY_VALUES = {
  name: "volume.history-values",
  text: `SELECT bank_code, metric::text, bucket_minutes, bucket_start, value FROM volume_bucket
          WHERE bucket_minutes = ANY($3::smallint[]) AND bucket_start >= $1 AND bucket_start <= $2 AND value > 0`,
};

// From $1 in the 5-minute lane and from $2 in the hourly one, up to $3: two index ranges.
const RECENT_VALUES = {
  name: "volume.recent-values",
  text: `SELECT bank_code, metric::text, bucket_minutes, bucket_start, value FROM volume_bucket
          WHERE (bucket_minutes = 5 AND bucket_start >= $1 AND bucket_start <= $3)
             OR (bucket_minutes = 60 AND bucket_start >= $2 AND bucket_start <= $3)
          ORDER BY bucket_start`,
};

// What earlier runs stored, for the windows the overview serves from memory: hourly rows for
// OVERVIEW_HOURLY_DAYS, 5-minute rows for OVERVIEW_FIVE_MINUTE_DAYS. band_high − expected is
// bandZ · spread (see detect).
const STORED_EXPECTED = {
  name: "volume.stored-expected",
  text: `SELECT bank_code, metric::text, bucket_minutes, bucket_start, expected, band_high - expected FROM volume_bucket
          WHERE expected IS NOT NULL AND bucket_start <= $3
            AND ((bucket_minutes = 60 AND bucket_start >= $1) OR (bucket_minutes = 5 AND bucket_start >= $2))`,
};

const STORED_SPIKES = `
  SELECT bank_code, metric::text, detector, started_at, peak_at, peak_value, peak_expected, severity, last_seen_at, ended_at
    FROM spike WHERE ended_at IS NULL OR ended_at > $1`;

type SpikeRow = [string, string, string, Date, Date, number, number, number, Date, Date | null];

function spikeFromRow(r: SpikeRow): Spike {
  const { kind, bucketMinutes } = parseStoredDetector(r[2]);
  return {
    bankCode: r[0],
    metric: r[1] as VolumeMetric,
    detector: kind,
    bucketMinutes,
    startedAt: r[3],
    peakAt: r[4],
    peakValue: r[5],
    peakExpected: r[6],
    severity: r[7],
    lastSeenAt: r[8],
    endedAt: r[9],
  };
}

function newSeries(bankCode: string, metric: VolumeMetric, bucketMinutes: DetectionBucketMinutes, startMs: number, endMs: number, firstDataMs: number): Series {
  const bucketMs = bucketMinutes * MINUTE_MS;
  const length = Math.round((endMs + GROWTH_MS - startMs) / bucketMs) + 1;
  const values = new Float64Array(length);
  const firstIdx = Math.max(0, Math.round((firstDataMs - startMs) / bucketMs));
  values.fill(Number.NaN, 0, Math.min(firstIdx, length));
  const excluded = new Uint8Array(length);
  return {
    bankCode,
    metric,
    bucketMinutes,
    bucketMs,
    params: defaultParamsFor(metric, bucketMinutes),
    view: { bankCode, metric, bucketMinutes, start: new Date(startMs), values, excluded },
    startMs,
    firstDataMs,
    state: initialDetectorState(),
    evalFromMs: firstDataMs,
    snapshots: new Map(),
    expected: new Float64Array(length).fill(Number.NaN),
    spread: new Float64Array(length).fill(Number.NaN),
    lastWrite: null,
  };
}

/** Keeps room for buckets up to `nowMs`, dropping history older than the baselines read. */
function ensureRoom(s: Series, nowMs: number): void {
  const needIdx = indexOf(s, nowMs);
  if (needIdx < s.view.values.length) return;
  // Hour-aligned (as every series' first start is), so both lanes stay aligned to their buckets.
  const aligned = Math.max(s.startMs, floorTo(nowMs - HISTORY_MS - SNAPSHOT_HOURS * HOUR_MS, HOUR_MS) - HOUR_MS);
  const shift = indexOf(s, aligned);
  const length = Math.round((nowMs + GROWTH_MS - aligned) / s.bucketMs) + 1;
  const values = new Float64Array(length);
  const excluded = new Uint8Array(length);
  const keep = Math.min(s.view.values.length - shift, length);
  values.set(s.view.values.subarray(shift, shift + keep));
  excluded.set(s.view.excluded.subarray(shift, shift + keep));
  const expected = new Float64Array(length).fill(Number.NaN);
  const spread = new Float64Array(length).fill(Number.NaN);
  expected.set(s.expected.subarray(shift, shift + keep));
  spread.set(s.spread.subarray(shift, shift + keep));
  s.expected = expected;
  s.spread = spread;
  // Buckets after the old arrays' end are zeros once the series has begun.
  for (let i = keep; i < length; i++) values[i] = aligned + i * s.bucketMs >= s.firstDataMs ? 0 : Number.NaN;
  s.startMs = aligned;
  s.view = { ...s.view, start: new Date(aligned), values, excluded };
}

function indexOf(s: Series, ms: number): number {
  return Math.round((ms - s.startMs) / s.bucketMs);
}

/** The newest bucket of the series' lane at the finest `nowMs`. */
function laneNow(s: Series, nowMs: number): number {
  return bucketStartMs(nowMs, s.bucketMinutes);
}

// ---------------------------------------------------------------------------------------------
// Runs

interface InitialOptions {
  /** Ignore what was evaluated before and the stored spikes (backfill). */
  fresh?: boolean;
  /** 5-minute rows before this are written only when they saw events. */
  denseFromMs?: number;
  log?: (message: string) => void;
}

type ValueRow = [string, string, number, Date, number];

async function initialRun(db: Database, cache: Cache, opts: DetectionOptions, init: InitialOptions): Promise<DetectionRunSummary> {
  const nowMs = floorTo((opts.now ?? new Date()).getTime(), FINEST_MS);
  const nowAt = new Date(nowMs);
  const t0 = Date.now();
  const log = init.log ?? (() => {});
  const lanes = [...DETECTION_BUCKET_MINUTES];

  const meta = await db.pool.query<{ bank_code: string; metric: VolumeMetric; minutes: DetectionBucketMinutes; first_at: Date | null; evaluated_at: Date | null }>(
    SERIES_META,
    [nowAt, init.fresh === true, lanes],
  );
  const plans: Array<{ bankCode: string; metric: VolumeMetric; minutes: DetectionBucketMinutes; firstDataMs: number; evalFromMs: number }> = [];
  for (const r of meta.rows) {
    if (!r.first_at) continue;
    const firstDataMs = r.first_at.getTime();
    const catchUpFromMs = bucketStartMs(nowMs - CATCH_UP_DAYS_MAX * DAY_MS, r.minutes);
    const evalFromMs = r.evaluated_at ? r.evaluated_at.getTime() : Math.max(firstDataMs, catchUpFromMs);
    plans.push({ bankCode: r.bank_code, metric: r.metric, minutes: r.minutes, firstDataMs, evalFromMs });
  }
  if (plans.length === 0) {
    cache.lastNowMs = nowMs;
    return { nowBucketAt: nowAt, series: 0, bucketsWritten: 0, spikesWritten: 0, spikesOpened: 0, firstRun: true };
  }
  const oldestEvalMs = Math.min(...plans.map((p) => p.evalFromMs));
  const loadFromMs = floorTo(oldestEvalMs - HISTORY_MS, HOUR_MS);

  const coverage = { 60: nowMs - OVERVIEW_HOURLY_DAYS * DAY_MS, 5: nowMs - OVERVIEW_FIVE_MINUTE_DAYS * DAY_MS };
  const [values, spikes, stored] = await Promise.all([
    db.pool.query<ValueRow>({ ...HISTORY_VALUES, values: [new Date(loadFromMs), nowAt, lanes], rowMode: "array" }),
    init.fresh
      ? Promise.resolve({ rows: [] as SpikeRow[] })
      : db.pool.query<SpikeRow>({ text: STORED_SPIKES, values: [new Date(loadFromMs)], rowMode: "array" }),
    init.fresh
      ? Promise.resolve({ rows: [] as Array<[string, string, number, Date, number, number]> })
      : db.pool.query<[string, string, number, Date, number, number]>({ ...STORED_EXPECTED, values: [new Date(coverage[60]), new Date(coverage[5]), nowAt], rowMode: "array" }),
  ]);
  if (init.fresh) await db.pool.query("DELETE FROM spike");
  log(`volume: read ${values.rows.length} non-empty buckets of ${plans.length} series (${Date.now() - t0} ms)`);

  for (const p of plans) {
    const s = newSeries(p.bankCode, p.metric, p.minutes, loadFromMs, nowMs, p.firstDataMs);
    s.evalFromMs = p.evalFromMs;
    cache.series.set(seriesKey(p.bankCode, p.metric, p.minutes), s);
  }
  for (const [bankCode, metric, minutes, at, value] of values.rows) {
    const s = cache.series.get(seriesKey(bankCode, metric, minutes));
    if (!s) continue;
    const i = indexOf(s, at.getTime());
    if (i >= 0 && i < s.view.values.length) s.view.values[i] = value;
  }
  for (const [bankCode, metric, minutes, at, expected, halfBand] of stored.rows) {
    const s = cache.series.get(seriesKey(bankCode, metric, minutes));
    if (!s) continue;
    const i = indexOf(s, at.getTime());
    if (i < 0 || i >= s.expected.length) continue;
    s.expected[i] = expected;
    s.spread[i] = halfBand / s.params.bandZ;
  }
  cache.coverageFromMs = coverage;
  // Closed BURST spikes stay out of baselines; open spikes become the detector's state again (CUSUM
  // sums in progress are not stored: they restart at 0).
  const bySeries = new Map<string, Spike[]>();
  for (const row of spikes.rows) {
    const spike = spikeFromRow(row);
    const key = seriesKey(spike.bankCode, spike.metric, spike.bucketMinutes);
    if (!bySeries.has(key)) bySeries.set(key, []);
    bySeries.get(key)!.push(spike);
  }
  for (const [key, list] of bySeries) {
    const s = cache.series.get(key);
    if (!s) continue;
    s.view.excluded.set(spikeMask({ start: s.view.start, bucketMinutes: s.bucketMinutes, length: s.view.values.length }, list.filter((x) => x.endedAt)));
    const open = (detector: Spike["detector"]) => {
      const spike = list.find((x) => x.detector === detector && !x.endedAt && x.startedAt.getTime() <= s.evalFromMs);
      return spike ? { spike, quiet: 0 } : null;
    };
    const burst = open("BURST");
    const cusumSpike = open("CUSUM");
    if (burst || cusumSpike) {
      const core: DetectorCore = { burst, cusumSpike, cusum: { s: 0, runStartMs: null, runPeak: null } };
      s.state = { lastBucketMs: null, core, beforeLast: core };
    }
  }

  const summary = await evaluateAndWrite(db, cache, { nowMs, rewindFrom: new Map(), denseFromMs: init.denseFromMs ?? -Infinity, dirtyFromMs: null });
  log(`volume: evaluated ${cache.series.size} series up to ${nowAt.toISOString()}: ${summary.bucketsWritten} rows, ${summary.spikesWritten} spikes (${Date.now() - t0} ms)`);
  return { ...summary, firstRun: true };
}

async function incrementalRun(db: Database, cache: Cache, opts: DetectionOptions): Promise<DetectionRunSummary> {
  const nowMs = Math.max(cache.lastNowMs, floorTo((opts.now ?? new Date()).getTime(), FINEST_MS));
  const dirtyFromMs = cache.dirtyFromMs;
  cache.dirtyFromMs = null; // events committed from here on mark it again
  // Per lane, from the start of that lane's bucket holding the oldest bucket to re-read: a new
  // 5-minute bucket reads the last two 5-minute rows per series, not the whole hour.
  const readFrom: ReadFrom = {};
  for (const minutes of DETECTION_BUCKET_MINUTES) readFrom[minutes] = Math.min(cache.lastNowMs, dirtyFromMs ?? Infinity);
  for (const s of cache.series.values()) readFrom[s.bucketMinutes] = Math.min(readFrom[s.bucketMinutes], s.evalFromMs);
  for (const minutes of DETECTION_BUCKET_MINUTES) readFrom[minutes] = bucketStartMs(readFrom[minutes], minutes);
  const recent = await db.pool.query<ValueRow>({
    ...RECENT_VALUES,
    values: [new Date(readFrom[5]), new Date(readFrom[60]), new Date(nowMs)],
    rowMode: "array",
  });
  if (nowMs === cache.lastNowMs && dirtyFromMs === null && unchanged(cache, recent.rows, readFrom, nowMs)) {
    // Same bucket, same values as the last run: nothing to write.
    return { nowBucketAt: new Date(nowMs), series: cache.series.size, bucketsWritten: 0, spikesWritten: 0, spikesOpened: 0, firstRun: false };
  }

  // Everything in the read range is known now: zeros unless a row says otherwise. The buckets
  // already evaluated are kept aside to tell which series late events changed.
  const before = new Map<string, { fromIdx: number; values: Float64Array }>();
  for (const [key, s] of cache.series) {
    const lastMs = laneNow(s, nowMs);
    ensureRoom(s, lastMs);
    const from = Math.max(0, indexOf(s, Math.max(readFrom[s.bucketMinutes], s.firstDataMs)));
    const to = indexOf(s, lastMs);
    const evaluatedTo = Math.min(to + 1, indexOf(s, s.evalFromMs));
    if (dirtyFromMs !== null && from < evaluatedTo) before.set(key, { fromIdx: from, values: s.view.values.slice(from, evaluatedTo) });
    if (from <= to) s.view.values.fill(0, from, to + 1);
  }
  for (const [bankCode, metric, minutes, at, value] of recent.rows) {
    const key = seriesKey(bankCode, metric, minutes);
    let s = cache.series.get(key);
    const atMs = at.getTime();
    if (!s) {
      if (value <= 0) continue;
      // A series' first events (rows come oldest first): its history before them is unknown, not zero.
      s = newSeries(bankCode, metric as VolumeMetric, minutes as DetectionBucketMinutes, floorTo(atMs, HOUR_MS) - HOUR_MS, bucketStartMs(nowMs, minutes), atMs);
      cache.series.set(key, s);
    } else if (atMs < s.firstDataMs) {
      continue; // older than the series' known start (beyond the history read): ignored
    }
    const i = indexOf(s, atMs);
    if (i >= 0 && i < s.view.values.length) s.view.values[i] = value;
  }
  // Re-run only the series whose already-evaluated buckets changed, from the first changed one.
  const rewindFrom = new Map<string, number>();
  for (const [key, old] of before) {
    const s = cache.series.get(key)!;
    for (let k = 0; k < old.values.length; k++) {
      if (old.values[k] !== s.view.values[old.fromIdx + k] && !(Number.isNaN(old.values[k]) && Number.isNaN(s.view.values[old.fromIdx + k]))) {
        rewindFrom.set(key, s.startMs + (old.fromIdx + k) * s.bucketMs);
        break;
      }
    }
  }
  const summary = await evaluateAndWrite(db, cache, { nowMs, rewindFrom, denseFromMs: -Infinity, dirtyFromMs });
  return { ...summary, firstRun: false };
}

/** Per bucket size, the oldest bucket an incremental run read. */
type ReadFrom = Record<number, number>;

/** Whether the rows read say exactly what the series already hold for [readFrom of its lane, nowMs]. */
function unchanged(cache: Cache, rows: ValueRow[], readFrom: ReadFrom, nowMs: number): boolean {
  let nonZero = 0;
  for (const [bankCode, metric, minutes, at, value] of rows) {
    const s = cache.series.get(seriesKey(bankCode, metric, minutes));
    if (!s) {
      if (value > 0) return false;
      continue;
    }
    const i = indexOf(s, at.getTime());
    if (i < 0 || i >= s.view.values.length || s.view.values[i] !== value) return false;
    if (value !== 0) nonZero++;
  }
  // Values only grow, so a bucket held as non-zero always has a row; count to be sure.
  let held = 0;
  for (const s of cache.series.values()) {
    const lastMs = laneNow(s, nowMs);
    for (let atMs = Math.max(readFrom[s.bucketMinutes], s.firstDataMs); atMs <= lastMs; atMs += s.bucketMs) {
      const v = s.view.values[indexOf(s, atMs)];
      if (Number.isFinite(v) && v !== 0) held++;
    }
  }
  return held === nonZero;
}

class RowBuffer {
  bankCode: string[] = [];
  metric: string[] = [];
  minutes: number[] = [];
  at: string[] = [];
  value: number[] = [];
  expected: (number | null)[] = [];
  bandLow: (number | null)[] = [];
  bandHigh: (number | null)[] = [];
  z: (number | null)[] = [];
  kind: string[] = [];
  get length() {
    return this.bankCode.length;
  }
  push(s: Series, atMs: number, value: number, r: { expected: number | null; bandLow: number | null; bandHigh: number | null; z: number | null; baselineKind: string }) {
    this.bankCode.push(s.bankCode);
    this.metric.push(s.metric);
    this.minutes.push(s.bucketMinutes);
    this.at.push(new Date(atMs).toISOString());
    this.value.push(value);
    this.expected.push(finiteOrNull(r.expected));
    this.bandLow.push(finiteOrNull(r.bandLow));
    this.bandHigh.push(finiteOrNull(r.bandHigh));
    this.z.push(finiteOrNull(r.z));
    this.kind.push(r.baselineKind);
  }
  slice(from: number, to: number): unknown[] {
    return [this.bankCode, this.metric, this.minutes, this.at, this.value, this.expected, this.bandLow, this.bandHigh, this.z, this.kind].map((a) => a.slice(from, to));
  }
}

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

// Detection never changes `value` of an existing row (ingestion owns it); a new row is a bucket
// without events. Sorted by the primary key, like ingestion's rollup upsert, so the two cannot deadlock.
const WRITE_BUCKETS = {
  name: "volume.write-buckets",
  text: `INSERT INTO volume_bucket (bank_code, metric, bucket_minutes, bucket_start, value, expected, band_low, band_high, z_score, baseline_kind)
         SELECT * FROM unnest($1::text[], $2::"VolumeMetric"[], $3::smallint[], $4::timestamptz[], $5::bigint[],
                              $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::text[])
         ORDER BY 1, 2, 3, 4
         ON CONFLICT (bank_code, metric, bucket_minutes, bucket_start) DO UPDATE
           SET expected = EXCLUDED.expected, band_low = EXCLUDED.band_low, band_high = EXCLUDED.band_high,
               z_score = EXCLUDED.z_score, baseline_kind = EXCLUDED.baseline_kind`,
};

const UPSERT_SPIKES = {
  name: "volume.upsert-spikes",
  text: `INSERT INTO spike (bank_code, metric, detector, started_at, peak_at, peak_value, peak_expected, severity, last_seen_at, ended_at)
         SELECT * FROM unnest($1::text[], $2::"VolumeMetric"[], $3::text[], $4::timestamptz[], $5::timestamptz[],
                              $6::float8[], $7::float8[], $8::float8[], $9::timestamptz[], $10::timestamptz[])
         ON CONFLICT (bank_code, metric, detector, started_at) DO UPDATE
           SET peak_at = EXCLUDED.peak_at, peak_value = EXCLUDED.peak_value, peak_expected = EXCLUDED.peak_expected,
               severity = EXCLUDED.severity, last_seen_at = EXCLUDED.last_seen_at, ended_at = EXCLUDED.ended_at`,
};

// Everything one run writes, in one statement (one round trip, atomic): buckets ($1-$10), spikes
// upserted ($11-$20), spikes a re-run no longer finds deleted ($21-$24, none of them upserted by
// the same statement). Detection's rows are derived data (a lost commit is recomputed by the next
// run from the stored volumes), so the commit does not wait for the WAL flush.
const WRITE_ALL = {
  name: "volume.write-all",
  text: `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)),
         buckets AS (${WRITE_BUCKETS.text} RETURNING 1),
         spikes AS (${UPSERT_SPIKES.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 10}`)} RETURNING 1),
         gone AS (
           DELETE FROM spike s USING unnest($21::text[], $22::"VolumeMetric"[], $23::text[], $24::timestamptz[]) AS d(bank_code, metric, detector, since)
            WHERE s.bank_code = d.bank_code AND s.metric = d.metric AND s.detector = d.detector AND s.started_at >= d.since
              AND NOT EXISTS (SELECT 1 FROM unnest($11::text[], $12::"VolumeMetric"[], $13::text[], $14::timestamptz[]) AS k(bank_code, metric, detector, started_at)
                               WHERE k.bank_code = s.bank_code AND k.metric = s.metric AND k.detector = s.detector AND k.started_at = s.started_at)
           RETURNING 1)
       SELECT (SELECT count(*) FROM async_commit) AS c, (SELECT count(*) FROM buckets) AS b, (SELECT count(*) FROM spikes) AS s, (SELECT count(*) FROM gone) AS g`,
};

const spikeId = (s: Spike) => `${s.bankCode}:${s.metric}:${storedDetector(s.detector, s.bucketMinutes)}:${s.startedAt.getTime()}`;

interface EvaluateOptions {
  /** The newest 5-minute bucket (the still-filling one). */
  nowMs: number;
  /** Series to re-run from the saved state of this bucket's hour (late events). */
  rewindFrom: Map<string, number>;
  /** 5-minute rows before this are written only when they saw events. */
  denseFromMs: number;
  /** Oldest bucket with late events: re-evaluated (baseline and z) from there. */
  dirtyFromMs: number | null;
}

/**
 * Evaluates every series from its last evaluated bucket (or from late events) to now, then writes
 * the buckets and spikes in one transaction.
 */
async function evaluateAndWrite(db: Database, cache: Cache, o: EvaluateOptions): Promise<Omit<DetectionRunSummary, "firstRun">> {
  const rows = new RowBuffer();
  const spikes = new Map<string, Spike>();
  const deletes: SpikeDeletes = { bankCode: [], metric: [], detector: [], since: [] };
  let opened = 0;

  for (const [key, s] of cache.series) {
    const lastMs = laneNow(s, o.nowMs);
    ensureRoom(s, lastMs);
    const rewind = o.rewindFrom.get(key);
    const snapshot = rewind === undefined ? undefined : s.snapshots.get(floorTo(rewind, HOUR_MS));
    if (rewind !== undefined && snapshot) {
      // Re-run from the state at the start of that hour; spikes it no longer finds are deleted.
      const hourMs = floorTo(rewind, HOUR_MS);
      s.state = snapshot;
      s.evalFromMs = hourMs;
      for (const k of [...s.snapshots.keys()]) if (k > hourMs) s.snapshots.delete(k);
      s.view.excluded.fill(0, Math.max(0, indexOf(s, hourMs)));
      for (const kind of ["BURST", "CUSUM"] as const) {
        deletes.bankCode.push(s.bankCode);
        deletes.metric.push(s.metric);
        deletes.detector.push(storedDetector(kind, s.bucketMinutes));
        deletes.since.push(new Date(hourMs).toISOString());
      }
      // Spikes open in the restored state are open again until the re-run says otherwise.
      for (const open of [snapshot.core.burst, snapshot.core.cusumSpike]) if (open) spikes.set(spikeId(open.spike), open.spike);
    }
    const evalFromMs = Math.max(s.firstDataMs, s.evalFromMs);
    const writeFromMs = Math.max(s.firstDataMs, Math.min(evalFromMs, o.dirtyFromMs === null ? Infinity : bucketStartMs(o.dirtyFromMs, s.bucketMinutes)));

    for (let atMs = writeFromMs; atMs <= lastMs; atMs += s.bucketMs) {
      const value = s.view.values[indexOf(s, atMs)];
      if (!Number.isFinite(value)) continue; // before the series began
      const bucketStart = new Date(atMs);
      if (atMs < evalFromMs) {
        // Evaluated before: baseline and z again (late events changed the value), state untouched.
        const r = detect(s.view, { bucketStart, value }, s.params, s.state);
        remember(s, atMs, r);
        if (atMs >= o.denseFromMs || value > 0 || s.bucketMinutes !== 5) rows.push(s, atMs, value, r);
        if (s.lastWrite?.atMs === atMs) s.lastWrite = null;
        continue;
      }
      if (atMs % HOUR_MS === 0 && (s.state.lastBucketMs === null || s.state.lastBucketMs < atMs)) s.snapshots.set(atMs, s.state);
      const r = detect(s.view, { bucketStart, value }, s.params, s.state);
      s.state = r.state;
      const partial = atMs === lastMs;
      for (const e of r.events) {
        // The still-filling bucket may look quiet only because it has just begun.
        if (partial && e.type === "CLOSED") continue;
        spikes.set(spikeId(e.spike), e.spike);
        if (e.type === "OPENED") opened++;
        if (e.type === "CLOSED" && e.spike.detector === "BURST") {
          s.view.excluded.fill(1, Math.max(0, indexOf(s, e.spike.startedAt.getTime())), indexOf(s, e.spike.endedAt!.getTime()));
        }
      }
      remember(s, atMs, r);
      // The newest bucket is evaluated on every run, and again once complete; most runs leave most
      // series' row as it was written (no new events there): writing it again would only churn.
      const row: WrittenRow = { atMs, value, expected: r.expected, bandLow: r.bandLow, bandHigh: r.bandHigh, z: r.z, kind: r.baselineKind };
      if (!sameRow(s.lastWrite, row) && (atMs >= o.denseFromMs || value > 0 || s.bucketMinutes !== 5)) rows.push(s, atMs, value, r);
      if (atMs === lastMs) s.lastWrite = row;
    }
    s.evalFromMs = lastMs;
    for (const k of s.snapshots.keys()) if (k < lastMs - SNAPSHOT_HOURS * HOUR_MS) s.snapshots.delete(k);
  }

  const spikeList = [...spikes.values()];
  try {
    await writeResults(db, rows, spikeList, deletes);
  } catch (err) {
    // What was evaluated is lost with the transaction: the next run starts over from what is stored.
    cache.series.clear();
    cache.coverageFromMs = { 5: Infinity, 60: Infinity };
    cache.lastNowMs = -Infinity;
    throw err;
  }
  cache.lastNowMs = o.nowMs;
  // The banner's alarm, per bank, on the 5-minute lane just evaluated.
  const banks = new Map<string, { links: LaneSeries; yen: LaneSeries }>();
  for (const s of cache.series.values()) {
    if (s.bucketMinutes !== 5 || s.metric !== "LINK_REGISTERED") continue;
    const yen = cache.series.get(seriesKey(s.bankCode, "CHARGE_YEN", 5));
    if (!yen) continue;
    const lane = (x: Series): LaneSeries => ({ startMs: x.startMs, firstDataMs: x.firstDataMs, values: x.view.values, expected: x.expected });
    banks.set(s.bankCode, { links: lane(s), yen: lane(yen) });
  }
  await advanceAlarms(db, { nowMs: o.nowMs, banks, cursors: cache.alarms });
  return { nowBucketAt: new Date(o.nowMs), series: cache.series.size, bucketsWritten: rows.length, spikesWritten: spikeList.length, spikesOpened: opened };
}

function sameRow(a: WrittenRow | null, b: WrittenRow): boolean {
  return (
    a !== null &&
    a.atMs === b.atMs &&
    a.value === b.value &&
    a.expected === b.expected &&
    a.bandLow === b.bandLow &&
    a.bandHigh === b.bandHigh &&
    a.z === b.z &&
    a.kind === b.kind
  );
}

function remember(s: Series, atMs: number, r: { expected: number | null; spread: number | null }): void {
  const i = indexOf(s, atMs);
  s.expected[i] = r.expected ?? Number.NaN;
  s.spread[i] = r.spread ?? Number.NaN;
}

interface SpikeDeletes {
  bankCode: string[];
  metric: string[];
  detector: string[];
  since: string[];
}

/**
 * Buckets, spikes and the deletes of spikes a re-run no longer finds, atomically. A run for a new
 * bucket (one chunk of rows) is one statement; the backfill's many chunks share one transaction.
 */
async function writeResults(db: Database, rows: RowBuffer, spikeList: Spike[], deletes: SpikeDeletes): Promise<void> {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const spikeArrays = [
    spikeList.map((s) => s.bankCode),
    spikeList.map((s) => s.metric),
    spikeList.map((s) => storedDetector(s.detector, s.bucketMinutes)),
    spikeList.map((s) => iso(s.startedAt)),
    spikeList.map((s) => iso(s.peakAt)),
    spikeList.map((s) => s.peakValue),
    spikeList.map((s) => s.peakExpected),
    spikeList.map((s) => s.severity),
    spikeList.map((s) => iso(s.lastSeenAt)),
    spikeList.map((s) => iso(s.endedAt)),
  ];
  const lastFrom = Math.max(0, Math.floor((rows.length - 1) / WRITE_CHUNK_ROWS) * WRITE_CHUNK_ROWS);
  const all = { ...WRITE_ALL, values: [...rows.slice(lastFrom, rows.length), ...spikeArrays, deletes.bankCode, deletes.metric, deletes.detector, deletes.since] };
  if (lastFrom === 0) {
    await db.pool.query(all);
    return;
  }
  await withPoolTransaction(
    db.pool,
    async (client) => {
      for (let from = 0; from < lastFrom; from += WRITE_CHUNK_ROWS) {
        await client.query({ ...WRITE_BUCKETS, values: rows.slice(from, from + WRITE_CHUNK_ROWS) });
      }
      await client.query(all);
    },
    { settings: { synchronous_commit: "off" } },
  );
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

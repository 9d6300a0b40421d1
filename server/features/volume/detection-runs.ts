// Detection's runs (see detection.ts for the lifecycle): the first run loads the series from the
// stored volumes, expected levels and spikes; later runs read only what changed; both evaluate every
// series up to now and write the results, then advance the banks' alarms.
import type { Database } from "../../db/client.ts";
import { advanceAlarms, type LaneSeries } from "./alarms.ts";
import {
  DETECTION_BUCKET_MINUTES,
  bucketStartMs,
  detect,
  spikeMask,
  storedDetector,
  type DetectionBucketMinutes,
  type DetectorCore,
  type Spike,
  type VolumeMetric,
} from "../../../shared/volume/index.ts";
import {
  CATCH_UP_DAYS_MAX,
  DAY_MS,
  FINEST_MS,
  HISTORY_MS,
  HOUR_MS,
  OVERVIEW_FIVE_MINUTE_DAYS,
  OVERVIEW_HOURLY_DAYS,
  SNAPSHOT_HOURS,
  ensureRoom,
  floorTo,
  indexOf,
  laneNow,
  newSeries,
  remember,
  sameRow,
  seriesKey,
  type Cache,
  type DetectionOptions,
  type DetectionRunSummary,
  type Series,
  type WrittenRow,
} from "./detection-series.ts";
import { query, sql } from "../../db/sql.ts";
import {
  RowBuffer,
  historyValues,
  recentValues,
  seriesMeta,
  spikeFromRow,
  spikeId,
  storedExpected,
  storedSpikes,
  writeResults,
  type SpikeDeletes,
  type SpikeRow,
  type ValueRow,
} from "./detection-store.ts";

export interface InitialOptions {
  /** Ignore what was evaluated before and the stored spikes (backfill). */
  fresh?: boolean;
  /** 5-minute rows before this are written only when they saw events. */
  denseFromMs?: number;
  log?: (message: string) => void;
}


export async function initialRun(db: Database, cache: Cache, opts: DetectionOptions, init: InitialOptions): Promise<DetectionRunSummary> {
  const nowMs = floorTo((opts.now ?? new Date()).getTime(), FINEST_MS);
  const nowAt = new Date(nowMs);
  const t0 = Date.now();
  const log = init.log ?? (() => {});
  const lanes = [...DETECTION_BUCKET_MINUTES];

  const meta = await query<{ bank_code: string; metric: VolumeMetric; minutes: DetectionBucketMinutes; first_at: Date | null; evaluated_at: Date | null }>(
    db.pool,
    seriesMeta(nowAt, init.fresh === true, lanes),
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
    db.pool.query<ValueRow>(historyValues(new Date(loadFromMs), nowAt, lanes)),
    init.fresh
      ? Promise.resolve({ rows: [] as SpikeRow[] })
      : db.pool.query<SpikeRow>(storedSpikes(new Date(loadFromMs))),
    init.fresh
      ? Promise.resolve({ rows: [] as Array<[string, string, number, Date, number, number]> })
      : db.pool.query<[string, string, number, Date, number, number]>(storedExpected(new Date(coverage[60]), new Date(coverage[5]), nowAt)),
  ]);
  if (init.fresh) await query(db.pool, sql`DELETE FROM spike`);
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

export async function incrementalRun(db: Database, cache: Cache, opts: DetectionOptions): Promise<DetectionRunSummary> {
  const nowMs = Math.max(cache.lastNowMs, floorTo((opts.now ?? new Date()).getTime(), FINEST_MS));
  const dirtyFromMs = cache.dirtyFromMs;
  cache.dirtyFromMs = null; // events committed from here on mark it again
  // Per lane, from the start of that lane's bucket holding the oldest bucket to re-read: a new
  // 5-minute bucket reads the last two 5-minute rows per series, not the whole hour.
  const readFrom: ReadFrom = {};
  for (const minutes of DETECTION_BUCKET_MINUTES) readFrom[minutes] = Math.min(cache.lastNowMs, dirtyFromMs ?? Infinity);
  for (const s of cache.series.values()) readFrom[s.bucketMinutes] = Math.min(readFrom[s.bucketMinutes], s.evalFromMs);
  for (const minutes of DETECTION_BUCKET_MINUTES) readFrom[minutes] = bucketStartMs(readFrom[minutes], minutes);
  const recent = await db.pool.query<ValueRow>(recentValues(new Date(readFrom[5]), new Date(readFrom[60]), new Date(nowMs)));
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
export async function evaluateAndWrite(db: Database, cache: Cache, o: EvaluateOptions): Promise<Omit<DetectionRunSummary, "firstRun">> {
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

// Detection's first run (see detection.ts): loads the series from the stored volumes, expected levels
// and spikes (or starts fresh for a backfill), then evaluates every series up to now and writes.
import type { Database } from "../../db/client.ts";
import {
  DETECTION_BUCKET_MINUTES,
  bucketStartMs,
  spikeMask,
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
  floorTo,
  indexOf,
  newSeries,
  seriesKey,
  type Cache,
  type DetectionOptions,
  type DetectionRunSummary,
} from "./detection-series.ts";
import { query, sql } from "../../db/sql.ts";
import {
  historyValues,
  seriesMeta,
  spikeFromRow,
  storedExpected,
  storedSpikes,
  type SpikeRow,
  type ValueRow,
} from "./detection-store.ts";
import { evaluateAndWrite } from "./detection-evaluate.ts";

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

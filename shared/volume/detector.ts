// Per-bank volume baselines and spike detection (pure; no I/O).
//
// Method
// ------
// Expected level. Payment volume has a strong daily and weekly rhythm (night lows, lunch and payday
// peaks, quiet weekends), so a bucket is compared with the same JST slot of the week in the bank's
// own past 3–6 weeks, taking ±1 neighbouring slot in each week (up to 18 samples). With less than
// 3 weeks of history we use the same slot of the day over the past week, preferring days of the
// same kind (weekday/weekend) (DAILY); with less than 2 days, the median of the last 8 buckets
// (ROLLING); with fewer than 4 usable recent buckets, nothing (LEARNING: no expected level, no
// alarms). Each baseline reads a few dozen samples by index arithmetic on a contiguous
// array, so one bucket costs microseconds and never sorts the history.
//
// Robust statistics. The samples are summarised with the median and the MAD (median absolute
// deviation; 1.4826·MAD estimates σ for normal data). Both ignore a minority of outliers, so a past
// incident that slipped into the history barely moves the baseline; buckets inside past BURST
// spikes are also left out explicitly (`VolumeSeries.excluded`, and the open spike from the state).
// The expected level is the mean of the samples within `trimSpreads` spreads of the median: for
// large counts that equals the median, but for small Poisson counts the median is biased and
// discrete (rate 0.5/bucket has median 0), which would make every quiet bank drift upwards in z.
//
// Poisson floor. Counts are Poisson-like: even a perfectly regular bank varies by about
// sqrt(expected) per bucket, and a sample of a few weeks can show a MAD of 0 by luck. The spread is
// therefore at least sqrt(poissonUnit · expected) and at least `minSpread`, so z is never inflated
// by an unlucky quiet history, and a bank going from 0 to 3 is not a "3σ" event.
//
// Detectors. z = (value − expected) / spread. Thresholds were tuned on synthetic Poisson series with
// daily/weekly rhythm (see detector.test.ts): burstZ = 5 rather than 4 because small Poisson counts
// and a baseline estimated from ~18 samples have much heavier upper tails than a normal (z >= 4
// fired about once per 10^5 buckets; the fleet evaluates ~4·10^4 buckets a day). For CUSUM,
// k = 0.75 and h = 6 keep false alarms near zero while catching a 1.5x hour-long rise at 20–40/bucket.
// - BURST opens when z >= burstZ (above the ±bandZ band by a margin), the value is at least
//   burstMinValue and at least burstMinRatio × expected (and, with rollingAlarms = 0, only on a
//   seasonal baseline: a ROLLING level of hourly buckets ignores the daily rhythm); it closes after closeQuietBuckets
//   consecutive buckets back inside the band (z <= bandZ). Its end is the start of the first quiet
//   bucket; its peak is the bucket with the highest z.
// - CUSUM accumulates S = max(0, S + min(z, cusumZClip) − k) and alarms at S >= h, catching a
//   sustained moderate rise (1.5× held for an hour) that never crosses the BURST threshold. The
//   spike starts where the run of S > 0 began; S resets on alarm, on close, while a BURST is open
//   (one incident, one spike) and while the expected level is below cusumMinExpected.
//
// State. `detect` is called bucket by bucket with the previous state. Calling it again for the
// same (still filling) bucket re-evaluates that bucket from the state before it, so polling every
// few seconds does not double-count. Older buckets than the last one are ignored (state unchanged).
import { DEFAULT_DETECTOR_PARAMS, type DetectorParams } from "./params.ts";
import { DAY_MINUTES, MINUTE_MS, WEEK_MINUTES, assertBucketMinutes, slotOfWeekJst } from "./time.ts";
import type { BaselineKind, DetectorKind, Spike, SpikeEvent, VolumeSeries } from "./types.ts";

/** 1.4826 · MAD estimates the standard deviation of normal data. */
export const MAD_TO_SIGMA = 1.4826;

export interface Baseline {
  kind: BaselineKind;
  /** Expected value of the bucket; null while LEARNING. */
  expected: number | null;
  /** Robust spread (σ estimate, floored); null while LEARNING. */
  spread: number | null;
  /** Number of history buckets the baseline was computed from. */
  samples: number;
}

/** The bucket being evaluated. `value` may be NaN (not observed yet): baseline only, state unchanged. */
export interface CurrentBucket {
  bucketStart: Date;
  value: number;
}

interface Peak {
  atMs: number;
  value: number;
  expected: number;
  z: number;
}

interface OpenSpikeState {
  spike: Spike;
  /** Consecutive buckets back to normal so far. */
  quiet: number;
}

/** Detector memory for one (bank, metric, bucket size) after a bucket. Plain data; do not mutate. */
export interface DetectorCore {
  burst: OpenSpikeState | null;
  cusumSpike: OpenSpikeState | null;
  /** CUSUM sum, the start of its current positive run and the run's highest-z bucket. */
  cusum: { s: number; runStartMs: number | null; runPeak: Peak | null };
}

/**
 * What `detect` carries from one call to the next. `core` is the state after the bucket at
 * `lastBucketMs`; `beforeLast` the state before it, used when that same bucket is evaluated again.
 * Keep it in memory per (bank, metric, bucket size); it holds Dates, so serialise with superjson.
 */
export interface DetectorState {
  lastBucketMs: number | null;
  core: DetectorCore;
  beforeLast: DetectorCore;
}

export interface DetectResult {
  bucketStart: Date;
  value: number;
  baselineKind: BaselineKind;
  /** null while LEARNING. */
  expected: number | null;
  bandLow: number | null;
  bandHigh: number | null;
  spread: number | null;
  /** null while LEARNING or when the value is NaN. */
  z: number | null;
  /** Spikes opened, updated or closed by this bucket (upsert them by identity). */
  events: SpikeEvent[];
  /** True while this bucket is inside an open BURST spike: leave it out of future baselines. */
  excludeFromBaseline: boolean;
  state: DetectorState;
}

export type BucketResult = Omit<DetectResult, "state">;

export interface SeriesRun {
  /** One result per bucket of the series, in order. */
  results: BucketResult[];
  /** Every spike found, in order of opening; spikes still open at the end have endedAt null. */
  spikes: Spike[];
  /** State after the last bucket, to continue with `detect`. */
  state: DetectorState;
}

const EMPTY_CORE: DetectorCore = Object.freeze({
  burst: null,
  cusumSpike: null,
  cusum: Object.freeze({ s: 0, runStartMs: null, runPeak: null }),
}) as DetectorCore;

/** The state before any bucket. */
export function initialDetectorState(): DetectorState {
  return { lastBucketMs: null, core: EMPTY_CORE, beforeLast: EMPTY_CORE };
}

// ---------------------------------------------------------------------------------------------
// Baseline

let sampleBuf = new Float64Array(64);
let devBuf = new Float64Array(64);

function ensureCapacity(n: number): void {
  if (sampleBuf.length < n) {
    sampleBuf = new Float64Array(n * 2);
    devBuf = new Float64Array(n * 2);
  }
}

/** Insertion sort of buf[0..n): n is a few dozen at most. */
function sortPrefix(buf: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = buf[i];
    let j = i - 1;
    while (j >= 0 && buf[j] > v) {
      buf[j + 1] = buf[j];
      j--;
    }
    buf[j + 1] = v;
  }
}

function medianOfSorted(buf: Float64Array, n: number): number {
  const mid = n >> 1;
  return n % 2 === 1 ? buf[mid] : (buf[mid - 1] + buf[mid]) / 2;
}

interface SeriesView {
  values: ArrayLike<number>;
  excluded: ArrayLike<number | boolean> | undefined;
  /** bucketStart of values[0], epoch ms. */
  startMs: number;
  /** Index of the bucket being evaluated: only indices below it are history. */
  t: number;
  /** Indices at or above this are left out too (the open BURST spike). */
  excludeFrom: number;
}

function usable(view: SeriesView, i: number): boolean {
  if (i < 0 || i >= view.t || i >= view.excludeFrom || i >= view.values.length) return false;
  const v = view.values[i];
  if (!Number.isFinite(v)) return false;
  return !(view.excluded && view.excluded[i]);
}

let coveredPeriods = 0;

function isWeekend(dayOfWeek: number): boolean {
  return ((dayOfWeek % 7) + 7) % 7 >= 5;
}

/**
 * Collects the slot samples of up to `periods` past periods (weeks or days) into sampleBuf.
 * Returns the sample count; `coveredPeriods` is set to how many periods contributed at least one
 * sample (a module variable rather than a tuple: this runs for every bucket).
 * `sameKindAsDow` (daily baseline only): skip past days whose kind (weekday/weekend, Monday = 0)
 * differs from this day of the week.
 */
function collectSeasonal(
  view: SeriesView,
  period: number,
  periods: number,
  neighbours: number,
  sameKindAsDow?: number,
): number {
  let count = 0;
  let covered = 0;
  for (let p = 1; p <= periods; p++) {
    if (sameKindAsDow !== undefined && isWeekend(sameKindAsDow - p) !== isWeekend(sameKindAsDow)) continue;
    const centre = view.t - p * period;
    let any = false;
    for (let o = -neighbours; o <= neighbours; o++) {
      const i = centre + o;
      if (usable(view, i)) {
        sampleBuf[count++] = view.values[i];
        any = true;
      }
    }
    if (any) covered++;
  }
  coveredPeriods = covered;
  return count;
}

function collectRolling(view: SeriesView, window: number): number {
  let count = 0;
  for (let i = view.t - 1; i >= view.t - window && i >= 0; i--) {
    if (usable(view, i)) sampleBuf[count++] = view.values[i];
  }
  return count;
}

function summarise(kind: BaselineKind, n: number, params: DetectorParams): Baseline {
  sortPrefix(sampleBuf, n);
  const median = medianOfSorted(sampleBuf, n);
  for (let i = 0; i < n; i++) devBuf[i] = Math.abs(sampleBuf[i] - median);
  sortPrefix(devBuf, n);
  const robust = MAD_TO_SIGMA * medianOfSorted(devBuf, n);
  // Poisson floor plus the absolute floor (additive: low counts have heavier upper tails than a
  // normal with σ = sqrt(λ)), inflated by the uncertainty of the estimate itself (a median of n
  // samples has variance ≈ (π/2)·σ²/n), so a thin history widens the band instead of alarming.
  // (No inner closures here: this runs once per bucket and tsx wraps every closure it creates.)
  const inflate = Math.sqrt(1 + Math.PI / (2 * n));

  let expected = median;
  if (params.trimSpreads > 0) {
    const halfWidth = params.trimSpreads * spreadFloor(robust, median, inflate, params);
    let sum = 0;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      if (Math.abs(sampleBuf[i] - median) <= halfWidth) {
        sum += sampleBuf[i];
        kept++;
      }
    }
    expected = sum / kept; // kept >= 1: the median's neighbours are always within the width
  }
  return { kind, expected, spread: spreadFloor(robust, expected, inflate, params), samples: n };
}

function spreadFloor(robust: number, level: number, inflate: number, params: DetectorParams): number {
  return inflate * Math.max(robust, Math.sqrt(params.poissonUnit * Math.max(level, 0)) + params.minSpread);
}

function baselineAt(view: SeriesView, bucketMinutes: number, params: DetectorParams): Baseline {
  const neighbours = params.neighbourSlots;
  ensureCapacity(
    Math.max(params.weeklyMaxWeeks, params.dailyMaxDays) * (2 * neighbours + 1) + params.rollingBuckets,
  );
  const perDay = DAY_MINUTES / bucketMinutes;
  const perWeek = WEEK_MINUTES / bucketMinutes;

  if (perWeek > 2 * neighbours) {
    const n = collectSeasonal(view, perWeek, params.weeklyMaxWeeks, neighbours);
    if (coveredPeriods >= params.weeklyMinWeeks) return summarise("WEEKLY", n, params);
  }
  if (perDay > 2 * neighbours) {
    // Same kind of day first (weekday vs weekend, JST), so Monday is not compared with Sunday.
    const dow = Math.floor(slotOfWeekJst(view.startMs + view.t * bucketMinutes * MINUTE_MS, bucketMinutes) / perDay);
    let n = collectSeasonal(view, perDay, params.dailyMaxDays, neighbours, dow);
    if (coveredPeriods < params.dailyMinDays) n = collectSeasonal(view, perDay, params.dailyMaxDays, neighbours);
    if (coveredPeriods >= params.dailyMinDays) return summarise("DAILY", n, params);
  }
  const n = collectRolling(view, params.rollingBuckets);
  if (n >= params.rollingMinBuckets) return summarise("ROLLING", n, params);
  return { kind: "LEARNING", expected: null, spread: null, samples: n };
}

function bucketIndex(series: VolumeSeries, atMs: number): number {
  assertBucketMinutes(series.bucketMinutes);
  const bucketMs = series.bucketMinutes * MINUTE_MS;
  const offset = atMs - series.start.getTime();
  if (!Number.isFinite(offset) || offset % bucketMs !== 0) {
    throw new RangeError("bucket start is not aligned with the series (start + k·bucketMinutes)");
  }
  return offset / bucketMs;
}

/**
 * The expected level of the bucket starting at `at`, from the buckets of `history` before it
 * (values at or after `at` are ignored, so the history may include the current bucket).
 * `excludeFrom`: leave out buckets from this time on as well (an open spike's start).
 */
export function computeBaseline(
  history: VolumeSeries,
  at: Date,
  params: DetectorParams = DEFAULT_DETECTOR_PARAMS,
  excludeFrom: Date | null = null,
): Baseline {
  const t = bucketIndex(history, at.getTime());
  const excludeFromIdx = excludeFrom ? Math.ceil(bucketIndexLoose(history, excludeFrom.getTime())) : Infinity;
  return baselineAt(
    { values: history.values, excluded: history.excluded, startMs: history.start.getTime(), t, excludeFrom: excludeFromIdx },
    history.bucketMinutes,
    params,
  );
}

/**
 * Baseline of bucket t, leaving out the buckets of the BURST spike open in `core`. If that leaves
 * too little history for any baseline (a spike longer than the ROLLING window while there is no
 * day of history yet), the open spike's buckets are used after all: otherwise a spike opened on a
 * thin history could never close.
 */
function baselineWithOpenSpike(history: VolumeSeries, t: number, core: DetectorCore, params: DetectorParams): Baseline {
  const view: SeriesView = {
    values: history.values,
    excluded: history.excluded,
    startMs: history.start.getTime(),
    t,
    excludeFrom: Infinity,
  };
  if (core.burst) {
    view.excludeFrom = Math.ceil(bucketIndexLoose(history, core.burst.spike.startedAt.getTime()));
    const baseline = baselineAt(view, history.bucketMinutes, params);
    if (baseline.kind !== "LEARNING") return baseline;
    view.excludeFrom = Infinity;
  }
  return baselineAt(view, history.bucketMinutes, params);
}

function bucketIndexLoose(series: VolumeSeries, atMs: number): number {
  return (atMs - series.start.getTime()) / (series.bucketMinutes * MINUTE_MS);
}

// ---------------------------------------------------------------------------------------------
// Detection

function newSpike(
  series: VolumeSeries,
  detector: DetectorKind,
  startedAtMs: number,
  peak: Peak,
  lastSeenMs: number,
): Spike {
  return {
    bankCode: series.bankCode,
    metric: series.metric,
    detector,
    bucketMinutes: series.bucketMinutes,
    startedAt: new Date(startedAtMs),
    peakAt: new Date(peak.atMs),
    peakValue: peak.value,
    peakExpected: peak.expected,
    severity: peak.z,
    lastSeenAt: new Date(lastSeenMs),
    endedAt: null,
  };
}

/**
 * Advances an open spike by one bucket: anomalous buckets move lastSeenAt (and the peak), normal
 * ones count towards closing. Returns the new open state (null when closed) and the event.
 */
function stepOpenSpike(
  open: OpenSpikeState,
  anomalous: boolean,
  point: Peak,
  bucketMs: number,
  quietToClose: number,
): [OpenSpikeState | null, SpikeEvent] | [OpenSpikeState, null] {
  if (anomalous) {
    const spike: Spike = { ...open.spike, lastSeenAt: new Date(point.atMs) };
    if (point.z > open.spike.severity) {
      spike.peakAt = new Date(point.atMs);
      spike.peakValue = point.value;
      spike.peakExpected = point.expected;
      spike.severity = point.z;
    }
    return [{ spike, quiet: 0 }, { type: "UPDATED", spike }];
  }
  const quiet = open.quiet + 1;
  if (quiet >= quietToClose) {
    const spike: Spike = { ...open.spike, endedAt: new Date(open.spike.lastSeenAt.getTime() + bucketMs) };
    return [null, { type: "CLOSED", spike }];
  }
  return [{ spike: open.spike, quiet }, null];
}

function stepCore(
  series: VolumeSeries,
  core: DetectorCore,
  point: Peak,
  params: DetectorParams,
  seasonal: boolean,
  events: SpikeEvent[],
): DetectorCore {
  const bucketMs = series.bucketMinutes * MINUTE_MS;
  const { z, value, expected } = point;

  // BURST
  let burst = core.burst;
  if (burst) {
    const [next, event] = stepOpenSpike(burst, z > params.bandZ, point, bucketMs, params.closeQuietBuckets);
    burst = next;
    if (event) events.push(event);
  } else if (
    z >= params.burstZ &&
    value >= params.burstMinValue &&
    value >= params.burstMinRatio * expected &&
    (seasonal || params.rollingAlarms > 0)
  ) {
    burst = { spike: newSpike(series, "BURST", point.atMs, point, point.atMs), quiet: 0 };
    events.push({ type: "OPENED", spike: burst.spike });
  }

  // CUSUM spike already open: follow it; the sum stays at 0 until it closes.
  let cusumSpike = core.cusumSpike;
  let cusum = core.cusum;
  if (cusumSpike) {
    const [next, event] = stepOpenSpike(cusumSpike, z > params.cusumK, point, bucketMs, params.closeQuietBuckets);
    cusumSpike = next;
    if (event) events.push(event);
    cusum = EMPTY_CORE.cusum;
  } else if (burst || expected < params.cusumMinExpected || !seasonal) {
    cusum = EMPTY_CORE.cusum;
  } else {
    const s = Math.max(0, cusum.s + Math.min(z, params.cusumZClip) - params.cusumK);
    if (s <= 0) {
      cusum = EMPTY_CORE.cusum;
    } else {
      const runStartMs = cusum.runStartMs ?? point.atMs;
      const runPeak = cusum.runPeak && cusum.runPeak.z >= z ? cusum.runPeak : point;
      if (s >= params.cusumH) {
        cusumSpike = { spike: newSpike(series, "CUSUM", runStartMs, runPeak, point.atMs), quiet: 0 };
        events.push({ type: "OPENED", spike: cusumSpike.spike });
        cusum = EMPTY_CORE.cusum;
      } else {
        cusum = { s, runStartMs, runPeak };
      }
    }
  }
  // Quiet buckets (the vast majority) share one frozen state instead of allocating a new one.
  if (burst === null && cusumSpike === null && cusum === EMPTY_CORE.cusum) return EMPTY_CORE;
  return { burst, cusumSpike, cusum };
}

/**
 * Evaluates one bucket of one (bank, metric, bucket size).
 *
 * @param history the bank's buckets (see VolumeSeries); only buckets before `current` are used, so
 *   passing the same array every time (including the current bucket) is fine.
 * @param current the bucket to evaluate; evaluating the same bucket again (it is still filling) is
 *   idempotent; a bucket older than the last evaluated one returns its baseline with no events and
 *   the state unchanged.
 * @param prior the state returned by the previous call, or null for the first call.
 */
export function detect(
  history: VolumeSeries,
  current: CurrentBucket,
  params: DetectorParams = DEFAULT_DETECTOR_PARAMS,
  prior: DetectorState | null = null,
): DetectResult {
  const atMs = current.bucketStart.getTime();
  const t = bucketIndex(history, atMs);
  const state = prior ?? initialDetectorState();
  const stale = state.lastBucketMs !== null && atMs < state.lastBucketMs;
  const base = state.lastBucketMs === atMs ? state.beforeLast : state.core;

  const baseline = baselineWithOpenSpike(history, t, base, params);
  const value = current.value;
  const result: DetectResult = {
    bucketStart: current.bucketStart,
    value,
    baselineKind: baseline.kind,
    expected: baseline.expected,
    bandLow: null,
    bandHigh: null,
    spread: baseline.spread,
    z: null,
    events: [],
    excludeFromBaseline: false,
    state,
  };
  if (baseline.expected === null || baseline.spread === null) {
    result.excludeFromBaseline = !stale && base.burst !== null;
    return result;
  }
  const { expected, spread } = baseline;
  result.bandLow = Math.max(0, expected - params.bandZ * spread);
  result.bandHigh = expected + params.bandZ * spread;
  if (!Number.isFinite(value)) return result;
  const z = (value - expected) / spread;
  result.z = z;
  if (stale) return result;

  const seasonal = baseline.kind === "WEEKLY" || baseline.kind === "DAILY";
  const core = stepCore(history, base, { atMs, value, expected, z }, params, seasonal, result.events);
  result.state = { lastBucketMs: atMs, core, beforeLast: base };
  result.excludeFromBaseline = core.burst !== null;
  return result;
}

/**
 * Marks the buckets of a series that lie inside BURST spikes ([startedAt, endedAt), open spikes to
 * the end), for `VolumeSeries.excluded`. CUSUM spikes are not excluded: a lasting level change must
 * eventually become the new normal.
 */
export function spikeMask(
  series: Pick<VolumeSeries, "start" | "bucketMinutes"> & { length: number },
  spikes: ReadonlyArray<Pick<Spike, "detector" | "startedAt" | "endedAt">>,
): Uint8Array {
  const mask = new Uint8Array(series.length);
  const bucketMs = series.bucketMinutes * MINUTE_MS;
  const startMs = series.start.getTime();
  for (const spike of spikes) {
    if (spike.detector !== "BURST") continue;
    const from = Math.max(0, Math.floor((spike.startedAt.getTime() - startMs) / bucketMs));
    const to = spike.endedAt
      ? Math.min(series.length, Math.ceil((spike.endedAt.getTime() - startMs) / bucketMs))
      : series.length;
    mask.fill(1, from, Math.max(from, to));
  }
  return mask;
}

const spikeKey = (s: Spike) => `${s.detector}:${s.startedAt.getTime()}`;

/**
 * Walks a whole series bucket by bucket (for tests and backfill): each bucket is evaluated against
 * the buckets before it, and buckets of BURST spikes found on the way are left out of later
 * baselines (on top of `series.excluded`).
 */
export function runSeries(
  series: VolumeSeries,
  params: DetectorParams = DEFAULT_DETECTOR_PARAMS,
  prior: DetectorState | null = null,
): SeriesRun {
  const n = series.values.length;
  const mask = new Uint8Array(n);
  if (series.excluded) for (let i = 0; i < n; i++) mask[i] = series.excluded[i] ? 1 : 0;
  const view: VolumeSeries = { ...series, excluded: mask };
  const bucketMs = series.bucketMinutes * MINUTE_MS;
  const startMs = series.start.getTime();
  const results: BucketResult[] = new Array(n);
  const spikes = new Map<string, Spike>();
  let state = prior;
  for (let i = 0; i < n; i++) {
    const r = detect(view, { bucketStart: new Date(startMs + i * bucketMs), value: series.values[i] }, params, state);
    state = r.state;
    for (const e of r.events) {
      spikes.set(spikeKey(e.spike), e.spike);
      if (e.type === "CLOSED" && e.spike.detector === "BURST") {
        const from = Math.max(0, (e.spike.startedAt.getTime() - startMs) / bucketMs);
        const to = (e.spike.endedAt!.getTime() - startMs) / bucketMs;
        mask.fill(1, from, to);
      }
    }
    const { state: _omit, ...rest } = r;
    results[i] = rest;
  }
  return { results, spikes: [...spikes.values()], state: state ?? initialDetectorState() };
}

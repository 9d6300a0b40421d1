// Per-bank volume baselines: the expected level and spread of a bucket (pure; no I/O). The spike
// detectors that read them are in detector.ts.
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
import { DEFAULT_DETECTOR_PARAMS, type DetectorParams } from "./params.ts";
import { DAY_MINUTES, MINUTE_MS, WEEK_MINUTES, assertBucketMinutes, slotOfWeekJst } from "./time.ts";
import type { BaselineKind, VolumeSeries } from "./types.ts";

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

export interface SeriesView {
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

export function baselineAt(view: SeriesView, bucketMinutes: number, params: DetectorParams): Baseline {
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

export function bucketIndex(series: VolumeSeries, atMs: number): number {
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

export function bucketIndexLoose(series: VolumeSeries, atMs: number): number {
  return (atMs - series.start.getTime()) / (series.bucketMinutes * MINUTE_MS);
}

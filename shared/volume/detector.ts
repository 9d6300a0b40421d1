// Spike detection on one (bank, metric, bucket size) series (pure; no I/O). The expected level and
// its spread come from baseline.ts (same JST slot of past weeks or days, robust statistics, a
// Poisson floor); this file turns them into spikes.
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
import { baselineAt, bucketIndex, bucketIndexLoose, type Baseline, type SeriesView } from "./baseline.ts";
import { DEFAULT_DETECTOR_PARAMS, type DetectorParams } from "./params.ts";
import { MINUTE_MS } from "./time.ts";
import type { BaselineKind, DetectorKind, Spike, SpikeEvent, VolumeSeries } from "./types.ts";

export { MAD_TO_SIGMA, computeBaseline, type Baseline } from "./baseline.ts";

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

const EMPTY_CORE: DetectorCore = Object.freeze({
  burst: null,
  cusumSpike: null,
  cusum: Object.freeze({ s: 0, runStartMs: null, runPeak: null }),
}) as DetectorCore;

/** The state before any bucket. */
export function initialDetectorState(): DetectorState {
  return { lastBucketMs: null, core: EMPTY_CORE, beforeLast: EMPTY_CORE };
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

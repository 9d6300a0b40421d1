// Whole series at once (tests, backfill, the evals): `detect` bucket by bucket, leaving the buckets
// of BURST spikes found on the way out of later baselines (pure; no I/O).
import { detect, initialDetectorState, type BucketResult, type DetectorState } from "./detector.ts";
import { DEFAULT_DETECTOR_PARAMS, type DetectorParams } from "./params.ts";
import { MINUTE_MS } from "./time.ts";
import type { Spike, VolumeSeries } from "./types.ts";

export interface SeriesRun {
  /** One result per bucket of the series, in order. */
  results: BucketResult[];
  /** Every spike found, in order of opening; spikes still open at the end have endedAt null. */
  spikes: Spike[];
  /** State after the last bucket, to continue with `detect`. */
  state: DetectorState;
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

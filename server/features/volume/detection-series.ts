// Detection's in-memory series (see detection.ts): one per bank, metric and bucket size, with its
// values, the detector state and what was last written, and the helpers that size and index them.
import type { AlarmCursor } from "./alarms.ts";
import {
  DEFAULT_DETECTOR_PARAMS,
  DETECTION_BUCKET_MINUTES,
  bucketStartMs,
  defaultParamsFor,
  initialDetectorState,
  type DetectionBucketMinutes,
  type DetectorParams,
  type DetectorState,
  type VolumeMetric,
  type VolumeSeries,
} from "../../../shared/volume/index.ts";

const MINUTE_MS = 60_000;
export const FINEST_MS = DETECTION_BUCKET_MINUTES[0] * MINUTE_MS;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** What a baseline reads: weeklyMaxWeeks back, plus the neighbouring slots of the widest lane. */
export const HISTORY_MS = DEFAULT_DETECTOR_PARAMS.weeklyMaxWeeks * 7 * DAY_MS + (DEFAULT_DETECTOR_PARAMS.neighbourSlots + 1) * HOUR_MS;
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

export interface Series {
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

export interface WrittenRow {
  atMs: number;
  value: number;
  expected: number | null;
  bandLow: number | null;
  bandHigh: number | null;
  z: number | null;
  kind: string;
}

export interface Cache {
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

export const seriesKey = (bankCode: string, metric: string, bucketMinutes: number) => `${bankCode}:${metric}:${bucketMinutes}`;
export const floorTo = (ms: number, stepMs: number) => Math.floor(ms / stepMs) * stepMs;

export function newSeries(bankCode: string, metric: VolumeMetric, bucketMinutes: DetectionBucketMinutes, startMs: number, endMs: number, firstDataMs: number): Series {
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
export function ensureRoom(s: Series, nowMs: number): void {
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

export function indexOf(s: Series, ms: number): number {
  return Math.round((ms - s.startMs) / s.bucketMs);
}

/** The newest bucket of the series' lane at the finest `nowMs`. */
export function laneNow(s: Series, nowMs: number): number {
  return bucketStartMs(nowMs, s.bucketMinutes);
}

export function sameRow(a: WrittenRow | null, b: WrittenRow): boolean {
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

export function remember(s: Series, atMs: number, r: { expected: number | null; spread: number | null }): void {
  const i = indexOf(s, atMs);
  s.expected[i] = r.expected ?? Number.NaN;
  s.spread[i] = r.spread ?? Number.NaN;
}

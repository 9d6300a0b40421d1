// Small shared types of the volume detector. Names match the Prisma enums/columns
// (VolumeMetric, VolumeBucket.baselineKind, Spike.detector) so rows map one to one.

export const VOLUME_METRICS = [
  "LINK_REGISTERED",
  "LINK_CHANGED",
  "CHARGE_COUNT",
  "CHARGE_YEN",
  "REGISTRATION_DENIED",
] as const;
export type VolumeMetric = (typeof VOLUME_METRICS)[number];

/**
 * Where the expected level came from: same slot of the week (WEEKLY), same slot of the day (DAILY),
 * the most recent buckets (ROLLING), or not enough data yet (LEARNING: no expected level, no alarms).
 */
export type BaselineKind = "WEEKLY" | "DAILY" | "ROLLING" | "LEARNING";

/** BURST: a single-bucket jump far above the band. CUSUM: a sustained moderate rise. */
export type DetectorKind = "BURST" | "CUSUM";

/**
 * One bank's counts for one metric, as a contiguous array of buckets.
 * `values[i]` is the bucket starting at `start + i·bucketMinutes`. Use 0 for a bucket with no
 * events and NaN for a bucket that was not observed (before the bank's data begins, ingestion gaps):
 * NaN buckets are skipped, zeros are real samples.
 */
export interface VolumeSeries {
  bankCode: string;
  metric: VolumeMetric;
  bucketMinutes: number;
  /** bucketStart of values[0]; must be aligned to bucketMinutes. */
  start: Date;
  values: ArrayLike<number>;
  /**
   * Optional, same length as values: truthy for buckets inside past BURST spikes
   * ([startedAt, endedAt)), which are left out of baselines. See `spikeMask`.
   */
  excluded?: ArrayLike<number | boolean>;
}

/** A spike as stored in the `spike` table. Identity: (bankCode, metric, detector, startedAt). */
export interface Spike {
  bankCode: string;
  metric: VolumeMetric;
  detector: DetectorKind;
  bucketMinutes: number;
  /** Start of the first anomalous bucket (CUSUM: the start of the run that led to the alarm). */
  startedAt: Date;
  /** The bucket with the highest z so far, its value and its expected level. */
  peakAt: Date;
  peakValue: number;
  peakExpected: number;
  /** z of the peak bucket. */
  severity: number;
  /** Start of the latest bucket that was still anomalous. */
  lastSeenAt: Date;
  /** End of the last anomalous bucket (= lastSeenAt + bucket), once closed; null while open. */
  endedAt: Date | null;
}

/**
 * What the caller should write: upsert the spike by its identity. OPENED once, UPDATED when the
 * peak or lastSeenAt moves, CLOSED once with endedAt set.
 */
export interface SpikeEvent {
  type: "OPENED" | "UPDATED" | "CLOSED";
  spike: Spike;
}

/**
 * The `spike.detector` column: the detector kind, with "_1H" for the 60-minute lane, so a 5-minute
 * and an hourly spike starting at the same instant have different identities.
 */
export type StoredDetector = "BURST" | "CUSUM" | "BURST_1H" | "CUSUM_1H";

export function storedDetector(kind: DetectorKind, bucketMinutes: number): StoredDetector {
  return bucketMinutes === 60 ? `${kind}_1H` : kind;
}

export function parseStoredDetector(stored: string): { kind: DetectorKind; bucketMinutes: 5 | 60 } {
  const hourly = stored.endsWith("_1H");
  const kind = (hourly ? stored.slice(0, -3) : stored) as DetectorKind;
  return { kind, bucketMinutes: hourly ? 60 : 5 };
}

/** Words for a stored detector, for tables and tooltips. */
export function detectorLabel(stored: string): string {
  const { kind, bucketMinutes } = parseStoredDetector(stored);
  const what = kind === "BURST" ? "Burst" : "Sustained rise";
  return `${what} (${bucketMinutes === 60 ? "hourly" : "5-minute"} buckets)`;
}

/** Metric names as analysts read them. */
export const METRIC_LABELS: Record<VolumeMetric, string> = {
  LINK_REGISTERED: "New links",
  LINK_CHANGED: "Link changes",
  CHARGE_COUNT: "Charges",
  CHARGE_YEN: "Charged yen",
  REGISTRATION_DENIED: "Denied registrations",
};

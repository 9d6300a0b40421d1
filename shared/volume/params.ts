// Detector parameters as data: one flat record of numbers (what the detector reads), a description
// of every key (what the analysts' page shows) and a zod schema (what the server validates edits
// with). `DETECTOR_PARAM_DOCS` is typed as a record over every key, so adding a parameter without
// documenting it does not compile.
import { z } from "zod";
import type { VolumeMetric } from "./types.ts";

export interface DetectorParams {
  /** Fewest past weeks with data at the slot for a WEEKLY baseline. */
  readonly weeklyMinWeeks: number;
  /** How many past weeks the WEEKLY baseline looks back. */
  readonly weeklyMaxWeeks: number;
  /** Fewest past days with data at the slot for a DAILY baseline. */
  readonly dailyMinDays: number;
  /** How many past days the DAILY baseline looks back. */
  readonly dailyMaxDays: number;
  /** Neighbouring slots taken on each side of the slot (1 → slot−1, slot, slot+1). */
  readonly neighbourSlots: number;
  /** Window of the ROLLING baseline, in buckets immediately before the current one. */
  readonly rollingBuckets: number;
  /** Fewest usable buckets in that window for ROLLING; below it the baseline is LEARNING. */
  readonly rollingMinBuckets: number;
  /** Samples further than this many spreads from the median are dropped before averaging. 0 = plain median. */
  readonly trimSpreads: number;
  /** Value of one event, for the Poisson floor: spread >= sqrt(poissonUnit · expected). 1 for counts. */
  readonly poissonUnit: number;
  /** Absolute floor of the spread, so 0 → 3 at a quiet bank is not a 3σ event. */
  readonly minSpread: number;
  /** Half-width of the displayed band, in spreads (band = expected ± bandZ · spread). */
  readonly bandZ: number;
  /** BURST opens at z >= burstZ ... */
  readonly burstZ: number;
  /** ... and value >= burstMinValue ... */
  readonly burstMinValue: number;
  /** ... and value >= burstMinRatio · expected. */
  readonly burstMinRatio: number;
  /** A spike closes after this many consecutive buckets back inside the band (z <= bandZ for BURST, z <= cusumK for CUSUM). */
  readonly closeQuietBuckets: number;
  /** CUSUM reference value k: S = max(0, S + min(z, cusumZClip) − k). */
  readonly cusumK: number;
  /** CUSUM decision threshold h: alarm when S >= h. */
  readonly cusumH: number;
  /** Per-bucket cap on z fed into the CUSUM, so one outlier cannot alarm it alone (that is BURST's job). */
  readonly cusumZClip: number;
  /** CUSUM only accumulates while the expected level is at least this (low counts are too discrete for a mean-shift test). */
  readonly cusumMinExpected: number;
  /** 1: BURST may open on a ROLLING baseline too; 0: only on WEEKLY or DAILY ones. */
  readonly rollingAlarms: number;
}

export type DetectorParamKey = keyof DetectorParams;

export interface DetectorParamInfo {
  key: DetectorParamKey;
  value: number;
  unit: string;
  description: string;
}

export const DEFAULT_DETECTOR_PARAMS: DetectorParams = Object.freeze({
  weeklyMinWeeks: 3,
  weeklyMaxWeeks: 6,
  dailyMinDays: 2,
  dailyMaxDays: 7,
  neighbourSlots: 1,
  rollingBuckets: 8,
  rollingMinBuckets: 4,
  trimSpreads: 3,
  poissonUnit: 1,
  minSpread: 1,
  bandZ: 3,
  burstZ: 5,
  burstMinValue: 8,
  burstMinRatio: 2,
  closeQuietBuckets: 3,
  cusumK: 0.75,
  cusumH: 6,
  cusumZClip: 4,
  cusumMinExpected: 5,
  rollingAlarms: 1,
});

export const DETECTOR_PARAM_DOCS: Readonly<Record<DetectorParamKey, { unit: string; description: string }>> = {
  weeklyMinWeeks: {
    unit: "weeks",
    description: "Weekly baseline (same JST slot of the week) is used once at least this many past weeks have data at the slot.",
  },
  weeklyMaxWeeks: { unit: "weeks", description: "How many past weeks the weekly baseline looks back." },
  dailyMinDays: {
    unit: "days",
    description: "Without enough weeks, the daily baseline (same JST slot of the day) is used once this many past days have data.",
  },
  dailyMaxDays: { unit: "days", description: "How many past days the daily baseline looks back." },
  neighbourSlots: {
    unit: "buckets",
    description: "Neighbouring buckets taken on each side of the slot in every past week/day, to smooth the sample.",
  },
  rollingBuckets: {
    unit: "buckets",
    description: "Without enough days of history, the expected level comes from this many most recent buckets.",
  },
  rollingMinBuckets: {
    unit: "buckets",
    description: "With fewer usable recent buckets than this the baseline is 'learning': no expected level, no alarms.",
  },
  trimSpreads: {
    unit: "spreads",
    description:
      "Expected level = mean of the history samples within this many spreads of their median (0 = the plain median). Robust to outliers, but unbiased for low Poisson counts where the median is not.",
  },
  poissonUnit: {
    unit: "value per event",
    description: "Poisson floor of the spread: at least sqrt(unit × expected). 1 for counts; a typical charge amount for yen.",
  },
  minSpread: {
    unit: "value",
    description: "Absolute floor of the spread, so a quiet bank going from 0 to 3 is not an alarm.",
  },
  bandZ: { unit: "spreads", description: "The normal band shown on charts: expected ± this many spreads." },
  burstZ: { unit: "spreads", description: "BURST opens when a bucket is at least this many spreads above the expected level..." },
  burstMinValue: { unit: "value", description: "...and its value is at least this..." },
  burstMinRatio: { unit: "× expected", description: "...and it is at least this multiple of the expected level." },
  closeQuietBuckets: {
    unit: "buckets",
    description: "A spike closes after this many consecutive buckets back to normal; its end is the start of the first of them.",
  },
  cusumK: {
    unit: "spreads",
    description: "CUSUM allowance k: each bucket adds (z − k) to the running sum, which never goes below 0.",
  },
  cusumH: {
    unit: "spreads",
    description: "CUSUM threshold h: a sustained rise alarms when the running sum reaches this.",
  },
  cusumZClip: {
    unit: "spreads",
    description: "z above this counts as this in the CUSUM, so single outliers are left to BURST.",
  },
  cusumMinExpected: {
    unit: "value",
    description: "The CUSUM only runs while the expected level is at least this; lower counts are too noisy for a mean-shift test.",
  },
  rollingAlarms: {
    unit: "0 or 1",
    description:
      "1: a burst may open while the expected level is still the rolling median of the last buckets; 0: only once it follows the daily or weekly rhythm (hourly buckets, where a rolling median ignores the day's shape).",
  },
};

const positiveInt = z.number().int().positive();
const nonNegative = z.number().nonnegative();
const positive = z.number().positive();

/** Validates a complete parameter record (e.g. an analyst's edit merged over the defaults). */
export const detectorParamsSchema = z
  .object({
    weeklyMinWeeks: positiveInt,
    weeklyMaxWeeks: positiveInt,
    dailyMinDays: positiveInt,
    dailyMaxDays: positiveInt,
    neighbourSlots: z.number().int().nonnegative().max(6),
    rollingBuckets: positiveInt,
    rollingMinBuckets: positiveInt,
    trimSpreads: nonNegative,
    poissonUnit: nonNegative,
    minSpread: positive,
    bandZ: positive,
    burstZ: positive,
    burstMinValue: nonNegative,
    burstMinRatio: nonNegative,
    closeQuietBuckets: positiveInt,
    cusumK: nonNegative,
    cusumH: positive,
    cusumZClip: positive,
    cusumMinExpected: nonNegative,
    rollingAlarms: z.union([z.literal(0), z.literal(1)]),
  })
  .strict()
  .refine((p) => p.weeklyMinWeeks <= p.weeklyMaxWeeks, { message: "weeklyMinWeeks must be <= weeklyMaxWeeks" })
  .refine((p) => p.dailyMinDays <= p.dailyMaxDays, { message: "dailyMinDays must be <= dailyMaxDays" })
  .refine((p) => p.rollingMinBuckets <= p.rollingBuckets, { message: "rollingMinBuckets must be <= rollingBuckets" })
  .refine((p) => p.bandZ <= p.burstZ, { message: "bandZ must be <= burstZ" });

/** Defaults with `overrides` applied, validated. Throws a ZodError on invalid values. */
export function resolveDetectorParams(overrides: Partial<DetectorParams> = {}): DetectorParams {
  return Object.freeze(detectorParamsSchema.parse({ ...DEFAULT_DETECTOR_PARAMS, ...overrides }));
}

/** The parameter list for the analysts' page, with the values in use. */
export function describeDetectorParams(params: DetectorParams = DEFAULT_DETECTOR_PARAMS): DetectorParamInfo[] {
  return (Object.keys(DETECTOR_PARAM_DOCS) as DetectorParamKey[]).map((key) => ({
    key,
    value: params[key],
    unit: DETECTOR_PARAM_DOCS[key].unit,
    description: DETECTOR_PARAM_DOCS[key].description,
  }));
}

/**
 * Typical value of one CHARGE_YEN event (a ¥30,000 top-up), for the compound-Poisson floor: the
 * variance of a yen sum is about count × E[amount²], i.e. expected × (typical amount).
 */
export const TYPICAL_CHARGE_YEN = 30_000;

/**
 * Defaults for one metric. Counts use DEFAULT_DETECTOR_PARAMS; CHARGE_YEN is a sum of amounts, so its
 * value floors and Poisson unit are scaled by a typical charge.
 */
export function defaultParamsForMetric(metric: VolumeMetric): DetectorParams {
  if (metric !== "CHARGE_YEN") return DEFAULT_DETECTOR_PARAMS;
  const unit = TYPICAL_CHARGE_YEN;
  return Object.freeze({
    ...DEFAULT_DETECTOR_PARAMS,
    poissonUnit: unit,
    minSpread: DEFAULT_DETECTOR_PARAMS.minSpread * unit,
    burstMinValue: DEFAULT_DETECTOR_PARAMS.burstMinValue * unit,
    cusumMinExpected: DEFAULT_DETECTOR_PARAMS.cusumMinExpected * unit,
  });
}

/** Bucket sizes the detector runs on: 5 minutes catches sharp bursts at busy banks quickly, 60
 * minutes catches attacks that are steady but too sparse for 5-minute buckets at small banks. */
export const DETECTION_BUCKET_MINUTES = [5, 60] as const;
export type DetectionBucketMinutes = (typeof DETECTION_BUCKET_MINUTES)[number];

/**
 * Defaults for one metric on one bucket size (what detection runs with and the parameters page
 * shows).
 * - 5 minutes: a spike closes after an hour back to normal, so the short gaps of an attack that
 *   comes in waves do not split it into many spikes.
 * - 60 minutes: no alarms on the ROLLING baseline (8 hours back ignores the daily rhythm, so the
 *   morning ramp of a new series would alarm); a spike closes after 3 quiet hours.
 */
export function defaultParamsFor(metric: VolumeMetric, bucketMinutes: DetectionBucketMinutes): DetectorParams {
  const base = defaultParamsForMetric(metric);
  if (bucketMinutes === 5) return Object.freeze({ ...base, closeQuietBuckets: 12 });
  return Object.freeze({ ...base, closeQuietBuckets: 3, rollingAlarms: 0 });
}

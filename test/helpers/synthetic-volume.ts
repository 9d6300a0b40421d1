// Synthetic volume series for the detector and alarm unit tests (shared/volume/*.test.ts) and the
// volume fixtures: a seeded PRNG, a Poisson sampler and a seasonal rate profile in JST.
// Deterministic for a given seed, so failures reproduce.
import { MINUTE_MS, slotOfWeekJst } from "../../shared/volume/time.ts";
import type { VolumeMetric, VolumeSeries } from "../../shared/volume/types.ts";

/** mulberry32: tiny 32-bit seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson sample (Knuth's product method, split into chunks of 30 so exp(−λ) never underflows). */
export function poisson(rand: () => number, lambda: number): number {
  let total = 0;
  let rest = lambda;
  while (rest > 0) {
    const chunk = Math.min(rest, 30);
    rest -= chunk;
    const limit = Math.exp(-chunk);
    let k = 0;
    let p = rand();
    while (p > limit) {
      k++;
      p *= rand();
    }
    total += k;
  }
  return total;
}

/**
 * Relative rate at a JST slot of the week, peak ~1: low at night (~0.12 at 04:00), a lunchtime and
 * an evening peak, weekends at 70%. Smooth on the scale of a few buckets.
 */
export function seasonalShape(slotOfWeek: number, bucketMinutes: number): number {
  const minuteOfWeek = slotOfWeek * bucketMinutes + bucketMinutes / 2;
  const day = Math.floor(minuteOfWeek / 1440);
  const hour = (minuteOfWeek % 1440) / 60;
  const bump = (centre: number, width: number) => Math.exp(-(((hour - centre) / width) ** 2));
  const daily = 0.12 + 0.55 * bump(12.5, 3) + 0.75 * bump(20.5, 2.5) + 0.25 * bump(8.5, 1.5);
  const weekly = day >= 5 ? 0.7 : 1;
  return Math.min(1, daily) * weekly;
}

/** Monday 2020-08-03 00:00 JST. */
export const MONDAY_JST = new Date("2020-08-02T15:00:00Z");

export interface SyntheticOptions {
  seed: number;
  /** Peak rate per bucket (night is ~12% of it). */
  level: number;
  buckets: number;
  bucketMinutes?: number;
  start?: Date;
  bankCode?: string;
  metric?: VolumeMetric;
  /** Multiplies the rate of bucket i (bursts, steps). */
  multiplier?: (i: number) => number;
}

/** Expected (noise-free) rate of bucket i. */
export function syntheticRate(opts: SyntheticOptions, i: number): number {
  const bucketMinutes = opts.bucketMinutes ?? 5;
  const start = (opts.start ?? MONDAY_JST).getTime();
  const slot = slotOfWeekJst(start + i * bucketMinutes * MINUTE_MS, bucketMinutes);
  return opts.level * seasonalShape(slot, bucketMinutes) * (opts.multiplier ? opts.multiplier(i) : 1);
}

/** A Poisson series with daily and weekly rhythm. */
export function syntheticSeries(opts: SyntheticOptions): VolumeSeries {
  const rand = seededRandom(opts.seed);
  const values = new Float64Array(opts.buckets);
  for (let i = 0; i < opts.buckets; i++) values[i] = poisson(rand, syntheticRate(opts, i));
  return {
    bankCode: opts.bankCode ?? "0125",
    metric: opts.metric ?? "LINK_REGISTERED",
    bucketMinutes: opts.bucketMinutes ?? 5,
    start: opts.start ?? MONDAY_JST,
    values,
  };
}

export const BUCKETS_PER_WEEK_5M = 2016;
export const BUCKETS_PER_DAY_5M = 288;

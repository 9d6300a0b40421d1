// Inputs of the volume procedures and the time window they cover (pure: the client shows the same
// window and bucket size the server queries).
import { z } from "zod";
import { Reason } from "../reason.ts";
import { BankCode } from "../bank-code.ts";
import { instant, text } from "../schema-blocks.ts";
import { chooseBucketMinutes, bucketStartMs, MINUTE_MS } from "./time.ts";

export const VOLUME_RANGES = ["6h", "24h", "7d", "30d", "custom"] as const;
export type VolumeRange = (typeof VOLUME_RANGES)[number];

export const RANGE_MS: Record<Exclude<VolumeRange, "custom">, number> = {
  "6h": 6 * 60 * MINUTE_MS,
  "24h": 24 * 60 * MINUTE_MS,
  "7d": 7 * 24 * 60 * MINUTE_MS,
  "30d": 30 * 24 * 60 * MINUTE_MS,
};

export const RANGE_LABELS: Record<VolumeRange, string> = { "6h": "6 h", "24h": "24 h", "7d": "7 d", "30d": "30 d", custom: "Custom" };

/** Most points any chart series has (the bucket size is chosen to stay under it). */
export const CHART_POINTS_MAX = 800;
/** Stored rollups are 5 and 60 minutes; 800 hourly points is the longest window a chart can show. */
export const CUSTOM_RANGE_DAYS_MAX = 33;
/** Banks drawn one by one in each chart; the rest are summed into "others". */
export const TOP_BANKS_DEFAULT = 5;
export const TOP_BANKS_MAX = 10;


export const ChargeMeasure = z.enum(["count", "yen"]);
export type ChargeMeasure = z.infer<typeof ChargeMeasure>;

const windowFields = {
  range: z.enum(VOLUME_RANGES).default("24h"),
  /** Custom range only. */
  from: instant().optional(),
  to: instant().optional(),
};

export const OverviewInput = z.object({
  ...windowFields,
  chargeMeasure: ChargeMeasure.default("count"),
  /** The bank whose expected band the charts show (default: the most deviating one). */
  bank: BankCode.optional(),
  topBanks: z.number().int().min(1).max(TOP_BANKS_MAX).default(TOP_BANKS_DEFAULT),
});
export type OverviewInput = z.input<typeof OverviewInput>;

export const BankVolumeInput = z.object({
  bankCode: BankCode,
  ...windowFields,
});
export type BankVolumeInput = z.input<typeof BankVolumeInput>;

export interface VolumeWindow {
  /** First bucket shown (aligned). */
  from: Date;
  /** The end of the window (now, or the custom end); the bucket containing it is the last one. */
  to: Date;
  bucketMinutes: 5 | 60;
  range: VolumeRange;
}

export class VolumeWindowError extends Error {}

/**
 * The window a range covers at `now`, and its bucket size: 5 minutes while that gives at most
 * CHART_POINTS_MAX points, otherwise 60 (custom ranges are limited so 60 always fits).
 */
export function resolveWindow(input: { range?: VolumeRange; from?: Date; to?: Date }, now: Date): VolumeWindow {
  const range = input.range ?? "24h";
  let fromMs: number;
  let toMs: number;
  if (range === "custom") {
    if (!input.from || !input.to) throw new VolumeWindowError("Choose both a start and an end for a custom range.");
    fromMs = input.from.getTime();
    toMs = Math.min(input.to.getTime(), now.getTime());
    if (!(toMs > fromMs)) throw new VolumeWindowError("The end of the range must be after its start (and not after now).");
    if (toMs - fromMs > CUSTOM_RANGE_DAYS_MAX * 24 * 60 * MINUTE_MS) {
      throw new VolumeWindowError(`A custom range can be at most ${CUSTOM_RANGE_DAYS_MAX} days long.`);
    }
  } else {
    toMs = now.getTime();
    fromMs = toMs - RANGE_MS[range];
  }
  const chosen = chooseBucketMinutes(toMs - fromMs, CHART_POINTS_MAX);
  const bucketMinutes = chosen <= 5 ? 5 : 60;
  return { from: new Date(bucketStartMs(fromMs, bucketMinutes)), to: new Date(toMs), bucketMinutes, range };
}

/** Bucket starts of a window, oldest first. */
export function windowBuckets(w: VolumeWindow): number[] {
  const step = w.bucketMinutes * MINUTE_MS;
  const last = bucketStartMs(w.to.getTime(), w.bucketMinutes);
  const out: number[] = [];
  for (let t = w.from.getTime(); t <= last; t += step) out.push(t);
  return out;
}

/** Acknowledge one bank alarm (its id, as the bank page shows it) with a reason for the audit log. */
export const AcknowledgeAlarmInput = z.object({
  alarmId: text().regex(/^\d{1,18}$/, "Not an alarm id"),
  reason: Reason,
});

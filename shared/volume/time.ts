// JST time helpers for volume buckets. Japan Standard Time is UTC+9 all year (no DST), so every
// conversion is a fixed offset: no Intl or time-zone database is needed, and the helpers are cheap
// enough to call per bucket.
import { JST_OFFSET_MS } from "../jst.ts";

export const MINUTE_MS = 60_000;
export const DAY_MINUTES = 1440;
export const WEEK_MINUTES = 7 * DAY_MINUTES;
export { JST_OFFSET_MS };

/** Bucket sizes the server keeps (5, 60) plus the daily size charts may aggregate to. */
export const BUCKET_MINUTES_CHOICES = [5, 60, 1440] as const;

function toMs(date: Date | number): number {
  const ms = typeof date === "number" ? date : date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("invalid date");
  return ms;
}

/** Throws unless `bucketMinutes` is a positive integer that divides a day (5, 15, 60, 1440, ...). */
export function assertBucketMinutes(bucketMinutes: number): void {
  if (!Number.isInteger(bucketMinutes) || bucketMinutes <= 0 || DAY_MINUTES % bucketMinutes !== 0) {
    throw new RangeError(`bucketMinutes must be a positive divisor of 1440, got ${bucketMinutes}`);
  }
}

/**
 * Start of the bucket containing `date`. Buckets are aligned in JST, so 1440-minute buckets start at
 * JST midnight (15:00 UTC the day before); for 5- and 60-minute buckets that equals UTC alignment.
 */
export function bucketStart(date: Date | number, bucketMinutes: number): Date {
  return new Date(bucketStartMs(toMs(date), bucketMinutes));
}

/** `bucketStart` on epoch milliseconds. */
export function bucketStartMs(ms: number, bucketMinutes: number): number {
  assertBucketMinutes(bucketMinutes);
  const size = bucketMinutes * MINUTE_MS;
  const jst = ms + JST_OFFSET_MS;
  return jst - (((jst % size) + size) % size) - JST_OFFSET_MS;
}

/**
 * Slot of the week in JST: 0 = Monday 00:00–00:05 JST (for 5-minute buckets), up to
 * 7·1440/bucketMinutes − 1 = Sunday's last slot. 2016 slots for 5-minute buckets, 168 for hourly.
 */
export function slotOfWeekJst(date: Date | number, bucketMinutes: number): number {
  assertBucketMinutes(bucketMinutes);
  const jstMinutes = Math.floor((toMs(date) + JST_OFFSET_MS) / MINUTE_MS);
  // 1970-01-01 was a Thursday (Monday-based weekday 3).
  const minuteOfWeek = (((jstMinutes + 3 * DAY_MINUTES) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
  return Math.floor(minuteOfWeek / bucketMinutes);
}

/** Slot of the day in JST: 0 = 00:00 JST. 288 slots for 5-minute buckets. */
export function slotOfDayJst(date: Date | number, bucketMinutes: number): number {
  return slotOfWeekJst(date, bucketMinutes) % (DAY_MINUTES / bucketMinutes);
}

/**
 * Bucket size for a chart covering `rangeMs` so that it has at most `maxPoints` points: the
 * smallest of 5, 60 and 1440 minutes that fits, and for very long ranges a whole number of days.
 * The point count is counted as ceil(range / size) + 1 because an unaligned range touches one more
 * bucket.
 */
export function chooseBucketMinutes(rangeMs: number, maxPoints = 800): number {
  if (!Number.isFinite(rangeMs) || rangeMs < 0) throw new RangeError("rangeMs must be a non-negative number");
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new RangeError("maxPoints must be an integer >= 2");
  const points = (minutes: number) => Math.ceil(rangeMs / (minutes * MINUTE_MS)) + 1;
  for (const minutes of BUCKET_MINUTES_CHOICES) {
    if (points(minutes) <= maxPoints) return minutes;
  }
  const days = Math.ceil(rangeMs / (DAY_MINUTES * MINUTE_MS) / (maxPoints - 1));
  return Math.max(1, days) * DAY_MINUTES;
}

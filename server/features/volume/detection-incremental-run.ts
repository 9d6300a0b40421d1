// Detection's later runs (see detection.ts): read only the values that changed since the last run
// (new buckets, late events), re-run the series late events touched, then evaluate up to now and write.
import type { Database } from "../../db/client.ts";
import { DETECTION_BUCKET_MINUTES, bucketStartMs, type DetectionBucketMinutes, type VolumeMetric } from "../../../shared/volume/index.ts";
import {
  FINEST_MS,
  HOUR_MS,
  ensureRoom,
  floorTo,
  indexOf,
  laneNow,
  newSeries,
  seriesKey,
  type Cache,
  type DetectionOptions,
  type DetectionRunSummary,
} from "./detection-series.ts";
import { recentValues, type ValueRow } from "./detection-store.ts";
import { evaluateAndWrite } from "./detection-evaluate.ts";

export async function incrementalRun(db: Database, cache: Cache, opts: DetectionOptions): Promise<DetectionRunSummary> {
  const nowMs = Math.max(cache.lastNowMs, floorTo((opts.now ?? new Date()).getTime(), FINEST_MS));
  const dirtyFromMs = cache.dirtyFromMs;
  cache.dirtyFromMs = null; // events committed from here on mark it again
  // Per lane, from the start of that lane's bucket holding the oldest bucket to re-read: a new
  // 5-minute bucket reads the last two 5-minute rows per series, not the whole hour.
  const readFrom: ReadFrom = {};
  for (const minutes of DETECTION_BUCKET_MINUTES) readFrom[minutes] = Math.min(cache.lastNowMs, dirtyFromMs ?? Infinity);
  for (const s of cache.series.values()) readFrom[s.bucketMinutes] = Math.min(readFrom[s.bucketMinutes], s.evalFromMs);
  for (const minutes of DETECTION_BUCKET_MINUTES) readFrom[minutes] = bucketStartMs(readFrom[minutes], minutes);
  const recent = await db.pool.query<ValueRow>(recentValues(new Date(readFrom[5]), new Date(readFrom[60]), new Date(nowMs)));
  if (nowMs === cache.lastNowMs && dirtyFromMs === null && unchanged(cache, recent.rows, readFrom, nowMs)) {
    // Same bucket, same values as the last run: nothing to write.
    return { nowBucketAt: new Date(nowMs), series: cache.series.size, bucketsWritten: 0, spikesWritten: 0, spikesOpened: 0, firstRun: false };
  }

  // Everything in the read range is known now: zeros unless a row says otherwise. The buckets
  // already evaluated are kept aside to tell which series late events changed.
  const before = new Map<string, { fromIdx: number; values: Float64Array }>();
  for (const [key, s] of cache.series) {
    const lastMs = laneNow(s, nowMs);
    ensureRoom(s, lastMs);
    const from = Math.max(0, indexOf(s, Math.max(readFrom[s.bucketMinutes], s.firstDataMs)));
    const to = indexOf(s, lastMs);
    const evaluatedTo = Math.min(to + 1, indexOf(s, s.evalFromMs));
    if (dirtyFromMs !== null && from < evaluatedTo) before.set(key, { fromIdx: from, values: s.view.values.slice(from, evaluatedTo) });
    if (from <= to) s.view.values.fill(0, from, to + 1);
  }
  for (const [bankCode, metric, minutes, at, value] of recent.rows) {
    const key = seriesKey(bankCode, metric, minutes);
    let s = cache.series.get(key);
    const atMs = at.getTime();
    if (!s) {
      if (value <= 0) continue;
      // A series' first events (rows come oldest first): its history before them is unknown, not zero.
      s = newSeries(bankCode, metric as VolumeMetric, minutes as DetectionBucketMinutes, floorTo(atMs, HOUR_MS) - HOUR_MS, bucketStartMs(nowMs, minutes), atMs);
      cache.series.set(key, s);
    } else if (atMs < s.firstDataMs) {
      continue; // older than the series' known start (beyond the history read): ignored
    }
    const i = indexOf(s, atMs);
    if (i >= 0 && i < s.view.values.length) s.view.values[i] = value;
  }
  // Re-run only the series whose already-evaluated buckets changed, from the first changed one.
  const rewindFrom = new Map<string, number>();
  for (const [key, old] of before) {
    const s = cache.series.get(key)!;
    for (let k = 0; k < old.values.length; k++) {
      if (old.values[k] !== s.view.values[old.fromIdx + k] && !(Number.isNaN(old.values[k]) && Number.isNaN(s.view.values[old.fromIdx + k]))) {
        rewindFrom.set(key, s.startMs + (old.fromIdx + k) * s.bucketMs);
        break;
      }
    }
  }
  const summary = await evaluateAndWrite(db, cache, { nowMs, rewindFrom, denseFromMs: -Infinity, dirtyFromMs });
  return { ...summary, firstRun: false };
}

/** Per bucket size, the oldest bucket an incremental run read. */
type ReadFrom = Record<number, number>;

/** Whether the rows read say exactly what the series already hold for [readFrom of its lane, nowMs]. */
function unchanged(cache: Cache, rows: ValueRow[], readFrom: ReadFrom, nowMs: number): boolean {
  let nonZero = 0;
  for (const [bankCode, metric, minutes, at, value] of rows) {
    const s = cache.series.get(seriesKey(bankCode, metric, minutes));
    if (!s) {
      if (value > 0) return false;
      continue;
    }
    const i = indexOf(s, at.getTime());
    if (i < 0 || i >= s.view.values.length || s.view.values[i] !== value) return false;
    if (value !== 0) nonZero++;
  }
  // Values only grow, so a bucket held as non-zero always has a row; count to be sure.
  let held = 0;
  for (const s of cache.series.values()) {
    const lastMs = laneNow(s, nowMs);
    for (let atMs = Math.max(readFrom[s.bucketMinutes], s.firstDataMs); atMs <= lastMs; atMs += s.bucketMs) {
      const v = s.view.values[indexOf(s, atMs)];
      if (Number.isFinite(v) && v !== 0) held++;
    }
  }
  return held === nonZero;
}

// What every detection run ends with (see detection.ts): evaluate each series up to now, write the
// buckets and spikes in one transaction, then advance the banks' alarms.
import type { Database } from "../../db/client.ts";
import { advanceAlarms, type LaneSeries } from "./alarms.ts";
import { bucketStartMs, detect, storedDetector, type Spike } from "../../../shared/volume/index.ts";
import {
  HOUR_MS,
  SNAPSHOT_HOURS,
  ensureRoom,
  floorTo,
  indexOf,
  laneNow,
  remember,
  sameRow,
  seriesKey,
  type Cache,
  type DetectionRunSummary,
  type Series,
  type WrittenRow,
} from "./detection-series.ts";
import { RowBuffer, spikeId, writeResults, type SpikeDeletes } from "./detection-store.ts";

interface EvaluateOptions {
  /** The newest 5-minute bucket (the still-filling one). */
  nowMs: number;
  /** Series to re-run from the saved state of this bucket's hour (late events). */
  rewindFrom: Map<string, number>;
  /** 5-minute rows before this are written only when they saw events. */
  denseFromMs: number;
  /** Oldest bucket with late events: re-evaluated (baseline and z) from there. */
  dirtyFromMs: number | null;
}

/**
 * Evaluates every series from its last evaluated bucket (or from late events) to now, then writes
 * the buckets and spikes in one transaction.
 */
export async function evaluateAndWrite(db: Database, cache: Cache, o: EvaluateOptions): Promise<Omit<DetectionRunSummary, "firstRun">> {
  const rows = new RowBuffer();
  const spikes = new Map<string, Spike>();
  const deletes: SpikeDeletes = { bankCode: [], metric: [], detector: [], since: [] };
  let opened = 0;

  for (const [key, s] of cache.series) {
    const lastMs = laneNow(s, o.nowMs);
    ensureRoom(s, lastMs);
    const rewind = o.rewindFrom.get(key);
    const snapshot = rewind === undefined ? undefined : s.snapshots.get(floorTo(rewind, HOUR_MS));
    if (rewind !== undefined && snapshot) {
      // Re-run from the state at the start of that hour; spikes it no longer finds are deleted.
      const hourMs = floorTo(rewind, HOUR_MS);
      s.state = snapshot;
      s.evalFromMs = hourMs;
      for (const k of [...s.snapshots.keys()]) if (k > hourMs) s.snapshots.delete(k);
      s.view.excluded.fill(0, Math.max(0, indexOf(s, hourMs)));
      for (const kind of ["BURST", "CUSUM"] as const) {
        deletes.bankCode.push(s.bankCode);
        deletes.metric.push(s.metric);
        deletes.detector.push(storedDetector(kind, s.bucketMinutes));
        deletes.since.push(new Date(hourMs).toISOString());
      }
      // Spikes open in the restored state are open again until the re-run says otherwise.
      for (const open of [snapshot.core.burst, snapshot.core.cusumSpike]) if (open) spikes.set(spikeId(open.spike), open.spike);
    }
    const evalFromMs = Math.max(s.firstDataMs, s.evalFromMs);
    const writeFromMs = Math.max(s.firstDataMs, Math.min(evalFromMs, o.dirtyFromMs === null ? Infinity : bucketStartMs(o.dirtyFromMs, s.bucketMinutes)));

    for (let atMs = writeFromMs; atMs <= lastMs; atMs += s.bucketMs) {
      const value = s.view.values[indexOf(s, atMs)];
      if (!Number.isFinite(value)) continue; // before the series began
      const bucketStart = new Date(atMs);
      if (atMs < evalFromMs) {
        // Evaluated before: baseline and z again (late events changed the value), state untouched.
        const r = detect(s.view, { bucketStart, value }, s.params, s.state);
        remember(s, atMs, r);
        if (atMs >= o.denseFromMs || value > 0 || s.bucketMinutes !== 5) rows.push(s, atMs, value, r);
        if (s.lastWrite?.atMs === atMs) s.lastWrite = null;
        continue;
      }
      if (atMs % HOUR_MS === 0 && (s.state.lastBucketMs === null || s.state.lastBucketMs < atMs)) s.snapshots.set(atMs, s.state);
      const r = detect(s.view, { bucketStart, value }, s.params, s.state);
      s.state = r.state;
      const partial = atMs === lastMs;
      for (const e of r.events) {
        // The still-filling bucket may look quiet only because it has just begun.
        if (partial && e.type === "CLOSED") continue;
        spikes.set(spikeId(e.spike), e.spike);
        if (e.type === "OPENED") opened++;
        if (e.type === "CLOSED" && e.spike.detector === "BURST") {
          s.view.excluded.fill(1, Math.max(0, indexOf(s, e.spike.startedAt.getTime())), indexOf(s, e.spike.endedAt!.getTime()));
        }
      }
      remember(s, atMs, r);
      // The newest bucket is evaluated on every run, and again once complete; most runs leave most
      // series' row as it was written (no new events there): writing it again would only churn.
      const row: WrittenRow = { atMs, value, expected: r.expected, bandLow: r.bandLow, bandHigh: r.bandHigh, z: r.z, kind: r.baselineKind };
      if (!sameRow(s.lastWrite, row) && (atMs >= o.denseFromMs || value > 0 || s.bucketMinutes !== 5)) rows.push(s, atMs, value, r);
      if (atMs === lastMs) s.lastWrite = row;
    }
    s.evalFromMs = lastMs;
    for (const k of s.snapshots.keys()) if (k < lastMs - SNAPSHOT_HOURS * HOUR_MS) s.snapshots.delete(k);
  }

  const spikeList = [...spikes.values()];
  try {
    await writeResults(db, rows, spikeList, deletes);
  } catch (err) {
    // What was evaluated is lost with the transaction: the next run starts over from what is stored.
    cache.series.clear();
    cache.coverageFromMs = { 5: Infinity, 60: Infinity };
    cache.lastNowMs = -Infinity;
    throw err;
  }
  cache.lastNowMs = o.nowMs;
  // The banner's alarm, per bank, on the 5-minute lane just evaluated.
  const banks = new Map<string, { links: LaneSeries; yen: LaneSeries }>();
  for (const s of cache.series.values()) {
    if (s.bucketMinutes !== 5 || s.metric !== "LINK_REGISTERED") continue;
    const yen = cache.series.get(seriesKey(s.bankCode, "CHARGE_YEN", 5));
    if (!yen) continue;
    const lane = (x: Series): LaneSeries => ({ startMs: x.startMs, firstDataMs: x.firstDataMs, values: x.view.values, expected: x.expected });
    banks.set(s.bankCode, { links: lane(s), yen: lane(yen) });
  }
  await advanceAlarms(db, { nowMs: o.nowMs, banks, cursors: cache.alarms });
  return { nowBucketAt: new Date(o.nowMs), series: cache.series.size, bucketsWritten: rows.length, spikesWritten: spikeList.length, spikesOpened: opened };
}

// The overview's other source: the same window totals and chart rows as overview-sql.ts, read from
// the detector's memory (detection.ts) when it is current and holds the window. The console is
// served from SQL (see OverviewOptions in overview.ts); this path is for the bench and tests.
import type { Database } from "../../db/client.ts";
import type { VolumeMetric } from "../../../shared/volume/index.ts";
import type { VolumeWindow } from "../../../shared/volume/schemas.ts";
import { detectionSnapshot, type DetectionSnapshot, type SeriesSnapshot } from "./detection.ts";
import { SPARKLINE_POINTS, TOTAL_METRICS, type Agg, type ChartRow, type ChartSelection, type WindowTotals } from "./overview-types.ts";

/** The detector's memory answers when it is current (last run within a minute of `now`) and holds the window. */
export function usableSnapshot(db: Database, w: VolumeWindow, now: Date): DetectionSnapshot | null {
  const snap = detectionSnapshot(db);
  if (!snap) return null;
  if (Math.abs(now.getTime() - snap.lastNowMs) > 60_000 + 5 * 60_000) return null;
  if (w.from.getTime() < snap.coverageFromMs[w.bucketMinutes]) return null;
  return snap;
}

/** Index range [first, last] of a snapshot series inside the window (empty when last < first). */
function windowRange(s: SeriesSnapshot, w: VolumeWindow): [number, number] {
  const first = Math.max(0, Math.ceil((w.from.getTime() - s.startMs) / s.bucketMs));
  const last = Math.min(s.values.length - 1, Math.floor((w.to.getTime() - s.startMs) / s.bucketMs));
  return [first, last];
}

/** The same totals as sqlTotals, from the detector's memory. */
export function memoryTotals(snap: DetectionSnapshot, w: VolumeWindow, groupMs: number): WindowTotals {
  const agg = new Map<string, Agg>();
  const spark = new Map<string, number[]>();
  const fromMs = w.from.getTime();
  for (const s of snap.series) {
    if (s.bucketMinutes !== w.bucketMinutes || !TOTAL_METRICS.includes(s.metric)) continue;
    const [first, last] = windowRange(s, w);
    let v = 0;
    let e = 0;
    let hasE = false;
    let ve = 0;
    let s2 = 0;
    let zmax: number | null = null;
    let any = false;
    const groups = new Array<number>(SPARKLINE_POINTS).fill(0);
    for (let i = first; i <= last; i++) {
      const value = s.values[i];
      if (!Number.isFinite(value)) continue;
      const expected = s.expected[i];
      // Buckets not evaluated yet have no row in the table either.
      if (!Number.isFinite(expected) && value === 0) continue;
      any = true;
      v += value;
      const g = Math.floor((s.startMs + i * s.bucketMs - fromMs) / groupMs);
      if (g >= 0 && g < SPARKLINE_POINTS) groups[g] += value;
      if (Number.isFinite(expected)) {
        const spread = s.spread[i];
        hasE = true;
        e += expected;
        ve += value;
        s2 += (s.bandZ * spread) ** 2;
        if (spread > 0) {
          const z = (value - expected) / spread;
          if (zmax === null || z > zmax) zmax = z;
        }
      }
    }
    if (!any) continue;
    const key = `${s.bankCode}:${s.metric}`;
    agg.set(key, { v, e: hasE ? e : null, ve, s2, zmax });
    spark.set(key, groups);
  }
  return { agg, spark };
}

/** The same rows as sqlChartRows, from the detector's memory (accumulated per group in arrays). */
export function memoryChartRows(snap: DetectionSnapshot, w: VolumeWindow, c: ChartSelection): ChartRow[] {
  const bucketMs = w.bucketMinutes * 60_000;
  const fromMs = w.from.getTime();
  const n = Math.floor((w.to.getTime() - fromMs) / bucketMs) + 1;
  interface Acc { metric: VolumeMetric; grp: string; v: Float64Array; seen: Uint8Array; e: Float64Array; lo: Float64Array; hi: Float64Array }
  const accs = new Map<string, Acc>();
  const accFor = (metric: VolumeMetric, grp: string) => {
    const key = `${metric}|${grp}`;
    let a = accs.get(key);
    if (!a) {
      a = { metric, grp, v: new Float64Array(n), seen: new Uint8Array(n), e: new Float64Array(n).fill(Number.NaN), lo: new Float64Array(n), hi: new Float64Array(n) };
      accs.set(key, a);
    }
    return a;
  };
  for (const s of snap.series) {
    if (s.bucketMinutes !== w.bucketMinutes) continue;
    let grp: string;
    if (s.metric === "LINK_REGISTERED") grp = c.linkTop.includes(s.bankCode) ? s.bankCode : "";
    else if (s.metric === c.chargeMetric) grp = c.chargeTop.includes(s.bankCode) ? s.bankCode : "";
    else if (s.metric === "REGISTRATION_DENIED") grp = "";
    else continue;
    const a = accFor(s.metric, grp);
    const selected = s.bankCode === c.selected;
    const [first, last] = windowRange(s, w);
    const offset = Math.round((s.startMs - fromMs) / bucketMs);
    for (let i = first; i <= last; i++) {
      const value = s.values[i];
      const expected = s.expected[i];
      if (!Number.isFinite(value) || (!Number.isFinite(expected) && value === 0)) continue;
      const k = i + offset;
      if (k < 0 || k >= n) continue;
      a.v[k] += value;
      a.seen[k] = 1;
      if (selected && Number.isFinite(expected)) {
        const half = s.bandZ * s.spread[i];
        a.e[k] = expected;
        a.lo[k] = Math.max(0, expected - half);
        a.hi[k] = expected + half;
      }
    }
  }
  const out: ChartRow[] = [];
  for (const a of accs.values()) {
    for (let k = 0; k < n; k++) {
      if (!a.seen[k]) continue;
      const e = Number.isNaN(a.e[k]) ? null : a.e[k];
      out.push({ metric: a.metric, at: fromMs + k * bucketMs, grp: a.grp, v: a.v[k], e, lo: e === null ? null : a.lo[k], hi: e === null ? null : a.hi[k] });
    }
  }
  return out;
}

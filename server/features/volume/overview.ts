// The overview: KPI tiles, the link and charge charts (top banks by deviation plus "others", the
// selected bank's band, spike markers, suspension regions), the denied-registration series and the
// per-bank table. Everything is read from volume_bucket (the rollups with the expected levels the
// detector stored), never from the raw events: two round trips of set-based SQL whatever the range.
import type { Database } from "../../db/client.ts";
import { AppError } from "../../../shared/errors.ts";
import { DEFAULT_DETECTOR_PARAMS, type VolumeMetric } from "../../../shared/volume/index.ts";
import { detectionSnapshot, type DetectionSnapshot, type SeriesSnapshot } from "./detection.ts";
import {
  OverviewInput,
  VolumeWindowError,
  resolveWindow,
  windowBuckets,
  type ChargeMeasure,
  type VolumeWindow,
} from "../../../shared/volume/schemas.ts";
import type { z } from "zod";

/** Points per sparkline in the table. */
export const SPARKLINE_POINTS = 24;
/** Spikes of these metrics make a bank "spiking now"; denied registrations follow our own suspensions. */
export const INCIDENT_METRICS: readonly VolumeMetric[] = ["LINK_REGISTERED", "LINK_CHANGED", "CHARGE_COUNT", "CHARGE_YEN"];
const LINK_CHART_METRICS: readonly string[] = ["LINK_REGISTERED", "LINK_CHANGED"];
const OTHERS = "others";

export type AuthMethod = "PIN" | "PIN_OTP" | "ONLINE_BANKING" | "CASH_CARD";

export interface Measured {
  value: number;
  /** Sum of the expected levels over the window; null while the bank's baseline is still learning. */
  expected: number | null;
}

export interface SuspensionStatus {
  state: "ACTIVE" | "SCHEDULED" | "NONE";
  scopes: string[];
  /** Start of the earliest active or scheduled suspension. */
  startsAt: Date | null;
}

export interface BankRow {
  code: string;
  name: string;
  nameKana: string | null;
  authMethod: AuthMethod;
  links: Measured;
  charges: Measured;
  chargedYen: Measured;
  /**
   * The largest window z of links, charges and charged yen (how far the window's total is from its
   * expected total, in spreads of that total), its metric and observed/expected ratio, and the
   * highest single-bucket z in the window over the three (a short burst in a long window).
   */
  deviation: { z: number | null; ratio: number | null; metric: VolumeMetric | null; peakZ: number | null };
  spikingNow: boolean;
  openSpikeMetrics: VolumeMetric[];
  spikesInWindow: number;
  suspension: SuspensionStatus;
  sparkLinks: number[];
  sparkCharges: number[];
}

export interface ChartSeries {
  /** Key in each point: "b0125" for a bank, "others" for the rest. */
  key: string;
  bankCode: string | null;
  label: string;
  /** The bank has an open spike: the client draws it first and in colour, the rest muted. */
  spiking: boolean;
}

export interface ChartPoint {
  /** Bucket start, epoch ms. */
  at: number;
  /** Values by series key; plus `expected` and `band` ([low, high]) of the selected bank. */
  [key: string]: number | [number, number] | null;
}

export interface ChartData {
  metric: VolumeMetric;
  series: ChartSeries[];
  points: ChartPoint[];
}

export interface SpikeMarker {
  bankCode: string;
  bankName: string;
  metric: VolumeMetric;
  detector: string;
  startedAt: Date;
  /** Start of the chart bucket the spike began in (where the marker goes). */
  at: number;
  open: boolean;
}

export interface SuspensionRegion {
  bankCode: string;
  bankName: string;
  scopes: string[];
  from: number;
  to: number;
  ongoing: boolean;
}

export interface Overview {
  window: VolumeWindow;
  generatedAt: Date;
  chargeMeasure: ChargeMeasure;
  kpis: {
    links: Measured;
    charges: Measured;
    chargedYen: Measured;
    deniedRegistrations: number;
    banksSpikingNow: number;
    spikingBanks: Array<{ code: string; name: string }>;
    activeSuspensions: number;
    scheduledSuspensions: number;
  };
  selectedBank: { code: string; name: string } | null;
  /**
   * The banks the charts draw one by one, in drawing order: every bank with an open spike first
   * (by deviation), then the largest deviations, at least `topBanks` in all. The same for both
   * charts, so one bank keeps one colour.
   */
  chartBanks: Array<{ code: string; name: string; spiking: boolean }>;
  linkChart: ChartData;
  chargeChart: ChartData;
  deniedSeries: Array<{ at: number; value: number }>;
  spikeMarkers: { links: SpikeMarker[]; charges: SpikeMarker[] };
  suspensionRegions: SuspensionRegion[];
  banks: BankRow[];
}

// ---------------------------------------------------------------------------------------------
// SQL

// Per bank, metric and sparkline group (g): one hash aggregate over the window's rows; the window
// totals are the sums of a bank's groups (every measure here adds up, or is a max). `ve` sums the
// value only where an expected level exists, so value and expected compare like for like while a
// baseline is learning; `s2` sums bandZ²·spread², for the spread of the window sum.
const BANK_TOTALS = {
  name: "volume.overview.bank-groups",
  text: `SELECT bank_code, metric::text AS metric,
                floor(extract(epoch FROM bucket_start - $3::timestamptz) / $5::float8)::int AS g,
                sum(value)::float8 AS v, sum(expected) AS e,
                sum(value) FILTER (WHERE expected IS NOT NULL)::float8 AS ve,
                sum(power(band_high - expected, 2)) AS s2, max(z_score) AS zmax
           FROM volume_bucket
          WHERE bucket_minutes = $1 AND metric = ANY($2::"VolumeMetric"[]) AND bucket_start >= $3 AND bucket_start <= $4
          GROUP BY 1, 2, 3`,
};

// Both charts in one scan: per bucket, the top banks of each chart's metric one by one and the rest
// together, and the selected bank's band.
const CHART_SERIES = {
  name: "volume.overview.chart-series",
  text: `SELECT metric::text AS metric, bucket_start,
                CASE WHEN metric = 'LINK_REGISTERED' AND bank_code = ANY($5::text[]) THEN bank_code
                     WHEN metric = $6::"VolumeMetric" AND bank_code = ANY($7::text[]) THEN bank_code
                     ELSE '' END AS grp,
                sum(value)::float8 AS v,
                max(expected) FILTER (WHERE bank_code = $8) AS e,
                max(band_low) FILTER (WHERE bank_code = $8) AS lo,
                max(band_high) FILTER (WHERE bank_code = $8) AS hi
           FROM volume_bucket
          WHERE bucket_minutes = $1 AND metric = ANY($2::"VolumeMetric"[]) AND bucket_start >= $3 AND bucket_start <= $4
          GROUP BY 1, 2, 3`,
};

const SPIKES_IN_WINDOW = {
  name: "volume.overview.spikes",
  text: `SELECT bank_code, metric::text AS metric, detector, started_at, ended_at
           FROM spike WHERE started_at <= $2 AND (ended_at IS NULL OR ended_at >= $1)
          ORDER BY started_at`,
};

// The banks the alarm lists (as the banner does): open and not acknowledged.
const ALARMING_BANKS = {
  name: "volume.overview.alarming",
  text: `SELECT DISTINCT bank_code FROM bank_alarm WHERE ended_at IS NULL AND acknowledged_at IS NULL`,
};

const SUSPENSIONS = {
  name: "volume.suspensions",
  text: `SELECT bank_code, scopes::text[] AS scopes, starts_at, lifted_at
           FROM suspension WHERE lifted_at IS NULL OR lifted_at >= $1
          ORDER BY starts_at`,
};

const BANKS = {
  name: "volume.banks",
  text: `SELECT code, name, name_kana, auth_method::text AS auth_method FROM bank ORDER BY code`,
};

// ---------------------------------------------------------------------------------------------

interface TotalsRow {
  bank_code: string;
  metric: VolumeMetric;
  g: number;
  v: number;
  e: number | null;
  ve: number | null;
  s2: number | null;
  zmax: number | null;
}

interface Agg {
  v: number;
  e: number | null;
  ve: number;
  s2: number;
  zmax: number | null;
}

export interface BankInfo {
  code: string;
  name: string;
  name_kana: string | null;
  auth_method: AuthMethod;
}

export function chargeMetricOf(measure: ChargeMeasure): VolumeMetric {
  return measure === "yen" ? "CHARGE_YEN" : "CHARGE_COUNT";
}

/** z of a window sum: (observed − expected) / spread of the sum; null while learning. */
function windowZ(a: Agg | undefined): number | null {
  if (!a || a.e === null || a.s2 <= 0) return null;
  const spread = Math.sqrt(a.s2) / DEFAULT_DETECTOR_PARAMS.bandZ;
  return (a.ve - a.e) / spread;
}

function measured(a: Agg | undefined): Measured {
  return { value: a?.v ?? 0, expected: a?.e ?? null };
}

function sumMeasured(list: Measured[]): Measured {
  let value = 0;
  let expected: number | null = null;
  for (const m of list) {
    value += m.value;
    if (m.expected !== null) expected = (expected ?? 0) + m.expected;
  }
  return { value, expected };
}

export function suspensionStatuses(rows: Array<{ bank_code: string; scopes: string[]; starts_at: Date; lifted_at: Date | null }>, now: Date): Map<string, SuspensionStatus> {
  const out = new Map<string, SuspensionStatus>();
  for (const r of rows) {
    if (r.lifted_at) continue;
    const state = r.starts_at.getTime() <= now.getTime() ? "ACTIVE" : "SCHEDULED";
    const prev = out.get(r.bank_code);
    if (!prev) {
      out.set(r.bank_code, { state, scopes: [...r.scopes], startsAt: r.starts_at });
      continue;
    }
    // One bank may have several (per scope); an active one wins over a scheduled one.
    if (state === "ACTIVE" && prev.state === "SCHEDULED") out.set(r.bank_code, { state, scopes: [...r.scopes], startsAt: r.starts_at });
    else if (state === prev.state) prev.scopes = [...new Set([...prev.scopes, ...r.scopes])];
  }
  return out;
}

export function suspensionRegions(
  rows: Array<{ bank_code: string; scopes: string[]; starts_at: Date; lifted_at: Date | null }>,
  w: VolumeWindow,
  bankNames: Map<string, string>,
): SuspensionRegion[] {
  const out: SuspensionRegion[] = [];
  for (const r of rows) {
    const from = Math.max(r.starts_at.getTime(), w.from.getTime());
    const to = Math.min(r.lifted_at?.getTime() ?? w.to.getTime(), w.to.getTime());
    if (to <= from) continue;
    out.push({ bankCode: r.bank_code, bankName: bankNames.get(r.bank_code) ?? r.bank_code, scopes: r.scopes, from, to, ongoing: !r.lifted_at });
  }
  return out;
}

export function windowOrThrow(input: Parameters<typeof resolveWindow>[0], now: Date): VolumeWindow {
  try {
    return resolveWindow(input, now);
  } catch (err) {
    if (err instanceof VolumeWindowError) throw new AppError("VALIDATION_FAILED", err.message, { details: { field: "range" } });
    throw err;
  }
}

const TOTAL_METRICS: readonly VolumeMetric[] = ["LINK_REGISTERED", "CHARGE_COUNT", "CHARGE_YEN", "REGISTRATION_DENIED"];

interface WindowTotals {
  /** `${bankCode}:${metric}` → window totals. */
  agg: Map<string, Agg>;
  /** `${bankCode}:${metric}` → SPARKLINE_POINTS group sums. */
  spark: Map<string, number[]>;
}

interface ChartRow {
  metric: VolumeMetric;
  at: number;
  /** A top bank's code, or "" for the rest. */
  grp: string;
  v: number;
  e: number | null;
  lo: number | null;
  hi: number | null;
}

async function sqlTotals(db: Database, w: VolumeWindow, groupMs: number): Promise<WindowTotals> {
  const totals = await db.pool.query<TotalsRow>({ ...BANK_TOTALS, values: [w.bucketMinutes, TOTAL_METRICS, w.from, w.to, groupMs / 1000] });
  const agg = new Map<string, Agg>();
  const spark = new Map<string, number[]>();
  for (const r of totals.rows) {
    const key = `${r.bank_code}:${r.metric}`;
    const a = agg.get(key);
    if (!a) {
      agg.set(key, { v: r.v, e: r.e, ve: r.ve ?? 0, s2: r.s2 ?? 0, zmax: r.zmax });
      spark.set(key, new Array(SPARKLINE_POINTS).fill(0));
    } else {
      a.v += r.v;
      if (r.e !== null) a.e = (a.e ?? 0) + r.e;
      a.ve += r.ve ?? 0;
      a.s2 += r.s2 ?? 0;
      if (r.zmax !== null && (a.zmax === null || r.zmax > a.zmax)) a.zmax = r.zmax;
    }
    if (r.g >= 0 && r.g < SPARKLINE_POINTS) spark.get(key)![r.g] = r.v;
  }
  return { agg, spark };
}

async function sqlChartRows(db: Database, w: VolumeWindow, c: ChartSelection): Promise<ChartRow[]> {
  const { rows } = await db.pool.query<{ metric: VolumeMetric; bucket_start: Date; grp: string; v: number; e: number | null; lo: number | null; hi: number | null }>({
    ...CHART_SERIES,
    values: [w.bucketMinutes, ["LINK_REGISTERED", c.chargeMetric, "REGISTRATION_DENIED"], w.from, w.to, c.linkTop, c.chargeMetric, c.chargeTop, c.selected],
  });
  return rows.map((r) => ({ metric: r.metric, at: r.bucket_start.getTime(), grp: r.grp, v: r.v, e: r.e, lo: r.lo, hi: r.hi }));
}

interface ChartSelection {
  chargeMetric: VolumeMetric;
  linkTop: string[];
  chargeTop: string[];
  selected: string | null;
}

/** Index range [first, last] of a snapshot series inside the window (empty when last < first). */
function windowRange(s: SeriesSnapshot, w: VolumeWindow): [number, number] {
  const first = Math.max(0, Math.ceil((w.from.getTime() - s.startMs) / s.bucketMs));
  const last = Math.min(s.values.length - 1, Math.floor((w.to.getTime() - s.startMs) / s.bucketMs));
  return [first, last];
}

/** The same totals as sqlTotals, from the detector's memory. */
function memoryTotals(snap: DetectionSnapshot, w: VolumeWindow, groupMs: number): WindowTotals {
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
function memoryChartRows(snap: DetectionSnapshot, w: VolumeWindow, c: ChartSelection): ChartRow[] {
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

export interface OverviewOptions {
  /**
   * Where window totals come from: SQL (the default, what the console is served), the detector's
   * memory, or memory when it holds the window (auto). The console is served from SQL because the
   * memory exists only in the one instance running detection, as of its last run: with several
   * instances, it would make the overview answer differently depending on which one is asked (#15).
   */
  source?: "auto" | "memory" | "sql";
}

/** The detector's memory answers when it is current (last run within a minute of `now`) and holds the window. */
function usableSnapshot(db: Database, w: VolumeWindow, now: Date): DetectionSnapshot | null {
  const snap = detectionSnapshot(db);
  if (!snap) return null;
  if (Math.abs(now.getTime() - snap.lastNowMs) > 60_000 + 5 * 60_000) return null;
  if (w.from.getTime() < snap.coverageFromMs[w.bucketMinutes]) return null;
  return snap;
}

export async function volumeOverview(db: Database, rawInput: z.input<typeof OverviewInput>, now = new Date(), opts: OverviewOptions = {}): Promise<Overview> {
  const input = OverviewInput.parse(rawInput);
  const w = windowOrThrow(input, now);
  const chargeMetric = chargeMetricOf(input.chargeMeasure);
  const buckets = windowBuckets(w);
  const bucketMs = w.bucketMinutes * 60_000;
  const groupMs = Math.ceil(buckets.length / SPARKLINE_POINTS) * bucketMs;
  const pool = db.pool;
  const source = opts.source ?? "sql";
  const snap = source === "sql" ? null : usableSnapshot(db, w, now);
  if (source === "memory" && !snap) throw new Error("the detector's memory does not hold this window");

  const [totals, spikes, suspensions, banks, alarming] = await Promise.all([
    snap ? memoryTotals(snap, w, groupMs) : sqlTotals(db, w, groupMs),
    pool.query<{ bank_code: string; metric: VolumeMetric; detector: string; started_at: Date; ended_at: Date | null }>({ ...SPIKES_IN_WINDOW, values: [w.from, w.to] }),
    pool.query<{ bank_code: string; scopes: string[]; starts_at: Date; lifted_at: Date | null }>({ ...SUSPENSIONS, values: [w.from] }),
    pool.query<BankInfo>(BANKS),
    pool.query<{ bank_code: string }>(ALARMING_BANKS),
  ]);
  const alarmingBanks = new Set(alarming.rows.map((r) => r.bank_code));
  const { agg, spark } = totals;

  const bankNames = new Map(banks.rows.map((b) => [b.code, b.name]));
  const statuses = suspensionStatuses(suspensions.rows, now);
  const openByBank = new Map<string, Set<VolumeMetric>>();
  const windowSpikes = new Map<string, number>();
  for (const s of spikes.rows) {
    if (!INCIDENT_METRICS.includes(s.metric)) continue;
    windowSpikes.set(s.bank_code, (windowSpikes.get(s.bank_code) ?? 0) + 1);
    if (!s.ended_at) {
      if (!openByBank.has(s.bank_code)) openByBank.set(s.bank_code, new Set());
      openByBank.get(s.bank_code)!.add(s.metric);
    }
  }

  const rows: BankRow[] = banks.rows.map((b) => {
    let best: BankRow["deviation"] = { z: null, ratio: null, metric: null, peakZ: null };
    let peakZ: number | null = null;
    for (const metric of ["LINK_REGISTERED", "CHARGE_COUNT", "CHARGE_YEN"] as const) {
      const a = agg.get(`${b.code}:${metric}`);
      const z = windowZ(a);
      if (z !== null && (best.z === null || z > best.z)) best = { z, ratio: a!.e! > 0 ? a!.ve / a!.e! : null, metric, peakZ: null };
      if (a?.zmax != null && (peakZ === null || a.zmax > peakZ)) peakZ = a.zmax;
    }
    best.peakZ = peakZ;
    const open = openByBank.get(b.code);
    return {
      code: b.code,
      name: b.name,
      nameKana: b.name_kana,
      authMethod: b.auth_method,
      links: measured(agg.get(`${b.code}:LINK_REGISTERED`)),
      charges: measured(agg.get(`${b.code}:CHARGE_COUNT`)),
      chargedYen: measured(agg.get(`${b.code}:CHARGE_YEN`)),
      deviation: best,
      spikingNow: alarmingBanks.has(b.code),
      openSpikeMetrics: open ? [...open] : [],
      spikesInWindow: windowSpikes.get(b.code) ?? 0,
      suspension: statuses.get(b.code) ?? { state: "NONE", scopes: [], startsAt: null },
      sparkLinks: spark.get(`${b.code}:LINK_REGISTERED`) ?? new Array(SPARKLINE_POINTS).fill(0),
      sparkCharges: spark.get(`${b.code}:${chargeMetric}`) ?? new Array(SPARKLINE_POINTS).fill(0),
    };
  });
  rows.sort(compareBankRows);

  const order = chartBankOrder(rows);
  // A spiking bank stays on a chart even with no volume of that metric (its flat line is news too).
  const pick = (metric: VolumeMetric) => chartBanksFor(order, input.topBanks, (code) => (agg.get(`${code}:${metric}`)?.v ?? 0) > 0);
  const linkTop = pick("LINK_REGISTERED");
  const chargeTop = pick(chargeMetric);
  const drawn = new Set([...linkTop, ...chargeTop]);
  const ranked = order.filter((r) => drawn.has(r.code));
  const spikingCodes = new Set(rows.filter((r) => r.spikingNow).map((r) => r.code));
  const selected = input.bank && bankNames.has(input.bank) ? input.bank : (rows[0]?.code ?? null);

  const selection: ChartSelection = { chargeMetric, linkTop, chargeTop, selected };
  const chartRows = snap ? memoryChartRows(snap, w, selection) : await sqlChartRows(db, w, selection);

  const linkChart = emptyChart("LINK_REGISTERED", linkTop, bankNames, buckets, spikingCodes);
  const chargeChart = emptyChart(chargeMetric, chargeTop, bankNames, buckets, spikingCodes);
  const denied = new Map<number, number>();
  const indexOf = new Map(buckets.map((t, i) => [t, i]));
  for (const r of chartRows) {
    const at = r.at;
    if (r.metric === "REGISTRATION_DENIED") {
      denied.set(at, (denied.get(at) ?? 0) + r.v);
      continue;
    }
    const target = r.metric === "LINK_REGISTERED" ? linkChart : chargeChart;
    const i = indexOf.get(at);
    if (i === undefined) continue;
    const p = target.points[i];
    const key = r.grp === "" ? OTHERS : `b${r.grp}`;
    p[key] = ((p[key] as number | null) ?? 0) + r.v;
    if (r.e !== null) {
      p.expected = r.e;
      p.band = [r.lo ?? 0, r.hi ?? r.e];
    }
  }
  for (const c of [linkChart, chargeChart]) {
    // Buckets without rows are zeros; keep "others" only when it has anything.
    for (const p of c.points) for (const s of c.series) p[s.key] ??= 0;
    if (!c.points.some((p) => (p[OTHERS] as number) > 0)) {
      c.series = c.series.filter((s) => s.key !== OTHERS);
      for (const p of c.points) delete p[OTHERS];
    }
  }

  const marker = (s: (typeof spikes.rows)[number]): SpikeMarker => ({
    bankCode: s.bank_code,
    bankName: bankNames.get(s.bank_code) ?? s.bank_code,
    metric: s.metric,
    detector: s.detector,
    startedAt: s.started_at,
    at: Math.max(w.from.getTime(), Math.floor(s.started_at.getTime() / bucketMs) * bucketMs),
    open: !s.ended_at,
  });
  const inWindow = spikes.rows.filter((s) => s.started_at.getTime() >= w.from.getTime());
  // "Spiking now" is one definition everywhere: an open, unacknowledged alarm (what the banner lists),
  // not an open per-series spike; the count is the list's length.
  const spikingBanks = rows.filter((r) => r.spikingNow).map((r) => ({ code: r.code, name: r.name }));
  const kpis = {
    links: sumMeasured(rows.map((r) => r.links)),
    charges: sumMeasured(rows.map((r) => r.charges)),
    chargedYen: sumMeasured(rows.map((r) => r.chargedYen)),
    deniedRegistrations: [...agg.entries()].filter(([k]) => k.endsWith(":REGISTRATION_DENIED")).reduce((sum, [, a]) => sum + a.v, 0),
    banksSpikingNow: spikingBanks.length,
    spikingBanks,
    activeSuspensions: [...statuses.values()].filter((s) => s.state === "ACTIVE").length,
    scheduledSuspensions: [...statuses.values()].filter((s) => s.state === "SCHEDULED").length,
  };

  return {
    window: w,
    generatedAt: now,
    chargeMeasure: input.chargeMeasure,
    kpis,
    selectedBank: selected ? { code: selected, name: bankNames.get(selected) ?? selected } : null,
    chartBanks: ranked.map((r) => ({ code: r.code, name: r.name, spiking: r.spikingNow })),
    linkChart,
    chargeChart,
    deniedSeries: buckets.map((at) => ({ at, value: denied.get(at) ?? 0 })),
    spikeMarkers: {
      links: onePerBank(inWindow.filter((s) => LINK_CHART_METRICS.includes(s.metric)).map(marker), new Set(linkTop)),
      charges: onePerBank(inWindow.filter((s) => s.metric === "CHARGE_COUNT" || s.metric === "CHARGE_YEN").map(marker), new Set(chargeTop)),
    },
    suspensionRegions: suspensionRegions(suspensions.rows, w, bankNames),
    banks: rows,
  };
}

/** Spiking banks first, then by deviation (largest first), then by code. */
export function compareBankRows(a: BankRow, b: BankRow): number {
  if (a.spikingNow !== b.spikingNow) return a.spikingNow ? -1 : 1;
  const za = a.deviation.z ?? -Infinity;
  const zb = b.deviation.z ?? -Infinity;
  if (za !== zb) return zb - za;
  return a.code.localeCompare(b.code);
}

/**
 * The order the charts draw banks in: every bank with an open spike (however small its window
 * deviation: at 7 d a spike of the last hour barely moves the week's total), by deviation, then the
 * others by deviation (learning banks last), then by code.
 */
export function chartBankOrder<R extends Pick<BankRow, "code" | "spikingNow" | "deviation">>(rows: R[]): R[] {
  const z = (r: R) => r.deviation.z ?? -Infinity;
  return [...rows].sort((a, b) => (a.spikingNow !== b.spikingNow ? (a.spikingNow ? -1 : 1) : z(b) - z(a) || a.code.localeCompare(b.code)));
}

/** One chart's banks: all spiking banks, then the next banks in `order` with volume, `topBanks` in all at least. */
export function chartBanksFor(order: Array<Pick<BankRow, "code" | "spikingNow">>, topBanks: number, hasVolume: (code: string) => boolean): string[] {
  const spiking = order.filter((r) => r.spikingNow).map((r) => r.code);
  const rest = order.filter((r) => !r.spikingNow && hasVolume(r.code)).map((r) => r.code);
  return [...spiking, ...rest.slice(0, Math.max(0, topBanks - spiking.length))];
}

/**
 * At most one "spike began" marker per bank, and only for banks the chart draws: where its open
 * spike began (the earliest open one), or else where its latest spike in the window began. Many
 * markers (a flapping spike, several metrics, small spikes at banks drawn as "others") hid the one
 * that matters.
 */
export function onePerBank(markers: SpikeMarker[], drawn: Set<string>): SpikeMarker[] {
  const best = new Map<string, SpikeMarker>();
  for (const m of markers) {
    if (!drawn.has(m.bankCode)) continue;
    const prev = best.get(m.bankCode);
    if (!prev) best.set(m.bankCode, m);
    else if (m.open !== prev.open) {
      if (m.open) best.set(m.bankCode, m);
    } else if (m.open ? m.at < prev.at : m.at > prev.at) best.set(m.bankCode, m);
  }
  return [...best.values()].sort((a, b) => a.at - b.at || a.bankCode.localeCompare(b.bankCode));
}

function emptyChart(metric: VolumeMetric, top: string[], names: Map<string, string>, buckets: number[], spiking: Set<string>): ChartData {
  const series: ChartSeries[] = top.map((code) => ({ key: `b${code}`, bankCode: code, label: `${names.get(code) ?? code} (${code})`, spiking: spiking.has(code) }));
  series.push({ key: OTHERS, bankCode: null, label: "All other banks", spiking: false });
  return { metric, series, points: buckets.map((at) => ({ at }) as ChartPoint) };
}


// The overview's reads from PostgreSQL: window totals and chart rows from volume_bucket (the rollups
// with the expected levels the detector stored, never the raw events), and the spikes, alarms,
// suspensions and banks beside them. Set-based, whatever the range.
import type { Database } from "../../db/client.ts";
import type { VolumeMetric } from "../../../shared/volume/index.ts";
import type { VolumeWindow } from "../../../shared/volume/schemas.ts";
import { SPARKLINE_POINTS, TOTAL_METRICS, type Agg, type BankInfo, type ChartRow, type ChartSelection, type WindowTotals } from "./overview-types.ts";

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

export async function sqlTotals(db: Database, w: VolumeWindow, groupMs: number): Promise<WindowTotals> {
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

export async function sqlChartRows(db: Database, w: VolumeWindow, c: ChartSelection): Promise<ChartRow[]> {
  const { rows } = await db.pool.query<{ metric: VolumeMetric; bucket_start: Date; grp: string; v: number; e: number | null; lo: number | null; hi: number | null }>({
    ...CHART_SERIES,
    values: [w.bucketMinutes, ["LINK_REGISTERED", c.chargeMetric, "REGISTRATION_DENIED"], w.from, w.to, c.linkTop, c.chargeMetric, c.chargeTop, c.selected],
  });
  return rows.map((r) => ({ metric: r.metric, at: r.bucket_start.getTime(), grp: r.grp, v: r.v, e: r.e, lo: r.lo, hi: r.hi }));
}

export interface SpikeRow {
  bank_code: string;
  metric: VolumeMetric;
  detector: string;
  started_at: Date;
  ended_at: Date | null;
}

export interface SuspensionRow {
  bank_code: string;
  scopes: string[];
  starts_at: Date;
  lifted_at: Date | null;
}

/** The spikes that overlap the window, the suspensions not lifted before it, every bank and the banks alarming now. */
export async function sqlWindowFacts(db: Database, w: VolumeWindow) {
  const pool = db.pool;
  const [spikes, suspensions, banks, alarming] = await Promise.all([
    pool.query<SpikeRow>({ ...SPIKES_IN_WINDOW, values: [w.from, w.to] }),
    pool.query<SuspensionRow>({ ...SUSPENSIONS, values: [w.from] }),
    pool.query<BankInfo>(BANKS),
    pool.query<{ bank_code: string }>(ALARMING_BANKS),
  ]);
  return { spikes: spikes.rows, suspensions: suspensions.rows, banks: banks.rows, alarmingBanks: new Set(alarming.rows.map((r) => r.bank_code)) };
}

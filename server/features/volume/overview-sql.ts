// The overview's reads from PostgreSQL: window totals and chart rows from volume_bucket (the rollups
// with the expected levels the detector stored, never the raw events), and the spikes, alarms,
// suspensions and banks beside them. Set-based, whatever the range.
import type pg from "pg";
import type { Database } from "../../db/client.ts";
import { empty, pgQuery, sql, type Sql } from "../../db/sql.ts";
import type { VolumeMetric } from "../../../shared/volume/index.ts";
import type { VolumeWindow } from "../../../shared/volume/schemas.ts";
import { SPARKLINE_POINTS, TOTAL_METRICS, type Agg, type BankInfo, type ChartRow, type ChartSelection, type WindowTotals } from "./overview-types.ts";

// Per bank, metric and sparkline group (g): one hash aggregate over the window's rows; the window
// totals are the sums of a bank's groups (every measure here adds up, or is a max). `ve` sums the
// value only where an expected level exists, so value and expected compare like for like while a
// baseline is learning; `s2` sums bandZ²·spread², for the spread of the window sum.
function bankTotals(w: VolumeWindow, groupMs: number): pg.QueryConfig {
  return pgQuery(
    sql`SELECT bank_code, metric::text AS metric,
               floor(extract(epoch FROM bucket_start - ${w.from}::timestamptz) / ${groupMs / 1000}::float8)::int AS g,
               sum(value)::float8 AS v, sum(expected) AS e,
               sum(value) FILTER (WHERE expected IS NOT NULL)::float8 AS ve,
               sum(power(band_high - expected, 2)) AS s2, max(z_score) AS zmax
          FROM volume_bucket
         WHERE ${inWindow(w, TOTAL_METRICS)}
         GROUP BY 1, 2, 3`,
    { name: "volume.overview.bank-groups" },
  );
}

function inWindow(w: VolumeWindow, metrics: readonly string[]): Sql {
  return sql`bucket_minutes = ${w.bucketMinutes} AND metric = ANY(${metrics}::"VolumeMetric"[]) AND bucket_start >= ${w.from} AND bucket_start <= ${w.to}`;
}

// Both charts in one scan: per bucket, the top banks of each chart's metric one by one and the rest
// together, and the selected bank's band.
function chartSeries(w: VolumeWindow, c: ChartSelection): pg.QueryConfig {
  const selected = sql`bank_code = ${c.selected}`;
  return pgQuery(
    sql`SELECT metric::text AS metric, bucket_start,
               CASE WHEN metric = 'LINK_REGISTERED' AND bank_code = ANY(${c.linkTop}::text[]) THEN bank_code
                    WHEN metric = ${c.chargeMetric}::"VolumeMetric" AND bank_code = ANY(${c.chargeTop}::text[]) THEN bank_code
                    ELSE '' END AS grp,
               sum(value)::float8 AS v,
               max(expected) FILTER (WHERE ${selected}) AS e,
               max(band_low) FILTER (WHERE ${selected}) AS lo,
               max(band_high) FILTER (WHERE ${selected}) AS hi
          FROM volume_bucket
         WHERE ${inWindow(w, ["LINK_REGISTERED", c.chargeMetric, "REGISTRATION_DENIED"])}
         GROUP BY 1, 2, 3`,
    { name: "volume.overview.chart-series" },
  );
}

const spikesInWindow = (w: VolumeWindow) =>
  pgQuery(
    sql`SELECT bank_code, metric::text AS metric, detector, started_at, ended_at
          FROM spike WHERE started_at <= ${w.to} AND (ended_at IS NULL OR ended_at >= ${w.from})
         ORDER BY started_at`,
    { name: "volume.overview.spikes" },
  );

// The banks the alarm lists (as the banner does): open and not acknowledged.
const ALARMING_BANKS = sql`SELECT DISTINCT bank_code FROM bank_alarm WHERE ended_at IS NULL AND acknowledged_at IS NULL`;

/** The suspensions not lifted before `from` (one bank's, or every bank's), oldest first: what suspension-status.ts reads. */
export function suspensionsSince(from: Date, bankCode?: string): Sql {
  const ofBank = bankCode === undefined ? empty : sql`bank_code = ${bankCode} AND `;
  return sql`SELECT bank_code, scopes::text[] AS scopes, starts_at, lifted_at
               FROM suspension WHERE ${ofBank}(lifted_at IS NULL OR lifted_at >= ${from})
              ORDER BY starts_at`;
}

const BANKS = sql`SELECT code, name, name_ja, auth_method::text AS auth_method FROM bank ORDER BY code`;

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
  const totals = await db.pool.query<TotalsRow>(bankTotals(w, groupMs));
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
  const { rows } = await db.pool.query<{ metric: VolumeMetric; bucket_start: Date; grp: string; v: number; e: number | null; lo: number | null; hi: number | null }>(
    chartSeries(w, c),
  );
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
    pool.query<SpikeRow>(spikesInWindow(w)),
    pool.query<SuspensionRow>(pgQuery(suspensionsSince(w.from), { name: "volume.suspensions" })),
    pool.query<BankInfo>(pgQuery(BANKS, { name: "volume.banks" })),
    pool.query<{ bank_code: string }>(pgQuery(ALARMING_BANKS, { name: "volume.overview.alarming" })),
  ]);
  return { spikes: spikes.rows, suspensions: suspensions.rows, banks: banks.rows, alarmingBanks: new Set(alarming.rows.map((r) => r.bank_code)) };
}

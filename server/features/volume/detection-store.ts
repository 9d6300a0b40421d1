// What detection reads from and writes to PostgreSQL: the series' extents, the stored values,
// expected levels and spikes at the first run, the recent values at later ones, and every run's
// buckets and spikes in one statement (see writeAll).
import type { Database } from "../../db/client.ts";
import type pg from "pg";
import { pgQuery, sql, type Sql } from "../../db/sql.ts";
import { withPoolTransaction } from "../../db/transaction.ts";
import { parseStoredDetector, storedDetector, type Spike, type VolumeMetric } from "../../../shared/volume/index.ts";
import type { Series } from "./detection-series.ts";

/** Rows per write statement (10 parameters each, sent as arrays). */
const WRITE_CHUNK_ROWS = 20_000;

// Per series (every bank × metric × bucket size): its first bucket up to `now`, and the last one
// detection evaluated (none when `fresh`). Index lookups on the primary key, one per series.
export function seriesMeta(now: Date, fresh: boolean, lanes: number[]): Sql {
  return sql`
  SELECT b.code AS bank_code, m.metric::text AS metric, z.minutes,
         (SELECT min(v.bucket_start) FROM volume_bucket v
           WHERE v.bank_code = b.code AND v.metric = m.metric AND v.bucket_minutes = z.minutes AND v.bucket_start <= ${now}) AS first_at,
         CASE WHEN ${fresh}::bool THEN NULL ELSE
           (SELECT max(v.bucket_start) FROM volume_bucket v
             WHERE v.bank_code = b.code AND v.metric = m.metric AND v.bucket_minutes = z.minutes AND v.bucket_start <= ${now}
               AND v.baseline_kind IS NOT NULL) END AS evaluated_at
    FROM bank b CROSS JOIN unnest(enum_range(NULL::"VolumeMetric")) AS m(metric)
         CROSS JOIN unnest(${lanes}::smallint[]) AS z(minutes)`;
}

// Zeros are implied (see detection.ts), so only buckets with events are read.
export function historyValues(from: Date, to: Date, lanes: number[]): pg.QueryArrayConfig {
  return pgQuery(
    sql`SELECT bank_code, metric::text, bucket_minutes, bucket_start, value FROM volume_bucket
         WHERE bucket_minutes = ANY(${lanes}::smallint[]) AND bucket_start >= ${from} AND bucket_start <= ${to} AND value > 0`,
    { rowMode: "array", name: "volume.history-values" },
  );
}

// From `from5` in the 5-minute lane and from `from60` in the hourly one, up to `to`: two index ranges.
export function recentValues(from5: Date, from60: Date, to: Date): pg.QueryArrayConfig {
  return pgQuery(
    sql`SELECT bank_code, metric::text, bucket_minutes, bucket_start, value FROM volume_bucket
         WHERE (bucket_minutes = 5 AND bucket_start >= ${from5} AND bucket_start <= ${to})
            OR (bucket_minutes = 60 AND bucket_start >= ${from60} AND bucket_start <= ${to})
         ORDER BY bucket_start`,
    { rowMode: "array", name: "volume.recent-values" },
  );
}

// What earlier runs stored, for the windows the overview serves from memory: hourly rows from
// `from60` (OVERVIEW_HOURLY_DAYS), 5-minute rows from `from5` (OVERVIEW_FIVE_MINUTE_DAYS), up to
// `to`. band_high − expected is bandZ · spread (see detect).
export function storedExpected(from60: Date, from5: Date, to: Date): pg.QueryArrayConfig {
  return pgQuery(
    sql`SELECT bank_code, metric::text, bucket_minutes, bucket_start, expected, band_high - expected FROM volume_bucket
         WHERE expected IS NOT NULL AND bucket_start <= ${to}
           AND ((bucket_minutes = 60 AND bucket_start >= ${from60}) OR (bucket_minutes = 5 AND bucket_start >= ${from5}))`,
    { rowMode: "array", name: "volume.stored-expected" },
  );
}

export function storedSpikes(endedAfter: Date): pg.QueryArrayConfig {
  return pgQuery(
    sql`SELECT bank_code, metric::text, detector, started_at, peak_at, peak_value, peak_expected, severity, last_seen_at, ended_at
          FROM spike WHERE ended_at IS NULL OR ended_at > ${endedAfter}`,
    { rowMode: "array" },
  );
}

export type SpikeRow = [string, string, string, Date, Date, number, number, number, Date, Date | null];

export function spikeFromRow(r: SpikeRow): Spike {
  const { kind, bucketMinutes } = parseStoredDetector(r[2]);
  return {
    bankCode: r[0],
    metric: r[1] as VolumeMetric,
    detector: kind,
    bucketMinutes,
    startedAt: r[3],
    peakAt: r[4],
    peakValue: r[5],
    peakExpected: r[6],
    severity: r[7],
    lastSeenAt: r[8],
    endedAt: r[9],
  };
}

export type ValueRow = [string, string, number, Date, number];

export class RowBuffer {
  bankCode: string[] = [];
  metric: string[] = [];
  minutes: number[] = [];
  at: string[] = [];
  value: number[] = [];
  expected: (number | null)[] = [];
  bandLow: (number | null)[] = [];
  bandHigh: (number | null)[] = [];
  z: (number | null)[] = [];
  kind: string[] = [];
  get length() {
    return this.bankCode.length;
  }
  push(s: Series, atMs: number, value: number, r: { expected: number | null; bandLow: number | null; bandHigh: number | null; z: number | null; baselineKind: string }) {
    this.bankCode.push(s.bankCode);
    this.metric.push(s.metric);
    this.minutes.push(s.bucketMinutes);
    this.at.push(new Date(atMs).toISOString());
    this.value.push(value);
    this.expected.push(finiteOrNull(r.expected));
    this.bandLow.push(finiteOrNull(r.bandLow));
    this.bandHigh.push(finiteOrNull(r.bandHigh));
    this.z.push(finiteOrNull(r.z));
    this.kind.push(r.baselineKind);
  }
  slice(from: number, to: number): unknown[] {
    return [this.bankCode, this.metric, this.minutes, this.at, this.value, this.expected, this.bandLow, this.bandHigh, this.z, this.kind].map((a) => a.slice(from, to));
  }
}

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

// Detection never changes `value` of an existing row (ingestion owns it); a new row is a bucket
// without events. Sorted by the primary key, like ingestion's rollup upsert, so the two cannot deadlock.
// `b` is RowBuffer.slice(): ten parallel arrays.
function writeBuckets(b: unknown[]): Sql {
  return sql`INSERT INTO volume_bucket (bank_code, metric, bucket_minutes, bucket_start, value, expected, band_low, band_high, z_score, baseline_kind)
         SELECT * FROM unnest(${b[0]}::text[], ${b[1]}::"VolumeMetric"[], ${b[2]}::smallint[], ${b[3]}::timestamptz[], ${b[4]}::bigint[],
                              ${b[5]}::float8[], ${b[6]}::float8[], ${b[7]}::float8[], ${b[8]}::float8[], ${b[9]}::text[])
         ORDER BY 1, 2, 3, 4
         ON CONFLICT (bank_code, metric, bucket_minutes, bucket_start) DO UPDATE
           SET expected = EXCLUDED.expected, band_low = EXCLUDED.band_low, band_high = EXCLUDED.band_high,
               z_score = EXCLUDED.z_score, baseline_kind = EXCLUDED.baseline_kind`;
}

// `a`: ten parallel arrays (see writeResults).
function upsertSpikes(a: unknown[]): Sql {
  return sql`INSERT INTO spike (bank_code, metric, detector, started_at, peak_at, peak_value, peak_expected, severity, last_seen_at, ended_at)
         SELECT * FROM unnest(${a[0]}::text[], ${a[1]}::"VolumeMetric"[], ${a[2]}::text[], ${a[3]}::timestamptz[], ${a[4]}::timestamptz[],
                              ${a[5]}::float8[], ${a[6]}::float8[], ${a[7]}::float8[], ${a[8]}::timestamptz[], ${a[9]}::timestamptz[])
         ON CONFLICT (bank_code, metric, detector, started_at) DO UPDATE
           SET peak_at = EXCLUDED.peak_at, peak_value = EXCLUDED.peak_value, peak_expected = EXCLUDED.peak_expected,
               severity = EXCLUDED.severity, last_seen_at = EXCLUDED.last_seen_at, ended_at = EXCLUDED.ended_at`;
}

// Everything one run writes, in one statement (one round trip, atomic): buckets, spikes upserted,
// spikes a re-run no longer finds deleted (none of them upserted by the same statement).
// Detection's rows are derived data (a lost commit is recomputed by the next run from the stored
// volumes), so the commit does not wait for the WAL flush.
function writeAll(buckets: unknown[], spikes: unknown[], d: SpikeDeletes): Sql {
  return sql`WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)),
         buckets AS (${writeBuckets(buckets)} RETURNING 1),
         spikes AS (${upsertSpikes(spikes)} RETURNING 1),
         gone AS (
           DELETE FROM spike s USING unnest(${d.bankCode}::text[], ${d.metric}::"VolumeMetric"[], ${d.detector}::text[], ${d.since}::timestamptz[]) AS d(bank_code, metric, detector, since)
            WHERE s.bank_code = d.bank_code AND s.metric = d.metric AND s.detector = d.detector AND s.started_at >= d.since
              AND NOT EXISTS (SELECT 1 FROM unnest(${spikes[0]}::text[], ${spikes[1]}::"VolumeMetric"[], ${spikes[2]}::text[], ${spikes[3]}::timestamptz[]) AS k(bank_code, metric, detector, started_at)
                               WHERE k.bank_code = s.bank_code AND k.metric = s.metric AND k.detector = s.detector AND k.started_at = s.started_at)
           RETURNING 1)
       SELECT (SELECT count(*) FROM async_commit) AS c, (SELECT count(*) FROM buckets) AS b, (SELECT count(*) FROM spikes) AS s, (SELECT count(*) FROM gone) AS g`;
}

export const spikeId = (s: Spike) => `${s.bankCode}:${s.metric}:${storedDetector(s.detector, s.bucketMinutes)}:${s.startedAt.getTime()}`;

export interface SpikeDeletes {
  bankCode: string[];
  metric: string[];
  detector: string[];
  since: string[];
}

/**
 * Buckets, spikes and the deletes of spikes a re-run no longer finds, atomically. A run for a new
 * bucket (one chunk of rows) is one statement; the backfill's many chunks share one transaction.
 */
export async function writeResults(db: Database, rows: RowBuffer, spikeList: Spike[], deletes: SpikeDeletes): Promise<void> {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const spikeArrays = [
    spikeList.map((s) => s.bankCode),
    spikeList.map((s) => s.metric),
    spikeList.map((s) => storedDetector(s.detector, s.bucketMinutes)),
    spikeList.map((s) => iso(s.startedAt)),
    spikeList.map((s) => iso(s.peakAt)),
    spikeList.map((s) => s.peakValue),
    spikeList.map((s) => s.peakExpected),
    spikeList.map((s) => s.severity),
    spikeList.map((s) => iso(s.lastSeenAt)),
    spikeList.map((s) => iso(s.endedAt)),
  ];
  const lastFrom = Math.max(0, Math.floor((rows.length - 1) / WRITE_CHUNK_ROWS) * WRITE_CHUNK_ROWS);
  const all = pgQuery(writeAll(rows.slice(lastFrom, rows.length), spikeArrays, deletes), { name: "volume.write-all" });
  if (lastFrom === 0) {
    await db.pool.query(all);
    return;
  }
  await withPoolTransaction(
    db.pool,
    async (client) => {
      for (let from = 0; from < lastFrom; from += WRITE_CHUNK_ROWS) {
        await client.query(pgQuery(writeBuckets(rows.slice(from, from + WRITE_CHUNK_ROWS)), { name: "volume.write-buckets" }));
      }
      await client.query(all);
    },
    { settings: { synchronous_commit: "off" } },
  );
}

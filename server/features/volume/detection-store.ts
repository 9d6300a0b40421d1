// What detection reads from and writes to PostgreSQL: the series' extents, the stored values,
// expected levels and spikes at the first run, the recent values at later ones, and every run's
// buckets and spikes in one statement (see WRITE_ALL).
import type { Database } from "../../db/client.ts";
import { withPoolTransaction } from "../../db/transaction.ts";
import { parseStoredDetector, storedDetector, type Spike, type VolumeMetric } from "../../../shared/volume/index.ts";
import type { Series } from "./detection-series.ts";

/** Rows per write statement (10 parameters each, sent as arrays). */
const WRITE_CHUNK_ROWS = 20_000;

// Per series (every bank × metric × bucket size): its first bucket, and the last one detection
// evaluated. Index lookups on the primary key, one per series.
export const SERIES_META = `
  SELECT b.code AS bank_code, m.metric::text AS metric, z.minutes,
         (SELECT min(v.bucket_start) FROM volume_bucket v
           WHERE v.bank_code = b.code AND v.metric = m.metric AND v.bucket_minutes = z.minutes AND v.bucket_start <= $1) AS first_at,
         CASE WHEN $2::bool THEN NULL ELSE
           (SELECT max(v.bucket_start) FROM volume_bucket v
             WHERE v.bank_code = b.code AND v.metric = m.metric AND v.bucket_minutes = z.minutes AND v.bucket_start <= $1
               AND v.baseline_kind IS NOT NULL) END AS evaluated_at
    FROM bank b CROSS JOIN unnest(enum_range(NULL::"VolumeMetric")) AS m(metric)
         CROSS JOIN unnest($3::smallint[]) AS z(minutes)`;

// Zeros are implied (see detection.ts), so only buckets with events are read.
export const HISTORY_VALUES = {
  name: "volume.history-values",
  text: `SELECT bank_code, metric::text, bucket_minutes, bucket_start, value FROM volume_bucket
          WHERE bucket_minutes = ANY($3::smallint[]) AND bucket_start >= $1 AND bucket_start <= $2 AND value > 0`,
};

// From $1 in the 5-minute lane and from $2 in the hourly one, up to $3: two index ranges.
export const RECENT_VALUES = {
  name: "volume.recent-values",
  text: `SELECT bank_code, metric::text, bucket_minutes, bucket_start, value FROM volume_bucket
          WHERE (bucket_minutes = 5 AND bucket_start >= $1 AND bucket_start <= $3)
             OR (bucket_minutes = 60 AND bucket_start >= $2 AND bucket_start <= $3)
          ORDER BY bucket_start`,
};

// What earlier runs stored, for the windows the overview serves from memory: hourly rows for
// OVERVIEW_HOURLY_DAYS, 5-minute rows for OVERVIEW_FIVE_MINUTE_DAYS. band_high − expected is
// bandZ · spread (see detect).
export const STORED_EXPECTED = {
  name: "volume.stored-expected",
  text: `SELECT bank_code, metric::text, bucket_minutes, bucket_start, expected, band_high - expected FROM volume_bucket
          WHERE expected IS NOT NULL AND bucket_start <= $3
            AND ((bucket_minutes = 60 AND bucket_start >= $1) OR (bucket_minutes = 5 AND bucket_start >= $2))`,
};

export const STORED_SPIKES = `
  SELECT bank_code, metric::text, detector, started_at, peak_at, peak_value, peak_expected, severity, last_seen_at, ended_at
    FROM spike WHERE ended_at IS NULL OR ended_at > $1`;

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
const WRITE_BUCKETS = {
  name: "volume.write-buckets",
  text: `INSERT INTO volume_bucket (bank_code, metric, bucket_minutes, bucket_start, value, expected, band_low, band_high, z_score, baseline_kind)
         SELECT * FROM unnest($1::text[], $2::"VolumeMetric"[], $3::smallint[], $4::timestamptz[], $5::bigint[],
                              $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::text[])
         ORDER BY 1, 2, 3, 4
         ON CONFLICT (bank_code, metric, bucket_minutes, bucket_start) DO UPDATE
           SET expected = EXCLUDED.expected, band_low = EXCLUDED.band_low, band_high = EXCLUDED.band_high,
               z_score = EXCLUDED.z_score, baseline_kind = EXCLUDED.baseline_kind`,
};

const UPSERT_SPIKES = {
  name: "volume.upsert-spikes",
  text: `INSERT INTO spike (bank_code, metric, detector, started_at, peak_at, peak_value, peak_expected, severity, last_seen_at, ended_at)
         SELECT * FROM unnest($1::text[], $2::"VolumeMetric"[], $3::text[], $4::timestamptz[], $5::timestamptz[],
                              $6::float8[], $7::float8[], $8::float8[], $9::timestamptz[], $10::timestamptz[])
         ON CONFLICT (bank_code, metric, detector, started_at) DO UPDATE
           SET peak_at = EXCLUDED.peak_at, peak_value = EXCLUDED.peak_value, peak_expected = EXCLUDED.peak_expected,
               severity = EXCLUDED.severity, last_seen_at = EXCLUDED.last_seen_at, ended_at = EXCLUDED.ended_at`,
};

// Everything one run writes, in one statement (one round trip, atomic): buckets ($1-$10), spikes
// upserted ($11-$20), spikes a re-run no longer finds deleted ($21-$24, none of them upserted by
// the same statement). Detection's rows are derived data (a lost commit is recomputed by the next
// run from the stored volumes), so the commit does not wait for the WAL flush.
const WRITE_ALL = {
  name: "volume.write-all",
  text: `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)),
         buckets AS (${WRITE_BUCKETS.text} RETURNING 1),
         spikes AS (${UPSERT_SPIKES.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 10}`)} RETURNING 1),
         gone AS (
           DELETE FROM spike s USING unnest($21::text[], $22::"VolumeMetric"[], $23::text[], $24::timestamptz[]) AS d(bank_code, metric, detector, since)
            WHERE s.bank_code = d.bank_code AND s.metric = d.metric AND s.detector = d.detector AND s.started_at >= d.since
              AND NOT EXISTS (SELECT 1 FROM unnest($11::text[], $12::"VolumeMetric"[], $13::text[], $14::timestamptz[]) AS k(bank_code, metric, detector, started_at)
                               WHERE k.bank_code = s.bank_code AND k.metric = s.metric AND k.detector = s.detector AND k.started_at = s.started_at)
           RETURNING 1)
       SELECT (SELECT count(*) FROM async_commit) AS c, (SELECT count(*) FROM buckets) AS b, (SELECT count(*) FROM spikes) AS s, (SELECT count(*) FROM gone) AS g`,
};

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
  const all = { ...WRITE_ALL, values: [...rows.slice(lastFrom, rows.length), ...spikeArrays, deletes.bankCode, deletes.metric, deletes.detector, deletes.since] };
  if (lastFrom === 0) {
    await db.pool.query(all);
    return;
  }
  await withPoolTransaction(
    db.pool,
    async (client) => {
      for (let from = 0; from < lastFrom; from += WRITE_CHUNK_ROWS) {
        await client.query({ ...WRITE_BUCKETS, values: rows.slice(from, from + WRITE_CHUNK_ROWS) });
      }
      await client.query(all);
    },
    { settings: { synchronous_commit: "off" } },
  );
}

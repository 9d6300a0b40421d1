// One bank's page: its series with the expected band, its spikes, its recent links and charges
// (masked account numbers) and its suspension status (its policy violations are shown by the
// suspension panel). Read from the rollups, the spike table and indexed recent rows; nothing is
// recomputed per request.
import type { Database } from "../../db/client.ts";
import { pgQuery, query, sql } from "../../db/sql.ts";
import { AppError } from "../../../shared/errors.ts";
import { maskAccountNumber } from "../../../shared/format.ts";
import { detectorLabel, type BaselineKind, type VolumeMetric } from "../../../shared/volume/index.ts";
import type { AlarmEvidence, AlarmReason } from "../../../shared/volume/alarm.ts";
import { BankVolumeInput, windowBuckets } from "../../../shared/volume/schemas.ts";
import type { AuthMethod, SuspensionRegion, SuspensionStatus } from "./overview-types.ts";
import { suspensionRegions, suspensionStatuses } from "./suspension-status.ts";
import { windowOrThrow } from "./window.ts";
import { suspensionsSince, type SuspensionRow } from "./overview-sql.ts";
import type { z } from "zod";

export const RECENT_ROWS_MAX = 25;
export const BANK_SPIKES_MAX = 200;
const BANK_METRICS: readonly VolumeMetric[] = ["LINK_REGISTERED", "LINK_CHANGED", "CHARGE_COUNT", "CHARGE_YEN", "REGISTRATION_DENIED"];

export interface BankSeriesPoint {
  at: number;
  value: number;
  expected: number | null;
  band: [number, number] | null;
}

export interface BankSeries {
  metric: VolumeMetric;
  points: BankSeriesPoint[];
  /** Baseline of the newest bucket: LEARNING means no expected level yet. */
  latestBaseline: BaselineKind | null;
  total: number;
  expectedTotal: number | null;
}

export interface BankSpike {
  metric: VolumeMetric;
  detector: string;
  detectorLabel: string;
  startedAt: Date;
  peakAt: Date;
  peakValue: number;
  peakExpected: number;
  severity: number;
  lastSeenAt: Date;
  endedAt: Date | null;
}

export interface BankAlarmRow {
  id: string;
  evidence: AlarmEvidence;
  /** The figures behind it (worded by the console). */
  reasons: AlarmReason[];
  startedAt: Date;
  confirmedAt: Date;
  impactYenPerHour: number;
  lastSeenAt: Date;
  endedAt: Date | null;
  acknowledged: { at: Date; by: string; reason: string } | null;
}

export interface BankVolume {
  bank: { code: string; name: string; nameJa: string | null; authMethod: AuthMethod };
  window: ReturnType<typeof windowOrThrow>;
  generatedAt: Date;
  series: BankSeries[];
  /** true when any of the link/charge series has no expected level for its newest bucket. */
  learning: boolean;
  spikes: BankSpike[];
  /** The bank's alarms (what the banner lists) overlapping the window, newest first, acknowledged ones marked. */
  alarms: BankAlarmRow[];
  recentLinks: Array<{ id: string; accountId: string; branchCode: string; accountNumberMasked: string; holderName: string; authMethod: string; registeredAt: Date; status: string }>;
  recentCharges: Array<{ id: string; accountId: string; linkId: string; branchCode: string; accountNumberMasked: string; amountYen: number; occurredAt: Date }>;
  suspension: SuspensionStatus;
  suspensionRegions: SuspensionRegion[];
}

export async function bankVolume(db: Database, rawInput: z.input<typeof BankVolumeInput>, now = new Date()): Promise<BankVolume> {
  const input = BankVolumeInput.parse(rawInput);
  const w = windowOrThrow(input, now);
  const pool = db.pool;
  const code = input.bankCode;
  const [bank, series, spikes, alarms, links, charges, suspensions] = await Promise.all([
    query<{ code: string; name: string; name_ja: string | null; auth_method: AuthMethod }>(
      pool,
      sql`SELECT code, name, name_ja, auth_method::text AS auth_method FROM bank WHERE code = ${code}`,
    ),
    pool.query<{ metric: VolumeMetric; bucket_start: Date; v: number; expected: number | null; band_low: number | null; band_high: number | null; baseline_kind: BaselineKind | null }>(
      pgQuery(
        sql`SELECT metric::text AS metric, bucket_start, value::float8 AS v, expected, band_low, band_high, baseline_kind
              FROM volume_bucket
             WHERE bank_code = ${code} AND bucket_minutes = ${w.bucketMinutes} AND bucket_start >= ${w.from} AND bucket_start <= ${w.to}
             ORDER BY metric, bucket_start`,
        { name: "volume.bank.series" },
      ),
    ),
    query<{ metric: VolumeMetric; detector: string; started_at: Date; peak_at: Date; peak_value: number; peak_expected: number; severity: number; last_seen_at: Date; ended_at: Date | null }>(
      pool,
      sql`SELECT metric::text AS metric, detector, started_at, peak_at, peak_value, peak_expected, severity, last_seen_at, ended_at
            FROM spike WHERE bank_code = ${code} AND started_at <= ${w.to} AND (ended_at IS NULL OR ended_at >= ${w.from})
           ORDER BY started_at DESC LIMIT ${BANK_SPIKES_MAX}`,
    ),
    query<{ id: string; evidence: AlarmEvidence; reasons: AlarmReason[]; started_at: Date; confirmed_at: Date; impact: number; last_seen_at: Date; ended_at: Date | null; ack_at: Date | null; ack_by: string | null; ack_reason: string | null }>(
      pool,
      sql`SELECT a.id::text, a.evidence, a.reasons, a.started_at, a.confirmed_at, a.impact_yen_per_hour AS impact, a.last_seen_at, a.ended_at,
                 a.acknowledged_at AS ack_at, s.name AS ack_by, a.acknowledge_reason AS ack_reason
            FROM bank_alarm a LEFT JOIN staff_user s ON s.id = a.acknowledged_by_id
           WHERE a.bank_code = ${code} AND a.started_at <= ${w.to} AND (a.ended_at IS NULL OR a.ended_at >= ${w.from})
           ORDER BY a.started_at DESC LIMIT ${BANK_SPIKES_MAX}`,
    ),
    query<{ id: string; account_id: string; branch_code: string; account_number: string; holder_name: string; auth_method: string; registered_at: Date; status: string }>(
      pool,
      sql`SELECT id, account_id, branch_code, account_number, holder_name, auth_method::text AS auth_method, registered_at, status::text AS status
            FROM bank_link WHERE bank_code = ${code} ORDER BY registered_at DESC, id DESC LIMIT ${RECENT_ROWS_MAX}`,
    ),
    query<{ id: string; account_id: string; link_id: string; branch_code: string; account_number: string; amount_yen: number; occurred_at: Date }>(
      pool,
      sql`SELECT id, account_id, link_id, branch_code, account_number, amount_yen, occurred_at
            FROM charge WHERE bank_code = ${code} ORDER BY occurred_at DESC, id DESC LIMIT ${RECENT_ROWS_MAX}`,
    ),
    query<SuspensionRow>(pool, suspensionsSince(w.from, code)),
  ]);
  const b = bank.rows[0];
  if (!b) throw new AppError("NOT_FOUND", `There is no bank with code ${code}.`);

  const buckets = windowBuckets(w);
  const index = new Map(buckets.map((t, i) => [t, i]));
  const byMetric = new Map<VolumeMetric, BankSeries>();
  for (const metric of BANK_METRICS) {
    byMetric.set(metric, {
      metric,
      points: buckets.map((at) => ({ at, value: 0, expected: null, band: null })),
      latestBaseline: null,
      total: 0,
      expectedTotal: null,
    });
  }
  for (const r of series.rows) {
    const s = byMetric.get(r.metric);
    const i = index.get(r.bucket_start.getTime());
    if (!s || i === undefined) continue;
    s.points[i] = { at: r.bucket_start.getTime(), value: r.v, expected: r.expected, band: r.expected === null ? null : [r.band_low ?? 0, r.band_high ?? r.expected] };
    s.total += r.v;
    if (r.expected !== null) s.expectedTotal = (s.expectedTotal ?? 0) + r.expected;
    s.latestBaseline = (r.baseline_kind as BaselineKind | null) ?? s.latestBaseline;
  }
  const list = [...byMetric.values()];
  const bankNames = new Map([[b.code, b.name]]);
  return {
    bank: { code: b.code, name: b.name, nameJa: b.name_ja, authMethod: b.auth_method },
    window: w,
    generatedAt: now,
    series: list,
    learning: list
      .filter((s) => s.metric === "LINK_REGISTERED" || s.metric === "CHARGE_COUNT")
      .some((s) => s.latestBaseline === null || s.latestBaseline === "LEARNING"),
    spikes: spikes.rows.map((s) => ({
      metric: s.metric,
      detector: s.detector,
      detectorLabel: detectorLabel(s.detector),
      startedAt: s.started_at,
      peakAt: s.peak_at,
      peakValue: s.peak_value,
      peakExpected: s.peak_expected,
      severity: s.severity,
      lastSeenAt: s.last_seen_at,
      endedAt: s.ended_at,
    })),
    alarms: alarms.rows.map((a) => ({
      id: a.id,
      evidence: a.evidence,
      reasons: a.reasons,
      startedAt: a.started_at,
      confirmedAt: a.confirmed_at,
      impactYenPerHour: a.impact,
      lastSeenAt: a.last_seen_at,
      endedAt: a.ended_at,
      acknowledged: a.ack_at ? { at: a.ack_at, by: a.ack_by ?? "", reason: a.ack_reason ?? "" } : null,
    })),
    recentLinks: links.rows.map((l) => ({
      id: l.id,
      accountId: l.account_id,
      branchCode: l.branch_code,
      accountNumberMasked: maskAccountNumber(l.account_number),
      holderName: l.holder_name,
      authMethod: l.auth_method,
      registeredAt: l.registered_at,
      status: l.status,
    })),
    recentCharges: charges.rows.map((c) => ({
      id: c.id,
      accountId: c.account_id,
      linkId: c.link_id,
      branchCode: c.branch_code,
      accountNumberMasked: maskAccountNumber(c.account_number),
      amountYen: c.amount_yen,
      occurredAt: c.occurred_at,
    })),
    suspension: suspensionStatuses(suspensions.rows, now).get(code) ?? { state: "NONE", scopes: [], startsAt: null },
    suspensionRegions: suspensionRegions(suspensions.rows, w, bankNames),
  };
}

export interface OpenSpikeBank {
  bankCode: string;
  bankName: string;
  /** The bank's Japanese name, when the reference data has one (the console in Japanese shows it). */
  bankNameJa: string | null;
  /** What the alarm saw (shared/volume/alarm.ts ALARM_EVIDENCE_LABELS keys). */
  evidence: AlarmEvidence[];
  /** Measures with an open per-series spike at the bank (context; may be empty). */
  metrics: VolumeMetric[];
  since: Date;
  /** Estimated excess harm, yen per hour: ranks the banks. */
  severity: number;
}

const OPEN_SPIKE_METRICS: VolumeMetric[] = ["LINK_REGISTERED", "LINK_CHANGED", "CHARGE_COUNT", "CHARGE_YEN"];

/**
 * Banks with an open, unacknowledged alarm (the incident banner), most severe first. The alarm
 * (shared/volume/alarm.ts, run by detection) decides; per-series spikes alone do not list a bank.
 */
export async function openSpikes(db: Database): Promise<OpenSpikeBank[]> {
  const { rows } = await query<{ bank_code: string; name: string; name_ja: string | null; evidence: AlarmEvidence[]; metrics: VolumeMetric[] | null; since: Date; severity: number }>(
    db.pool,
    sql`SELECT a.bank_code, b.name, b.name_ja, array_agg(DISTINCT a.evidence::text) AS evidence,
            (SELECT array_agg(DISTINCT s.metric::text) FROM spike s
              WHERE s.bank_code = a.bank_code AND s.ended_at IS NULL AND s.metric = ANY(${OPEN_SPIKE_METRICS}::"VolumeMetric"[])) AS metrics,
            min(a.started_at) AS since, max(a.impact_yen_per_hour) AS severity
       FROM bank_alarm a JOIN bank b ON b.code = a.bank_code
      WHERE a.ended_at IS NULL AND a.acknowledged_at IS NULL
      GROUP BY a.bank_code, b.name, b.name_ja
      ORDER BY max(a.impact_yen_per_hour) DESC, a.bank_code`,
  );
  return rows.map((r) => ({ bankCode: r.bank_code, bankName: r.name, bankNameJa: r.name_ja, evidence: r.evidence, metrics: r.metrics ?? [], since: r.since, severity: r.severity }));
}

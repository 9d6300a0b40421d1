// Suspension reads for the console: the list, the banks with their suspended scopes, one bank's
// page and the overview's active suspensions. Raw SQL on a pg pool (aggregates stay in the database);
// the state of a suspension is the rule's SQL twin (suspensionStateSql).
import type pg from "pg";
import { suspensionStateRankSql, suspensionStateSql } from "../../db/rules-sql.ts";
import { empty, rows, sql, type Sql } from "../../db/sql.ts";
import type { SuspensionState } from "../../../shared/suspensions/rules.ts";
import { suspensionError } from "../../../shared/suspensions/errors.ts";
import type { SuspensionScope } from "../../../shared/suspensions/schemas.ts";

export type { SuspensionState };

export interface SuspensionRow {
  id: string;
  bankCode: string;
  bankName: string;
  scopes: SuspensionScope[];
  startsAt: Date;
  cutoffAt: Date;
  quarantine: boolean;
  reason: string;
  createdAt: Date;
  createdBy: string | null;
  liftedAt: Date | null;
  liftedBy: string | null;
  liftReason: string | null;
  /** #17: when it ends by itself, when it is due for review, and whether the ending job ended it. */
  endsAt: Date | null;
  reviewAt: Date | null;
  ended: boolean;
  state: SuspensionState;
  /** Links this suspension quarantined that are still waiting for review. */
  quarantinedCount: number;
}

/** Suspensions (of one bank when `bankCode` is given): in force first, then scheduled, then history; newest first within each. */
function suspensionRows(pool: pg.Pool, bankCode?: string): Promise<SuspensionRow[]> {
  const byBank: Sql = bankCode ? sql`WHERE s.bank_code = ${bankCode}` : empty;
  return rows<SuspensionRow>(pool, sql`
    SELECT s.id, s.bank_code AS "bankCode", b.name AS "bankName", s.scopes::text[] AS scopes,
           s.starts_at AS "startsAt", s.cutoff_at AS "cutoffAt", s.quarantine, s.reason,
           s.created_at AS "createdAt", cu.email AS "createdBy",
           s.lifted_at AS "liftedAt", lu.email AS "liftedBy", s.lift_reason AS "liftReason",
           s.ends_at AS "endsAt", s.review_at AS "reviewAt", s.ended,
           ${suspensionStateSql()} AS state,
           coalesce(q.n, 0)::int AS "quarantinedCount"
    FROM suspension s
    JOIN bank b ON b.code = s.bank_code
    LEFT JOIN staff_user cu ON cu.id = s.created_by_id
    LEFT JOIN staff_user lu ON lu.id = s.lifted_by_id
    LEFT JOIN (SELECT quarantine_suspension_id AS sid, count(*) AS n FROM bank_link
               WHERE status = 'QUARANTINED' GROUP BY 1) q ON q.sid = s.id::text
    ${byBank}
    ORDER BY ${suspensionStateRankSql()}, s.starts_at DESC, s.created_at DESC`);
}

export function listSuspensions(pool: pg.Pool): Promise<SuspensionRow[]> {
  return suspensionRows(pool);
}

export interface BankSummary {
  code: string;
  name: string;
  /** The bank's Japanese name when the reference data has one (the console in Japanese shows it). */
  nameJa: string | null;
  authMethod: string;
  /** Scopes with an active or scheduled suspension. */
  suspendedScopes: SuspensionScope[];
}

/** Every bank with the scopes it is suspended for: the multi-select in the suspend dialog. */
export function listBanks(pool: pg.Pool): Promise<BankSummary[]> {
  return rows<BankSummary>(pool, sql`
    SELECT b.code, b.name, b.name_ja AS "nameJa", b.auth_method AS "authMethod",
           coalesce(array_agg(a.scope::text ORDER BY a.scope) FILTER (WHERE a.scope IS NOT NULL), '{}') AS "suspendedScopes"
    FROM bank b LEFT JOIN suspension_active_scope a ON a.bank_code = b.code
    GROUP BY b.code ORDER BY b.code`);
}

export async function suspensionsForBank(pool: pg.Pool, bankCode: string) {
  const [bank] = await rows<{ code: string; name: string; authMethod: string }>(pool, sql`SELECT code, name, auth_method AS "authMethod" FROM bank WHERE code = ${bankCode}`);
  if (!bank) throw suspensionError("UNKNOWN_BANK", `There is no bank with code ${bankCode}.`);
  const [suspensions, violations, [counts]] = await Promise.all([
    suspensionRows(pool, bankCode),
    rows<{ id: number; eventId: string; kind: string; suspensionId: string | null; detail: unknown; occurredAt: Date; recordedAt: Date }>(pool, sql`
      SELECT id, event_id AS "eventId", kind, suspension_id AS "suspensionId", detail, occurred_at AS "occurredAt", recorded_at AS "recordedAt"
      FROM policy_violation WHERE bank_code = ${bankCode} ORDER BY occurred_at DESC, id DESC LIMIT 50`),
    rows<{ violationCount: number; quarantinedCount: number }>(pool, sql`
      SELECT (SELECT count(*)::int FROM policy_violation WHERE bank_code = ${bankCode}) AS "violationCount",
             (SELECT count(*)::int FROM bank_link WHERE bank_code = ${bankCode} AND status = 'QUARANTINED') AS "quarantinedCount"`),
  ]);
  return {
    bank,
    current: suspensions.filter((s) => s.state !== "LIFTED"),
    history: suspensions,
    violations,
    violationCount: counts.violationCount,
    quarantinedCount: counts.quarantinedCount,
  };
}

/** Active and scheduled suspensions per bank, for the overview's table and chart shading. */
export async function activeByBank(pool: pg.Pool) {
  const found = await rows<{
    bankCode: string;
    bankName: string;
    suspensions: Array<{ id: string; scopes: SuspensionScope[]; startsAt: string; cutoffAt: string; quarantine: boolean; state: "ACTIVE" | "SCHEDULED"; endsAt: string | null }>;
  }>(pool, sql`
    SELECT s.bank_code AS "bankCode", b.name AS "bankName",
           json_agg(json_build_object('id', s.id, 'scopes', s.scopes, 'startsAt', s.starts_at, 'cutoffAt', s.cutoff_at,
                    'quarantine', s.quarantine, 'state', ${suspensionStateSql()}, 'endsAt', s.ends_at)
                    ORDER BY s.starts_at) AS suspensions
    FROM suspension s JOIN bank b ON b.code = s.bank_code
    WHERE s.lifted_at IS NULL
    GROUP BY s.bank_code, b.name ORDER BY s.bank_code`);
  return found.map((r) => ({
    ...r,
    suspensions: r.suspensions.map((s) => ({ ...s, startsAt: new Date(s.startsAt), cutoffAt: new Date(s.cutoffAt), endsAt: s.endsAt ? new Date(s.endsAt) : null })),
  }));
}

// What the console shows of proposed actions: the pending ones of every bank (the incident banner)
// and a bank's recent ones (its page), each with the scopes the bank is already suspended for.
import type pg from "pg";
import { rows, sql, type Sql } from "../../db/sql.ts";
import { coveredScopes } from "../../../shared/proposals/rules.ts";
import type { ProposalPreviewFigures, ProposalStatus, ProposalView } from "../../../shared/proposals/schemas.ts";
import type { SuspensionScope } from "../../../shared/suspensions/schemas.ts";
import type { ProposalCutoffBasis } from "../../../shared/proposals/rules.ts";

interface Row {
  id: string;
  bank_code: string;
  bank_name: string;
  bank_name_ja: string | null;
  status: ProposalStatus;
  incident_started_at: Date;
  incident_ended_at: Date | null;
  trigger_metric: string;
  trigger_severity: number;
  auth_method: string;
  threshold: number;
  scopes: SuspensionScope[];
  cutoff_at: Date;
  cutoff_basis: ProposalCutoffBasis;
  preview: ProposalPreviewFigures;
  created_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  decision_reason: string | null;
  suspension_ids: string[];
  now: Date;
}

async function list(pool: pg.Pool, where: Sql, limit: number): Promise<ProposalView[]> {
  const found = await rows<Row>(pool, sql`
    SELECT p.id::text, p.bank_code, b.name AS bank_name, b.name_ja AS bank_name_ja, p.status, p.incident_started_at, p.incident_ended_at,
           p.trigger_metric::text AS trigger_metric, p.trigger_severity, p.auth_method::text AS auth_method, p.threshold,
           p.scopes::text[] AS scopes, p.cutoff_at, p.cutoff_basis, p.preview, p.created_at, p.decided_at, u.name AS decided_by,
           p.decision_reason, p.suspension_ids::text[] AS suspension_ids, date_trunc('milliseconds', now()) AS now
      FROM action_proposal p JOIN bank b ON b.code = p.bank_code LEFT JOIN staff_user u ON u.id = p.decided_by_id
     WHERE ${where}
     ORDER BY p.created_at DESC LIMIT ${limit}`);
  if (found.length === 0) return [];
  const banks = [...new Set(found.map((r) => r.bank_code))];
  const suspensions = await rows<{ bank_code: string; scopes: SuspensionScope[]; lifted_at: Date | null }>(pool, sql`
    SELECT bank_code, scopes::text[] AS scopes, lifted_at FROM suspension
     WHERE bank_code = ANY(${banks}::bpchar[]) AND (lifted_at IS NULL OR lifted_at > now())`);
  return found.map((r) => ({
    id: r.id,
    bankCode: r.bank_code,
    bankName: r.bank_name,
    bankNameJa: r.bank_name_ja,
    status: r.status,
    incidentStartedAt: r.incident_started_at,
    incidentEndedAt: r.incident_ended_at,
    triggerMetric: r.trigger_metric,
    triggerSeverity: r.trigger_severity,
    authMethod: r.auth_method,
    threshold: r.threshold,
    scopes: r.scopes,
    cutoffAt: r.cutoff_at,
    cutoffBasis: r.cutoff_basis,
    preview: r.preview,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
    decisionReason: r.decision_reason,
    suspensionIds: r.suspension_ids,
    coveredScopes: coveredScopes(
      r.scopes,
      suspensions.filter((s) => s.bank_code === r.bank_code).map((s) => ({ scopes: s.scopes, liftedAt: s.lifted_at })),
      r.now,
    ),
  }));
}

/** Every bank's proposals awaiting a decision, newest first. */
export function openProposals(pool: pg.Pool): Promise<ProposalView[]> {
  return list(pool, sql`p.status = 'PENDING'`, 100);
}

/** A bank's proposals: pending ones and the last decided ones. */
export function proposalsForBank(pool: pg.Pool, bankCode: string): Promise<ProposalView[]> {
  return list(pool, sql`p.bank_code = ${bankCode}`, 10);
}

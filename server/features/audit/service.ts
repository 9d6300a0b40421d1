// Reading the audit log: filtered, keyset-paginated lists, CSV export and a bank's incident timeline.
//
// Who sees what: every staff role reads the whole log. In an incident the log is the shared record
// of who decided what (an analyst needs to see who suspended a bank, support who approved a case),
// and it holds no secrets (passwords, tokens and key secrets are never written to it). Personal data
// is limited instead: account numbers are masked for everyone (the payout export is the one place a
// task needs them), and staff IP addresses are shown to ADMIN only (needed for security reviews, not
// for incident work).
import type pg from "pg";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { rows, sql } from "../../db/sql.ts";
import type { Role } from "../../../shared/auth/roles.ts";
import { AppError } from "../../../shared/errors.ts";
import { csvFileName } from "../../../shared/csv.ts";
import { formatCount, formatJst, formatYen } from "../../../shared/format.ts";
import { proposalStepDetail, proposalStepFacts } from "../../../shared/proposals/rules.ts";
import type { SuspensionScope } from "../../../shared/suspensions/schemas.ts";
import { METRIC_LABELS } from "../../../shared/volume/types.ts";
import { auditRowsToCsv, maskFreeText, maskPersonalData } from "../../../shared/audit/present.ts";
import {
  AUDIT_EXPORT_ROWS_MAX,
  TIMELINE_AUDIT_ROWS_MAX,
  type AuditFilters,
  type AuditRowView,
  type BankTimeline,
  type TimelineEntry,
  type TimelineKind,
} from "../../../shared/audit/schemas.ts";

function whereOf(f: AuditFilters): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput = {};
  if (f.actor) where.actorEmail = { contains: f.actor, mode: "insensitive" };
  if (f.action) where.action = f.action.endsWith(".") ? { startsWith: f.action } : f.action;
  if (f.targetType) where.targetType = f.targetType;
  if (f.targetId) where.targetId = f.targetId;
  if (f.from || f.to) where.at = { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) };
  if (f.q) where.reason = { contains: f.q, mode: "insensitive" };
  return where;
}

type AuditEventRow = Awaited<ReturnType<PrismaClient["auditEvent"]["findMany"]>>[number];

function toView(r: AuditEventRow, viewerRole: Role): AuditRowView {
  return {
    id: Number(r.id),
    at: r.at,
    actorEmail: r.actorEmail,
    actorRole: r.actorRole,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    reason: maskFreeText(r.reason),
    before: maskPersonalData(r.before),
    after: maskPersonalData(r.after),
    requestId: r.requestId,
    ipAddress: viewerRole === "ADMIN" ? r.ipAddress : null,
    hash: r.hash,
  };
}

export async function listAudit(db: PrismaClient, viewerRole: Role, input: AuditFilters & { cursor?: number; limit: number }) {
  const where = whereOf(input);
  if (input.cursor) where.id = { lt: BigInt(input.cursor) };
  const rows = await db.auditEvent.findMany({ where, orderBy: { id: "desc" }, take: input.limit + 1 });
  const page = rows.slice(0, input.limit).map((r) => toView(r, viewerRole));
  return { rows: page, nextCursor: rows.length > input.limit ? page[page.length - 1].id : null };
}

export async function exportAuditCsv(db: PrismaClient, viewerRole: Role, filters: AuditFilters) {
  const rows = await db.auditEvent.findMany({ where: whereOf(filters), orderBy: { id: "desc" }, take: AUDIT_EXPORT_ROWS_MAX + 1 });
  const truncated = rows.length > AUDIT_EXPORT_ROWS_MAX;
  const csv = auditRowsToCsv(rows.slice(0, AUDIT_EXPORT_ROWS_MAX).map((r) => toView(r, viewerRole)));
  return { fileName: csvFileName("audit", new Date()), csv, rowCount: Math.min(rows.length, AUDIT_EXPORT_ROWS_MAX), truncated };
}

function kindOfAudit(targetType: string, action: string): TimelineKind {
  if (targetType === "link") return "QUARANTINE";
  if (targetType === "case" || action.startsWith("compensation.")) return "COMPENSATION";
  if (action.startsWith("suspension.")) return "SUSPENSION";
  if (action.startsWith("proposal.")) return "PROPOSAL";
  return "OTHER";
}

function titleOfAudit(action: string, targetType: string, targetId: string): string {
  const words = action.replace(/^[a-z]+\./, "").replace(/([A-Z])/g, " $1").toLowerCase();
  const subject = action.split(".")[0];
  const target = targetType === "bank" ? "" : ` ${targetType} ${targetId.length > 12 ? targetId.slice(0, 8) + "…" : targetId}`;
  return `${subject[0].toUpperCase()}${subject.slice(1)}: ${words}${target}`;
}

/**
 * A bank's incident timeline: spikes detected at the bank, and every audited action on the bank
 * itself (suspensions), on links at the bank (quarantine reviews) and on compensation cases for its
 * victims; plus compensation totals by state. Three set-based statements.
 */
export async function bankTimeline(db: PrismaClient, pool: pg.Pool, bankCode: string): Promise<BankTimeline> {
  const bank = await db.bank.findUnique({ where: { code: bankCode }, select: { code: true, name: true } });
  if (!bank) throw new AppError("NOT_FOUND", `There is no bank with code ${bankCode}.`);
  const [audit, spikes, compensation] = await Promise.all([
    rows<{ id: string; at: Date; actor_email: string; action: string; target_type: string; target_id: string; reason: string | null; proposal_id: string | null }>(pool, sql`
      SELECT id::text, at, actor_email, action, target_type, target_id, reason,
             CASE WHEN action LIKE 'proposal.%' THEN after->>'proposalId' END AS proposal_id FROM audit_event
      WHERE (target_type = 'bank' AND target_id = ${bankCode})
         OR (target_type = 'link' AND target_id IN (SELECT id FROM bank_link WHERE bank_code = ${bankCode}))
         OR (target_type = 'case' AND target_id IN (SELECT id::text FROM compensation_case WHERE bank_code = ${bankCode}))
      ORDER BY id DESC LIMIT ${TIMELINE_AUDIT_ROWS_MAX + 1}`),
    rows<{ metric: string; detector: string; started_at: Date; ended_at: Date | null; peak_at: Date; peak_value: number; peak_expected: number; severity: number }>(pool, sql`
      SELECT metric::text, detector, started_at, ended_at, peak_at, peak_value, peak_expected, severity FROM spike
      WHERE bank_code = ${bankCode} ORDER BY started_at DESC LIMIT 200`),
    rows<{ state: string; case_count: number; total_yen: number }>(pool, sql`
      SELECT state::text, count(*)::int AS case_count, COALESCE(sum(total_yen), 0)::bigint AS total_yen FROM compensation_case
      WHERE bank_code = ${bankCode} GROUP BY state ORDER BY state`),
  ]);
  const entries: TimelineEntry[] = [];
  for (const s of spikes) {
    const metric = (METRIC_LABELS as Record<string, string>)[s.metric]?.toLowerCase() ?? s.metric.toLowerCase().replace(/_/g, " ");
    // Yen amounts as ¥ with separators, counts with separators (shared/format.ts).
    const amount = (n: number) => (s.metric === "CHARGE_YEN" ? formatYen(Math.round(n)) : formatCount(Math.round(n)));
    entries.push({
      at: s.started_at,
      kind: "SPIKE_STARTED",
      title: `Spike began: ${metric}`,
      detail: `${s.detector}; peak ${amount(s.peak_value)} against ${amount(s.peak_expected)} expected (z ${s.severity.toFixed(1)})`,
      actor: null,
      auditId: null,
      spike: { metric: s.metric, detector: s.detector, peak: Math.round(s.peak_value), expected: Math.round(s.peak_expected), severity: s.severity },
    });
    if (s.ended_at) {
      entries.push({ at: s.ended_at, kind: "SPIKE_ENDED", title: `Spike ended: ${metric}`, detail: null, actor: null, auditId: null, spike: { metric: s.metric, detector: s.detector, peak: Math.round(s.peak_value), expected: Math.round(s.peak_expected), severity: s.severity } });
    }
  }
  // Proposed actions (#17): each step with the minutes from the spike's start and from the proposal.
  const proposalIds = [...new Set(audit.map((a) => a.proposal_id).filter((id): id is string => id !== null && /^[0-9a-f-]{36}$/i.test(id)))];
  const proposals = new Map(
    (proposalIds.length === 0
      ? []
      : await rows<{ id: string; incident_started_at: Date; created_at: Date; decided_at: Date | null; status: "PENDING" | "CONFIRMED" | "DISMISSED"; scopes: SuspensionScope[]; cutoff_at: Date }>(pool, sql`
          SELECT id::text, incident_started_at, created_at, decided_at, status, scopes::text[] AS scopes, cutoff_at FROM action_proposal WHERE id = ANY(${proposalIds}::uuid[])`)
    ).map((p) => [p.id, { id: p.id, incidentStartedAt: p.incident_started_at, createdAt: p.created_at, decidedAt: p.decided_at, status: p.status, scopes: p.scopes, cutoffAt: p.cutoff_at }]),
  );
  for (const a of audit.slice(0, TIMELINE_AUDIT_ROWS_MAX)) {
    const proposal = a.proposal_id ? proposals.get(a.proposal_id) : undefined;
    if (proposal) {
      const facts = proposalStepFacts(a.action === "proposal.create" ? "create" : "decision", proposal);
      entries.push({
        at: a.at,
        kind: "PROPOSAL",
        title: titleOfAudit(a.action, a.target_type, a.target_id),
        detail: proposalStepDetail(facts, a.action === "proposal.create" ? null : maskFreeText(a.reason), formatJst),
        actor: a.actor_email,
        auditId: Number(a.id),
        action: a.action,
        target: { type: a.target_type, id: a.target_id },
        proposal: facts,
      });
      continue;
    }
    entries.push({
      at: a.at,
      kind: kindOfAudit(a.target_type, a.action),
      title: titleOfAudit(a.action, a.target_type, a.target_id),
      detail: maskFreeText(a.reason),
      actor: a.actor_email,
      auditId: Number(a.id),
      action: a.action,
      target: { type: a.target_type, id: a.target_id },
    });
  }
  entries.sort((x, y) => y.at.getTime() - x.at.getTime() || (y.auditId ?? 0) - (x.auditId ?? 0));
  const totals = compensation.map((c) => ({ state: c.state, caseCount: c.case_count, totalYen: Number(c.total_yen) }));
  return { bankCode: bank.code, bankName: bank.name, entries, compensation: totals, truncated: audit.length > TIMELINE_AUDIT_ROWS_MAX };
}

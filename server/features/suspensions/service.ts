// Suspensions for staff: suspend (one or many banks, all or none), lift, preview the impact, and
// review quarantined links. Every mutation writes its audit rows in the same transaction as the
// change. Reads are raw SQL on the pool (aggregates over a bank's links stay in the database).
import type pg from "pg";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";
import { enqueueLinksQuarantinedNow, enqueueWebhookEvent, enqueueWebhookEvents } from "../webhooks/outbox.ts";
import { linksReviewedEvents, suspensionCreatedEvents, suspensionLiftedEvent } from "../webhooks/events.ts";
import { AppError } from "../../../shared/errors.ts";
import { formatJst, maskAccountNumber } from "../../../shared/format.ts";
import { DEFAULT_FLAG_THRESHOLD } from "../../../shared/accounts/rules.ts";
import { planSuspensions, type SuspensionLike } from "../../../shared/suspensions/rules.ts";
import { suspensionError } from "../../../shared/suspensions/errors.ts";
import { suggestCutoff, type AlarmStart } from "../../../shared/suspensions/suggest.ts";
import type {
  LiftInput,
  QuarantineActionInput,
  QuarantineListInput,
  SuspendInput,
  SuspensionPreviewInput,
  SuspensionScope,
} from "../../../shared/suspensions/schemas.ts";

export type SuspensionState = "ACTIVE" | "SCHEDULED" | "LIFTED";

/** A staff member acting; suspensions record who created and lifted them. */
export type StaffActor = Actor & { id: string };

// An account is "flagged" for the preview and the queue when analysis scored it at or above the
// flag threshold, or an analyst confirmed it as fraud, unless an analyst marked it legitimate: the
// one definition of a fraudulent wallet (shared/compensation/fraud.ts isFraudulentWallet, which
// compensation's FRAUD_WALLET_SQL and the flagged-accounts API follow too).
const FLAGGED = `((a.risk_score >= ${DEFAULT_FLAG_THRESHOLD} OR a.review_label = 'CONFIRMED_FRAUD') AND a.review_label IS DISTINCT FROM 'LEGITIMATE')`;

/** Database time, truncated like the timestamptz(3) columns; the decision API uses the same clock. */
async function dbNow(tx: Tx): Promise<Date> {
  const rows = await tx.$queryRaw<{ now: Date }[]>`SELECT date_trunc('milliseconds', now()) AS now`;
  return rows[0].now;
}

// --- Reads --------------------------------------------------------------------------------------

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
  state: SuspensionState;
  /** Links this suspension quarantined that are still waiting for review. */
  quarantinedCount: number;
}

const SUSPENSION_SELECT = `
  SELECT s.id, s.bank_code AS "bankCode", b.name AS "bankName", s.scopes::text[] AS scopes,
         s.starts_at AS "startsAt", s.cutoff_at AS "cutoffAt", s.quarantine, s.reason,
         s.created_at AS "createdAt", cu.email AS "createdBy",
         s.lifted_at AS "liftedAt", lu.email AS "liftedBy", s.lift_reason AS "liftReason",
         CASE WHEN s.lifted_at IS NOT NULL THEN 'LIFTED' WHEN s.starts_at > now() THEN 'SCHEDULED' ELSE 'ACTIVE' END AS state,
         coalesce(q.n, 0)::int AS "quarantinedCount"
  FROM suspension s
  JOIN bank b ON b.code = s.bank_code
  LEFT JOIN staff_user cu ON cu.id = s.created_by_id
  LEFT JOIN staff_user lu ON lu.id = s.lifted_by_id
  LEFT JOIN (SELECT quarantine_suspension_id AS sid, count(*) AS n FROM bank_link
             WHERE status = 'QUARANTINED' GROUP BY 1) q ON q.sid = s.id::text`;

// In force first, then scheduled, then history; newest first within each.
const SUSPENSION_ORDER = `ORDER BY CASE WHEN s.lifted_at IS NOT NULL THEN 2 WHEN s.starts_at > now() THEN 1 ELSE 0 END, s.starts_at DESC, s.created_at DESC`;

export async function listSuspensions(pool: pg.Pool): Promise<SuspensionRow[]> {
  const { rows } = await pool.query<SuspensionRow>(`${SUSPENSION_SELECT} ${SUSPENSION_ORDER}`);
  return rows;
}

export interface BankSummary {
  code: string;
  name: string;
  authMethod: string;
  /** Scopes with an active or scheduled suspension. */
  suspendedScopes: SuspensionScope[];
}

/** Every bank with the scopes it is suspended for: the multi-select in the suspend dialog. */
export async function listBanks(pool: pg.Pool): Promise<BankSummary[]> {
  const { rows } = await pool.query<BankSummary>(
    `SELECT b.code, b.name, b.auth_method AS "authMethod",
            coalesce(array_agg(a.scope::text ORDER BY a.scope) FILTER (WHERE a.scope IS NOT NULL), '{}') AS "suspendedScopes"
     FROM bank b LEFT JOIN suspension_active_scope a ON a.bank_code = b.code
     GROUP BY b.code ORDER BY b.code`,
  );
  return rows;
}

export async function suspensionsForBank(pool: pg.Pool, bankCode: string) {
  const bank = await pool.query<{ code: string; name: string; authMethod: string }>(
    `SELECT code, name, auth_method AS "authMethod" FROM bank WHERE code = $1`,
    [bankCode],
  );
  if (!bank.rows[0]) throw suspensionError("UNKNOWN_BANK", `There is no bank with code ${bankCode}.`);
  const [suspensions, violations, counts] = await Promise.all([
    pool.query<SuspensionRow>(`${SUSPENSION_SELECT} WHERE s.bank_code = $1 ${SUSPENSION_ORDER}`, [bankCode]),
    pool.query<{ id: number; eventId: string; kind: string; suspensionId: string | null; detail: unknown; occurredAt: Date; recordedAt: Date }>(
      `SELECT id, event_id AS "eventId", kind, suspension_id AS "suspensionId", detail, occurred_at AS "occurredAt", recorded_at AS "recordedAt"
       FROM policy_violation WHERE bank_code = $1 ORDER BY occurred_at DESC, id DESC LIMIT 50`,
      [bankCode],
    ),
    pool.query<{ violationCount: number; quarantinedCount: number }>(
      `SELECT (SELECT count(*)::int FROM policy_violation WHERE bank_code = $1) AS "violationCount",
              (SELECT count(*)::int FROM bank_link WHERE bank_code = $1 AND status = 'QUARANTINED') AS "quarantinedCount"`,
      [bankCode],
    ),
  ]);
  const current = suspensions.rows.filter((s) => s.state !== "LIFTED");
  return {
    bank: bank.rows[0],
    current,
    history: suspensions.rows,
    violations: violations.rows,
    violationCount: counts.rows[0].violationCount,
    quarantinedCount: counts.rows[0].quarantinedCount,
  };
}

/** Active and scheduled suspensions per bank, for the overview's table and chart shading. */
export async function activeByBank(pool: pg.Pool) {
  const { rows } = await pool.query<{
    bankCode: string;
    bankName: string;
    suspensions: Array<{ id: string; scopes: SuspensionScope[]; startsAt: string; cutoffAt: string; quarantine: boolean; state: "ACTIVE" | "SCHEDULED" }>;
  }>(
    `SELECT s.bank_code AS "bankCode", b.name AS "bankName",
            json_agg(json_build_object('id', s.id, 'scopes', s.scopes, 'startsAt', s.starts_at, 'cutoffAt', s.cutoff_at,
                     'quarantine', s.quarantine, 'state', CASE WHEN s.starts_at > now() THEN 'SCHEDULED' ELSE 'ACTIVE' END)
                     ORDER BY s.starts_at) AS suspensions
     FROM suspension s JOIN bank b ON b.code = s.bank_code
     WHERE s.lifted_at IS NULL
     GROUP BY s.bank_code, b.name ORDER BY s.bank_code`,
  );
  return rows.map((r) => ({
    ...r,
    suspensions: r.suspensions.map((s) => ({ ...s, startsAt: new Date(s.startsAt), cutoffAt: new Date(s.cutoffAt) })),
  }));
}

// --- Preview ------------------------------------------------------------------------------------

export interface BankImpact {
  bankCode: string;
  bankName: string;
  /** Links not revoked. */
  totalLinks: number;
  /** ACTIVE links linked before the cutoff: they keep working. */
  grandfathered: number;
  flaggedGrandfathered: number;
  /** ACTIVE links linked at or after the cutoff. Quarantined when quarantine is on. */
  afterCutoff: number;
  flaggedAfterCutoff: number;
  /** Already quarantined by an earlier suspension. */
  alreadyQuarantined: number;
  /** New link registrations in the last 60 minutes (volume_bucket LINK_REGISTERED). */
  registrationsLastHour: number;
}

export async function previewSuspension(pool: pg.Pool, input: SuspensionPreviewInput) {
  const nowRows = await pool.query<{ now: Date }>(`SELECT date_trunc('milliseconds', now()) AS now`);
  const now = nowRows.rows[0].now;
  const existing = await pool.query<SuspensionLike>(
    `SELECT id, bank_code AS "bankCode", scopes::text[] AS scopes, starts_at AS "startsAt", cutoff_at AS "cutoffAt", quarantine, lifted_at AS "liftedAt"
     FROM suspension WHERE bank_code = ANY($1::bpchar[]) AND lifted_at IS NULL`,
    [input.bankCodes],
  );
  const plan = planSuspensions({ ...input, reason: "preview" }, existing.rows, now);
  if (!plan.ok && plan.code === "CUTOFF_AFTER_START") {
    throw suspensionError("CUTOFF_AFTER_START", "The cutoff must not be later than the start.", { field: "cutoffAt" });
  }
  const startsAt = new Date(Math.max((input.startsAt ?? now).getTime(), now.getTime()));
  const cutoffAt = input.cutoffAt ?? startsAt;
  const quarantine = input.quarantine ?? cutoffAt.getTime() < startsAt.getTime();

  const { rows } = await pool.query<BankImpact>(
    `WITH links AS (
       SELECT l.bank_code, l.status, coalesce(l.changed_at, l.registered_at) AS since, ${FLAGGED} AS flagged
       FROM bank_link l JOIN wallet_account a ON a.id = l.account_id
       WHERE l.bank_code = ANY($1::bpchar[]) AND l.status <> 'REVOKED'
     ), regs AS (
       SELECT bank_code, sum(value) AS n FROM volume_bucket
       WHERE bank_code = ANY($1::bpchar[]) AND metric = 'LINK_REGISTERED' AND bucket_minutes = 5
         AND bucket_start > now() - interval '60 minutes' AND bucket_start <= now()
       GROUP BY bank_code
     )
     SELECT b.code AS "bankCode", b.name AS "bankName",
            count(l.bank_code)::int AS "totalLinks",
            count(*) FILTER (WHERE l.status = 'ACTIVE' AND l.since < $2)::int AS grandfathered,
            count(*) FILTER (WHERE l.status = 'ACTIVE' AND l.since < $2 AND l.flagged)::int AS "flaggedGrandfathered",
            count(*) FILTER (WHERE l.status = 'ACTIVE' AND l.since >= $2)::int AS "afterCutoff",
            count(*) FILTER (WHERE l.status = 'ACTIVE' AND l.since >= $2 AND l.flagged)::int AS "flaggedAfterCutoff",
            count(*) FILTER (WHERE l.status = 'QUARANTINED')::int AS "alreadyQuarantined",
            coalesce(max(r.n), 0)::int AS "registrationsLastHour"
     FROM bank b
     LEFT JOIN links l ON l.bank_code = b.code
     LEFT JOIN regs r ON r.bank_code = b.code
     WHERE b.code = ANY($1::bpchar[])
     GROUP BY b.code, b.name ORDER BY b.code`,
    [input.bankCodes, cutoffAt],
  );
  const missing = input.bankCodes.filter((c) => !rows.some((r) => r.bankCode === c));
  if (missing.length) throw suspensionError("UNKNOWN_BANK", `There is no bank with code ${missing.join(", ")}.`, { bankCodes: missing });
  // The banks' alarms (bank_alarm: what the banner and the bank page show), open or ended within two
  // days: the suggested cutoff reaches back to the first of them (shared/suspensions/suggest.ts).
  const alarms = await pool.query<AlarmStart>(
    `SELECT started_at AS "startedAt", ended_at AS "endedAt", acknowledged_at IS NOT NULL AS acknowledged FROM bank_alarm
     WHERE bank_code = ANY($1::bpchar[]) AND (ended_at IS NULL OR ended_at > $2::timestamptz - interval '48 hours')`,
    [input.bankCodes, now],
  );
  const suggestion = suggestCutoff(alarms.rows, now);

  const refusesRegistrations = input.scopes.includes("REGISTRATION");
  const banks = rows.map((r) => ({
    ...r,
    toQuarantine: quarantine ? r.afterCutoff : 0,
    flaggedToQuarantine: quarantine ? r.flaggedAfterCutoff : 0,
    expectedRefusedPerHour: refusesRegistrations ? r.registrationsLastHour : 0,
  }));
  const sum = (k: keyof (typeof banks)[number]) => banks.reduce((acc, b) => acc + (b[k] as number), 0);
  return {
    startsAt,
    startsNow: startsAt.getTime() === now.getTime(),
    cutoffAt,
    quarantine,
    scopes: input.scopes,
    banks,
    totals: {
      totalLinks: sum("totalLinks"),
      grandfathered: sum("grandfathered"),
      flaggedGrandfathered: sum("flaggedGrandfathered"),
      afterCutoff: sum("afterCutoff"),
      toQuarantine: sum("toQuarantine"),
      flaggedToQuarantine: sum("flaggedToQuarantine"),
      alreadyQuarantined: sum("alreadyQuarantined"),
      expectedRefusedPerHour: sum("expectedRefusedPerHour"),
    },
    conflicts: plan.ok ? [] : plan.code === "SUSPENSION_CONFLICT" ? plan.conflicts : [],
    /** Earliest start among the banks' alarms (null: none open or recently ended), and which alarms it came from. */
    suggestedCutoff: suggestion?.at ?? null,
    suggestedCutoffBasis: suggestion?.basis ?? null,
  };
}

// --- Suspend and lift ---------------------------------------------------------------------------

/**
 * Marks as QUARANTINED the bank's ACTIVE links linked at or after the suspension's cutoff, as the
 * rules (shouldQuarantine / quarantiningSuspension) would compute them: one set-based UPDATE. A
 * link an analyst released after the suspension started stays released.
 */
export const QUARANTINE_MATCH = `
  l.status = 'ACTIVE'
  AND coalesce(l.changed_at, l.registered_at) >= s.cutoff_at
  AND (s.lifted_at IS NULL OR coalesce(l.changed_at, l.registered_at) < s.lifted_at)
  AND (l.status_changed_at IS NULL OR l.status_changed_at < s.starts_at)`;

export function quarantineReason(s: { cutoffAt: Date; bankName: string }): string {
  return `Linked at or after the suspension cutoff at ${s.bankName} (${formatJst(s.cutoffAt)})`;
}

async function quarantineLinks(tx: Tx, suspensionId: string, reason: string): Promise<number> {
  const n = await tx.$executeRawUnsafe(
    `UPDATE bank_link l
     SET status = 'QUARANTINED', status_reason = $2, status_changed_at = date_trunc('milliseconds', now()), quarantine_suspension_id = s.id::text
     FROM suspension s
     WHERE s.id = $1::uuid AND l.bank_code = s.bank_code AND ${QUARANTINE_MATCH}`,
    suspensionId,
    reason,
  );
  await enqueueLinksQuarantinedNow(tx);
  return n;
}

function isActiveScopeConflict(err: unknown): boolean {
  const text = `${(err as Error)?.message ?? ""} ${JSON.stringify((err as { meta?: unknown })?.meta ?? {})} ${String((err as { cause?: unknown })?.cause ?? "")}`;
  return text.includes("suspension_active_scope_pkey");
}

export async function suspendBanks(db: PrismaClient, actor: StaffActor, input: SuspendInput) {
  try {
    return await withTransaction(db, async (tx) => {
      const now = await dbNow(tx);
      const banks = await tx.bank.findMany({ where: { code: { in: input.bankCodes } }, select: { code: true, name: true } });
      const missing = input.bankCodes.filter((c) => !banks.some((b) => b.code === c));
      if (missing.length) throw suspensionError("UNKNOWN_BANK", `There is no bank with code ${missing.join(", ")}.`, { bankCodes: missing });
      const bankName = new Map(banks.map((b) => [b.code, b.name]));

      const existing = await tx.suspension.findMany({ where: { bankCode: { in: input.bankCodes }, liftedAt: null } });
      const plan = planSuspensions(input, existing, now);
      if (!plan.ok) {
        if (plan.code === "CUTOFF_AFTER_START") throw suspensionError("CUTOFF_AFTER_START", undefined, { field: "cutoffAt" });
        const names = [...new Set(plan.conflicts.map((c) => bankName.get(c.bankCode) ?? c.bankCode))];
        throw suspensionError(
          "SUSPENSION_CONFLICT",
          `${names.join(", ")} already ${names.length === 1 ? "has" : "have"} an active or scheduled suspension for ${[...new Set(plan.conflicts.map((c) => c.scope.toLowerCase().replace("_", " ")))].join(", ")}. Nothing was suspended.`,
          { conflicts: plan.conflicts },
        );
      }

      const created = [];
      for (const rec of plan.records) {
        const s = await tx.suspension.create({ data: { ...rec, createdById: actor.id } });
        const name = bankName.get(s.bankCode) ?? s.bankCode;
        // A scheduled suspension quarantines when it starts (quarantine job); decisions compute
        // the quarantine from the rules either way.
        const quarantinedCount = s.quarantine && s.startsAt.getTime() <= now.getTime() ? await quarantineLinks(tx, s.id, quarantineReason({ cutoffAt: s.cutoffAt, bankName: name })) : 0;
        await enqueueWebhookEvents(tx, suspensionCreatedEvents(s, now));
        await writeAudit(tx, actor, {
          action: "suspension.create",
          targetType: "bank",
          targetId: s.bankCode,
          reason: s.reason,
          after: { ...s, bankName: name, quarantinedCount },
        });
        created.push({ ...s, bankName: name, quarantinedCount });
      }
      return { suspensions: created };
    });
  } catch (err) {
    // Two managers committing overlapping suspensions at once: the database refused the second.
    if (isActiveScopeConflict(err)) {
      throw suspensionError("SUSPENSION_CONFLICT", "Someone suspended one of these banks for the same scope at the same moment. Nothing was suspended; reload to see it.");
    }
    throw err;
  }
}

/**
 * Lifting weakens protection, so it takes a second manager (#12): the console asks for it through
 * server/features/approvals, which calls this inside its own transaction once a second manager
 * approved (or one manager applied it as an emergency). `liftedBy` is the manager who asked.
 */
export async function applyLift(tx: Tx, actor: Actor, input: LiftInput & { liftedById: string; changeRequestId: string; emergency: boolean }) {
  const before = await tx.suspension.findUnique({ where: { id: input.suspensionId } });
  if (!before) throw suspensionError("SUSPENSION_NOT_FOUND");
  if (before.liftedAt) throw suspensionError("SUSPENSION_ALREADY_LIFTED");
  const now = await dbNow(tx);
  const { count } = await tx.suspension.updateMany({
    where: { id: input.suspensionId, liftedAt: null },
    data: { liftedAt: now, liftedById: input.liftedById, liftReason: input.reason },
  });
  if (count !== 1) throw suspensionError("SUSPENSION_ALREADY_LIFTED");
  const after = await tx.suspension.findUniqueOrThrow({ where: { id: input.suspensionId } });
  // Lifting does not release quarantined links: each still needs an analyst's review.
  const stillQuarantined = await tx.bankLink.count({ where: { quarantineSuspensionId: after.id, status: "QUARANTINED" } });
  await enqueueWebhookEvent(tx, suspensionLiftedEvent(after));
  await writeAudit(tx, actor, {
    action: "suspension.lift",
    targetType: "bank",
    targetId: after.bankCode,
    reason: input.reason,
    before,
    after: { ...after, stillQuarantined, changeRequestId: input.changeRequestId, emergency: input.emergency },
  });
  return { suspension: after, stillQuarantined };
}

/** The lift's preconditions, checked when it is asked for (and again by applyLift when it runs). */
export async function liftableSuspension(db: PrismaClient | Tx, suspensionId: string) {
  const s = await db.suspension.findUnique({ where: { id: suspensionId }, select: { id: true, bankCode: true, scopes: true, liftedAt: true, bank: { select: { name: true } } } });
  if (!s) throw suspensionError("SUSPENSION_NOT_FOUND");
  if (s.liftedAt) throw suspensionError("SUSPENSION_ALREADY_LIFTED");
  return s;
}

// --- Quarantine queue ---------------------------------------------------------------------------

export interface RiskReason {
  code: string;
  points: number;
  evidence: string;
}

export interface QuarantinedLinkRow {
  linkId: string;
  bankCode: string;
  bankName: string;
  branchCode: string;
  accountNumberMasked: string;
  holderName: string;
  registeredAt: Date;
  changedAt: Date | null;
  quarantinedAt: Date | null;
  statusReason: string | null;
  suspensionId: string | null;
  accountId: string;
  accountHolderName: string;
  accountStatus: "ACTIVE" | "FROZEN";
  riskScore: number;
  reviewLabel: "CONFIRMED_FRAUD" | "LEGITIMATE" | null;
  riskReasons: RiskReason[];
  flagged: boolean;
}

export async function quarantineList(pool: pg.Pool, input: QuarantineListInput & { limit: number; offset: number }) {
  const filters = [input.bankCode ?? null, input.suspensionId ?? null];
  const [page, total, byBank] = await Promise.all([
    pool.query<QuarantinedLinkRow & { accountNumber: string }>(
      `SELECT l.id AS "linkId", l.bank_code AS "bankCode", b.name AS "bankName", l.branch_code AS "branchCode",
              l.account_number AS "accountNumber", l.holder_name AS "holderName", l.registered_at AS "registeredAt",
              l.changed_at AS "changedAt", l.status_changed_at AS "quarantinedAt", l.status_reason AS "statusReason",
              l.quarantine_suspension_id AS "suspensionId", l.account_id AS "accountId", a.holder_name AS "accountHolderName",
              a.status AS "accountStatus", a.risk_score AS "riskScore", a.review_label AS "reviewLabel",
              a.risk_reasons AS "riskReasons", ${FLAGGED} AS flagged
       FROM bank_link l JOIN bank b ON b.code = l.bank_code JOIN wallet_account a ON a.id = l.account_id
       WHERE l.status = 'QUARANTINED' AND ($1::bpchar IS NULL OR l.bank_code = $1) AND ($2::text IS NULL OR l.quarantine_suspension_id = $2)
       ORDER BY (a.review_label IS NOT DISTINCT FROM 'CONFIRMED_FRAUD') DESC, a.risk_score DESC, l.registered_at DESC, l.id
       LIMIT $3 OFFSET $4`,
      [...filters, input.limit, input.offset],
    ),
    pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM bank_link l
       WHERE l.status = 'QUARANTINED' AND ($1::bpchar IS NULL OR l.bank_code = $1) AND ($2::text IS NULL OR l.quarantine_suspension_id = $2)`,
      filters,
    ),
    pool.query<{ bankCode: string; bankName: string; count: number }>(
      `SELECT l.bank_code AS "bankCode", b.name AS "bankName", count(*)::int AS count
       FROM bank_link l JOIN bank b ON b.code = l.bank_code WHERE l.status = 'QUARANTINED'
       GROUP BY l.bank_code, b.name ORDER BY count(*) DESC`,
    ),
  ]);
  return {
    total: total.rows[0].n,
    byBank: byBank.rows,
    rows: page.rows.map(({ accountNumber, ...r }) => ({
      ...r,
      accountNumberMasked: maskAccountNumber(accountNumber.trim()),
      riskReasons: Array.isArray(r.riskReasons) ? r.riskReasons : [],
    })),
  };
}

/**
 * Release (back to ACTIVE: charges allowed again) or revoke (for good) quarantined links, all or
 * none. Audited one row per link (targetType "link"), so a link's history is found by its id; every
 * row of one action carries the same reason and request id.
 */
export async function reviewQuarantinedLinks(db: PrismaClient, actor: StaffActor, input: QuarantineActionInput, outcome: "RELEASE" | "REVOKE") {
  const status = outcome === "RELEASE" ? "ACTIVE" : "REVOKED";
  return withTransaction(db, async (tx) => {
    // status_changed_at is what tells the rules the link was released after its suspension started.
    const changed = await tx.$queryRawUnsafe<Array<{ id: string; bankCode: string; suspensionId: string | null }>>(
      `UPDATE bank_link SET status = $1::"LinkStatus", status_reason = $2, status_changed_at = date_trunc('milliseconds', now())
       WHERE id = ANY($3::varchar[]) AND status = 'QUARANTINED'
       RETURNING id, bank_code AS "bankCode", quarantine_suspension_id AS "suspensionId"`,
      status,
      input.reason,
      input.linkIds,
    );
    if (changed.length !== input.linkIds.length) {
      const done = new Set(changed.map((c) => c.id));
      const notQuarantined = input.linkIds.filter((id) => !done.has(id));
      throw suspensionError(
        "LINKS_NOT_QUARANTINED",
        `${notQuarantined.length} of these links ${notQuarantined.length === 1 ? "is" : "are"} not quarantined (already reviewed, or unknown). Nothing was changed; reload and try again.`,
        { linkIds: notQuarantined.slice(0, 50) },
      );
    }
    // In the order the reviewer listed them (RETURNING order is arbitrary).
    const order = new Map(input.linkIds.map((id, i) => [id, i]));
    changed.sort((x, y) => order.get(x.id)! - order.get(y.id)!);
    await enqueueWebhookEvents(tx, linksReviewedEvents(status, changed));
    for (const link of changed) {
      await writeAudit(tx, actor, {
        action: outcome === "RELEASE" ? "link.release" : "link.revoke",
        targetType: "link",
        targetId: link.id,
        reason: input.reason,
        before: { status: "QUARANTINED", bankCode: link.bankCode, quarantineSuspensionId: link.suspensionId },
        after: { status },
      });
    }
    return { count: changed.length, status };
  });
}

export function requireStaffActor(actor: Actor): StaffActor {
  if (!actor.id) throw new AppError("UNAUTHENTICATED");
  return actor as StaffActor;
}

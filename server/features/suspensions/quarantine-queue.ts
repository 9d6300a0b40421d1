// The analysts' quarantine queue: the quarantined links (fraudulent wallets' first), and releasing
// or revoking them, all or none, audited one row per link.
import type pg from "pg";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { fraudulentWalletSql } from "../../db/rules-sql.ts";
import { and, rows, sql, type Sql } from "../../db/sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { enqueueWebhookEvents } from "../webhooks/outbox.ts";
import { linksReviewedEvents } from "../webhooks/events.ts";
import { maskAccountNumber } from "../../../shared/format.ts";
import { suspensionError } from "../../../shared/suspensions/errors.ts";
import type { QuarantineActionInput, QuarantineListInput } from "../../../shared/suspensions/schemas.ts";

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
  const conds: Sql[] = [sql`l.status = 'QUARANTINED'`];
  if (input.bankCode) conds.push(sql`l.bank_code = ${input.bankCode}`);
  if (input.suspensionId) conds.push(sql`l.quarantine_suspension_id = ${input.suspensionId}`);
  const filtered = and(conds);
  const [page, [total], byBank] = await Promise.all([
    rows<QuarantinedLinkRow & { accountNumber: string }>(pool, sql`
      SELECT l.id AS "linkId", l.bank_code AS "bankCode", b.name AS "bankName", l.branch_code AS "branchCode",
             l.account_number AS "accountNumber", l.holder_name AS "holderName", l.registered_at AS "registeredAt",
             l.changed_at AS "changedAt", l.status_changed_at AS "quarantinedAt", l.status_reason AS "statusReason",
             l.quarantine_suspension_id AS "suspensionId", l.account_id AS "accountId", a.holder_name AS "accountHolderName",
             a.status AS "accountStatus", a.risk_score AS "riskScore", a.review_label AS "reviewLabel",
             a.risk_reasons AS "riskReasons", ${fraudulentWalletSql("a")} AS flagged
      FROM bank_link l JOIN bank b ON b.code = l.bank_code JOIN wallet_account a ON a.id = l.account_id
      WHERE ${filtered}
      ORDER BY (a.review_label IS NOT DISTINCT FROM 'CONFIRMED_FRAUD') DESC, a.risk_score DESC, l.registered_at DESC, l.id
      LIMIT ${input.limit} OFFSET ${input.offset}`),
    rows<{ n: number }>(pool, sql`SELECT count(*)::int AS n FROM bank_link l WHERE ${filtered}`),
    rows<{ bankCode: string; bankName: string; count: number }>(pool, sql`
      SELECT l.bank_code AS "bankCode", b.name AS "bankName", count(*)::int AS count
      FROM bank_link l JOIN bank b ON b.code = l.bank_code WHERE l.status = 'QUARANTINED'
      GROUP BY l.bank_code, b.name ORDER BY count(*) DESC`),
  ]);
  return {
    total: total.n,
    byBank,
    rows: page.map(({ accountNumber, ...r }) => ({
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
    const changed = await tx.$queryRaw<Array<{ id: string; bankCode: string; suspensionId: string | null }>>(sql`
      UPDATE bank_link SET status = ${status}::"LinkStatus", status_reason = ${input.reason}, status_changed_at = date_trunc('milliseconds', now())
      WHERE id = ANY(${input.linkIds}::varchar[]) AND status = 'QUARANTINED'
      RETURNING id, bank_code AS "bankCode", quarantine_suspension_id AS "suspensionId"`);
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

// The re-verification gate (#17): while a bank's charges are suspended, a manager opens a gate on the
// suspension; grandfathered links charge again once their holder's re-verification (account.verified,
// passed, at or after the gate's instant) has been reported. Opening writes the gate, its audit
// record and the suspension.gate_opened webhook in one transaction; the charge decision reads the
// gate with the suspension in its one SELECT (decide.ts), so the next decision applies it.
import type pg from "pg";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { rows, sql } from "../../db/sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { enqueueWebhookEvent } from "../webhooks/outbox.ts";
import { suspensionError } from "../../../shared/suspensions/errors.ts";
import type { OpenGateInput } from "../../../shared/suspensions/schemas.ts";
import type { WebhookEventData } from "../../../shared/webhooks/catalogue.ts";

export async function openGate(db: PrismaClient, actor: StaffActor, input: OpenGateInput) {
  return withTransaction(db, async (tx) => {
    // The row lock keeps a concurrent lift from slipping between the check and the gate.
    const [s] = await tx.$queryRaw<Array<{ id: string; bank_code: string; scopes: string[]; starts_at: Date; lifted_at: Date | null; now: Date }>>(
      sql`SELECT id::text, bank_code, scopes::text[] AS scopes, starts_at, lifted_at, date_trunc('milliseconds', now()) AS now
          FROM suspension WHERE id = ${input.suspensionId}::uuid FOR UPDATE`,
    );
    if (!s) throw suspensionError("SUSPENSION_NOT_FOUND");
    if (s.lifted_at) throw suspensionError("SUSPENSION_ALREADY_LIFTED");
    if (!s.scopes.includes("CHARGE")) throw suspensionError("GATE_NEEDS_CHARGE_SUSPENSION");
    const existing = await tx.reverificationGate.findUnique({ where: { suspensionId: s.id } });
    if (existing) throw suspensionError("GATE_ALREADY_OPEN");
    const gate = await tx.reverificationGate.create({
      data: { suspensionId: s.id, verifiedAfter: input.verifiedAfter, openedAt: s.now, openedById: actor.id, reason: input.reason },
    });
    await enqueueWebhookEvent(tx, {
      type: "suspension.gate_opened",
      subjectId: s.id,
      occurredAt: s.now,
      data: { suspensionId: s.id, bankCode: s.bank_code, verifiedAfter: gate.verifiedAfter.toISOString(), openedAt: s.now.toISOString() } satisfies WebhookEventData<"suspension.gate_opened">,
    });
    await writeAudit(tx, actor, { action: "suspension.openGate", targetType: "bank", targetId: s.bank_code, reason: input.reason, after: { ...gate } });
    return { gate };
  });
}

export interface GateStatus {
  suspensionId: string;
  verifiedAfter: Date;
  openedAt: Date;
  openedBy: string | null;
  reason: string;
  /** Grandfathered links (not revoked) whose holder has not re-verified since verifiedAfter. */
  waiting: number;
  /** Grandfathered links whose holder re-verified. */
  reverified: number;
  /** Re-verified links with a charge since the gate opened and their re-verification. */
  chargingAgain: number;
}

/** The bank's gates with, per gate, its links waiting, re-verified and charging again. */
export function gatesForBank(pool: pg.Pool, bankCode: string): Promise<GateStatus[]> {
  return rows<GateStatus>(pool, sql`
    SELECT g.suspension_id::text AS "suspensionId", g.verified_after AS "verifiedAfter", g.opened_at AS "openedAt",
           u.email AS "openedBy", g.reason,
           count(*) FILTER (WHERE l.id IS NOT NULL AND v.at IS NULL)::int AS waiting,
           count(*) FILTER (WHERE v.at IS NOT NULL)::int AS reverified,
           count(*) FILTER (WHERE v.at IS NOT NULL AND EXISTS (
             SELECT 1 FROM charge c WHERE c.link_id = l.id AND c.occurred_at >= g.opened_at AND c.occurred_at >= v.at))::int AS "chargingAgain"
    FROM reverification_gate g
    JOIN suspension s ON s.id = g.suspension_id
    LEFT JOIN staff_user u ON u.id = g.opened_by_id
    LEFT JOIN bank_link l ON l.bank_code = s.bank_code AND l.status <> 'REVOKED' AND coalesce(l.changed_at, l.registered_at) < s.cutoff_at
    LEFT JOIN LATERAL (
      SELECT min(x.verified_at) AS at FROM account_verification x
      WHERE x.account_id = l.account_id AND x.passed AND x.verified_at >= g.verified_after AND x.verified_at <= now()
    ) v ON true
    WHERE s.bank_code = ${bankCode}::bpchar
    GROUP BY g.suspension_id, g.verified_after, g.opened_at, u.email, g.reason
    ORDER BY g.opened_at DESC`);
}

// A bank's charge limits and step-up verification (#17 graduated response): read, preview and set.
// Setting writes the policy, its audit record and the limits.changed webhook in one transaction;
// the decision API reads the committed policy in its one SELECT (decide.ts), so the first decision
// after the commit applies it.
import type pg from "pg";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { fraudulentWalletSql, jstMonthStartSql } from "../../db/rules-sql.ts";
import { rows, sql } from "../../db/sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { enqueueWebhookEvent } from "../webhooks/outbox.ts";
import { applyChargePolicy, jstDayStart, jstMonthStart, type ChargePolicy } from "../../../shared/suspensions/charge-policy.ts";
import { suspensionError } from "../../../shared/suspensions/errors.ts";
import type { ChargePolicyPreviewInput, SetChargePolicyInput } from "../../../shared/suspensions/schemas.ts";
import type { WebhookEventData } from "../../../shared/webhooks/catalogue.ts";

export interface ChargePolicyView extends ChargePolicy {
  bankCode: string;
  reason: string;
  updatedAt: Date;
  updatedById: string;
}

export async function chargePolicyOf(pool: pg.Pool, bankCode: string): Promise<ChargePolicyView | null> {
  const [p] = await rows<ChargePolicyView>(pool, sql`
    SELECT bank_code AS "bankCode", per_charge_yen AS "perChargeYen", per_day_yen AS "perDayYen", per_month_yen AS "perMonthYen",
           step_up::text AS "stepUp", step_up_cutoff_at AS "stepUpCutoffAt", step_up_since AS "stepUpSince",
           reason, updated_at AS "updatedAt", updated_by_id::text AS "updatedById"
    FROM bank_charge_policy WHERE bank_code = ${bankCode}::bpchar`);
  return p ?? null;
}

export interface ChargePolicyPreview {
  /** Charges at the bank in the last 24 hours. */
  charges: number;
  refused: number;
  flaggedRefused: number;
  challenged: number;
  flaggedChallenged: number;
  /** Charges by flagged wallets among all of them. */
  flagged: number;
}

interface ReplayRow {
  link_id: string;
  amount_yen: number;
  occurred_at: Date;
  in_window: boolean;
  registered_at: Date;
  changed_at: Date | null;
  flagged: boolean;
  verified_at: Date | null;
}

/**
 * How the proposed policy would have answered each charge of the last 24 hours at the bank. Each
 * link that charged there is replayed in order from the start of the JST month 24 hours ago through
 * applyChargePolicy: a charge the policy would have refused does not count towards the link's later
 * usage (it would not have happened); a challenged one does (the holder could verify). Step-up
 * counts the holder's newest passed verification before each charge (the requirement would be new).
 */
export async function previewChargePolicy(pool: pg.Pool, input: ChargePolicyPreviewInput): Promise<ChargePolicyPreview> {
  const bank = sql`${input.bankCode}::bpchar`;
  const windowStart = sql`(now() - interval '24 hours')`;
  const replay = await rows<ReplayRow>(pool, sql`
    WITH recent AS (
      SELECT DISTINCT link_id FROM charge WHERE bank_code = ${bank} AND occurred_at > ${windowStart} AND occurred_at <= now()
    )
    SELECT c.link_id, c.amount_yen, c.occurred_at, (c.bank_code = ${bank} AND c.occurred_at > ${windowStart}) AS in_window,
      l.registered_at, l.changed_at, ${fraudulentWalletSql("a")} AS flagged,
      (SELECT max(v.verified_at) FROM account_verification v
        WHERE v.account_id = c.account_id AND v.passed AND v.verified_at <= c.occurred_at AND c.occurred_at > ${windowStart}) AS verified_at
    FROM charge c
    JOIN recent r ON r.link_id = c.link_id
    JOIN bank_link l ON l.id = c.link_id
    JOIN wallet_account a ON a.id = c.account_id
    WHERE c.occurred_at >= ${jstMonthStartSql(windowStart)} AND c.occurred_at <= now()
    ORDER BY c.link_id, c.occurred_at, c.id`);
  const policy: ChargePolicy = {
    perChargeYen: input.perChargeYen,
    perDayYen: input.perDayYen,
    perMonthYen: input.perMonthYen,
    stepUp: input.stepUp,
    stepUpCutoffAt: input.stepUp === "AFTER_CUTOFF" ? (input.stepUpCutoffAt ?? null) : null,
    stepUpSince: null,
  };
  const out: ChargePolicyPreview = { charges: 0, refused: 0, flaggedRefused: 0, challenged: 0, flaggedChallenged: 0, flagged: 0 };
  let link = "";
  const used = { day: new Map<number, number>(), month: new Map<number, number>() };
  for (const r of replay) {
    if (r.link_id !== link) {
      link = r.link_id;
      used.day.clear();
      used.month.clear();
    }
    const day = jstDayStart(r.occurred_at).getTime();
    const month = jstMonthStart(r.occurred_at).getTime();
    const d = applyChargePolicy({
      policy,
      usage: { dayYen: used.day.get(day) ?? 0, monthYen: used.month.get(month) ?? 0 },
      amountYen: r.amount_yen,
      link: { registeredAt: r.registered_at, changedAt: r.changed_at },
      verifiedAt: r.verified_at,
      at: r.occurred_at,
    });
    if (d.decision !== "deny") {
      used.day.set(day, (used.day.get(day) ?? 0) + r.amount_yen);
      used.month.set(month, (used.month.get(month) ?? 0) + r.amount_yen);
    }
    if (!r.in_window) continue;
    const flagged = r.flagged ? 1 : 0;
    out.charges++;
    out.flagged += flagged;
    if (d.decision === "deny") {
      out.refused++;
      out.flaggedRefused += flagged;
    } else if (d.decision === "challenge") {
      out.challenged++;
      out.flaggedChallenged += flagged;
    }
  }
  return out;
}

export async function setChargePolicy(db: PrismaClient, actor: StaffActor, input: SetChargePolicyInput) {
  return withTransaction(db, async (tx) => {
    const bank = await tx.bank.findUnique({ where: { code: input.bankCode }, select: { code: true, name: true } });
    if (!bank) throw suspensionError("UNKNOWN_BANK", `There is no bank with code ${input.bankCode}.`);
    // The row lock serialises two managers changing the same bank's policy.
    const [before] = await tx.$queryRaw<Array<{ step_up: string; step_up_cutoff_at: Date | null; step_up_since: Date | null }>>(
      sql`SELECT step_up::text, step_up_cutoff_at, step_up_since FROM bank_charge_policy WHERE bank_code = ${input.bankCode}::bpchar FOR UPDATE`,
    );
    const beforeFull = await tx.bankChargePolicy.findUnique({ where: { bankCode: input.bankCode } });
    const [{ now }] = await tx.$queryRaw<{ now: Date }[]>(sql`SELECT date_trunc('milliseconds', now()) AS now`);
    const cutoff = input.stepUp === "AFTER_CUTOFF" ? (input.stepUpCutoffAt ?? null) : null;
    // The requirement keeps its start when it is unchanged (verifications already made still count).
    const unchanged = before && before.step_up === input.stepUp && (before.step_up_cutoff_at?.getTime() ?? null) === (cutoff?.getTime() ?? null);
    const stepUpSince = input.stepUp === "NONE" ? null : unchanged && before.step_up_since ? before.step_up_since : now;
    const data = {
      perChargeYen: input.perChargeYen,
      perDayYen: input.perDayYen,
      perMonthYen: input.perMonthYen,
      stepUp: input.stepUp,
      stepUpCutoffAt: cutoff,
      stepUpSince,
      reason: input.reason,
      updatedAt: now,
      updatedById: actor.id,
    };
    const after = await tx.bankChargePolicy.upsert({ where: { bankCode: input.bankCode }, create: { bankCode: input.bankCode, ...data }, update: data });
    await enqueueWebhookEvent(tx, {
      type: "limits.changed",
      subjectId: input.bankCode,
      occurredAt: now,
      data: {
        bankCode: input.bankCode,
        perChargeYen: after.perChargeYen,
        perDayYen: after.perDayYen,
        perMonthYen: after.perMonthYen,
        stepUp: after.stepUp,
        stepUpCutoffAt: after.stepUpCutoffAt?.toISOString() ?? null,
        changedAt: now.toISOString(),
      } satisfies WebhookEventData<"limits.changed">,
    });
    await writeAudit(tx, actor, {
      action: "chargePolicy.set",
      targetType: "bank",
      targetId: input.bankCode,
      reason: input.reason,
      before: beforeFull ?? undefined,
      after: { ...after, bankName: bank.name },
    });
    return { policy: after };
  });
}

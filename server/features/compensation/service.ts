// Compensation, one file per action: create-case.ts (create exactly once, never pay more than was
// taken), decide-case.ts (approve with a second pair of eyes for large sums, reject or cancel),
// payout.ts, and the reads in queries.ts, approval-queue.ts, victims.ts and report.ts. Here: what
// several of them share about a victim (their cases, the lock that serialises decisions on them)
// and the approval threshold.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import type { Tx } from "../../db/transaction.ts";
import { readSetting } from "../admin/settings-service.ts";
import { victimKey, type VictimCase } from "../../../shared/compensation/rules.ts";

export const APPROVAL_THRESHOLD_SETTING = "compensation.approvalThresholdYen" as const;

export function approvalThresholdYen(db: PrismaClient | Tx): Promise<number> {
  return readSetting(db, APPROVAL_THRESHOLD_SETTING);
}

export interface VictimRef {
  bankCode: string;
  branchCode: string;
  accountNumber: string;
}

/**
 * Serialise, until the transaction ends, everything that reads a victim's cases to decide on their
 * total (approvals, payout batches). Take these locks before any case row lock, in victim key order.
 */
export async function lockVictims(tx: Tx, victims: readonly VictimRef[]): Promise<void> {
  const keys = [...new Set(victims.map((v) => victimKey(v.bankCode, v.branchCode, v.accountNumber)))].sort();
  for (const key of keys) await tx.$executeRaw(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`compensation.victim:${key}`}, 0))`);
}

/** Every case of one victim's bank account, whatever its state. */
export async function victimCases(db: PrismaClient | Tx, victim: VictimRef): Promise<VictimCase[]> {
  return db.compensationCase.findMany({
    where: { bankCode: victim.bankCode, branchCode: victim.branchCode, accountNumber: victim.accountNumber },
    select: { id: true, state: true, totalYen: true, requestedById: true, decidedById: true },
  });
}

/**
 * What the victim of this case would receive across their cases not rejected or cancelled, this one
 * included (0 for an unknown case): what an approval's step-up is weighed on.
 */
export async function victimTotalWithCase(db: PrismaClient, caseId: string): Promise<number> {
  const c = await db.compensationCase.findUnique({ where: { id: caseId }, select: { totalYen: true, bankCode: true, branchCode: true, accountNumber: true } });
  if (!c) return 0;
  const others = await db.compensationCase.aggregate({
    where: { bankCode: c.bankCode, branchCode: c.branchCode, accountNumber: c.accountNumber, id: { not: caseId }, state: { notIn: ["REJECTED", "CANCELLED"] } },
    _sum: { totalYen: true },
  });
  return c.totalYen + (others._sum.totalYen ?? 0);
}

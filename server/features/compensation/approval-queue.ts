// The managers' approval queue: requested cases that need a manager (alone at or above the
// threshold, or bringing their victim's total to it), oldest first, with the evidence against each
// wallet and what the signed-in manager may do with each.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { approvalRefusalWords, canApprove, canApproveForVictim, victimKey, victimTotalWith, type VictimCase } from "../../../shared/compensation/rules.ts";
import { approvalThresholdYen } from "./service.ts";
import { bankNames, caseHeader, emails, walletsByCase } from "./queries.ts";
import type { StaffActor } from "../audit/write-audit.ts";
import { casesEligibility } from "./eligibility.ts";
import { RULE_NAMES } from "../../../shared/compensation/eligibility.ts";

/**
 * Requested cases waiting for a manager, oldest first, with the evidence against each wallet: those
 * at or above the threshold alone, and those that bring their victim's total to it.
 */
export async function approvalQueue(db: PrismaClient, actor: StaffActor) {
  const thresholdYen = await approvalThresholdYen(db);
  // Victims with a requested case whose total over cases not rejected or cancelled reaches the threshold.
  const victims = await db.$queryRaw<Array<{ bank_code: string; branch_code: string; account_number: string }>>(sql`
    SELECT bank_code, branch_code, account_number
      FROM compensation_case
     WHERE state IN ('REQUESTED', 'APPROVED', 'PAID')
     GROUP BY bank_code, branch_code, account_number
    HAVING bool_or(state = 'REQUESTED') AND SUM(total_yen) >= ${thresholdYen}`);
  const victimFilter = victims.map((v) => ({ bankCode: v.bank_code, branchCode: v.branch_code, accountNumber: v.account_number }));
  const cases =
    victimFilter.length === 0
      ? []
      : await db.compensationCase.findMany({
          where: { state: "REQUESTED", OR: victimFilter },
          orderBy: [{ requestedAt: "asc" }, { id: "asc" }],
          take: 200,
          include: { lines: { include: { charge: { select: { occurredAt: true, amountYen: true, accountId: true } } }, orderBy: [{ charge: { occurredAt: "asc" } }, { chargeId: "asc" }] } },
        });
  const sameVictim = new Map<string, VictimCase[]>();
  if (cases.length > 0) {
    const all = await db.compensationCase.findMany({
      where: { OR: victimFilter },
      select: { id: true, state: true, totalYen: true, requestedById: true, decidedById: true, bankCode: true, branchCode: true, accountNumber: true },
    });
    for (const c of all) {
      const key = victimKey(c.bankCode, c.branchCode, c.accountNumber);
      sameVictim.set(key, [...(sameVictim.get(key) ?? []), c]);
    }
  }
  const [emailOf, bankOf, walletsOf, eligibility] = await Promise.all([
    emails(db, cases.map((c) => c.requestedById)),
    bankNames(db, cases.map((c) => c.bankCode)),
    walletsByCase(db, cases.map((c) => c.id)),
    casesEligibility(db, cases.map((c) => c.id)),
  ]);
  return {
    thresholdYen,
    cases: cases.map((c) => {
      const decision = decisionFor(actor, c, sameVictim.get(victimKey(c.bankCode, c.branchCode, c.accountNumber)) ?? [], thresholdYen);
      // Eligibility (#18): a case without a claim, or with a charge a rule still blocks, is refused on approval.
      const e = eligibility.get(c.id);
      const claimMissing = e?.claim === null;
      const blocked = (e?.lines ?? []).flatMap((l) => l.unresolved.map((block) => ({ chargeId: l.chargeId, block })));
      const eligibilityWords = claimMissing
        ? "No claim is recorded for this case: its charges are blocked until the claim is recorded on the case page."
        : blocked.length > 0
          ? `Charge ${blocked[0].chargeId} is blocked by the rule "${RULE_NAMES[blocked[0].block.rule]}": a manager must override it on the case page first.`
          : null;
      return {
        ...caseHeader(c, bankOf, emailOf),
        requestedByMe: c.requestedById === actor.id,
        ...decision,
        canDecide: decision.canDecide && eligibilityWords === null,
        whyNotApprove: decision.whyNotApprove ?? eligibilityWords,
        claimMissing,
        blocked,
        lines: c.lines.map((l) => ({ chargeId: l.chargeId, walletId: l.charge.accountId, occurredAt: l.charge.occurredAt, chargeAmountYen: l.charge.amountYen, amountYen: l.amountYen })),
        wallets: walletsOf.get(c.id) ?? [],
      };
    }),
  };
}

function decisionFor(actor: StaffActor, c: VictimCase, sameVictim: VictimCase[], thresholdYen: number) {
  const approval = canApproveForVictim({ actor, target: c, victimCases: sameVictim, thresholdYen });
  return {
    victimTotalYen: victimTotalWith(c, sameVictim).totalYen,
    canDecide: approval.ok,
    canReject: canApprove({ actor, requestedById: c.requestedById, totalYen: c.totalYen, thresholdYen }).ok,
    whyNotApprove: approval.ok ? null : approvalRefusalWords(approval, thresholdYen),
  };
}

// Deciding a compensation case: approve (a second pair of eyes at or above the threshold, weighed
// per victim under the victim's lock), reject or cancel, each with a reason and its audit record in
// the same transaction.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { formatYen } from "../../../shared/format.ts";
import { compensationError } from "../../../shared/compensation/errors.ts";
import { AppError } from "../../../shared/errors.ts";
import { approvalRefusalWords, assertTransition, canApprove, canApproveForVictim, needsSecondApprover, victimTotalWith } from "../../../shared/compensation/rules.ts";
import type { CaseState } from "../../../shared/compensation/schemas.ts";
import { approvalThresholdYen, lockVictims, victimCases } from "./service.ts";
import { approvedCaseCancelledJournal, caseApprovedJournal } from "../../../shared/compensation/ledger.ts";
import { postJournal } from "./ledger.ts";
import { assertCasesEligible } from "./eligibility.ts";

type Decision = "approve" | "reject" | "cancel";
const TARGET_STATE: Record<Decision, CaseState> = { approve: "APPROVED", reject: "REJECTED", cancel: "CANCELLED" };
const STATE_WORDS: Record<CaseState, string> = {
  REQUESTED: "waiting for approval",
  APPROVED: "approved",
  PAID: "paid",
  REJECTED: "rejected",
  CANCELLED: "cancelled",
};

export async function decideCase(
  db: PrismaClient,
  actor: StaffActor,
  args: { caseId: string; reason: string; decision: Decision },
): Promise<{ caseId: string; state: CaseState }> {
  const to = TARGET_STATE[args.decision];
  return withTransaction(db, async (tx) => {
    if (args.decision === "approve") {
      // The threshold holds per victim: approvals of one bank account's cases take turns, so two
      // approvals at the same moment cannot each see the other's case as unapproved.
      const victim = await tx.compensationCase.findUnique({ where: { id: args.caseId }, select: { bankCode: true, branchCode: true, accountNumber: true } });
      if (!victim) throw compensationError("CASE_NOT_FOUND");
      await lockVictims(tx, [victim]);
    }
    // The row lock orders this against a concurrent approve/cancel and against payout batching.
    const [row] = await tx.$queryRaw<Array<{ id: string; state: CaseState; total_yen: number; requested_by_id: string; bank_code: string; branch_code: string; account_number: string; payout_batch_id: string | null }>>(sql`
      SELECT id, state::text AS state, total_yen, requested_by_id::text AS requested_by_id, bank_code, branch_code, account_number, payout_batch_id::text AS payout_batch_id
        FROM compensation_case WHERE id = ${args.caseId}::uuid FOR UPDATE`);
    if (!row) throw compensationError("CASE_NOT_FOUND");
    if (args.decision === "cancel" && row.state === "APPROVED" && row.payout_batch_id) {
      // Its money is on its way in a batch: only the bank's result can take it back.
      throw compensationError(
        "INVALID_TRANSITION",
        `This case is in payout batch ${row.payout_batch_id.slice(0, 8)}, so it cannot be cancelled until the bank's result for that batch says its transfer failed.`,
        { state: row.state, payoutBatchId: row.payout_batch_id },
      );
    }
    const transition = assertTransition(row.state, to);
    if (!transition.ok) {
      throw compensationError(
        "INVALID_TRANSITION",
        `This case is already ${STATE_WORDS[row.state]}, so it cannot be ${args.decision === "approve" ? "approved" : args.decision === "reject" ? "rejected" : "cancelled"}.`,
        { state: row.state },
      );
    }
    const thresholdYen = await approvalThresholdYen(tx);
    let victimTotalYen = row.total_yen;
    if (args.decision === "approve") {
      // What the victim would receive across all their cases that are not rejected or cancelled.
      const others = await victimCases(tx, { bankCode: row.bank_code, branchCode: row.branch_code, accountNumber: row.account_number });
      const target = { id: row.id, requestedById: row.requested_by_id, totalYen: row.total_yen };
      const allowed = canApproveForVictim({ actor, target, victimCases: others, thresholdYen });
      if (!allowed.ok) {
        if (allowed.code === "ROLE_NOT_ALLOWED") throw new AppError("FORBIDDEN", "Your role is not allowed to decide compensation cases.");
        throw compensationError(allowed.code, approvalRefusalWords(allowed, thresholdYen), { victimTotalYen: allowed.victimTotalYen, caseCount: allowed.caseCount, thresholdYen });
      }
      victimTotalYen = victimTotalWith(target, others).totalYen;
      // Eligibility (#18): a charge blocked by a rule needs a manager's override first.
      await assertCasesEligible(tx, [row.id]);
    } else if (args.decision === "reject") {
      // Rejecting is the approver's answer too: it takes the same authority as approving this case.
      const allowed = canApprove({ actor, requestedById: row.requested_by_id, totalYen: row.total_yen, thresholdYen });
      if (!allowed.ok) {
        if (allowed.code === "ROLE_NOT_ALLOWED") throw new AppError("FORBIDDEN", "Your role is not allowed to decide compensation cases.");
        const big = `${formatYen(row.total_yen)} is at or above the ${formatYen(thresholdYen)} threshold`;
        throw compensationError(
          allowed.code,
          allowed.code === "MANAGER_APPROVAL_REQUIRED" ? `${big}: a manager must reject this case.` : `${big}: a manager other than the one who requested it must reject this case.`,
        );
      }
    }
    const now = new Date();
    // The WHERE repeats the state we checked: a belt to the row lock's braces.
    const updated = await tx.compensationCase.updateMany({
      where: { id: args.caseId, state: row.state },
      data: { state: to, decidedById: actor.id, decidedAt: now, decisionReason: args.reason },
    });
    if (updated.count !== 1) throw compensationError("INVALID_TRANSITION", "The case changed at the same moment. Reload and try again.");
    // The ledger moves with the case: approving owes the victim, cancelling an approved case undoes it.
    const money = { caseId: row.id, bankCode: row.bank_code, totalYen: row.total_yen };
    if (to === "APPROVED") await postJournal(tx, caseApprovedJournal(money), { actorId: actor.id });
    if (to === "CANCELLED" && row.state === "APPROVED") await postJournal(tx, approvedCaseCancelledJournal(money), { actorId: actor.id });
    await writeAudit(tx, actor, {
      action: `compensation.${args.decision}`,
      targetType: "case",
      targetId: args.caseId,
      reason: args.reason,
      before: { state: row.state },
      after: {
        state: to,
        totalYen: row.total_yen,
        needsManager: needsSecondApprover(row.total_yen, thresholdYen),
        ...(args.decision === "approve" ? { victimTotalYen, needsManagerForVictim: needsSecondApprover(victimTotalYen, thresholdYen) } : {}),
      },
    });
    return { caseId: args.caseId, state: to };
  });
}

// Correcting a case's claim (#18), or recording one on an older case that has none: SUPPORT or
// MANAGER, with a reason, audited with the claim before and after, in one transaction. Eligibility is
// computed from the claim whenever it is read, so the charges of a case not yet in a payout batch are
// blocked or unblocked by the correction itself (approval and the batch check again). A correction
// that would newly block a charge already exported, sent or paid is refused, naming the charge: money
// in flight is not taken back by an edit. The contact log is not touched (append-only).
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { AppError } from "../../../shared/errors.ts";
import { formatJst, formatYen } from "../../../shared/format.ts";
import { compensationError } from "../../../shared/compensation/errors.ts";
import type { CorrectClaimRequest } from "../../../shared/compensation/inputs.ts";
import { blockWords, claimInFuture, jstToday, RULE_NAMES, type EligibilityRule } from "../../../shared/compensation/eligibility.ts";
import { caseEligibility, dateOfDay, type CaseEligibility } from "./eligibility.ts";

export interface CorrectClaimResult {
  caseId: string;
  /** True when the case had no claim before (an older case): this recorded its first. */
  recorded: boolean;
  /** Charges a rule now blocks that it did not before (each with the rules). */
  blocked: Array<{ chargeId: string; rules: EligibilityRule[] }>;
  /** Charges a rule no longer blocks. */
  unblocked: Array<{ chargeId: string; rules: EligibilityRule[] }>;
}

/** Per charge, the rules (no override lifts) that block it in `b` and not in `a`. */
function newlyBlocked(a: CaseEligibility, b: CaseEligibility): Array<{ chargeId: string; rules: EligibilityRule[] }> {
  return b.lines
    .map((l) => {
      const was = new Set(a.lines.find((x) => x.chargeId === l.chargeId)?.unresolved.map((u) => u.rule) ?? []);
      return { chargeId: l.chargeId, rules: l.unresolved.map((u) => u.rule).filter((r) => !was.has(r)) };
    })
    .filter((x) => x.rules.length > 0);
}

export async function correctClaim(db: PrismaClient, actor: StaffActor, input: CorrectClaimRequest): Promise<CorrectClaimResult> {
  if (actor.role !== "SUPPORT" && actor.role !== "MANAGER") throw new AppError("FORBIDDEN", "Only support or a manager may correct a claim.");
  const claim = input.claim;
  const future = claimInFuture(claim, jstToday());
  if (future) {
    throw compensationError("CLAIM_INVALID", `The day the victim ${future === "noticedOn" ? "noticed the loss" : "reported it"} (${claim[future]}) is after today (${jstToday()}, JST).`, { field: future });
  }
  return withTransaction(db, async (tx) => {
    // The case's row lock: approval and payout batches take it before they weigh eligibility, so
    // they see either the claim before or the claim after, never a batch in between.
    const [row] = await tx.$queryRaw<Array<{ state: string; payout_batch_id: string | null; file_name: string | null; batch_status: string | null }>>(sql`
      SELECT cc.state::text AS state, cc.payout_batch_id::text AS payout_batch_id, b.file_name, b.status::text AS batch_status
        FROM compensation_case cc LEFT JOIN payout_batch b ON b.id = cc.payout_batch_id
       WHERE cc.id = ${input.caseId}::uuid
         FOR UPDATE OF cc`);
    if (!row) throw compensationError("CASE_NOT_FOUND");
    const before = await caseEligibility(tx, input.caseId);
    const prior = before.claim;
    if (
      prior &&
      prior.noticedOn === claim.noticedOn &&
      prior.reportedOn === claim.reportedOn &&
      prior.channel === claim.channel &&
      (prior.policeReportNumber ?? null) === (claim.policeReportNumber ?? null)
    ) {
      throw compensationError("CLAIM_UNCHANGED", "The claim already says this: there is nothing to correct.");
    }
    const data = { noticedOn: dateOfDay(claim.noticedOn), reportedOn: dateOfDay(claim.reportedOn), channel: claim.channel, policeReportNumber: claim.policeReportNumber };
    await tx.compensationClaim.upsert({ where: { caseId: input.caseId }, update: data, create: { caseId: input.caseId, ...data, recordedById: actor.id } });
    const after = await caseEligibility(tx, input.caseId);
    const blocked = newlyBlocked(before, after);
    const unblocked = newlyBlocked(after, before);

    // Money in flight (exported, sent) or paid: a correction may not block it (the transaction rolls back).
    const inFlight = row.state === "PAID" || row.payout_batch_id !== null;
    if (inFlight && blocked.length > 0) {
      const first = blocked[0];
      const line = after.lines.find((l) => l.chargeId === first.chargeId)!;
      const block = line.unresolved.find((u) => u.rule === first.rules[0])!;
      const charge = await tx.charge.findUnique({ where: { id: first.chargeId }, select: { amountYen: true, occurredAt: true } });
      const where =
        row.state === "PAID"
          ? "is already paid"
          : `is in payout batch ${row.file_name ?? row.payout_batch_id!.slice(0, 8)}, ${row.batch_status === "SENT" ? "sent to the bank" : "exported"}`;
      throw compensationError(
        "CLAIM_CORRECTION_BLOCKS_PAID",
        `Charge ${first.chargeId}${charge ? ` (${formatYen(charge.amountYen)} on ${formatJst(charge.occurredAt)})` : ""} ${where}: with this claim the rule "${RULE_NAMES[block.rule]}" would block it (${blockWords(block)}) Money in flight is not taken back by an edit, so the claim was not changed.`,
        { chargeId: first.chargeId, rule: block.rule, state: row.state },
      );
    }
    await writeAudit(tx, actor, {
      action: "compensation.correctClaim",
      targetType: "case",
      targetId: input.caseId,
      reason: input.reason,
      before: { claim: prior },
      after: { claim, blocked, unblocked },
    });
    return { caseId: input.caseId, recorded: prior === null, blocked, unblocked };
  });
}

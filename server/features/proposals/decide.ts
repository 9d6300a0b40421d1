// A person decides (#17): a manager confirms a proposed suspension, possibly edited (scopes, cutoff,
// quarantine), which suspends the bank through the suspend service in the same transaction; or
// dismisses it. Both take a reason and write an audit record with the minutes from the spike's start
// and from the proposal. The proposal row is locked first, so of two managers deciding at once the
// second waits and is told who decided. A bank already suspended for a scope is refused by the
// suspend service's own rule (SUSPENSION_CONFLICT, in words): nothing is duplicated.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { AppError } from "../../../shared/errors.ts";
import { formatJst } from "../../../shared/format.ts";
import { sql } from "../../db/sql.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { asSuspensionConflict, suspendInTransaction } from "../suspensions/suspend.ts";
import { minutesBetween } from "../../../shared/proposals/rules.ts";
import type { ConfirmProposalInput, DismissProposalInput } from "../../../shared/proposals/schemas.ts";
import type { SuspensionScope } from "../../../shared/suspensions/schemas.ts";

interface LockedProposal {
  id: string;
  bank_code: string;
  status: string;
  scopes: SuspensionScope[];
  cutoff_at: Date;
  incident_started_at: Date;
  created_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  now: Date;
}

async function lockPending(tx: Tx, proposalId: string): Promise<LockedProposal> {
  const found = await tx.$queryRaw<LockedProposal[]>(sql`
    SELECT p.id::text, p.bank_code, p.status, p.scopes::text[] AS scopes, p.cutoff_at, p.incident_started_at, p.created_at, p.decided_at,
           u.name AS decided_by, date_trunc('milliseconds', now()) AS now
      FROM action_proposal p LEFT JOIN staff_user u ON u.id = p.decided_by_id
     WHERE p.id = ${proposalId}::uuid FOR UPDATE OF p`);
  const p = found[0];
  if (!p) throw new AppError("NOT_FOUND", "There is no proposed action with this id. Reload the page.");
  if (p.status !== "PENDING") {
    const verb = p.status === "CONFIRMED" ? "confirmed" : "dismissed";
    throw new AppError("CONFLICT", `This proposal was already ${verb} by ${p.decided_by ?? "someone"} at ${p.decided_at ? formatJst(p.decided_at) : "an earlier time"}.`);
  }
  return p;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export async function confirmProposal(db: PrismaClient, actor: StaffActor, input: ConfirmProposalInput) {
  try {
    return await withTransaction(db, async (tx) => {
      const p = await lockPending(tx, input.proposalId);
      const result = await suspendInTransaction(tx, actor, {
        bankCodes: [p.bank_code],
        scopes: input.scopes,
        cutoffAt: input.cutoffAt,
        ...(input.quarantine === undefined ? {} : { quarantine: input.quarantine }),
        reason: input.reason,
      });
      const suspensionIds = result.suspensions.map((s) => s.id);
      await tx.$executeRaw(sql`
        UPDATE action_proposal SET status = 'CONFIRMED', decided_at = ${p.now}, decided_by_id = ${actor.id}::uuid,
               decision_reason = ${input.reason}, suspension_ids = ${suspensionIds}::uuid[]
         WHERE id = ${p.id}::uuid`);
      const edited = !sameSet(input.scopes, p.scopes) || input.cutoffAt.getTime() !== p.cutoff_at.getTime();
      await writeAudit(tx, actor, {
        action: "proposal.confirm",
        targetType: "bank",
        targetId: p.bank_code,
        reason: input.reason,
        before: { proposalId: p.id, status: "PENDING", scopes: p.scopes, cutoffAt: p.cutoff_at },
        after: {
          proposalId: p.id,
          status: "CONFIRMED",
          scopes: input.scopes,
          cutoffAt: input.cutoffAt,
          edited,
          suspensionIds,
          minutesFromSpike: minutesBetween(p.incident_started_at, p.now),
          minutesFromProposal: minutesBetween(p.created_at, p.now),
        },
      });
      return { proposalId: p.id, status: "CONFIRMED" as const, edited, suspensions: result.suspensions };
    });
  } catch (err) {
    throw asSuspensionConflict(err);
  }
}

export async function dismissProposal(db: PrismaClient, actor: StaffActor, input: DismissProposalInput) {
  return withTransaction(db, async (tx) => {
    const p = await lockPending(tx, input.proposalId);
    await tx.$executeRaw(sql`
      UPDATE action_proposal SET status = 'DISMISSED', decided_at = ${p.now}, decided_by_id = ${actor.id}::uuid, decision_reason = ${input.reason}
       WHERE id = ${p.id}::uuid`);
    await writeAudit(tx, actor, {
      action: "proposal.dismiss",
      targetType: "bank",
      targetId: p.bank_code,
      reason: input.reason,
      before: { proposalId: p.id, status: "PENDING", scopes: p.scopes, cutoffAt: p.cutoff_at },
      after: { proposalId: p.id, status: "DISMISSED", minutesFromSpike: minutesBetween(p.incident_started_at, p.now), minutesFromProposal: minutesBetween(p.created_at, p.now) },
    });
    return { proposalId: p.id, status: "DISMISSED" as const };
  });
}

// The payout lifecycle after export (#18): the batch is marked sent with the bank's acceptance
// reference, then the bank's result file settles or fails each line. Settling posts the line's
// pending journal and moves the money from in transit to paid, and only then is the case PAID;
// failing voids it and returns the case to payable with the bank's reason. Every step is audited in
// its transaction. The batch row's lock orders imports: a second import of the same file waits,
// then finds the lines resolved and changes nothing (and the database refuses a second resolution
// of a line or of its pending journal regardless).
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { compensationError } from "../../../shared/compensation/errors.ts";
import type { ImportBankResultInput, MarkBatchSentInput } from "../../../shared/compensation/inputs.ts";
import { FAILURE_WORDS, parseBankResult, planImport, type BatchStatus, type FailureReason, type LineStatus } from "../../../shared/compensation/payout-lifecycle.ts";
import { payoutSettledJournal } from "../../../shared/compensation/ledger.ts";
import { postJournal, resolvePending } from "./ledger.ts";
import { postCostShareOnSettle } from "../settlement/cost-sharing.ts";
import { enqueueWebhookEvents } from "../webhooks/outbox.ts";
import { compensationPaidEvents } from "../webhooks/events.ts";

async function lockBatch(tx: Tx, batchId: string) {
  const [batch] = await tx.$queryRaw<Array<{ id: string; status: BatchStatus; bank_reference: string | null }>>(sql`
    SELECT id::text AS id, status::text AS status, bank_reference FROM payout_batch WHERE id = ${batchId}::uuid FOR UPDATE`);
  if (!batch) throw compensationError("BATCH_NOT_FOUND");
  return batch;
}

export async function markBatchSent(db: PrismaClient, actor: StaffActor, input: MarkBatchSentInput) {
  return withTransaction(db, async (tx) => {
    const batch = await lockBatch(tx, input.batchId);
    if (batch.status !== "EXPORTED") {
      throw compensationError("BATCH_NOT_EXPORTED", `Batch ${batch.id.slice(0, 8)} is already ${batch.status === "SENT" ? "sent" : "closed"}${batch.bank_reference ? ` (bank reference ${batch.bank_reference})` : ""}.`, { status: batch.status });
    }
    const sentAt = new Date();
    await tx.payoutBatch.update({ where: { id: batch.id }, data: { status: "SENT", sentAt, sentById: actor.id, bankReference: input.bankReference } });
    await writeAudit(tx, actor, {
      action: "compensation.markBatchSent",
      targetType: "batch",
      targetId: batch.id,
      reason: input.reason,
      before: { status: "EXPORTED" },
      after: { status: "SENT", bankReference: input.bankReference },
    });
    return { batchId: batch.id, status: "SENT" as const, bankReference: input.bankReference };
  });
}

export interface ImportOutcome {
  batchId: string;
  settled: number[];
  failed: Array<{ lineNo: number; reason: FailureReason }>;
  unchanged: number[];
  stillPending: number[];
  status: BatchStatus;
}

export async function importBankResult(db: PrismaClient, actor: StaffActor, input: ImportBankResultInput): Promise<ImportOutcome> {
  const parsed = parseBankResult(input.fileText);
  if (!parsed.ok) throw compensationError("BANK_RESULT_INVALID", parsed.message, { row: parsed.row });
  return withTransaction(db, async (tx) => {
    const batch = await lockBatch(tx, input.batchId);
    if (batch.status === "EXPORTED") throw compensationError("BATCH_NOT_SENT", `Batch ${batch.id.slice(0, 8)} has not been marked as sent: record the bank's acceptance reference first.`);
    const lines = await tx.$queryRaw<Array<{ id: string; line_no: number; case_id: string; bank_code: string; amount_yen: number; status: LineStatus; failure_code: string | null; pending_journal_id: string }>>(sql`
      SELECT id::text AS id, line_no, case_id::text AS case_id, bank_code, amount_yen, status::text AS status, failure_code, pending_journal_id::text AS pending_journal_id
        FROM payout_line WHERE batch_id = ${batch.id}::uuid ORDER BY line_no FOR UPDATE`);
    const plan = planImport(
      lines.map((l) => ({ lineNo: l.line_no, amountYen: l.amount_yen, status: l.status, failureCode: l.failure_code })),
      parsed.rows,
    );
    if (!plan.ok) throw compensationError(plan.code === "CONFLICT" ? "BANK_RESULT_CONFLICT" : "BANK_RESULT_INVALID", plan.message, { lineNo: plan.lineNo });
    const byNo = new Map(lines.map((l) => [l.line_no, l]));
    const now = new Date();
    const meta = { actorId: actor.id, batchId: batch.id };
    const paidRows: Array<{ id: string; bank_code: string; total_yen: number }> = [];

    for (const lineNo of plan.settle) {
      const l = byNo.get(lineNo)!;
      // The WHERE re-checks PENDING: together with the trigger on payout_line, a line settles once.
      const changed = await tx.$executeRaw(sql`
        UPDATE payout_line SET status = 'SETTLED', resolved_at = ${now}, resolved_by_id = ${actor.id}::uuid WHERE id = ${l.id}::uuid AND status = 'PENDING'`);
      if (changed !== 1) throw compensationError("BANK_RESULT_CONFLICT", `Line ${lineNo} changed while this file was being imported. Import it again.`);
      await resolvePending(tx, l.pending_journal_id, "POST", "payout.settled", meta);
      await postJournal(tx, payoutSettledJournal({ caseId: l.case_id, bankCode: l.bank_code, totalYen: l.amount_yen }), meta);
      // Cost sharing (#18): the bank's share of what was paid becomes recoverable from it.
      await postCostShareOnSettle(tx, { caseId: l.case_id, bankCode: l.bank_code, totalYen: l.amount_yen }, now, meta);
      const paid = await tx.$executeRaw(sql`
        UPDATE compensation_case SET state = 'PAID', paid_at = ${now}, payout_failure = NULL
         WHERE id = ${l.case_id}::uuid AND state = 'APPROVED' AND payout_batch_id = ${batch.id}::uuid`);
      if (paid !== 1) throw compensationError("BANK_RESULT_CONFLICT", `The case of line ${lineNo} is no longer waiting for this batch.`);
      paidRows.push({ id: l.case_id, bank_code: l.bank_code, total_yen: l.amount_yen });
      await writeAudit(tx, actor, {
        action: "compensation.pay",
        targetType: "case",
        targetId: l.case_id,
        reason: input.reason,
        before: { state: "APPROVED", payoutBatchId: batch.id, line: lineNo },
        after: { state: "PAID", payoutBatchId: batch.id, line: lineNo, amountYen: l.amount_yen, bankReference: batch.bank_reference },
      });
    }

    for (const { lineNo, reason } of plan.fail) {
      const l = byNo.get(lineNo)!;
      const words = `Transfer failed at the bank: ${FAILURE_WORDS[reason]} (${reason}, batch ${batch.id.slice(0, 8)} line ${lineNo}).`;
      const changed = await tx.$executeRaw(sql`
        UPDATE payout_line SET status = 'FAILED', failure_code = ${reason}, failure_detail = ${words}, resolved_at = ${now}, resolved_by_id = ${actor.id}::uuid
         WHERE id = ${l.id}::uuid AND status = 'PENDING'`);
      if (changed !== 1) throw compensationError("BANK_RESULT_CONFLICT", `Line ${lineNo} changed while this file was being imported. Import it again.`);
      await resolvePending(tx, l.pending_journal_id, "VOID", "payout.failed", meta);
      const back = await tx.$executeRaw(sql`
        UPDATE compensation_case SET payout_batch_id = NULL, payout_failure = ${words}
         WHERE id = ${l.case_id}::uuid AND state = 'APPROVED' AND payout_batch_id = ${batch.id}::uuid`);
      if (back !== 1) throw compensationError("BANK_RESULT_CONFLICT", `The case of line ${lineNo} is no longer waiting for this batch.`);
      await writeAudit(tx, actor, {
        action: "compensation.payoutFailed",
        targetType: "case",
        targetId: l.case_id,
        reason: input.reason,
        before: { state: "APPROVED", payoutBatchId: batch.id, line: lineNo },
        after: { state: "APPROVED", payoutBatchId: null, failure: reason, line: lineNo },
      });
    }

    if (paidRows.length > 0) await enqueueWebhookEvents(tx, compensationPaidEvents(paidRows, batch.id, now));
    const status: BatchStatus = plan.stillPending.length === 0 ? "CLOSED" : "SENT";
    if (status === "CLOSED" && batch.status !== "CLOSED") await tx.payoutBatch.update({ where: { id: batch.id }, data: { status: "CLOSED", closedAt: now } });
    await writeAudit(tx, actor, {
      action: "compensation.importBankResult",
      targetType: "batch",
      targetId: batch.id,
      reason: input.reason,
      before: { status: batch.status },
      after: { status, settled: plan.settle, failed: plan.fail, unchanged: plan.unchanged, stillPending: plan.stillPending },
    });
    return { batchId: batch.id, settled: plan.settle, failed: plan.fail, unchanged: plan.unchanged, stillPending: plan.stillPending, status };
  });
}

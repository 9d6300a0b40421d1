// Payout batches: approved cases become PAID together with one transfer file, built once and
// stored, so every download returns the same bytes. A case enters at most one batch.
import { createHash, randomUUID } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { AppError } from "../../../shared/errors.ts";
import { formatYen, maskAccountNumber } from "../../../shared/format.ts";
import { compensationError } from "../../../shared/compensation/errors.ts";
import { buildPayoutCsv, victimKey, victimsPaidByOnePerson, type PayoutRow } from "../../../shared/compensation/rules.ts";
import type { CreatePayoutBatchInput } from "../../../shared/compensation/schemas.ts";
import { approvalThresholdYen, lockVictims } from "./service.ts";
import { num } from "./sql.ts";
import { enqueueWebhookEvents } from "../webhooks/outbox.ts";
import { compensationPaidEvents } from "../webhooks/events.ts";
import { payoutExportedJournal, payoutSettledJournal } from "../../../shared/compensation/ledger.ts";
import { postJournal, resolvePending } from "./ledger.ts";

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export async function createPayoutBatch(db: PrismaClient, actor: StaffActor, input: CreatePayoutBatchInput) {
  const caseIds = [...input.caseIds].sort();
  return withTransaction(db, async (tx) => {
    // Each victim's paid total is checked below: take the victims' locks (as approvals do) before
    // any case row, so an approval of the same victim cannot interleave.
    await lockVictims(tx, await tx.compensationCase.findMany({ where: { id: { in: caseIds } }, select: { bankCode: true, branchCode: true, accountNumber: true } }));
    // Lock the cases first: a concurrent batch or cancel waits, and after the wait the WHERE is
    // checked again, so a case another batch just took is no longer returned here.
    const rows = await tx.$queryRaw<Array<{ id: string; bank_code: string; branch_code: string; account_number: string; holder_name: string; total_yen: number; requested_by_id: string; decided_by_id: string | null }>>(sql`
      SELECT id::text AS id, bank_code, branch_code, account_number, holder_name, total_yen, requested_by_id::text AS requested_by_id, decided_by_id::text AS decided_by_id
        FROM compensation_case
       WHERE id = ANY(${caseIds}::uuid[]) AND state = 'APPROVED' AND payout_batch_id IS NULL
       ORDER BY id
         FOR UPDATE`);
    if (rows.length !== caseIds.length) {
      const found = new Set(rows.map((r) => r.id));
      const missing = caseIds.filter((id) => !found.has(id));
      throw compensationError(
        "CASES_NOT_PAYABLE",
        `${missing.length} of the ${caseIds.length} cases ${missing.length === 1 ? "is" : "are"} not approved or already in a payout batch (${missing.map((id) => id.slice(0, 8)).join(", ")}). Reload the list and try again.`,
        { caseIds: missing },
      );
    }
    // Four eyes per victim, checked again where the money leaves: every victim paid at or above the
    // threshold (earlier batches included) must have had two different people ask and approve.
    const thresholdYen = await approvalThresholdYen(tx);
    const victims = new Map(rows.map((r) => [victimKey(r.bank_code, r.branch_code, r.account_number), r]));
    const paidBefore = await tx.compensationCase.findMany({
      where: { state: "PAID", OR: [...victims.values()].map((r) => ({ bankCode: r.bank_code, branchCode: r.branch_code, accountNumber: r.account_number })) },
      select: { bankCode: true, branchCode: true, accountNumber: true, totalYen: true, requestedById: true, decidedById: true },
    });
    const alone = victimsPaidByOnePerson(
      [
        ...paidBefore,
        ...rows.map((r) => ({ bankCode: r.bank_code, branchCode: r.branch_code, accountNumber: r.account_number, totalYen: r.total_yen, requestedById: r.requested_by_id, decidedById: r.decided_by_id })),
      ],
      thresholdYen,
    );
    if (alone.length > 0) {
      const named = alone.map((key) => {
        const r = victims.get(key)!;
        return `${r.bank_code}-${r.branch_code} ${maskAccountNumber(r.account_number)}`;
      });
      throw compensationError(
        "FOUR_EYES_REQUIRED",
        `${named.join(", ")} would be paid ${formatYen(thresholdYen)} or more on one person's decisions alone. Leave ${alone.length === 1 ? "that victim's cases" : "those victims' cases"} out, and have a second manager review them.`,
        { caseIds: rows.filter((r) => alone.includes(victimKey(r.bank_code, r.branch_code, r.account_number))).map((r) => r.id) },
      );
    }
    const batchId = randomUUID();
    // Stored with millisecond precision, like the column, so the file name never disagrees with it.
    const createdAt = new Date(Math.floor(Date.now()));
    const payoutRows: PayoutRow[] = rows.map((r) => ({
      caseId: r.id,
      bankCode: r.bank_code,
      branchCode: r.branch_code,
      accountNumber: r.account_number,
      holderName: r.holder_name,
      amountYen: r.total_yen,
    }));
    const file = buildPayoutCsv(payoutRows, { id: batchId, createdAt });
    await tx.payoutBatch.create({
      data: {
        id: batchId,
        createdById: actor.id,
        createdAt,
        caseCount: file.caseCount,
        totalYen: BigInt(file.totalYen),
        fileName: file.fileName,
        fileCsv: file.csv,
        fileSha256: sha256Hex(file.csv),
      },
    });
    // Enforced in SQL as well: only approved cases not yet in a batch move, and all of them must.
    const paid = await tx.$executeRaw(sql`
      UPDATE compensation_case
         SET state = 'PAID', payout_batch_id = ${batchId}::uuid, paid_at = ${createdAt}
       WHERE id = ANY(${caseIds}::uuid[]) AND state = 'APPROVED' AND payout_batch_id IS NULL`);
    if (paid !== caseIds.length) {
      throw compensationError("CASES_NOT_PAYABLE", "Some cases changed while the batch was being made. Reload the list and try again.");
    }
    // Ledger: the money goes in flight and, the case being paid with the batch, is settled at once.
    for (const r of rows) {
      const money = { caseId: r.id, bankCode: r.bank_code, totalYen: r.total_yen };
      const pendingId = await postJournal(tx, payoutExportedJournal(money), { actorId: actor.id, batchId });
      await resolvePending(tx, pendingId, "POST", "payout.settled", { actorId: actor.id, batchId });
      await postJournal(tx, payoutSettledJournal(money), { actorId: actor.id, batchId });
    }
    await enqueueWebhookEvents(tx, compensationPaidEvents(rows, batchId, createdAt));
    for (const r of rows) {
      await writeAudit(tx, actor, {
        action: "compensation.pay",
        targetType: "case",
        targetId: r.id,
        reason: input.reason,
        before: { state: "APPROVED" },
        after: { state: "PAID", payoutBatchId: batchId, amountYen: r.total_yen },
      });
    }
    await writeAudit(tx, actor, {
      action: "compensation.createPayoutBatch",
      targetType: "batch",
      targetId: batchId,
      reason: input.reason,
      after: { caseCount: file.caseCount, totalYen: file.totalYen, fileName: file.fileName, caseIds },
    });
    return { batchId, fileName: file.fileName, caseCount: file.caseCount, totalYen: file.totalYen };
  });
}

export async function listBatches(db: PrismaClient) {
  const batches = await db.payoutBatch.findMany({
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      createdAt: true,
      createdById: true,
      caseCount: true,
      totalYen: true,
      fileName: true,
      fileSha256: true,
      cases: {
        select: { id: true, bankCode: true, branchCode: true, accountNumber: true, holderName: true, totalYen: true },
        orderBy: { id: "asc" },
      },
    },
  });
  const staffIds = [...new Set(batches.map((b) => b.createdById))];
  const staff = await db.staffUser.findMany({ where: { id: { in: staffIds } }, select: { id: true, email: true } });
  const emailOf = new Map(staff.map((s) => [s.id, s.email]));
  return batches.map((b) => ({
    id: b.id,
    createdAt: b.createdAt,
    createdByEmail: emailOf.get(b.createdById) ?? "unknown",
    caseCount: b.caseCount,
    totalYen: num(b.totalYen),
    fileName: b.fileName,
    fileSha256: b.fileSha256,
    cases: b.cases.map(({ accountNumber, ...c }) => ({ ...c, accountNumberMasked: maskAccountNumber(accountNumber) })),
  }));
}

/** The stored file, exactly. The only place full account numbers leave the server, so it is audited. */
export async function downloadBatch(db: PrismaClient, actor: StaffActor, batchId: string) {
  const batch = await db.payoutBatch.findUnique({ where: { id: batchId }, select: { id: true, fileName: true, fileCsv: true, fileSha256: true } });
  if (!batch) throw compensationError("BATCH_NOT_FOUND");
  if (sha256Hex(batch.fileCsv) !== batch.fileSha256) {
    // Never hand out a transfer file that differs from the one produced: someone must look first.
    throw new AppError("INTERNAL", `The stored file of batch ${batch.id.slice(0, 8)} does not match its checksum. Do not send it; ask an administrator to investigate.`);
  }
  await withTransaction(db, (tx) =>
    writeAudit(tx, actor, { action: "compensation.downloadBatch", targetType: "batch", targetId: batch.id, after: { fileName: batch.fileName, sha256: batch.fileSha256 } }),
  );
  return { fileName: batch.fileName, csv: batch.fileCsv, sha256: batch.fileSha256 };
}

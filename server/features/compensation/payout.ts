// Payout batches (#18): approved cases go out together in one transfer file (CSV and Zengin 総合振込,
// each built once and stored, so every download returns the same bytes), one payout line per case,
// its money a PENDING ledger journal. The batch is then marked sent with the bank's acceptance
// reference, and the bank's result file settles or fails each line (payout-results.ts): a case is
// PAID only when its line settles. A case is in at most one line that has not failed.
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
import { payoutExportedJournal } from "../../../shared/compensation/ledger.ts";
import { buildZenginFile, ZenginError, type ZenginTransfer } from "../../../shared/compensation/zengin.ts";
import { bankBranches } from "./zengin-codes.ts";
import { assertCasesEligible } from "./eligibility.ts";
import { postJournal } from "./ledger.ts";
import { zenginSender } from "./zengin-sender.ts";

function sha256Hex(data: string | Uint8Array): string {
  return typeof data === "string" ? createHash("sha256").update(data, "utf8").digest("hex") : createHash("sha256").update(data).digest("hex");
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
      // Paid, or on its way in an earlier batch.
      where: {
        OR: [{ state: "PAID" }, { state: "APPROVED", payoutBatchId: { not: null } }],
        AND: [{ OR: [...victims.values()].map((r) => ({ bankCode: r.bank_code, branchCode: r.branch_code, accountNumber: r.account_number })) }],
      },
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
    // No case leaves with a charge an eligibility rule blocks and no manager overrode (checked at
    // approval too: a reimbursement recorded since then blocks it here).
    await assertCasesEligible(tx, rows.map((r) => r.id));
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
    // One Zengin data record per case, numbered as its payout line: the bank's result names lines.
    // The bank and branch are checked against the Zengin code list, and their kana names come from it.
    const places = bankBranches(rows.map((r) => ({ bankCode: r.bank_code, branchCode: r.branch_code })));
    const transfers: ZenginTransfer[] = rows.map((r, i) => {
      const place = places.get(`${r.bank_code}-${r.branch_code}`)!;
      return {
        bankCode: r.bank_code,
        bankName: place.ok ? place.bankKana : "",
        branchCode: r.branch_code,
        branchName: place.ok ? place.branchKana : "",
        accountNumber: r.account_number,
        holderName: r.holder_name,
        amountYen: r.total_yen,
        reference: String(i + 1),
      };
    });
    const unknownPlace = rows.find((r) => !places.get(`${r.bank_code}-${r.branch_code}`)!.ok);
    // A name the Zengin format cannot carry (kanji, say) leaves the batch with its CSV only, and
    // says why: the batch is not refused, as it was not before the Zengin file existed.
    let zengin: { bytes: Uint8Array } | null = null;
    let zenginError: string | null = null;
    try {
      if (unknownPlace) {
        const place = places.get(`${unknownPlace.bank_code}-${unknownPlace.branch_code}`)!;
        throw new ZenginError(`${place.ok ? "" : place.words} A transfer to it would be returned: check the victim's bank and branch code.`, "bank code");
      }
      zengin = buildZenginFile(zenginSender(), transfers, createdAt);
    } catch (err) {
      if (!(err instanceof ZenginError)) throw err;
      const at = unknownPlace ?? rows.find((r) => err.message.includes(`"${r.holder_name}"`));
      zenginError = `${err.message}${at ? ` (case ${at.id.slice(0, 8)})` : ""}`;
    }
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
        status: "EXPORTED",
        fileZengin: zengin ? Buffer.from(zengin.bytes) : null,
        fileZenginSha256: zengin ? sha256Hex(zengin.bytes) : null,
        zenginError,
      },
    });
    // Enforced in SQL as well: only approved cases not yet in a batch move, and all of them must.
    // They stay APPROVED (payable, in flight) until the bank settles their line.
    const moved = await tx.$executeRaw(sql`
      UPDATE compensation_case
         SET payout_batch_id = ${batchId}::uuid, payout_failure = NULL
       WHERE id = ANY(${caseIds}::uuid[]) AND state = 'APPROVED' AND payout_batch_id IS NULL`);
    if (moved !== caseIds.length) {
      throw compensationError("CASES_NOT_PAYABLE", "Some cases changed while the batch was being made. Reload the list and try again.");
    }
    // Ledger: each line's money goes in flight (pending until the bank's result posts or voids it).
    for (const [i, r] of rows.entries()) {
      const pendingId = await postJournal(tx, payoutExportedJournal({ caseId: r.id, bankCode: r.bank_code, totalYen: r.total_yen }), { actorId: actor.id, batchId });
      await tx.payoutLine.create({
        data: {
          id: randomUUID(),
          batchId,
          lineNo: i + 1,
          caseId: r.id,
          bankCode: r.bank_code,
          branchCode: r.branch_code,
          accountNumber: r.account_number,
          holderName: r.holder_name,
          amountYen: r.total_yen,
          pendingJournalId: pendingId,
        },
      });
      await writeAudit(tx, actor, {
        action: "compensation.batchCase",
        targetType: "case",
        targetId: r.id,
        reason: input.reason,
        before: { state: "APPROVED" },
        after: { state: "APPROVED", payoutBatchId: batchId, line: i + 1, amountYen: r.total_yen },
      });
    }
    await writeAudit(tx, actor, {
      action: "compensation.createPayoutBatch",
      targetType: "batch",
      targetId: batchId,
      reason: input.reason,
      after: { caseCount: file.caseCount, totalYen: file.totalYen, fileName: file.fileName, caseIds, zenginSha256: zengin ? sha256Hex(zengin.bytes) : null, zenginError, status: "EXPORTED" },
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
      fileZenginSha256: true,
      zenginError: true,
      status: true,
      sentAt: true,
      bankReference: true,
      closedAt: true,
      lines: {
        select: { lineNo: true, caseId: true, bankCode: true, branchCode: true, accountNumber: true, holderName: true, amountYen: true, status: true, failureCode: true, resolvedAt: true },
        orderBy: { lineNo: "asc" },
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
    hasZengin: b.fileZenginSha256 !== null,
    zenginError: b.zenginError,
    status: b.status,
    sentAt: b.sentAt,
    bankReference: b.bankReference,
    closedAt: b.closedAt,
    cases: b.lines.map(({ accountNumber, caseId, amountYen, ...l }) => ({ ...l, id: caseId, totalYen: amountYen, accountNumberMasked: maskAccountNumber(accountNumber) })),
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

/** The stored Zengin file, exactly (base64 of its Shift_JIS bytes). Audited like the CSV. */
export async function downloadZengin(db: PrismaClient, actor: StaffActor, batchId: string) {
  const batch = await db.payoutBatch.findUnique({ where: { id: batchId }, select: { id: true, fileName: true, fileZengin: true, fileZenginSha256: true, zenginError: true } });
  if (!batch) throw compensationError("BATCH_NOT_FOUND");
  if (!batch.fileZengin || !batch.fileZenginSha256) {
    throw compensationError("ZENGIN_NOT_WRITABLE", batch.zenginError ? `Batch ${batch.id.slice(0, 8)} has no Zengin file: ${batch.zenginError}` : `Batch ${batch.id.slice(0, 8)} was made before Zengin files existed: use its CSV.`);
  }
  const bytes = new Uint8Array(batch.fileZengin);
  if (sha256Hex(bytes) !== batch.fileZenginSha256) {
    throw new AppError("INTERNAL", `The stored Zengin file of batch ${batch.id.slice(0, 8)} does not match its checksum. Do not send it; ask an administrator to investigate.`);
  }
  const fileName = batch.fileName.replace(/\.csv$/, "") + ".zengin.txt";
  await withTransaction(db, (tx) =>
    writeAudit(tx, actor, { action: "compensation.downloadBatch", targetType: "batch", targetId: batch.id, after: { fileName, sha256: batch.fileZenginSha256, format: "zengin" } }),
  );
  return { fileName, base64: Buffer.from(bytes).toString("base64"), sha256: batch.fileZenginSha256, encoding: "Shift_JIS" as const };
}

// Goal (#18): the compensation ledger is double-entry and kept by the database itself, and approving,
// cancelling and paying a case post through it in the same transaction. Method: a real server on its
// own database, staff over HTTP; the guards tried with plain SQL as the database owner.
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCClientError } from "@trpc/client";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { createStaff, fraudScenario, key, withClaim } from "./compensation-fixtures.ts";
import { parseZenginText } from "../shared/compensation/zengin.ts";

let t: TestApp;
type Agent = Awaited<ReturnType<typeof signedInAs>>;
let support: Agent;
let manager: Agent;
let manager2: Awaited<ReturnType<typeof createStaff>>;
const REASON = "Victim reported withdrawals they did not make";

beforeAll(async () => {
  t = await startTestApp();
  [support, manager] = await Promise.all([signedInAs(t.baseUrl, "SUPPORT"), signedInAs(t.baseUrl, "MANAGER")]);
  manager2 = await createStaff(t.db.prisma, t.baseUrl, "MANAGER");
});
afterAll(async () => {
  await t.close();
});

async function approvedCase(amountsYen: number[], bankCode = "0125") {
  const s = await fraudScenario(t.db.prisma, amountsYen, { bankCode });
  // Each victim their own name, so cases of one batch are told apart in the file.
  const { caseId } = await support.trpc.compensation.create.mutate(withClaim({
    idempotencyKey: key(),
    holderName: s.victim.holderName,
    lines: s.chargeIds.map((chargeId, i) => ({ chargeId, amountYen: amountsYen[i] })),
    reason: REASON,
  }));
  await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
  return { ...s, caseId, totalYen: amountsYen.reduce((a, b) => a + b, 0) };
}

async function caseLedger(caseId: string) {
  const { rows } = await t.db.pool.query<{ account: string; posted_yen: string; pending_yen: string }>(
    `SELECT account::text AS account, posted_yen, pending_yen FROM ledger_balance WHERE case_id = $1 ORDER BY account`,
    [caseId],
  );
  return Object.fromEntries(rows.map((r) => [r.account, { posted: Number(r.posted_yen), pending: Number(r.pending_yen) }]));
}

describe("the database keeps the ledger", () => {
  it("refuses an unbalanced journal at commit, a journal without postings, and postings on a resolution", async () => {
    const c = await approvedCase([4_000]);
    const client = await t.db.pool.connect();
    try {
      const id = randomUUID();
      await client.query("BEGIN");
      await client.query(`INSERT INTO ledger_journal (id, kind, phase, case_id) VALUES ($1, 'case.approved', 'SINGLE', $2)`, [id, c.caseId]);
      await client.query(`INSERT INTO ledger_posting (journal_id, account, bank_code, case_id, amount_yen) VALUES ($1, 'OPERATOR_LOSS', '0125', $2, 100), ($1, 'VICTIM_PAYABLE', '0125', $2, -99)`, [id, c.caseId]);
      await expect(client.query("COMMIT")).rejects.toThrow(/does not balance: 2 postings summing to 1 yen/);

      await expect(client.query(`INSERT INTO ledger_journal (id, kind, phase, case_id) VALUES ($1, 'case.approved', 'SINGLE', $2)`, [randomUUID(), c.caseId])).rejects.toThrow(/does not balance: 0 postings/);

      const { rows: [pending] } = await client.query(`SELECT id FROM ledger_journal WHERE case_id = $1 AND phase = 'SINGLE' LIMIT 1`, [c.caseId]);
      await client.query("BEGIN");
      const res = randomUUID();
      await client.query(`INSERT INTO ledger_journal (id, kind, phase, pending_id) VALUES ($1, 'payout.settled', 'POST', $2)`, [res, pending.id]);
      await expect(client.query("COMMIT")).rejects.toThrow(/is not a pending journal/);
    } finally {
      await client.query("ROLLBACK").catch(() => {});
      client.release();
    }
    // A balanced one with three legs passes (the database keeps the books balanced, not true: the
    // reconciliation below shows this 10 yen that no case stands behind).
    const id = randomUUID();
    await t.db.pool.query(`
      WITH j AS (INSERT INTO ledger_journal (id, kind, phase, case_id) VALUES ($1, 'case.approved', 'SINGLE', $2) RETURNING id)
      INSERT INTO ledger_posting (journal_id, account, bank_code, case_id, amount_yen)
      SELECT j.id, a.account::ledger_account, '0125', $2, a.yen FROM j, (VALUES ('OPERATOR_LOSS', 10), ('VICTIM_PAYABLE', -4), ('VICTIM_PAYABLE', -6)) AS a(account, yen)`, [id, c.caseId]);
  });

  it("refuses UPDATE and DELETE of journals and postings, even for the owner", async () => {
    const c = await approvedCase([5_000]);
    await expect(t.db.pool.query(`UPDATE ledger_posting SET amount_yen = amount_yen * 2 WHERE case_id = $1`, [c.caseId])).rejects.toThrow(/immutable/);
    await expect(t.db.pool.query(`DELETE FROM ledger_posting WHERE case_id = $1`, [c.caseId])).rejects.toThrow(/immutable/);
    await expect(t.db.pool.query(`DELETE FROM ledger_journal WHERE case_id = $1`, [c.caseId])).rejects.toThrow(/immutable/);
    await expect(t.db.pool.query(`UPDATE ledger_journal SET kind = 'x' WHERE case_id = $1`, [c.caseId])).rejects.toThrow(/immutable/);
  });
});

describe("flows post through the ledger", () => {
  it("approving owes the victim; cancelling the approved case reverses it", async () => {
    const c = await approvedCase([7_000, 3_000]);
    expect(await caseLedger(c.caseId)).toEqual({ OPERATOR_LOSS: { posted: 10_000, pending: 0 }, VICTIM_PAYABLE: { posted: -10_000, pending: 0 } });
    await manager.trpc.compensation.cancel.mutate({ caseId: c.caseId, reason: "Bank already refunded" });
    expect(await caseLedger(c.caseId)).toEqual({ OPERATOR_LOSS: { posted: 0, pending: 0 }, VICTIM_PAYABLE: { posted: 0, pending: 0 } });
  });

  it("a requested case that is rejected never touches the ledger", async () => {
    const s = await fraudScenario(t.db.prisma, [2_000]);
    const { caseId } = await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 2_000 }], reason: REASON }));
    await manager.trpc.compensation.reject.mutate({ caseId, reason: "Not fraud" });
    expect(await caseLedger(caseId)).toEqual({});
  });
});

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCClientError) return { code: (err.data as { code: string }).code, message: err.message, details: (err.data as { details?: Record<string, unknown> }).details };
    throw err;
  }
  throw new Error("expected the call to fail");
}

const resultFile = (rows: Array<[number, number, "SETTLED" | "FAILED", string]>) => ["line,amount_yen,result,reason", ...rows.map((r) => r.join(","))].join("\r\n") + "\r\n";

async function lineOf(batchId: string, caseId: string) {
  return t.db.prisma.payoutLine.findFirstOrThrow({ where: { batchId, caseId } });
}

describe("payout lifecycle", () => {
  it("exported → sent → one line settles, one fails back to payable with the reason; the next batch settles it; every step audited", async () => {
    const a = await approvedCase([12_000]);
    const b = await approvedCase([8_000], "9900");
    const batch = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [a.caseId, b.caseId], reason: "Weekly payout run" });
    // Exported: the cases are in the batch but not paid; their money is pending in the ledger.
    for (const c of [a, b]) {
      const got = await manager.trpc.compensation.get.query({ caseId: c.caseId });
      expect(got.state).toBe("APPROVED");
      expect(got.payoutBatch?.id).toBe(batch.batchId);
    }
    expect(await caseLedger(a.caseId)).toEqual({
      CASH_IN_TRANSIT: { posted: 0, pending: -12_000 },
      OPERATOR_LOSS: { posted: 12_000, pending: 0 },
      VICTIM_PAYABLE: { posted: -12_000, pending: 12_000 },
    });
    expect((await manager.trpc.compensation.payableCases.query()).map((p) => p.id)).not.toContain(a.caseId);
    const listed = (await manager.trpc.compensation.batches.query()).find((x) => x.id === batch.batchId)!;
    expect(listed).toMatchObject({ status: "EXPORTED", hasZengin: true, bankReference: null });

    // The Zengin file: Shift_JIS, 120-byte records, one data record per line numbered as the lines.
    const z = await manager.trpc.compensation.downloadZengin.query({ batchId: batch.batchId });
    const bytes = Buffer.from(z.base64, "base64");
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(z.sha256);
    const parsed = parseZenginText(new TextDecoder("shift_jis", { fatal: true }).decode(bytes));
    expect(parsed.trailer).toEqual({ count: 2, totalYen: 20_000 });
    const la = await lineOf(batch.batchId, a.caseId);
    const lb = await lineOf(batch.batchId, b.caseId);
    expect(parsed.transfers[la.lineNo - 1]).toMatchObject({ bankCode: "0125", accountNumber: a.victim.accountNumber, amountYen: 12_000, holderName: "ﾔﾏﾀﾞ ﾀﾛｳ", reference: String(la.lineNo).padStart(10, "0") });
    expect(parsed.transfers[lb.lineNo - 1]).toMatchObject({ bankCode: "9900", amountYen: 8_000 });

    // Results before the bank accepted the batch are refused; then marked sent, once.
    expect((await failure(manager.trpc.compensation.importBankResult.mutate({ batchId: batch.batchId, fileText: resultFile([[la.lineNo, 12_000, "SETTLED", ""]]), reason: "Bank results" }))).code).toBe("BATCH_NOT_SENT");
    expect(await errorCodeOf(support.trpc.compensation.markBatchSent.mutate({ batchId: batch.batchId, bankReference: "X", reason: "Support sending" }))).toBe("FORBIDDEN");
    await manager.trpc.compensation.markBatchSent.mutate({ batchId: batch.batchId, bankReference: "MUFG-2026-1207-0001", reason: "Bank accepted the file" });
    expect((await failure(manager.trpc.compensation.markBatchSent.mutate({ batchId: batch.batchId, bankReference: "AGAIN", reason: "Marking it twice" }))).message).toMatch(/already sent \(bank reference MUFG-2026-1207-0001\)/);

    // One line settles, the other fails: account closed.
    const out = await manager.trpc.compensation.importBankResult.mutate({
      batchId: batch.batchId,
      fileText: resultFile([[la.lineNo, 12_000, "SETTLED", ""], [lb.lineNo, 8_000, "FAILED", "ACCOUNT_CLOSED"]]),
      reason: "Bank results of 12-07",
    });
    expect(out).toMatchObject({ settled: [la.lineNo], failed: [{ lineNo: lb.lineNo, reason: "ACCOUNT_CLOSED" }], unchanged: [], stillPending: [], status: "CLOSED" });
    const paidA = await manager.trpc.compensation.get.query({ caseId: a.caseId });
    expect(paidA.state).toBe("PAID");
    expect(paidA.history.at(-1)).toMatchObject({ action: "compensation.pay", reason: "Bank results of 12-07", actorEmail: manager.user.email });
    expect(await caseLedger(a.caseId)).toEqual({
      CASH_IN_TRANSIT: { posted: 0, pending: 0 },
      CASH_PAID: { posted: -12_000, pending: 0 },
      OPERATOR_LOSS: { posted: 12_000, pending: 0 },
      VICTIM_PAYABLE: { posted: 0, pending: 0 },
    });
    const backB = await t.db.prisma.compensationCase.findUniqueOrThrow({ where: { id: b.caseId } });
    expect(backB).toMatchObject({ state: "APPROVED", payoutBatchId: null });
    expect(backB.payoutFailure).toMatch(/the account is closed \(ACCOUNT_CLOSED, batch .{8} line \d\)/);
    expect((await manager.trpc.compensation.get.query({ caseId: b.caseId })).lastFailedLine).toMatchObject({ failureCode: "ACCOUNT_CLOSED", lineNo: lb.lineNo, fileName: batch.fileName });
    expect(await caseLedger(b.caseId)).toEqual({ CASH_IN_TRANSIT: { posted: 0, pending: 0 }, OPERATOR_LOSS: { posted: 8_000, pending: 0 }, VICTIM_PAYABLE: { posted: -8_000, pending: 0 } });
    expect((await manager.trpc.compensation.payableCases.query()).map((p) => p.id)).toContain(b.caseId);
    expect(await t.db.prisma.auditEvent.count({ where: { action: "compensation.payoutFailed", targetId: b.caseId } })).toBe(1);
    expect(await t.db.prisma.auditEvent.count({ where: { action: "compensation.markBatchSent", targetId: batch.batchId } })).toBe(1);
    expect(await t.db.prisma.auditEvent.count({ where: { action: "compensation.importBankResult", targetId: batch.batchId } })).toBe(1);

    // The failed case goes out again and settles.
    const again = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [b.caseId], reason: "Retry after the account was updated" });
    await manager.trpc.compensation.markBatchSent.mutate({ batchId: again.batchId, bankReference: "MUFG-2026-1208-0002", reason: "Accepted" });
    await manager.trpc.compensation.importBankResult.mutate({ batchId: again.batchId, fileText: resultFile([[1, 8_000, "SETTLED", ""]]), reason: "Bank results of 12-08" });
    expect((await t.db.prisma.compensationCase.findUniqueOrThrow({ where: { id: b.caseId } })).state).toBe("PAID");
    expect((await caseLedger(b.caseId)).CASH_PAID).toEqual({ posted: -8_000, pending: 0 });
    // Reconciliation: 9900 agrees; 0125 shows exactly the 10 yen journal written by hand above (no
    // case stands behind it), loudly.
    const rec = await manager.trpc.compensation.reconciliation.query();
    expect(rec.banks.find((r) => r.bankCode === "9900")).toMatchObject({ balanced: true, ledger: { paidYen: 8_000 }, cases: { paidYen: 8_000 } });
    expect(rec.banks.find((r) => r.bankCode === "0125")).toMatchObject({ balanced: false, differenceYen: { lossYen: 10, payableYen: 10, inFlightYen: 0, paidYen: 0 } });
    expect(rec.total.differenceYen).toEqual({ lossYen: 10, payableYen: 10, inFlightYen: 0, paidYen: 0 });
    expect(rec.balanced).toBe(false);
  });

  it("refuses unreadable, foreign and contradicting result files, and the database refuses to change a resolved line", async () => {
    const a = await approvedCase([5_000]);
    const batch = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [a.caseId], reason: "Payout run" });
    await manager.trpc.compensation.markBatchSent.mutate({ batchId: batch.batchId, bankReference: "REF-1", reason: "Accepted" });
    const imp = (fileText: string) => failure(manager.trpc.compensation.importBankResult.mutate({ batchId: batch.batchId, fileText, reason: "Bank results" }));
    expect(await imp("nope\r\n1,5000,SETTLED,\r\n")).toMatchObject({ code: "BANK_RESULT_INVALID", details: { row: 1 } });
    expect(await imp(resultFile([[1, 5_000, "FAILED", "SOMETHING"]]))).toMatchObject({ code: "BANK_RESULT_INVALID", details: { row: 2 } });
    expect(await imp(resultFile([[2, 5_000, "SETTLED", ""]]))).toMatchObject({ code: "BANK_RESULT_INVALID", details: { lineNo: 2 } });
    expect((await imp(resultFile([[1, 5_001, "SETTLED", ""]]))).message).toMatch(/sent for 5000 yen, but the result says 5001 yen/);
    // Nothing was applied by the refused files.
    expect((await lineOf(batch.batchId, a.caseId)).status).toBe("PENDING");
    // A case in flight cannot be cancelled.
    expect((await failure(manager.trpc.compensation.cancel.mutate({ caseId: a.caseId, reason: "Changed our mind" }))).message).toMatch(/is in payout batch/);

    await manager.trpc.compensation.importBankResult.mutate({ batchId: batch.batchId, fileText: resultFile([[1, 5_000, "FAILED", "NAME_MISMATCH"]]), reason: "Bank results" });
    expect(await imp(resultFile([[1, 5_000, "SETTLED", ""]]))).toMatchObject({ code: "BANK_RESULT_CONFLICT" });
    // The same file again changes nothing.
    const same = await manager.trpc.compensation.importBankResult.mutate({ batchId: batch.batchId, fileText: resultFile([[1, 5_000, "FAILED", "NAME_MISMATCH"]]), reason: "Bank results, again" });
    expect(same).toMatchObject({ settled: [], failed: [], unchanged: [1], status: "CLOSED" });

    const line = await lineOf(batch.batchId, a.caseId);
    await expect(t.db.pool.query(`UPDATE payout_line SET status = 'SETTLED', failure_code = NULL WHERE id = $1`, [line.id])).rejects.toThrow(/already FAILED and cannot change/);
    await expect(t.db.pool.query(`INSERT INTO ledger_journal (id, kind, phase, pending_id) VALUES (gen_random_uuid(), 'payout.settled', 'POST', $1)`, [line.pendingJournalId])).rejects.toThrow(/ledger_journal_one_resolution/);
    // A second live line for the same case is refused too.
    const c = await approvedCase([1_000]);
    const b2 = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [c.caseId], reason: "Payout run" });
    const l2 = await lineOf(b2.batchId, c.caseId);
    await expect(
      t.db.pool.query(
        `INSERT INTO payout_line (id, batch_id, line_no, case_id, bank_code, branch_code, account_number, holder_name, amount_yen, pending_journal_id)
         SELECT gen_random_uuid(), batch_id, 2, case_id, bank_code, branch_code, account_number, holder_name, amount_yen, $2 FROM payout_line WHERE id = $1`,
        [l2.id, line.pendingJournalId],
      ),
    ).rejects.toThrow(/payout_line_one_live_per_case/);
  });

  it("two imports of the same result file at the same moment settle each line once", async () => {
    const cases = await Promise.all([approvedCase([1_000]), approvedCase([2_000]), approvedCase([3_000], "9900")]);
    const batch = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: cases.map((c) => c.caseId), reason: "Payout run" });
    await manager.trpc.compensation.markBatchSent.mutate({ batchId: batch.batchId, bankReference: "REF-PAR", reason: "Accepted" });
    const lines = await t.db.prisma.payoutLine.findMany({ where: { batchId: batch.batchId }, orderBy: { lineNo: "asc" } });
    const file = resultFile(lines.map((l) => [l.lineNo, l.amountYen, "SETTLED", ""]));
    const results = await Promise.allSettled([
      manager.trpc.compensation.importBankResult.mutate({ batchId: batch.batchId, fileText: file, reason: "Import A" }),
      manager2.trpc.compensation.importBankResult.mutate({ batchId: batch.batchId, fileText: file, reason: "Import B" }),
      manager.trpc.compensation.importBankResult.mutate({ batchId: batch.batchId, fileText: file, reason: "Import C" }),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<{ settled: number[]; unchanged: number[] }>).value);
    expect(ok).toHaveLength(3);
    // Exactly one import settled the lines; the others found them settled.
    expect(ok.flatMap((o) => o.settled).sort()).toEqual(lines.map((l) => l.lineNo));
    expect(ok.flatMap((o) => o.unchanged)).toHaveLength(2 * lines.length);
    for (const c of cases) {
      expect(await t.db.prisma.auditEvent.count({ where: { action: "compensation.pay", targetId: c.caseId } })).toBe(1);
      expect((await caseLedger(c.caseId)).CASH_PAID).toEqual({ posted: -c.totalYen, pending: 0 });
    }
    const { rows } = await t.db.pool.query(`SELECT pending_id, count(*)::int AS n FROM ledger_journal WHERE batch_id = $1 AND phase IN ('POST', 'VOID') GROUP BY pending_id`, [batch.batchId]);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const { rows: events } = await t.db.pool.query(`SELECT count(*)::int AS n FROM webhook_event WHERE type = 'compensation.paid' AND subject_id = ANY($1::text[])`, [cases.map((c) => c.caseId)]);
    expect(events[0].n).toBe(3);
  });

  it("a holder name without kana leaves the batch with its CSV only, and says why", async () => {
    const s = await fraudScenario(t.db.prisma, [3_000]);
    const { caseId } = await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: "山田 太郎", lines: [{ chargeId: s.chargeIds[0], amountYen: 3_000 }], reason: REASON }));
    await support.trpc.compensation.approve.mutate({ caseId, reason: "Small and clear" });
    const batch = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [caseId], reason: "Payout run" });
    const listed = (await manager.trpc.compensation.batches.query()).find((x) => x.id === batch.batchId)!;
    expect(listed.hasZengin).toBe(false);
    expect(listed.zenginError).toMatch(/holder name "山田 太郎" has "山"/);
    expect((await failure(manager.trpc.compensation.downloadZengin.query({ batchId: batch.batchId }))).code).toBe("ZENGIN_NOT_WRITABLE");
    expect((await manager.trpc.compensation.downloadBatch.query({ batchId: batch.batchId })).csv).toContain("山田 太郎");
  });
});

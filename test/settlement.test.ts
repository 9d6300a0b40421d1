// Goal (#18): a charge is never reimbursed twice across parties. A reimbursement by the victim's
// bank or another party is recorded with a reason and audited, reduces what we owe the victim, and
// is refused (service and database) when our own compensation already pays the charge back or the
// charge would be paid back more than it took; a charge reimbursed by others can only be
// compensated for what is left. Method: a real server on its own database, staff over HTTP, the
// database guard tried with plain SQL as the owner.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { fraudScenario, key, withClaim } from "./compensation-fixtures.ts";
import { reimbursedCharges } from "../server/features/settlement/reimbursements.ts";
import { createPayoutBatch } from "../server/features/compensation/payout.ts";
import { importBankResult, markBatchSent } from "../server/features/compensation/payout-results.ts";

let t: TestApp;
type Agent = Awaited<ReturnType<typeof signedInAs>>;
let support: Agent;
let manager: Agent;
let analyst: Agent;
const REASON = "Bank confirmed it refunded the customer";

beforeAll(async () => {
  t = await startTestApp();
  [support, manager, analyst] = await Promise.all([signedInAs(t.baseUrl, "SUPPORT"), signedInAs(t.baseUrl, "MANAGER"), signedInAs(t.baseUrl, "ANALYST")]);
});
afterAll(async () => {
  await t.close();
});

const bankRefund = (chargeId: string, amountYen: number) =>
  ({ chargeId, party: "BANK" as const, amountYen, reimbursedOn: "2026-12-01", reference: `BK-${randomUUID().slice(0, 6)}`, reason: REASON });

async function requestCase(s: Awaited<ReturnType<typeof fraudScenario>>, amounts: number[]) {
  return support.trpc.compensation.create.mutate(withClaim({
    idempotencyKey: key(),
    holderName: s.victim.holderName,
    lines: s.chargeIds.map((chargeId, i) => ({ chargeId, amountYen: amounts[i] })),
    reason: "Victim reported withdrawals they did not make",
  }));
}

describe("recording reimbursements by banks and others", () => {
  it("records a bank's reimbursement with the charge's bank, audits it, and shrinks what we owe", async () => {
    const s = await fraudScenario(t.db.prisma, [10_000, 5_000]);
    const before = await support.trpc.compensation.victimForCharge.query({ chargeId: s.chargeIds[0] });
    expect(before!.owedYen).toBe(15_000);

    const r = await support.trpc.settlement.recordReimbursement.mutate(bankRefund(s.chargeIds[0], 6_000));
    expect(r).toMatchObject({ chargeId: s.chargeIds[0], party: "BANK", bankCode: "0125", amountYen: 6_000, reimbursedOn: "2026-12-01" });
    const other = await manager.trpc.settlement.recordReimbursement.mutate({ ...bankRefund(s.chargeIds[0], 4_000), party: "OTHER", partyName: "Tokio Insurance" });
    expect(other).toMatchObject({ party: "OTHER", bankCode: null, partyName: "Tokio Insurance" });

    const after = await support.trpc.compensation.victimForCharge.query({ chargeId: s.chargeIds[0] });
    expect(after!.owedYen).toBe(5_000);
    expect(after!.reimbursedYen).toBe(10_000);
    expect(after!.charges.find((c) => c.chargeId === s.chargeIds[0])).toMatchObject({ reimbursedYen: 10_000, owedYen: 0 });

    const audit = await t.db.prisma.auditEvent.findMany({ where: { action: "settlement.recordReimbursement", targetId: s.chargeIds[0] }, orderBy: { at: "asc" } });
    expect(audit.map((a) => [a.actorRole, a.reason])).toEqual([["SUPPORT", REASON], ["MANAGER", REASON]]);

    const listed = await support.trpc.settlement.reimbursements.query({ chargeIds: s.chargeIds });
    expect(listed.map((x) => [x.chargeId, x.party, x.amountYen])).toEqual([[s.chargeIds[0], "BANK", 6_000], [s.chargeIds[0], "OTHER", 4_000]]);
    // The function helper "claims" uses for eligibility.
    const map = await reimbursedCharges(t.db.prisma, s.chargeIds);
    expect([...map.keys()]).toEqual([s.chargeIds[0]]);
  });

  it("refuses a second record by the same party, and more than the charge took across parties", async () => {
    const s = await fraudScenario(t.db.prisma, [10_000]);
    await support.trpc.settlement.recordReimbursement.mutate(bankRefund(s.chargeIds[0], 7_000));
    expect(await errorCodeOf(support.trpc.settlement.recordReimbursement.mutate(bankRefund(s.chargeIds[0], 1_000)))).toBe("REIMBURSEMENT_EXISTS");
    await expect(support.trpc.settlement.recordReimbursement.mutate({ ...bankRefund(s.chargeIds[0], 3_001), party: "OTHER", partyName: "Merchant" })).rejects.toThrow(
      /only ¥3,000 left/,
    );
    expect(await errorCodeOf(support.trpc.settlement.recordReimbursement.mutate({ ...bankRefund("no-such-charge", 1), reason: REASON }))).toBe("REIMBURSEMENT_CHARGE_NOT_FOUND");
  });

  it("refuses a charge on a payable or paid case line, and a requested case holds its amount", async () => {
    const s = await fraudScenario(t.db.prisma, [8_000, 2_000]);
    const { caseId } = await requestCase(s, [8_000, 1_000]);
    // Requested: what the case asks for is held, the rest is free.
    expect(await errorCodeOf(support.trpc.settlement.recordReimbursement.mutate(bankRefund(s.chargeIds[0], 1)))).toBe("REIMBURSEMENT_EXCEEDS_CHARGE");
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
    // Payable now: even the part the case does not cover is refused.
    await expect(support.trpc.settlement.recordReimbursement.mutate(bankRefund(s.chargeIds[1], 500))).rejects.toThrow(/already paid back by us: case .* \(approved, payable\) covers ¥1,000/);
    expect(await t.db.prisma.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM charge_reimbursement WHERE charge_id = ANY($1)`, s.chargeIds)).toEqual([]);
  });

  it("lets a case ask only for what others did not reimburse", async () => {
    const s = await fraudScenario(t.db.prisma, [10_000]);
    await support.trpc.settlement.recordReimbursement.mutate(bankRefund(s.chargeIds[0], 6_000));
    await expect(requestCase(s, [4_001])).rejects.toThrow(/partly reimbursed: bank 0125 ¥6,000 on 2026-12-01 .* At most ¥4,000 is left/);
    expect(await errorCodeOf(requestCase(s, [4_001]))).toBe("CHARGE_ALREADY_REIMBURSED");
    const { caseId } = await requestCase(s, [4_000]);
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("validates input and roles on the server", async () => {
    const s = await fraudScenario(t.db.prisma, [1_000]);
    expect(await errorCodeOf(analyst.trpc.settlement.recordReimbursement.mutate(bankRefund(s.chargeIds[0], 100)))).toBe("FORBIDDEN");
    expect(await errorCodeOf(support.trpc.settlement.recordReimbursement.mutate({ ...bankRefund(s.chargeIds[0], 100), reimbursedOn: "2026-02-30" }))).toBe("VALIDATION_FAILED");
    expect(await errorCodeOf(support.trpc.settlement.recordReimbursement.mutate({ ...bankRefund(s.chargeIds[0], 100), party: "OTHER" }))).toBe("VALIDATION_FAILED");
    expect(await errorCodeOf(support.trpc.settlement.recordReimbursement.mutate({ ...bankRefund(s.chargeIds[0], 100), reason: "x" }))).toBe("VALIDATION_FAILED");
  });
});

describe("the database guards the same rule", () => {
  it("refuses reimbursements and case lines that together pass the charge, and any change of a recorded row", async () => {
    const s = await fraudScenario(t.db.prisma, [5_000]);
    const insert = (party: string, yen: number) =>
      t.db.pool.query(
        `INSERT INTO charge_reimbursement (id, charge_id, party, bank_code, party_name, amount_yen, reimbursed_on, reference, reason, recorded_by_id)
         VALUES ($1, $2, $3::reimbursement_party, CASE WHEN $3 = 'BANK' THEN '0125' END, CASE WHEN $3 = 'OTHER' THEN 'X' END, $4, '2026-12-01', 'r', 'reason text', $5)`,
        [randomUUID(), s.chargeIds[0], party, yen, randomUUID()],
      );
    await insert("BANK", 3_000);
    await expect(insert("OTHER", 2_001)).rejects.toThrow(/more than the charge's 5000 yen/);
    await expect(insert("BANK", 1)).rejects.toThrow(/charge_reimbursement_one_per_party/);
    // A case line past what is left, written straight into the table, is refused as well.
    const { caseId } = await requestCase(s, [2_000]);
    await expect(t.db.pool.query(`UPDATE compensation_line SET amount_yen = 2001 WHERE case_id = $1`, [caseId])).rejects.toThrow(/cases 2001 yen, reimbursed 3000 yen/);
    await expect(t.db.pool.query(`UPDATE charge_reimbursement SET amount_yen = 1 WHERE charge_id = $1`, [s.chargeIds[0]])).rejects.toThrow(/kept as recorded/);
    await expect(t.db.pool.query(`DELETE FROM charge_reimbursement WHERE charge_id = $1`, [s.chargeIds[0]])).rejects.toThrow(/kept as recorded/);
  });
});

describe("cost sharing and the bank statement", () => {
  async function actorOf(role: "MANAGER" | "SUPPORT") {
    const s = await t.db.prisma.staffUser.findFirstOrThrow({ where: { role, email: (role === "MANAGER" ? manager : support).user.email } });
    return { id: s.id, email: s.email, role: s.role };
  }
  async function paidCase(bankCode: string, amountYen: number) {
    const s = await fraudScenario(t.db.prisma, [amountYen], { bankCode });
    const { caseId } = await requestCase(s, [amountYen]);
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
    const m = await actorOf("MANAGER");
    const { batchId } = await createPayoutBatch(t.db.prisma, m, { caseIds: [caseId], reason: "Weekly payout run" });
    await markBatchSent(t.db.prisma, m, { batchId, bankReference: `REF-${batchId.slice(0, 6)}`, reason: "Bank accepted the file" });
    await importBankResult(t.db.prisma, m, { batchId, fileText: `line,amount_yen,result,reason\n1,${amountYen},SETTLED,`, reason: "Bank result file" });
    return { ...s, caseId };
  }
  async function caseBalances(caseId: string) {
    const { rows } = await t.db.pool.query<{ account: string; posted_yen: string }>(`SELECT account::text AS account, posted_yen FROM ledger_balance WHERE case_id = $1`, [caseId]);
    return Object.fromEntries(rows.filter((r) => Number(r.posted_yen) !== 0).map((r) => [r.account, Number(r.posted_yen)]));
  }

  it("sets agreements (admin or manager, with a reason, audited, kept per day) and refuses other roles", async () => {
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    const share = { bankCode: "0168", bankSharePercent: 25, effectiveFrom: "2026-01-01", reason: "Agreement signed with the bank" };
    expect(await errorCodeOf(support.trpc.settlement.setCostShare.mutate(share))).toBe("FORBIDDEN");
    expect(await admin.trpc.settlement.setCostShare.mutate(share)).toMatchObject({ bankCode: "0168", bankShareBp: 2_500, effectiveFrom: "2026-01-01" });
    expect(await errorCodeOf(manager.trpc.settlement.setCostShare.mutate(share))).toBe("COST_SHARE_EXISTS");
    expect(await errorCodeOf(manager.trpc.settlement.setCostShare.mutate({ ...share, bankSharePercent: 33.333 }))).toBe("VALIDATION_FAILED");
    expect(await errorCodeOf(manager.trpc.settlement.setCostShare.mutate({ ...share, bankCode: "0999" }))).toBe("SETTLEMENT_BANK_NOT_FOUND");
    await manager.trpc.settlement.setCostShare.mutate({ ...share, bankSharePercent: 33.33, effectiveFrom: "2026-02-01" });
    expect((await manager.trpc.settlement.costShares.query({ bankCode: "0168" })).map((a) => [a.effectiveFrom, a.bankShareBp])).toEqual([["2026-02-01", 3_333], ["2026-01-01", 2_500]]);
    const audit = await t.db.prisma.auditEvent.findMany({ where: { action: "settlement.setCostShare", targetId: "0168" }, orderBy: { at: "asc" } });
    expect(audit.map((a) => (a.after as { bankShare: string }).bankShare)).toEqual(["25%", "33.33%"]);
  });

  it("splits a paid compensation between operator loss and bank recoverable, books a bank's own reimbursement as owed to it, and states both", async () => {
    await manager.trpc.settlement.setCostShare.mutate({ bankCode: "0152", bankSharePercent: 30, effectiveFrom: "2026-01-01", reason: "Agreement signed with the bank" });
    const paid = await paidCase("0152", 10_001);
    // 30% of ¥10,001 rounded down to the bank: ¥3,000; the operator bears ¥7,001.
    expect(await caseBalances(paid.caseId)).toMatchObject({ OPERATOR_LOSS: 7_001, BANK_RECOVERABLE: 3_000, CASH_PAID: -10_001 });

    const other = await fraudScenario(t.db.prisma, [5_000], { bankCode: "0152" });
    await support.trpc.settlement.recordReimbursement.mutate(bankRefund(other.chargeIds[0], 5_000));

    const st = await manager.trpc.settlement.statement.query({ bankCode: "0152" });
    expect(st).toMatchObject({ bankCode: "0152", owesUsYen: 3_000, weOweYen: 3_500, netYen: -500, receivedYen: 0 });
    expect(st.items.map((i) => [i.kind, i.caseId, i.chargeId, i.owesUsYen, i.weOweYen])).toEqual([
      ["cost.shared", paid.caseId, null, 3_000, 0],
      ["bank.reimbursed", null, other.chargeIds[0], 0, 3_500],
    ]);
    // The reconciliation still sees each case's whole cost, whoever bears it.
    const rec = await manager.trpc.compensation.reconciliation.query();
    expect(rec.banks.find((b) => b.bankCode === "0152")).toMatchObject({ balanced: true, ledger: { lossYen: 10_001, paidYen: 10_001 } });

    // The bank pays its share: never more than it owes, audited, and the statement follows.
    const pay = { bankCode: "0152", amountYen: 3_001, receivedOn: "2026-12-04", reference: "IN-778", reason: "Bank transferred its share" };
    await expect(manager.trpc.settlement.recordBankPayment.mutate(pay)).rejects.toThrow(/owes us ¥3,000 .* the payment is ¥3,001/);
    expect(await errorCodeOf(support.trpc.settlement.recordBankPayment.mutate({ ...pay, amountYen: 3_000 }))).toBe("FORBIDDEN");
    expect(await manager.trpc.settlement.recordBankPayment.mutate({ ...pay, amountYen: 3_000 })).toMatchObject({ owesUsYen: 0 });
    const after = await manager.trpc.settlement.statement.query({ bankCode: "0152" });
    expect(after).toMatchObject({ owesUsYen: 0, weOweYen: 3_500, netYen: -3_500, receivedYen: 3_000 });
    expect(after.items.at(-1)).toMatchObject({ kind: "bank.paid", reference: "IN-778", owesUsYen: -3_000 });
    expect(await t.db.prisma.auditEvent.count({ where: { action: "settlement.recordBankPayment", targetId: "0152" } })).toBe(1);
    expect(await errorCodeOf(analyst.trpc.settlement.statement.query({ bankCode: "0152" }))).toBe("FORBIDDEN");
  });

  it("pays a bank what we owe it: a manager, in words beyond what we owe, once per reference even for two requests at once, audited, in the ledger", async () => {
    await manager.trpc.settlement.setCostShare.mutate({ bankCode: "0153", bankSharePercent: 40, effectiveFrom: "2026-01-01", reason: "Agreement signed with the bank" });
    const refunded = await fraudScenario(t.db.prisma, [12_000], { bankCode: "0153" });
    await support.trpc.settlement.recordReimbursement.mutate(bankRefund(refunded.chargeIds[0], 12_000));
    expect(await manager.trpc.settlement.statement.query({ bankCode: "0153" })).toMatchObject({ weOweYen: 7_200, paidToBankYen: 0 });

    const pay = { bankCode: "0153", amountYen: 7_201, paidOn: "2026-12-05", reference: "OUT-0153-1", reason: "Transferred our share of its refunds" };
    await expect(manager.trpc.settlement.payBank.mutate(pay)).rejects.toThrow(/We owe bank 0153 ¥7,200 .* the payment is ¥7,201/);
    expect(await errorCodeOf(support.trpc.settlement.payBank.mutate({ ...pay, amountYen: 5_000 }))).toBe("FORBIDDEN");
    expect(await errorCodeOf(analyst.trpc.settlement.payBank.mutate({ ...pay, amountYen: 5_000 }))).toBe("FORBIDDEN");
    // A double click: two identical requests at once pay once; both answer the one payment.
    const [a, b] = await Promise.all([manager.trpc.settlement.payBank.mutate({ ...pay, amountYen: 5_000 }), manager.trpc.settlement.payBank.mutate({ ...pay, amountYen: 5_000 })]);
    expect(a.id).toBe(b.id);
    expect([a.repeated, b.repeated].sort()).toEqual([false, true]);
    expect([a.weOweYen, b.weOweYen]).toEqual([2_200, 2_200]);
    // The same reference for another payment is refused in words.
    await expect(manager.trpc.settlement.payBank.mutate({ ...pay, amountYen: 2_200 })).rejects.toThrow(/already recorded under the reference OUT-0153-1/);
    expect(await manager.trpc.settlement.payBank.mutate({ ...pay, amountYen: 2_200, reference: "OUT-0153-2" })).toMatchObject({ weOweYen: 0, repeated: false });
    expect(await errorCodeOf(manager.trpc.settlement.payBank.mutate({ ...pay, amountYen: 1, reference: "OUT-0153-3" }))).toBe("BANK_PAYOUT_EXCEEDS_OWED");

    const st = await manager.trpc.settlement.statement.query({ bankCode: "0153" });
    expect(st).toMatchObject({ owesUsYen: 0, weOweYen: 0, netYen: 0, paidToBankYen: 7_200 });
    expect(st.items.filter((i) => i.kind === "bank.payout").map((i) => [i.reference, i.weOweYen])).toEqual([["OUT-0153-1", -5_000], ["OUT-0153-2", -2_200]]);
    const { rows } = await t.db.pool.query<{ account: string; posted_yen: string }>(
      `SELECT account::text AS account, posted_yen FROM ledger_balance WHERE bank_code = '0153' AND account IN ('BANK_PAYABLE', 'CASH_PAID_TO_BANK') ORDER BY account`,
    );
    expect(rows.map((r) => [r.account, Number(r.posted_yen)])).toEqual([["BANK_PAYABLE", 0], ["CASH_PAID_TO_BANK", -7_200]]);
    const audit = await t.db.prisma.auditEvent.findMany({ where: { action: "settlement.payBank", targetId: "0153" }, orderBy: { id: "asc" } });
    expect(audit.map((x) => [x.actorRole, x.reason, (x.after as { amountYen: number }).amountYen])).toEqual([
      ["MANAGER", pay.reason, 5_000],
      ["MANAGER", pay.reason, 2_200],
    ]);
    // The database keeps payments as recorded and one reference per bank.
    await expect(t.db.pool.query(`UPDATE bank_payout SET amount_yen = 1 WHERE bank_code = '0153'`)).rejects.toThrow(/kept as recorded/);
    await expect(
      t.db.pool.query(`INSERT INTO bank_payout (id, bank_code, amount_yen, paid_on, reference, reason, recorded_by_id) VALUES (gen_random_uuid(), '0153', 1, '2026-12-05', 'OUT-0153-1', 'x', gen_random_uuid())`),
    ).rejects.toThrow(/bank_payout_one_per_reference/);
  });

  it("shares nothing without an agreement in force", async () => {
    const paid = await paidCase("0126", 4_000);
    expect(await caseBalances(paid.caseId)).toMatchObject({ OPERATOR_LOSS: 4_000 });
    expect((await caseBalances(paid.caseId)).BANK_RECOVERABLE).toBeUndefined();
    const other = await fraudScenario(t.db.prisma, [2_000], { bankCode: "0126" });
    await support.trpc.settlement.recordReimbursement.mutate(bankRefund(other.chargeIds[0], 2_000));
    expect(await manager.trpc.settlement.statement.query({ bankCode: "0126" })).toMatchObject({ owesUsYen: 0, weOweYen: 0, items: [] });
  });
});

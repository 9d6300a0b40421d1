// Goal (#18): the likely-victims CSV (GET /exports/victims.csv) says what the victims list and the
// victim pages say. "Still owed" is amount − paid − pending − reimbursed per charge, never below zero
// (it was taken − paid, ignoring pending cases and the banks' reimbursements). Every exported row is
// compared with the victims list (accounts.victims) and the victim page (compensation.victimForCharge)
// for the same data: a paid charge, a pending one, one the bank partly reimbursed, one untouched.
// Method: a real server on its own database, staff over HTTP, the CSV fetched as the browser does.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { fraudScenario, key, withClaim } from "./compensation-fixtures.ts";
import { maskAccountNumber } from "../shared/format.ts";

let t: TestApp;
type Agent = Awaited<ReturnType<typeof signedInAs>>;
let support: Agent;
let manager: Agent;
const REASON = "Victim reported withdrawals they did not make";

beforeAll(async () => {
  t = await startTestApp();
  [support, manager] = await Promise.all([signedInAs(t.baseUrl, "SUPPORT"), signedInAs(t.baseUrl, "MANAGER")]);
});
afterAll(async () => {
  await t.close();
});

async function exportRows(bank: string): Promise<Array<Record<string, string>>> {
  const res = await fetch(`${t.baseUrl}/exports/victims.csv?bank=${bank}`, { headers: { cookie: `fg_session=${manager.jar.get("fg_session")}` } });
  expect(res.status).toBe(200);
  const [head, ...lines] = (await res.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
  const cols = head.split(",");
  // No field here holds a comma or a quote (katakana names, digits, times).
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
}

describe("the likely-victims CSV agrees with the victims list and the victim pages", () => {
  it("every exported row has the list's taken, paid, pending, reimbursed and still-owed figures; a pending and a reimbursed charge are not owed", async () => {
    // Victim A: ¥30,000 paid (settled), ¥20,000 pending (requested), ¥10,000 of which the bank paid back ¥6,000, ¥5,000 untouched.
    const a = await fraudScenario(t.db.prisma, [30_000, 20_000, 10_000, 5_000]);
    const paid = await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: a.victim.holderName, lines: [{ chargeId: a.chargeIds[0], amountYen: 30_000 }], reason: REASON }));
    await manager.trpc.compensation.approve.mutate({ caseId: paid.caseId, reason: "Checked the statement" });
    const batch = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [paid.caseId], reason: "Weekly payout run" });
    await manager.trpc.compensation.markBatchSent.mutate({ batchId: batch.batchId, bankReference: "77-EXPORT-TEST-1", reason: "Bank accepted the file" });
    const line = await t.db.prisma.payoutLine.findFirstOrThrow({ where: { caseId: paid.caseId } });
    await manager.trpc.compensation.importBankResult.mutate({ batchId: batch.batchId, fileText: `line,amount_yen,result,reason\r\n${line.lineNo},30000,SETTLED,\r\n`, reason: "Bank results" });
    await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: a.victim.holderName, lines: [{ chargeId: a.chargeIds[1], amountYen: 20_000 }], reason: REASON }));
    await support.trpc.settlement.recordReimbursement.mutate({ chargeId: a.chargeIds[2], party: "BANK", amountYen: 6_000, reimbursedOn: "2020-09-20", reference: `BK-${randomUUID().slice(0, 6)}`, reason: "Bank refunded part of the debit" });
    // Victim B: ¥8,000 approved and in flight (exported batch) for a ¥12,000 charge. Victim C: nothing done yet.
    const b = await fraudScenario(t.db.prisma, [12_000]);
    const inFlight = await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: b.victim.holderName, lines: [{ chargeId: b.chargeIds[0], amountYen: 8_000 }], reason: REASON }));
    await manager.trpc.compensation.approve.mutate({ caseId: inFlight.caseId, reason: "Checked the statement" });
    await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [inFlight.caseId], reason: "Weekly payout run" });
    const c = await fraudScenario(t.db.prisma, [7_000]);

    const rows = await exportRows("0125");
    const list = (await manager.trpc.accounts.victims.query({ bank: "0125" })).banks.find((x) => x.bankCode === "0125")!;
    expect(rows).toHaveLength(list.victimCount);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) {
      const v = list.victims.find((x) => x.branchCode === r.branch_code && x.maskedAccountNumber === maskAccountNumber(r.account_number));
      expect(v, `list row for ${r.branch_code}-${r.account_number}`).toBeDefined();
      expect({ taken: Number(r.taken_yen), charges: Number(r.charges), paid: Number(r.paid_back_yen), pending: Number(r.pending_yen), reimbursed: Number(r.reimbursed_yen), owed: Number(r.still_owed_yen) }).toEqual({
        taken: v!.takenYen,
        charges: v!.chargeCount,
        paid: v!.paidBackYen,
        pending: v!.pendingYen,
        reimbursed: v!.reimbursedYen,
        owed: v!.owedYen,
      });
      // And the victim page (the compensation form and case page) says the same.
      const page = await support.trpc.compensation.victimForCharge.query({ chargeId: v!.chargeId });
      expect({ taken: page!.takenYen, paid: page!.paidYen, pending: page!.pendingYen, reimbursed: page!.reimbursedYen, owed: page!.owedYen }).toEqual({
        taken: v!.takenYen,
        paid: v!.paidBackYen,
        pending: v!.pendingYen,
        reimbursed: v!.reimbursedYen,
        owed: v!.owedYen,
      });
    }
    // The figures themselves, worked out by hand.
    const byAccount = new Map(rows.map((r) => [r.account_number, r]));
    expect(byAccount.get(a.victim.accountNumber)).toMatchObject({ taken_yen: "65000", paid_back_yen: "30000", pending_yen: "20000", reimbursed_yen: "6000", still_owed_yen: "9000" });
    expect(byAccount.get(b.victim.accountNumber)).toMatchObject({ taken_yen: "12000", paid_back_yen: "0", pending_yen: "8000", reimbursed_yen: "0", still_owed_yen: "4000" });
    expect(byAccount.get(c.victim.accountNumber)).toMatchObject({ taken_yen: "7000", paid_back_yen: "0", pending_yen: "0", reimbursed_yen: "0", still_owed_yen: "7000" });
    // The bank's totals on the list add up the same rows.
    expect(list.owedYen).toBe(rows.reduce((s, r) => s + Number(r.still_owed_yen), 0));
    expect(list.reimbursedYen).toBe(rows.reduce((s, r) => s + Number(r.reimbursed_yen), 0));
  });
});

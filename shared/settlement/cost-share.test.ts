import { describe, expect, it } from "vitest";
import { agreementOn, bankPaidJournal, bankPayoutJournal, bankReimbursedJournal, costSharedJournal, formatShare, splitYen, statementFigures } from "./cost-share.ts";
import { balances, isBalanced, ledgerFigures, payoutExportedJournal, payoutSettledJournal, caseApprovedJournal, type LedgerAccount, type StoredJournal, type JournalDraft } from "../compensation/ledger.ts";

let n = 0;
const stored = (d: JournalDraft): StoredJournal => ({ id: `j${++n}`, phase: d.phase, pendingId: null, postings: d.postings });

describe("cost sharing", () => {
  it("splits to whole yen, the rounding yen staying with the operator", () => {
    expect(splitYen(10_000, 3_000)).toEqual({ bankYen: 3_000, operatorYen: 7_000 });
    expect(splitYen(10_001, 3_333)).toEqual({ bankYen: 3_333, operatorYen: 6_668 });
    expect(splitYen(1, 9_999)).toEqual({ bankYen: 0, operatorYen: 1 });
    expect(splitYen(5_000, 10_000)).toEqual({ bankYen: 5_000, operatorYen: 0 });
    expect(() => splitYen(100, 10_001)).toThrow(RangeError);
    expect(formatShare(3_333)).toBe("33.33%");
    expect(formatShare(5_000)).toBe("50%");
  });

  it("picks the latest agreement effective on or before the day, per bank", () => {
    const a = [
      { bankCode: "0125", bankShareBp: 2_000, effectiveFrom: "2026-01-01" },
      { bankCode: "0125", bankShareBp: 5_000, effectiveFrom: "2026-06-01" },
      { bankCode: "9900", bankShareBp: 9_000, effectiveFrom: "2025-01-01" },
    ];
    expect(agreementOn(a, "0125", "2025-12-31")).toBeNull();
    expect(agreementOn(a, "0125", "2026-05-31")?.bankShareBp).toBe(2_000);
    expect(agreementOn(a, "0125", "2026-06-01")?.bankShareBp).toBe(5_000);
    expect(agreementOn(a, "9900", "2026-06-01")?.bankShareBp).toBe(9_000);
  });

  it("posts balanced journals: a paid case's cost stays the case total, split between operator loss and bank recoverable", () => {
    const c = { caseId: "c1", bankCode: "0125", totalYen: 12_000 };
    const shared = costSharedJournal(c, 2_500)!;
    expect(isBalanced(shared)).toBe(true);
    expect(shared.postings).toEqual([
      { account: "BANK_RECOVERABLE", bankCode: "0125", caseId: "c1", amountYen: 3_000 },
      { account: "OPERATOR_LOSS", bankCode: "0125", caseId: "c1", amountYen: -3_000 },
    ]);
    const out = stored(payoutExportedJournal(c));
    const js = [stored(caseApprovedJournal(c)), out, { id: "r", phase: "POST" as const, pendingId: out.id, postings: [] }, stored(payoutSettledJournal(c)), stored(shared)];
    const b = balances(js) as Map<LedgerAccount, { postedYen: number; pendingYen: number }>;
    expect(b.get("OPERATOR_LOSS")!.postedYen).toBe(9_000);
    expect(b.get("BANK_RECOVERABLE")!.postedYen).toBe(3_000);
    expect(ledgerFigures(b)).toEqual({ lossYen: 12_000, payableYen: 0, inFlightYen: 0, paidYen: 12_000 });
    expect(costSharedJournal(c, 0)).toBeNull();
  });

  it("books a bank's own reimbursement as our share owed to it, and its payment against what it owes us", () => {
    const r = bankReimbursedJournal("0125", 10_000, 3_000)!;
    expect(r.postings.map((p) => [p.account, p.amountYen, p.caseId])).toEqual([["OPERATOR_LOSS", 7_000, null], ["BANK_PAYABLE", -7_000, null]]);
    expect(bankReimbursedJournal("0125", 10_000, 10_000)).toBeNull();
    const p = bankPaidJournal("0125", 2_000);
    expect(isBalanced(p) && isBalanced(r)).toBe(true);
    const b = balances([stored(costSharedJournal({ caseId: "c", bankCode: "0125", totalYen: 10_000 }, 5_000)!), stored(r), stored(p)]);
    const posted = Object.fromEntries([...b].map(([k, v]) => [k, v.postedYen]));
    expect(statementFigures(posted)).toEqual({ owesUsYen: 3_000, weOweYen: 7_000, netYen: -4_000, receivedYen: 2_000, paidToBankYen: 0 });
    // We pay the bank ¥5,000 of the ¥7,000 we owe it: Dr BANK_PAYABLE, Cr CASH_PAID_TO_BANK.
    const o = bankPayoutJournal("0125", 5_000);
    expect(isBalanced(o)).toBe(true);
    expect(o.postings.map((x) => [x.account, x.amountYen])).toEqual([["BANK_PAYABLE", 5_000], ["CASH_PAID_TO_BANK", -5_000]]);
    const after = balances([stored(costSharedJournal({ caseId: "c", bankCode: "0125", totalYen: 10_000 }, 5_000)!), stored(r), stored(p), stored(o)]);
    expect(statementFigures(Object.fromEntries([...after].map(([k, v]) => [k, v.postedYen])))).toEqual({ owesUsYen: 3_000, weOweYen: 2_000, netYen: 1_000, receivedYen: 2_000, paidToBankYen: 5_000 });
    expect(() => bankPayoutJournal("0125", 0)).toThrow(RangeError);
  });
});

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  approvedCaseCancelledJournal,
  balances,
  caseApprovedJournal,
  entryStatuses,
  expectedCaseBalances,
  isBalanced,
  ledgerFigures,
  payoutExportedJournal,
  payoutSettledJournal,
  type LedgerAccount,
  type StoredJournal,
} from "./ledger.ts";

const c = { caseId: "case-1", bankCode: "0125", totalYen: 12_000 };
let n = 0;
const stored = (j: { phase: StoredJournal["phase"]; postings?: StoredJournal["postings"]; pendingId?: string }): StoredJournal => ({
  id: `j${++n}`,
  phase: j.phase,
  pendingId: j.pendingId ?? null,
  postings: j.postings ?? [],
});
const figures = (js: StoredJournal[]) => ledgerFigures(balances(js) as Map<LedgerAccount, { postedYen: number; pendingYen: number }>);

describe("ledger posting rules", () => {
  it("each rule writes two legs of the case total on its accounts, balanced", () => {
    expect(caseApprovedJournal(c).postings.map((p) => [p.account, p.amountYen])).toEqual([["OPERATOR_LOSS", 12_000], ["VICTIM_PAYABLE", -12_000]]);
    expect(approvedCaseCancelledJournal(c).postings.map((p) => [p.account, p.amountYen])).toEqual([["VICTIM_PAYABLE", 12_000], ["OPERATOR_LOSS", -12_000]]);
    expect(payoutExportedJournal(c)).toMatchObject({ phase: "PENDING", postings: [{ account: "VICTIM_PAYABLE", amountYen: 12_000 }, { account: "CASH_IN_TRANSIT", amountYen: -12_000 }] });
    expect(payoutSettledJournal(c).postings.map((p) => [p.account, p.amountYen])).toEqual([["CASH_IN_TRANSIT", 12_000], ["CASH_PAID", -12_000]]);
    for (const j of [caseApprovedJournal(c), approvedCaseCancelledJournal(c), payoutExportedJournal(c), payoutSettledJournal(c)]) expect(isBalanced(j)).toBe(true);
  });

  it("refuses amounts that are not whole positive yen", () => {
    for (const totalYen of [0, -5, 1.5, Number.NaN]) expect(() => caseApprovedJournal({ ...c, totalYen })).toThrow(/whole, positive yen/);
  });

  it("isBalanced: one leg, a sum off by one yen, a zero leg and a resolution with postings are refused", () => {
    const leg = (amountYen: number) => ({ account: "CASH_PAID" as const, bankCode: "0125", caseId: null, amountYen });
    expect(isBalanced({ phase: "SINGLE", postings: [leg(5)] })).toBe(false);
    expect(isBalanced({ phase: "SINGLE", postings: [leg(5), leg(-4)] })).toBe(false);
    expect(isBalanced({ phase: "SINGLE", postings: [leg(5), leg(-5), leg(0)] })).toBe(false);
    expect(isBalanced({ phase: "POST", postings: [leg(5), leg(-5)] })).toBe(false);
    expect(isBalanced({ phase: "VOID", postings: [] })).toBe(true);
    expect(isBalanced({ phase: "SINGLE", postings: [leg(5), leg(-2), leg(-3)] })).toBe(true);
  });

  it("a case's balances through approve → in flight → failed (void) → in flight → settled", () => {
    const approved = stored(caseApprovedJournal(c));
    expect(figures([approved])).toEqual(expectedCaseBalances("PAYABLE", 12_000));
    const out1 = stored(payoutExportedJournal(c));
    expect(figures([approved, out1])).toEqual(expectedCaseBalances("IN_FLIGHT", 12_000));
    const void1 = stored({ phase: "VOID", pendingId: out1.id });
    expect(figures([approved, out1, void1])).toEqual(expectedCaseBalances("PAYABLE", 12_000));
    expect(entryStatuses([approved, out1, void1]).filter((e) => e.status === "VOIDED")).toHaveLength(2);
    const out2 = stored(payoutExportedJournal(c));
    const post2 = stored({ phase: "POST", pendingId: out2.id });
    const settled = stored(payoutSettledJournal(c));
    const all = [approved, out1, void1, out2, post2, settled];
    expect(figures(all)).toEqual(expectedCaseBalances("PAID", 12_000));
    // Every account of the case sums to zero across accounts (double entry), pending included.
    const total = [...balances(all).values()].reduce((s, b) => s + b.postedYen + b.pendingYen, 0);
    expect(total).toBe(0);
  });

  it("approve then cancel leaves nothing owed and no loss", () => {
    expect(figures([stored(caseApprovedJournal(c)), stored(approvedCaseCancelledJournal(c))])).toEqual(expectedCaseBalances("NONE", 12_000));
  });

  it("property: any mix of rules over many cases keeps the books at zero and the figures per case", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ total: fc.integer({ min: 1, max: 10_000_000 }), steps: fc.array(fc.constantFrom("fail", "settle"), { maxLength: 4 }), cancel: fc.boolean() }), { maxLength: 12 }), (cases) => {
        const journals: StoredJournal[] = [];
        const expected = new Map<string, ReturnType<typeof expectedCaseBalances>>();
        cases.forEach((k, i) => {
          const money = { caseId: `c${i}`, bankCode: i % 2 ? "0125" : "9900", totalYen: k.total };
          journals.push(stored(caseApprovedJournal(money)));
          let state: "PAYABLE" | "PAID" | "NONE" = "PAYABLE";
          for (const step of k.steps) {
            if (state !== "PAYABLE") break;
            const out = stored(payoutExportedJournal(money));
            journals.push(out);
            if (step === "fail") journals.push(stored({ phase: "VOID", pendingId: out.id }));
            else {
              journals.push(stored({ phase: "POST", pendingId: out.id }), stored(payoutSettledJournal(money)));
              state = "PAID";
            }
          }
          if (state === "PAYABLE" && k.cancel) {
            journals.push(stored(approvedCaseCancelledJournal(money)));
            state = "NONE";
          }
          expected.set(money.caseId, expectedCaseBalances(state, k.total));
        });
        for (const j of journals) expect(isBalanced(j)).toBe(true);
        const perCase = new Map<string, Map<LedgerAccount, { postedYen: number; pendingYen: number }>>();
        for (const [key, b] of balances(journals, (p) => `${p.caseId}|${p.account}`)) {
          const [caseId, account] = key.split("|");
          const m = perCase.get(caseId) ?? new Map();
          m.set(account as LedgerAccount, b);
          perCase.set(caseId, m);
        }
        for (const [caseId, want] of expected) expect(ledgerFigures(perCase.get(caseId) ?? new Map())).toEqual(want);
        expect([...balances(journals).values()].reduce((s, b) => s + b.postedYen, 0)).toBe(0);
      }),
      { seed: 18, numRuns: 200 },
    );
  });
});

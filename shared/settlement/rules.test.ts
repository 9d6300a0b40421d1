import { describe, expect, it } from "vitest";
import { checkReimbursement, compensableYen, uncoveredYen } from "./rules.ts";

describe("no double reimbursement", () => {
  const free = { chargeAmountYen: 10_000, lines: [], reimbursements: [] };

  it("lets one party reimburse up to the charge, once", () => {
    expect(checkReimbursement(free, "BANK", 10_000)).toEqual({ ok: true });
    expect(checkReimbursement(free, "BANK", 10_001)).toEqual({ ok: false, code: "REIMBURSEMENT_EXCEEDS_CHARGE", remainingYen: 10_000, requestedYen: 10_001 });
    expect(checkReimbursement({ ...free, reimbursements: [{ party: "BANK", amountYen: 1 }] }, "BANK", 1)).toEqual({ ok: false, code: "REIMBURSEMENT_EXISTS", party: "BANK" });
  });

  it("refuses a second party beyond what the first left", () => {
    const c = { ...free, reimbursements: [{ party: "BANK" as const, amountYen: 7_000 }] };
    expect(checkReimbursement(c, "OTHER", 3_000)).toEqual({ ok: true });
    expect(checkReimbursement(c, "OTHER", 3_001)).toMatchObject({ ok: false, code: "REIMBURSEMENT_EXCEEDS_CHARGE", remainingYen: 3_000 });
  });

  it("refuses any reimbursement of a charge on a payable or paid case line, even partly", () => {
    for (const caseState of ["APPROVED", "PAID"] as const) {
      const c = { ...free, lines: [{ amountYen: 2_000, caseState }] };
      expect(checkReimbursement(c, "BANK", 1)).toEqual({ ok: false, code: "CHARGE_ALREADY_COMPENSATED", compensatedYen: 2_000 });
    }
  });

  it("counts a requested case, and frees rejected or cancelled ones", () => {
    const c = { ...free, lines: [{ amountYen: 6_000, caseState: "REQUESTED" as const }, { amountYen: 4_000, caseState: "REJECTED" as const }] };
    expect(checkReimbursement(c, "BANK", 4_000)).toEqual({ ok: true });
    expect(checkReimbursement(c, "BANK", 4_001)).toMatchObject({ code: "REIMBURSEMENT_EXCEEDS_CHARGE", remainingYen: 4_000 });
  });

  it("shrinks what we may compensate by what others reimbursed", () => {
    const c = { chargeAmountYen: 10_000, lines: [{ amountYen: 1_000, caseState: "PAID" as const }], reimbursements: [{ party: "OTHER" as const, amountYen: 2_500 }] };
    expect(compensableYen(c)).toBe(6_500);
    expect(uncoveredYen({ ...c, reimbursements: [{ party: "BANK", amountYen: 50_000 }] })).toBe(0);
  });

  it("refuses amounts that are not whole positive yen", () => {
    for (const yen of [0, -1, 1.5, Number.NaN]) expect(checkReimbursement(free, "BANK", yen)).toMatchObject({ ok: false, code: "INVALID_AMOUNT" });
  });
});

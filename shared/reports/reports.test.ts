import { describe, expect, it } from "vitest";
import { DESCRIPTOR_NOT_SENT, evidenceFiles, maskWalletId, victimStatus } from "./evidence.ts";
import { measureStatus, outstandingOf, regulatorCsv, totalOf, ZERO_FIGURES, type RegulatorBankRow } from "./regulator.ts";

describe("evidence pack", () => {
  it("masks wallets and account numbers, names the statement descriptor, and says each victim's status", () => {
    expect(maskWalletId("acct-000123")).toBe("ac*****0123");
    expect(victimStatus({ takenYen: 100, paidYen: 100, pendingYen: 0, reimbursedYen: 0 })).toBe("PAID");
    expect(victimStatus({ takenYen: 100, paidYen: 0, pendingYen: 0, reimbursedYen: 100 })).toBe("REIMBURSED_BY_OTHERS");
    expect(victimStatus({ takenYen: 100, paidYen: 40, pendingYen: 60, reimbursedYen: 0 })).toBe("IN_PROGRESS");
    expect(victimStatus({ takenYen: 100, paidYen: 40, pendingYen: 0, reimbursedYen: 0 })).toBe("PARTLY_PAID");
    expect(victimStatus({ takenYen: 100, paidYen: 0, pendingYen: 0, reimbursedYen: 0 })).toBe("NOT_CLAIMED");
    const files = evidenceFiles({
      bankCode: "0125",
      bankName: "Test Bank",
      madeAt: new Date("2026-12-07T01:00:00Z"),
      debits: [
        { chargeId: "c-0001", occurredAt: new Date("2020-09-05T01:05:00Z"), amountYen: 30_000, descriptor: "ﾃﾞﾓｳｫﾚｯﾄ C-0001", branchCode: "001", accountNumber: "1234567", walletId: "wallet-9876", paidYen: 0, pendingYen: 0, reimbursedYen: 0 },
        { chargeId: "c-0002", occurredAt: new Date("2020-09-05T01:06:00Z"), amountYen: 1_000, descriptor: null, branchCode: "001", accountNumber: "1234567", walletId: "wallet-9876", paidYen: 0, pendingYen: 0, reimbursedYen: 0 },
      ],
      wallets: [],
      measures: [],
      victims: [{ branchCode: "001", accountNumber: "1234567", chargeCount: 1, takenYen: 30_000, paidYen: 10_000, pendingYen: 0, reimbursedYen: 5_000 }],
    });
    expect(files.map((f) => f.name)).toEqual(["README.txt", "debits.csv", "wallets.csv", "measures.csv", "victims.csv"]);
    const debits = files[1].text.split("\r\n");
    // The descriptor as the platform sent it, or an empty cell and a note in words: never an invented one.
    expect(debits[1]).toBe("c-0001,2020-09-05T10:05:00+09:00,30000,ﾃﾞﾓｳｫﾚｯﾄ C-0001,001,****567,wa*****9876,0,0,0,");
    expect(debits[2]).toBe(`c-0002,2020-09-05T10:06:00+09:00,1000,,001,****567,wa*****9876,0,0,0,${DESCRIPTOR_NOT_SENT}`);
    expect(files[0].text).toContain("did not report it for 1 of 2 debits");
    expect(files[4].text.split("\r\n")[1]).toBe("001,****567,1,30000,10000,0,5000,15000,PARTLY_PAID");
    expect(files.map((f) => f.text).join("")).not.toContain("1234567");
  });
});

describe("regulator report", () => {
  const row = (code: string, over: Partial<RegulatorBankRow>): RegulatorBankRow => ({ ...ZERO_FIGURES, bankCode: code, bankName: `Bank ${code}`, measures: [], ...over });

  it("totals the banks and never shows a negative outstanding", () => {
    expect(outstandingOf({ takenYen: 100, compensatedYen: 80, pendingYen: 30, reimbursedByOthersYen: 0 })).toBe(0);
    const asOf = new Date("2026-12-07T00:00:00Z");
    const m = { bankCode: "0125", scopes: ["CHARGE", "LINK_CHANGE"], quarantine: true, startsAt: new Date("2026-12-01T00:00:00Z"), endsAt: null, status: "ACTIVE" as const };
    const banks = [row("0125", { takenYen: 100, caseCount: 2, outstandingYen: 50, measures: [m] }), row("9900", { takenYen: 40, caseCount: 1, outstandingYen: 40 })];
    const total = totalOf(banks);
    expect(total).toMatchObject({ takenYen: 140, caseCount: 3, outstandingYen: 90, measureCount: 1 });
    const csv = regulatorCsv({ asOf, banks, total }).split("\r\n");
    expect(csv[0]).toBe("\uFEFFas_of,bank_code,bank_name,victims,charges,taken_yen,cases,compensated_yen,pending_yen,reimbursed_by_others_yen,outstanding_yen,measures");
    expect(csv[3]).toBe("2026-12-07T09:00:00+09:00,TOTAL,,0,0,140,3,0,0,0,90,1");
    expect(csv[6]).toBe("0125,suspension,CHARGE LINK_CHANGE,yes,2026-12-01T09:00:00+09:00,,ACTIVE");
  });

  it("tells a measure's status at the time", () => {
    const at = new Date("2026-12-07T00:00:00Z");
    expect(measureStatus(new Date("2026-12-08T00:00:00Z"), null, at)).toBe("SCHEDULED");
    expect(measureStatus(new Date("2026-12-01T00:00:00Z"), new Date("2026-12-06T00:00:00Z"), at)).toBe("ENDED");
    expect(measureStatus(new Date("2026-12-01T00:00:00Z"), new Date("2026-12-08T00:00:00Z"), at)).toBe("ACTIVE");
  });
});

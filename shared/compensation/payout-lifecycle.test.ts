import { describe, expect, it } from "vitest";
import { parseBankResult, planImport, type LineState } from "./payout-lifecycle.ts";

describe("bank result file", () => {
  it("reads settled and failed rows, with a BOM, CRLF, blank lines and lower-case words", () => {
    expect(parseBankResult("\uFEFFline,amount_yen,result,reason\r\n1,48000,SETTLED,\r\n\r\n2,12000,failed,account_closed\r\n")).toEqual({
      ok: true,
      rows: [
        { lineNo: 1, amountYen: 48_000, result: "SETTLED", reason: null },
        { lineNo: 2, amountYen: 12_000, result: "FAILED", reason: "ACCOUNT_CLOSED" },
      ],
    });
  });

  it("names the row of the first problem", () => {
    expect(parseBankResult("")).toMatchObject({ ok: false, row: 1 });
    expect(parseBankResult("a,b,c,d\n1,1,SETTLED,")).toMatchObject({ ok: false, row: 1 });
    expect(parseBankResult("line,amount_yen,result,reason\n")).toMatchObject({ ok: false, row: 2, message: "The file has no result rows." });
    expect(parseBankResult("line,amount_yen,result,reason\n1,100,SETTLED,\n1,100,SETTLED,")).toMatchObject({ ok: false, row: 3, message: expect.stringMatching(/appears twice/) });
    expect(parseBankResult("line,amount_yen,result,reason\n0,100,SETTLED,")).toMatchObject({ ok: false, row: 2 });
    expect(parseBankResult("line,amount_yen,result,reason\n1,-100,SETTLED,")).toMatchObject({ ok: false, row: 2 });
    expect(parseBankResult("line,amount_yen,result,reason\n1,100,FAILED,")).toMatchObject({ ok: false, row: 2, message: expect.stringMatching(/needs a reason/) });
    expect(parseBankResult("line,amount_yen,result,reason\n1,100,SETTLED,NAME_MISMATCH")).toMatchObject({ ok: false, row: 2 });
    expect(parseBankResult("line,amount_yen,result,reason\n1,100,PAID,")).toMatchObject({ ok: false, row: 2 });
    expect(parseBankResult("line,amount_yen,result,reason\n1,100,SETTLED")).toMatchObject({ ok: false, row: 2, message: expect.stringMatching(/3 columns/) });
  });
});

describe("planning an import", () => {
  const lines: LineState[] = [
    { lineNo: 1, amountYen: 100, status: "PENDING", failureCode: null },
    { lineNo: 2, amountYen: 200, status: "SETTLED", failureCode: null },
    { lineNo: 3, amountYen: 300, status: "FAILED", failureCode: "NAME_MISMATCH" },
    { lineNo: 4, amountYen: 400, status: "PENDING", failureCode: null },
  ];
  it("settles and fails pending lines, repeats of known results are unchanged, lines not in the file stay pending", () => {
    expect(
      planImport(lines, [
        { lineNo: 1, amountYen: 100, result: "FAILED", reason: "ACCOUNT_CLOSED" },
        { lineNo: 2, amountYen: 200, result: "SETTLED", reason: null },
        { lineNo: 3, amountYen: 300, result: "FAILED", reason: "NAME_MISMATCH" },
      ]),
    ).toEqual({ ok: true, settle: [], fail: [{ lineNo: 1, reason: "ACCOUNT_CLOSED" }], unchanged: [2, 3], stillPending: [4] });
  });
  it("refuses an unknown line, another amount, and a result contradicting a resolved line", () => {
    expect(planImport(lines, [{ lineNo: 9, amountYen: 1, result: "SETTLED", reason: null }])).toMatchObject({ ok: false, code: "UNKNOWN_LINE", lineNo: 9 });
    expect(planImport(lines, [{ lineNo: 1, amountYen: 101, result: "SETTLED", reason: null }])).toMatchObject({ ok: false, code: "AMOUNT_MISMATCH" });
    expect(planImport(lines, [{ lineNo: 2, amountYen: 200, result: "FAILED", reason: "OTHER" }])).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringMatching(/already settled/) });
    expect(planImport(lines, [{ lineNo: 3, amountYen: 300, result: "FAILED", reason: "ACCOUNT_CLOSED" }])).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(planImport(lines, [{ lineNo: 3, amountYen: 300, result: "SETTLED", reason: null }])).toMatchObject({ ok: false, code: "CONFLICT" });
  });
});

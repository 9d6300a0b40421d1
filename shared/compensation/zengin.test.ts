import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { buildZenginFile, parseZenginText, toZenginKana, zenginDate, ZenginError, type ZenginSender } from "./zengin.ts";

const sender: ZenginSender = {
  clientCode: "1234567890",
  clientName: "フラッドゲート（カ",
  bankCode: "0005",
  bankName: "ミツビシUFJ",
  branchCode: "001",
  branchName: "ホンテン",
  accountType: "1",
  accountNumber: "7654321",
};
const at = new Date("2026-12-06T16:30:00Z"); // 12-07 01:30 JST

function decodeSjis(bytes: Uint8Array): string {
  return new TextDecoder("shift_jis", { fatal: true }).decode(bytes);
}

describe("Zengin names", () => {
  it("writes kana half-width, voiced marks apart, small kana large, Latin upper case", () => {
    expect(toZenginKana("ヤマダ タロウ")).toBe("ﾔﾏﾀﾞ ﾀﾛｳ");
    expect(toZenginKana("やまだ　ぱぴ")).toBe("ﾔﾏﾀﾞ ﾊﾟﾋﾟ");
    expect(toZenginKana("キョウコ・ジュン")).toBe("ｷﾖｳｺ.ｼﾞﾕﾝ");
    expect(toZenginKana("Ｓｍｉｔｈ john")).toBe("SMITH JOHN");
    expect(toZenginKana("ヴィー")).toBe("ｳﾞｲ-");
  });
  it("refuses kanji with the field named", () => {
    expect(() => toZenginKana("山田 太郎", "holder name")).toThrow(ZenginError);
    expect(() => toZenginKana("山田 太郎", "holder name")).toThrow(/holder name "山田 太郎" has "山"/);
  });
});

describe("Zengin 総合振込 file", () => {
  const transfers = [
    { bankCode: "0125", branchCode: "101", accountNumber: "1234567", holderName: "ヤマダ タロウ", amountYen: 48_000, reference: "1" },
    { bankCode: "9900", branchCode: "002", accountNumber: "0000001", holderName: "スズキ ハナコ", amountYen: 1_200_000, reference: "2" },
  ];

  it("is header, data, trailer and end records of exactly 120 bytes in Shift_JIS, totals in the trailer", () => {
    const file = buildZenginFile(sender, transfers, at);
    // Bytes: five records of 120 bytes, each followed by CR LF; one byte per character.
    expect(file.bytes.length).toBe(5 * 122);
    for (let i = 0; i < 5; i++) {
      expect(file.bytes[i * 122 + 120]).toBe(0x0d);
      expect(file.bytes[i * 122 + 121]).toBe(0x0a);
    }
    // Half-width katakana are the single bytes 0xA1–0xDF: ﾔ is 0xD4.
    expect([...file.bytes].filter((b) => b >= 0xa1 && b <= 0xdf).length).toBeGreaterThan(10);
    expect(file.bytes.indexOf(0xd4)).toBeGreaterThan(0);
    // Decoded by the platform's own Shift_JIS decoder, it is the text we wrote.
    const text = decodeSjis(file.bytes);
    expect(text).toBe(file.text);
    const parsed = parseZenginText(text);
    expect(parsed.header).toEqual({ kind: "21", clientCode: "1234567890", clientName: "ﾌﾗﾂﾄﾞｹﾞ-ﾄ(ｶ", date: "1207", bankCode: "0005", branchCode: "001", accountNumber: "7654321" });
    expect(parsed.transfers).toEqual([
      { bankCode: "0125", bankName: "", branchCode: "101", branchName: "", accountType: "1", accountNumber: "1234567", holderName: "ﾔﾏﾀﾞ ﾀﾛｳ", amountYen: 48_000, reference: "0000000001" },
      { bankCode: "9900", bankName: "", branchCode: "002", branchName: "", accountType: "1", accountNumber: "0000001", holderName: "ｽｽﾞｷ ﾊﾅｺ", amountYen: 1_200_000, reference: "0000000002" },
    ]);
    expect(parsed.trailer).toEqual({ count: 2, totalYen: 1_248_000 });
    expect({ count: file.count, totalYen: file.totalYen }).toEqual({ count: 2, totalYen: 1_248_000 });
    expect(text.split("\r\n")[4]).toBe("9" + " ".repeat(119));
  });

  it("refuses bad codes and amounts, and an empty batch", () => {
    expect(() => buildZenginFile(sender, [{ ...transfers[0], bankCode: "12a4" }], at)).toThrow(/bank code "12a4"/);
    expect(() => buildZenginFile(sender, [{ ...transfers[0], accountNumber: "12345678" }], at)).toThrow(/account number/);
    expect(() => buildZenginFile(sender, [{ ...transfers[0], amountYen: 0 }], at)).toThrow(/amount/);
    expect(() => buildZenginFile(sender, [{ ...transfers[0], holderName: "山田" }], at)).toThrow(/holder name/);
    expect(() => buildZenginFile(sender, [], at)).toThrow(/at least one/);
  });

  it("the transfer date is the JST day", () => {
    expect(zenginDate(new Date("2026-12-31T15:00:00Z"))).toBe("0101");
    expect(zenginDate(new Date("2026-12-31T14:59:59Z"))).toBe("1231");
  });

  it("property: any batch parses back to its transfers, count and total, every record 120 bytes", () => {
    const kana = fc.constantFrom(..."アイウエオガギパピャュョッヴー やまだ ABCxyz0123".split(""));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            bankCode: fc.stringMatching(/^[0-9]{4}$/),
            branchCode: fc.stringMatching(/^[0-9]{3}$/),
            accountNumber: fc.stringMatching(/^[0-9]{7}$/),
            holderName: fc.array(kana, { minLength: 1, maxLength: 40 }).map((a) => a.join("")),
            amountYen: fc.integer({ min: 1, max: 9_999_999_999 }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (rows) => {
          const file = buildZenginFile(sender, rows.map((r, i) => ({ ...r, reference: String(i + 1) })), at);
          const text = decodeSjis(file.bytes);
          const records = text.split("\r\n").slice(0, -1);
          expect(records.every((r) => r.length === 120)).toBe(true);
          expect(file.bytes.length).toBe(records.length * 122);
          const parsed = parseZenginText(text);
          expect(parsed.trailer).toEqual({ count: rows.length, totalYen: rows.reduce((s, r) => s + r.amountYen, 0) });
          expect(parsed.transfers.map((t) => [t.bankCode, t.branchCode, t.accountNumber, t.amountYen, t.holderName])).toEqual(
            rows.map((r) => [r.bankCode, r.branchCode, r.accountNumber, r.amountYen, toZenginKana(r.holderName).slice(0, 30).trimEnd()]),
          );
        },
      ),
      { seed: 120, numRuns: 300 },
    );
  });
});

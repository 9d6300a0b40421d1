import { describe, expect, it } from "vitest";
import { parseYenAmount } from "./amount.ts";

const value = (text: string, limits?: { min?: number; max?: number }) => {
  const r = parseYenAmount(text, limits);
  return r.ok ? r.value : r.problem;
};

describe("parseYenAmount: what was typed is what is read, or it is refused", () => {
  it("reads plain, grouped, marked and full-width whole yen", () => {
    expect(value("1000")).toBe(1000);
    expect(value(" 1,000 ")).toBe(1000);
    expect(value("¥1,234,567")).toBe(1234567);
    expect(value("￥ 500")).toBe(500);
    expect(value("1000円")).toBe(1000);
    expect(value("１０００")).toBe(1000);
    expect(value("１，０００")).toBe(1000);
    expect(value("\u3000２５０\u3000")).toBe(250);
    expect(value("0")).toBe(0);
  });

  it("refuses decimals instead of dropping the point (50.5 is not ¥505)", () => {
    expect(value("50.5")).toBe("decimal");
    expect(value("50.")).toBe("decimal");
    expect(value("1,000.00")).toBe("decimal");
    expect(value("５０．５")).toBe("decimal");
  });

  it("refuses commas that are not thousands separators", () => {
    expect(value("1,00")).toBe("grouping");
    expect(value("10,00,000")).toBe("grouping");
    expect(value(",100")).toBe("grouping");
    expect(value("1,000,")).toBe("grouping");
  });

  it("refuses signs, units and other words", () => {
    expect(value("-5")).toBe("negative");
    expect(value("−5")).toBe("negative");
    expect(value("1万")).toBe("invalid");
    expect(value("1e3")).toBe("invalid");
    expect(value("12 34")).toBe("invalid");
    expect(value("0x10")).toBe("invalid");
    expect(value("abc")).toBe("invalid");
    expect(value("")).toBe("empty");
    expect(value("   ")).toBe("empty");
  });

  it("applies limits and says which", () => {
    expect(parseYenAmount("999", { min: 1000 })).toEqual({ ok: false, problem: "tooSmall", limit: 1000 });
    expect(parseYenAmount("5,001", { max: 5000 })).toEqual({ ok: false, problem: "tooLarge", limit: 5000 });
    expect(value("5,000", { min: 1, max: 5000 })).toBe(5000);
    expect(value("99999999999999999999")).toBe("tooLarge");
  });
});

import { describe, expect, it } from "vitest";
import { bankNameIn, formatCount, formatDurationWords, formatJst, formatJstDate, formatYen } from "./format.ts";

describe("display formats in each language", () => {
  const at = new Date("2026-11-25T04:05:00Z"); // 13:05 in Tokyo
  it("yen keeps the half-width ¥ and separators in both languages", () => {
    expect(formatYen(1234567)).toBe("¥1,234,567");
    expect(formatYen(1234567, "ja")).toBe("¥1,234,567");
    expect(formatYen(12n, "en")).toBe("¥12");
  });
  it("counts are grouped", () => {
    expect(formatCount(12345, "en")).toBe("12,345");
    expect(formatCount(12345, "ja")).toBe("12,345");
  });
  it("times are JST, written the way each language writes dates", () => {
    expect(formatJst(at)).toBe("2026-11-25 13:05 JST");
    expect(formatJst(at, "ja")).toBe("2026/11/25 13:05 JST");
    expect(formatJstDate(new Date("2026-11-25T16:00:00Z"), "ja")).toBe("2026/11/26");
    expect(formatJst("not a date", "ja")).toBe("—");
  });
  it("durations in words", () => {
    expect(formatDurationWords(1)).toBe("1 second");
    expect(formatDurationWords(90)).toBe("2 minutes");
    expect(formatDurationWords(90, "ja")).toBe("2分");
  });
  it("a bank is named in the reader's language when its Japanese name is known", () => {
    expect(bankNameIn("ja", "The 77 Bank", "七十七銀行")).toBe("七十七銀行");
    expect(bankNameIn("en", "The 77 Bank", "七十七銀行")).toBe("The 77 Bank");
    expect(bankNameIn("ja", "Some Bank", null)).toBe("Some Bank");
    expect(bankNameIn("ja", "Some Bank", "")).toBe("Some Bank");
  });
});

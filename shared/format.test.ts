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

describe("JST parts by arithmetic agree with Intl's Asia/Tokyo", () => {
  const intl = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
  const viaIntl = (d: Date) => {
    const p = Object.fromEntries(intl.formatToParts(d).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour === "24" ? "00" : p.hour}:${p.minute} JST`;
  };
  it("on 20,000 instants from 1970 to 2100, and around midnight, month and year ends", () => {
    const instants: Date[] = [];
    let x = 12345;
    for (let i = 0; i < 20_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      instants.push(new Date((x / 2 ** 31) * Date.UTC(2100, 0, 1)));
    }
    for (const iso of ["2026-12-31T14:59:59.999Z", "2026-12-31T15:00:00Z", "2024-02-28T15:00:00Z", "2026-11-25T04:05:00Z", "1999-12-31T15:00:00Z"]) instants.push(new Date(iso));
    for (const d of instants) expect(formatJst(d)).toBe(viaIntl(d));
  });
});

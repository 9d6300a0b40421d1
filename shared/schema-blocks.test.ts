import { describe, expect, it } from "vitest";
import { dateInput, instant, isoInstant, parseIsoInstant, suspensionTime, text } from "./schema-blocks.ts";
import { transformer } from "./transformer.ts";

const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) => (r.success ? [] : r.error!.issues.map((i) => i.message));

describe("text()", () => {
  it("refuses NUL and lone surrogates with words, keeps real characters", () => {
    expect(messages(text().safeParse("a\u0000b"))).toEqual(["must not contain a NUL character (U+0000)"]);
    for (const s of ["\uD800", "a\uDC00", "\uDFFF\uD800", "x\uD83D"]) expect(messages(text().safeParse(s))).toEqual(["must not contain a broken character (a lone UTF-16 surrogate)"]);
    for (const s of ["", "ヤマダ タロウ", "🙂", "e\u0301", "\u202Eevil"]) expect(text().safeParse(s).success).toBe(true);
  });
  it("chains like z.string()", () => {
    const s = text().trim().min(2, "too short");
    expect(s.parse("  ab ")).toBe("ab");
    expect(messages(s.safeParse(" a "))).toEqual(["too short"]);
  });
});

describe("isoInstant() and parseIsoInstant()", () => {
  it("accepts real instants with an offset", () => {
    expect(parseIsoInstant("2020-09-04T12:34:56+09:00")).toEqual({ ms: Date.UTC(2020, 8, 4, 3, 34, 56) });
    expect(parseIsoInstant("2024-02-29T00:00:00.1234Z")).toEqual({ ms: Date.UTC(2024, 1, 29) + 123 });
    expect(isoInstant().safeParse("2099-12-31T23:59:59Z").success).toBe(true);
  });
  it.each([
    ["2026-02-30T00:00:00Z", /2026-02 has no day 30/],
    ["2023-02-29T00:00:00Z", /2023-02 has no day 29/],
    ["2026-13-01T00:00:00Z", /no month 13/],
    ["2026-04-31T00:00:00Z", /no day 31/],
    ["2026-01-01T24:00:00Z", /not a time of day/],
    ["2026-01-01T12:60:00Z", /not a time of day/],
    ["2026-01-01T12:00:00+15:00", /offset/],
    ["0000-01-01T00:00:00Z", /between 2000-01-01 and 2099-12-31/],
    ["1999-12-31T23:59:59Z", /between/],
    ["2100-01-01T00:00:00Z", /between/],
    ["+275760-09-13T00:00:00Z", /ISO 8601/],
    ["-271821-04-20T00:00:00Z", /ISO 8601/],
    ["2026-01-01T00:00:00", /ISO 8601/],
    ["2026-01-01", /ISO 8601/],
  ])("refuses %s", (value, words) => {
    const r = parseIsoInstant(value);
    expect("problem" in r && r.problem).toMatch(words);
    expect(isoInstant().safeParse(value).success).toBe(false);
  });
});

describe("instant() and dateInput()", () => {
  const year = (y: number) => {
    const d = new Date(Date.UTC(2000, 0, 1));
    d.setUTCFullYear(y);
    return d;
  };
  it("instant() refuses dates PostgreSQL cannot store or no one means", () => {
    for (const d of [year(0), new Date(8.64e15), new Date(-8.64e15), year(1999), year(2100), new Date(NaN)]) expect(instant().safeParse(d).success, String(d)).toBe(false);
    expect(instant().safeParse(new Date(Date.UTC(2026, 0, 1))).success).toBe(true);
  });
  it("dateInput() reads text strictly instead of rolling over", () => {
    expect(dateInput().parse("2026-02-28")).toEqual(new Date(Date.UTC(2026, 1, 28)));
    expect(dateInput().parse("2026-02-28T09:00:00+09:00")).toEqual(new Date(Date.UTC(2026, 1, 28)));
    expect(messages(dateInput().safeParse("2026-02-30"))).toEqual(["is not a date: 2026-02 has no day 30"]);
    expect(dateInput().safeParse("0000-01-01").success).toBe(false);
    expect(dateInput().safeParse("March 1").success).toBe(false);
    expect(dateInput().safeParse(year(275760)).success).toBe(false);
  });
  it("suspensionTime() refuses times far in the past or future with words", () => {
    const day = 86_400_000;
    expect(messages(suspensionTime().safeParse(new Date(Date.now() - 40 * day)))).toEqual(["must not be more than 31 days in the past"]);
    expect(messages(suspensionTime().safeParse(new Date(Date.now() + 100 * day)))).toEqual(["must not be more than 92 days ahead"]);
    expect(suspensionTime().safeParse(new Date(Date.now() - 2 * day)).success).toBe(true);
  });
});

describe("the tRPC transformer", () => {
  it("round-trips Dates", () => {
    const d = new Date(Date.UTC(2026, 1, 28));
    expect(transformer.input.deserialize(JSON.parse(JSON.stringify(transformer.input.serialize({ d }))))).toEqual({ d });
  });
  it("refuses an impossible Date instead of rolling it over, naming the field", () => {
    expect(() => transformer.input.deserialize({ json: { a: { b: "2026-02-30T00:00:00.000Z" } }, meta: { values: { "a.b": ["Date"] }, v: 1 } })).toThrow(/a\.b|no day 30/);
  });
  it("refuses a meta nested too deep before superjson walks it", () => {
    let values: unknown = ["Date"];
    for (let i = 0; i < 5_000; i++) values = { a: values };
    expect(() => transformer.input.deserialize({ json: {}, meta: { values, v: 1 } })).toThrow(expect.objectContaining({ code: "MALFORMED_REQUEST" }));
  });
});

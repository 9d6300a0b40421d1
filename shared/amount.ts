// Reading a yen amount a person typed, without ever rewriting it: "1000", "1,000", "¥1,000", "1000円"
// and full-width "１０００" / "１，０００" are read as 1000; "50.5" (yen has no decimals), "1,00",
// "-5", "1万" or anything else is refused with a reason the UI says in words. No digit is dropped
// or moved: what is accepted is exactly the number written.
export type AmountProblem = "empty" | "decimal" | "negative" | "grouping" | "invalid" | "tooSmall" | "tooLarge";

export type AmountReading = { ok: true; value: number } | { ok: false; problem: AmountProblem; limit?: number };

/** Full-width digits and signs (IME input) to their ASCII forms; ideographic space to a space. */
function halfWidth(text: string): string {
  return text
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[，、]/g, ",")
    .replace(/[．。]/g, ".")
    .replace(/[－−ー‐]/g, "-")
    .replace(/＋/g, "+")
    .replace(/￥/g, "¥")
    .replace(/\u3000/g, " ");
}

export function parseYenAmount(text: string, limits: { min?: number; max?: number } = {}): AmountReading {
  let s = halfWidth(text).trim();
  if (s === "") return { ok: false, problem: "empty" };
  s = s.replace(/^¥\s*/, "").replace(/\s*円$/, "").trim();
  if (s.startsWith("-")) return { ok: false, problem: "negative" };
  if (/^\+/.test(s)) s = s.slice(1);
  if (/^[\d,]*\.\d*$/.test(s)) return { ok: false, problem: "decimal" };
  let digits: string;
  if (/^\d+$/.test(s)) digits = s;
  else if (/^\d{1,3}(,\d{3})+$/.test(s)) digits = s.replace(/,/g, "");
  else if (/^[\d,]+$/.test(s)) return { ok: false, problem: "grouping" };
  else return { ok: false, problem: "invalid" };
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) return { ok: false, problem: "tooLarge", limit: limits.max };
  if (limits.min !== undefined && value < limits.min) return { ok: false, problem: "tooSmall", limit: limits.min };
  if (limits.max !== undefined && value > limits.max) return { ok: false, problem: "tooLarge", limit: limits.max };
  return { ok: true, value };
}

// Display rules shared by client and server exports: yen with separators, times in JST with the zone.
// Each takes the reader's language ("en" default, the server's exports stay English); the console
// passes the active one (client/components/format.tsx, the i18n formatters).
import type { Language } from "./language.ts";

const LOCALE: Record<Language, string> = { en: "en-US", ja: "ja-JP" };
const yen = new Intl.NumberFormat("ja-JP", { style: "currency", currency: "JPY", maximumFractionDigits: 0 });
const counts: Record<Language, Intl.NumberFormat> = {
  en: new Intl.NumberFormat(LOCALE.en, { maximumFractionDigits: 0 }),
  ja: new Intl.NumberFormat(LOCALE.ja, { maximumFractionDigits: 0 }),
};

/** "¥1,234,567" in both languages (the half-width yen sign, grouped digits, no decimals). */
export function formatYen(amountYen: number | bigint, _lang: Language = "en"): string {
  return yen.format(typeof amountYen === "bigint" ? Number(amountYen) : amountYen).replace("￥", "¥");
}

export function formatCount(n: number | bigint, lang: Language = "en"): string {
  return counts[lang].format(typeof n === "bigint" ? Number(n) : n);
}

const JST_OFFSET_MS = 9 * 3_600_000;
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * The JST calendar parts of an instant. Japan keeps UTC+9 all year (no summer time since 1951), so
 * this is arithmetic on the UTC fields of the instant moved by nine hours; Intl's formatToParts gave
 * the same parts at several microseconds a call, and scoring formats a time into many reasons' evidence.
 */
function jstParts(at: Date | string | number): { year: string; month: string; day: string; hour: string; minute: string } | null {
  const ms = at instanceof Date ? at.getTime() : new Date(at).getTime();
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms + JST_OFFSET_MS);
  return { year: String(d.getUTCFullYear()), month: two(d.getUTCMonth() + 1), day: two(d.getUTCDate()), hour: two(d.getUTCHours()), minute: two(d.getUTCMinutes()) };
}

/** "2026-11-25 13:05 JST" (English), "2026/11/25 13:05 JST" (Japanese). */
export function formatJst(at: Date | string | number, lang: Language = "en"): string {
  const p = jstParts(at);
  if (!p) return "—";
  const sep = lang === "ja" ? "/" : "-";
  return `${p.year}${sep}${p.month}${sep}${p.day} ${p.hour}:${p.minute} JST`;
}

/** "2026-11-25" (English), "2026/11/25" (Japanese): a JST calendar day. */
export function formatJstDate(at: Date | string | number, lang: Language = "en"): string {
  const p = jstParts(at);
  if (!p) return "—";
  const sep = lang === "ja" ? "/" : "-";
  return `${p.year}${sep}${p.month}${sep}${p.day}`;
}

/** Masks all but the last three digits of a bank account number: "1234567" → "****567". */
export function maskAccountNumber(accountNumber: string): string {
  if (accountNumber.length <= 3) return "*".repeat(accountNumber.length);
  return "*".repeat(accountNumber.length - 3) + accountNumber.slice(-3);
}

export function formatDurationWords(seconds: number, lang: Language = "en"): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return lang === "ja" ? `${s}秒` : `${s} second${s === 1 ? "" : "s"}`;
  const m = Math.ceil(s / 60);
  return lang === "ja" ? `${m}分` : `${m} minute${m === 1 ? "" : "s"}`;
}

/** A bank's name in the reader's language: its Japanese name (七十七銀行) in Japanese when the reference data has one. */
export function bankNameIn(lang: Language, name: string, nameJa: string | null | undefined): string {
  return lang === "ja" && nameJa ? nameJa : name;
}

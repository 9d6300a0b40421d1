// Display rules shared by client and server exports: yen with separators, times in JST with the zone.
const yen = new Intl.NumberFormat("ja-JP", { style: "currency", currency: "JPY", maximumFractionDigits: 0 });
const count = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function formatYen(amountYen: number | bigint): string {
  return yen.format(typeof amountYen === "bigint" ? Number(amountYen) : amountYen).replace("￥", "¥");
}

export function formatCount(n: number | bigint): string {
  return count.format(typeof n === "bigint" ? Number(n) : n);
}

const jstDateTime = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Tokyo",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** "2026-11-25 13:05 JST" */
export function formatJst(at: Date | string | number): string {
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return "—";
  const parts = Object.fromEntries(jstDateTime.formatToParts(d).map((p) => [p.type, p.value]));
  const hour = parts.hour === "24" ? "00" : parts.hour;
  return `${parts.year}-${parts.month}-${parts.day} ${hour}:${parts.minute} JST`;
}

/** Masks all but the last three digits of a bank account number: "1234567" → "****567". */
export function maskAccountNumber(accountNumber: string): string {
  if (accountNumber.length <= 3) return "*".repeat(accountNumber.length);
  return "*".repeat(accountNumber.length - 3) + accountNumber.slice(-3);
}

export function formatDurationWords(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} second${s === 1 ? "" : "s"}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

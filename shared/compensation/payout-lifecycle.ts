// The payout lifecycle's pure rules (#18): a batch is EXPORTED, then SENT (the bank accepted it,
// with its reference), then CLOSED once every line is settled or failed. The bank's result file is
// a CSV, one row per line of the batch's Zengin file:
//
//   line,amount_yen,result,reason
//   1,48000,SETTLED,
//   2,12000,FAILED,ACCOUNT_CLOSED
//
// A failed line needs a reason code; the import applies what is new, answers lines already
// resolved the same way as unchanged, and refuses the whole file if it contradicts the ledger.
import { z } from "zod";

export const BATCH_STATUSES = ["EXPORTED", "SENT", "CLOSED"] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
export const LINE_STATUSES = ["PENDING", "SETTLED", "FAILED"] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

export const FAILURE_REASONS = ["ACCOUNT_CLOSED", "NAME_MISMATCH", "NO_SUCH_ACCOUNT", "ACCOUNT_FROZEN", "OTHER"] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];
export const FAILURE_WORDS: Record<FailureReason, string> = {
  ACCOUNT_CLOSED: "the account is closed",
  NAME_MISMATCH: "the holder name does not match the account",
  NO_SUCH_ACCOUNT: "there is no such account",
  ACCOUNT_FROZEN: "the account is frozen",
  OTHER: "the bank refused the transfer",
};

export const BANK_RESULT_COLUMNS = ["line", "amount_yen", "result", "reason"] as const;

export interface ResultRow {
  lineNo: number;
  amountYen: number;
  result: "SETTLED" | "FAILED";
  reason: FailureReason | null;
}

export type ParseResult = { ok: true; rows: ResultRow[] } | { ok: false; row: number; message: string };

/** Parses a bank result file; the first problem is reported with its row number (1 = the header). */
export function parseBankResult(text: string): ParseResult {
  const records = text.replace(/^\uFEFF/, "").split(/\r?\n/).filter((r) => r.trim() !== "");
  if (records.length === 0) return { ok: false, row: 1, message: "The file is empty." };
  const header = records[0].split(",").map((c) => c.trim().toLowerCase());
  if (header.join(",") !== BANK_RESULT_COLUMNS.join(",")) return { ok: false, row: 1, message: `The first row must be the columns ${BANK_RESULT_COLUMNS.join(",")}.` };
  if (records.length === 1) return { ok: false, row: 2, message: "The file has no result rows." };
  const rows: ResultRow[] = [];
  const seen = new Set<number>();
  for (let i = 1; i < records.length; i++) {
    const row = i + 1;
    const cells = records[i].split(",").map((c) => c.trim());
    if (cells.length !== 4) return { ok: false, row, message: `Row ${row} has ${cells.length} columns, not 4.` };
    const [line, amount, result, reason] = cells;
    if (!/^[1-9][0-9]{0,5}$/.test(line)) return { ok: false, row, message: `Row ${row}: the line number "${line}" is not a positive whole number.` };
    if (!/^[1-9][0-9]{0,9}$/.test(amount)) return { ok: false, row, message: `Row ${row}: the amount "${amount}" is not whole, positive yen.` };
    const lineNo = Number(line);
    if (seen.has(lineNo)) return { ok: false, row, message: `Row ${row}: line ${lineNo} appears twice.` };
    seen.add(lineNo);
    const r = result.toUpperCase();
    if (r === "SETTLED") {
      if (reason !== "") return { ok: false, row, message: `Row ${row}: a settled line has no reason.` };
      rows.push({ lineNo, amountYen: Number(amount), result: "SETTLED", reason: null });
    } else if (r === "FAILED") {
      const code = reason.toUpperCase();
      if (!(FAILURE_REASONS as readonly string[]).includes(code)) return { ok: false, row, message: `Row ${row}: a failed line needs a reason among ${FAILURE_REASONS.join(", ")} (got "${reason}").` };
      rows.push({ lineNo, amountYen: Number(amount), result: "FAILED", reason: code as FailureReason });
    } else return { ok: false, row, message: `Row ${row}: the result must be SETTLED or FAILED (got "${result}").` };
  }
  return { ok: true, rows };
}

export interface LineState {
  lineNo: number;
  amountYen: number;
  status: LineStatus;
  failureCode: string | null;
}

export type ImportPlan =
  | { ok: true; settle: number[]; fail: Array<{ lineNo: number; reason: FailureReason }>; unchanged: number[]; stillPending: number[] }
  | { ok: false; code: "UNKNOWN_LINE" | "AMOUNT_MISMATCH" | "CONFLICT"; lineNo: number; message: string };

/** What importing these results into a batch with these lines does. Pure: the service applies it under the batch's lock. */
export function planImport(lines: readonly LineState[], results: readonly ResultRow[]): ImportPlan {
  const byNo = new Map(lines.map((l) => [l.lineNo, l]));
  const settle: number[] = [];
  const fail: Array<{ lineNo: number; reason: FailureReason }> = [];
  const unchanged: number[] = [];
  for (const r of results) {
    const line = byNo.get(r.lineNo);
    if (!line) return { ok: false, code: "UNKNOWN_LINE", lineNo: r.lineNo, message: `Line ${r.lineNo} is not in this batch (it has ${lines.length} lines).` };
    if (line.amountYen !== r.amountYen) return { ok: false, code: "AMOUNT_MISMATCH", lineNo: r.lineNo, message: `Line ${r.lineNo} was sent for ${line.amountYen} yen, but the result says ${r.amountYen} yen.` };
    if (line.status === "PENDING") {
      if (r.result === "SETTLED") settle.push(r.lineNo);
      else fail.push({ lineNo: r.lineNo, reason: r.reason! });
    } else if (line.status === r.result && (r.result === "SETTLED" || line.failureCode === r.reason)) unchanged.push(r.lineNo);
    else
      return {
        ok: false,
        code: "CONFLICT",
        lineNo: r.lineNo,
        message: `Line ${r.lineNo} is already ${line.status === "SETTLED" ? "settled" : `failed (${line.failureCode})`}, but this file says ${r.result === "SETTLED" ? "settled" : `failed (${r.reason})`}.`,
      };
  }
  const touched = new Set([...settle, ...fail.map((f) => f.lineNo)]);
  const stillPending = lines.filter((l) => l.status === "PENDING" && !touched.has(l.lineNo)).map((l) => l.lineNo);
  return { ok: true, settle, fail, unchanged, stillPending };
}

/** The bank's acceptance reference: letters, digits and - _ / . only. */
export const BankReference = z
  .string()
  .trim()
  .min(1, "The bank's acceptance reference is required")
  .max(64, "The bank's acceptance reference is at most 64 characters")
  .regex(/^[A-Za-z0-9._/-]+$/, "The bank's acceptance reference has letters, digits and - _ / . only");

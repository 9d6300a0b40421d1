// The Zengin 総合振込 (bulk transfer) file that Japanese banks take, pure: fixed 120-byte records
// (header 1, one data record 2 per transfer, trailer 8, end 9), each followed by CR LF, in
// Shift_JIS. Every field is half-width: digits, upper-case Latin letters, half-width katakana
// (small kana written large, as banks require) and a few symbols, so the Shift_JIS bytes are one per
// character (ASCII as is, half-width katakana U+FF61–U+FF9F as 0xA1–0xDF) and no codec is needed.

export const ZENGIN_RECORD_BYTES = 120;

export class ZenginError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = "ZenginError";
  }
}

// Full-width katakana → half-width. Voiced and semi-voiced kana become base + ﾞ / ﾟ.
const BASE = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン";
const HALF = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝ";
const VOICED = "ガギグゲゴザジズゼゾダヂヅデドバビブベボ";
const VOICED_BASE = "カキクケコサシスセソタチツテトハヒフヘホ";
const SEMI = "パピプペポ";
const SEMI_BASE = "ハヒフヘホ";
const SMALL = "ァィゥェォッャュョヮ";
const SMALL_BASE = "アイウエオツヤユヨワ";

const KANA = new Map<string, string>();
for (let i = 0; i < BASE.length; i++) KANA.set(BASE[i], HALF[i]);
for (let i = 0; i < VOICED.length; i++) KANA.set(VOICED[i], KANA.get(VOICED_BASE[i])! + "ﾞ");
for (let i = 0; i < SEMI.length; i++) KANA.set(SEMI[i], KANA.get(SEMI_BASE[i])! + "ﾟ");
for (let i = 0; i < SMALL.length; i++) KANA.set(SMALL[i], KANA.get(SMALL_BASE[i])!);
KANA.set("ヴ", "ｳﾞ");
KANA.set("ー", "-");
KANA.set("　", " ");
KANA.set("・", ".");
// Half-width small kana are written large too.
const HALF_SMALL = "ｧｨｩｪｫｯｬｭｮ";
const HALF_SMALL_BASE = "ｱｲｳｴｵﾂﾔﾕﾖ";
for (let i = 0; i < HALF_SMALL.length; i++) KANA.set(HALF_SMALL[i], HALF_SMALL_BASE[i]);

/** Characters a Zengin name field may hold. */
const ALLOWED = /^[0-9A-Z ().,\-/ｦ-ﾟ]*$/u;

/**
 * A name as banks print it: hiragana and full-width katakana to half-width katakana, full-width
 * Latin letters and digits to half-width, lower case to upper case. A character with no half-width
 * form (kanji, say) is refused with the field's name: the holder's kana reading must be recorded.
 */
export function toZenginKana(text: string, field = "name"): string {
  let out = "";
  for (const ch0 of text.normalize("NFC")) {
    let ch = ch0;
    const code = ch.codePointAt(0)!;
    if (code >= 0x3041 && code <= 0x3096) ch = String.fromCodePoint(code + 0x60); // hiragana → katakana
    else if (code >= 0xff01 && code <= 0xff5e) ch = String.fromCodePoint(code - 0xfee0); // full-width ASCII
    const mapped = KANA.get(ch) ?? ch.toUpperCase();
    if (!ALLOWED.test(mapped)) throw new ZenginError(`The ${field} "${text}" has "${ch0}", which a Zengin transfer file cannot carry: record the name in kana or Latin letters.`, field);
    out += mapped;
  }
  return out;
}

function alnum(value: string, width: number, field: string): string {
  if (value.length > width) throw new ZenginError(`The ${field} "${value}" is longer than its ${width} characters.`, field);
  return value.padEnd(width, " ");
}

/** A name field: converted, then cut to the width (banks compare the leading characters). */
function name(value: string, width: number, field: string): string {
  return toZenginKana(value, field).slice(0, width).padEnd(width, " ");
}

function digits(value: string | number, width: number, field: string): string {
  const s = String(value);
  if (!/^[0-9]+$/.test(s) || s.length > width) throw new ZenginError(`The ${field} "${s}" must be at most ${width} digits.`, field);
  return s.padStart(width, "0");
}

export interface ZenginSender {
  /** 委託者コード: the code the sending bank gave us (10 digits). */
  clientCode: string;
  /** 委託者名, in kana or Latin letters. */
  clientName: string;
  bankCode: string;
  bankName: string;
  branchCode: string;
  branchName: string;
  /** 1 ordinary (普通), 2 current (当座). */
  accountType: "1" | "2";
  accountNumber: string;
}

export interface ZenginTransfer {
  bankCode: string;
  bankName?: string;
  branchCode: string;
  branchName?: string;
  accountType?: "1" | "2";
  accountNumber: string;
  holderName: string;
  amountYen: number;
  /** 顧客コード1: our reference for the line (its number in the batch), up to 10 digits. */
  reference: string;
}

export interface ZenginFile {
  /** The records as text, CR LF after each. */
  text: string;
  /** The same, Shift_JIS encoded. */
  bytes: Uint8Array;
  count: number;
  totalYen: number;
}

/** Shift_JIS bytes of a text made only of ASCII and half-width katakana. */
export function zenginBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c <= 0x7e && c !== 0x5c && c !== 0x7e) || c === 0x0d || c === 0x0a) out[i] = c;
    else if (c >= 0xff61 && c <= 0xff9f) out[i] = c - 0xff61 + 0xa1;
    else throw new ZenginError(`Character U+${c.toString(16).toUpperCase().padStart(4, "0")} has no single-byte Shift_JIS form.`, "file");
  }
  return out;
}

/** The JST month and day of the transfer (取組日, MMDD). */
export function zenginDate(at: Date): string {
  const jst = new Date(at.getTime() + 9 * 3600_000);
  return `${String(jst.getUTCMonth() + 1).padStart(2, "0")}${String(jst.getUTCDate()).padStart(2, "0")}`;
}

export function buildZenginFile(sender: ZenginSender, transfers: readonly ZenginTransfer[], transferDate: Date): ZenginFile {
  if (transfers.length === 0) throw new ZenginError("A transfer file needs at least one transfer.", "transfers");
  const records: string[] = [];
  records.push(
    "1" + "21" + "0" +
      digits(sender.clientCode, 10, "client code") +
      name(sender.clientName, 40, "client name") +
      zenginDate(transferDate) +
      digits(sender.bankCode, 4, "sending bank code") +
      name(sender.bankName, 15, "sending bank name") +
      digits(sender.branchCode, 3, "sending branch code") +
      name(sender.branchName, 15, "sending branch name") +
      sender.accountType +
      digits(sender.accountNumber, 7, "sending account number") +
      " ".repeat(17),
  );
  let totalYen = 0;
  for (const t of transfers) {
    if (!Number.isSafeInteger(t.amountYen) || t.amountYen <= 0 || t.amountYen > 9_999_999_999) throw new ZenginError(`The amount ${t.amountYen} must be whole yen between 1 and 9,999,999,999.`, "amount");
    totalYen += t.amountYen;
    records.push(
      "2" +
        digits(t.bankCode, 4, "bank code") +
        name(t.bankName ?? "", 15, "bank name") +
        digits(t.branchCode, 3, "branch code") +
        name(t.branchName ?? "", 15, "branch name") +
        " ".repeat(4) + // 手形交換所番号: unused
        (t.accountType ?? "1") +
        digits(t.accountNumber, 7, "account number") +
        name(t.holderName, 30, "holder name") +
        digits(t.amountYen, 10, "amount") +
        "0" + // 新規コード
        digits(t.reference, 10, "reference") +
        alnum("", 10, "customer code 2") +
        "7" + // 振込指定区分: telegraphic transfer
        " " +
        " ".repeat(7),
    );
  }
  records.push("8" + digits(transfers.length, 6, "count") + digits(totalYen, 12, "total") + " ".repeat(101));
  records.push("9" + " ".repeat(119));
  for (const r of records) if (r.length !== ZENGIN_RECORD_BYTES) throw new Error(`Internal: a Zengin record came out ${r.length} characters long.`);
  const text = records.map((r) => r + "\r\n").join("");
  return { text, bytes: zenginBytes(text), count: transfers.length, totalYen };
}

export interface ParsedZengin {
  header: { kind: string; clientCode: string; clientName: string; date: string; bankCode: string; branchCode: string; accountNumber: string };
  transfers: Array<{ bankCode: string; bankName: string; branchCode: string; branchName: string; accountType: string; accountNumber: string; holderName: string; amountYen: number; reference: string }>;
  trailer: { count: number; totalYen: number };
}

/** Reads a file back (records of exactly 120 characters): what the tests and the console check. */
export function parseZenginText(text: string): ParsedZengin {
  const records = text.split("\r\n");
  if (records.at(-1) === "") records.pop();
  for (const [i, r] of records.entries()) if (r.length !== ZENGIN_RECORD_BYTES) throw new ZenginError(`Record ${i + 1} is ${r.length} characters long, not 120.`, "file");
  const [h, ...rest] = records;
  const end = rest.pop();
  const t = rest.pop();
  if (h?.[0] !== "1" || t?.[0] !== "8" || end?.[0] !== "9" || rest.some((r) => r[0] !== "2")) throw new ZenginError("The records are not header, data…, trailer, end.", "file");
  return {
    header: { kind: h.slice(1, 3), clientCode: h.slice(4, 14), clientName: h.slice(14, 54).trimEnd(), date: h.slice(54, 58), bankCode: h.slice(58, 62), branchCode: h.slice(77, 80), accountNumber: h.slice(96, 103) },
    transfers: rest.map((r) => ({
      bankCode: r.slice(1, 5),
      bankName: r.slice(5, 20).trimEnd(),
      branchCode: r.slice(20, 23),
      branchName: r.slice(23, 38).trimEnd(),
      accountType: r.slice(42, 43),
      accountNumber: r.slice(43, 50),
      holderName: r.slice(50, 80).trimEnd(),
      amountYen: Number(r.slice(80, 90)),
      reference: r.slice(91, 101),
    })),
    trailer: { count: Number(t.slice(1, 7)), totalYen: Number(t.slice(7, 19)) },
  };
}

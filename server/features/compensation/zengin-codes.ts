// Japanese bank and branch codes from the maintained list (the `zengin-code` package, #18): the real
// names shown in the console, the half-width kana names written into the Zengin transfer file, and
// the check that a victim's bank and branch exist. Loaded on first use (the list is ~5 MB of
// JavaScript), on the server only: the console gets names in the answers.
import { createRequire } from "node:module";
import { checkBankBranch, type BankBranchCheck, type ZenginCodeEntry } from "../../../shared/compensation/zengin-codes.ts";

interface RawBank extends ZenginCodeEntry {
  branches: Record<string, ZenginCodeEntry>;
}

let list: Record<string, RawBank> | null = null;
function codes(): Record<string, RawBank> {
  if (!list) list = createRequire(import.meta.url)("zengin-code") as Record<string, RawBank>;
  return list;
}

/** The version of the list in use (package.json's, e.g. 1.0.0-p20260824: the date of its data). */
export function zenginCodeVersion(): string {
  return (createRequire(import.meta.url)("zengin-code/package.json") as { version: string }).version;
}

export function findBank(bankCode: string): ZenginCodeEntry | null {
  const b = codes()[bankCode];
  return b ? { code: b.code, name: b.name, kana: b.kana } : null;
}

export function findBranch(bankCode: string, branchCode: string): ZenginCodeEntry | null {
  const br = codes()[bankCode]?.branches[branchCode];
  return br ? { code: br.code, name: br.name, kana: br.kana } : null;
}

/** A bank's branch codes in the list, sorted (empty for a bank the list does not have). */
export function branchCodesOf(bankCode: string): string[] {
  return Object.keys(codes()[bankCode]?.branches ?? {}).sort();
}

/** Whether a bank and branch exist, with their real names and half-width kana. */
export function bankBranch(bankCode: string, branchCode: string): BankBranchCheck {
  return checkBankBranch(bankCode, branchCode, findBank(bankCode), findBranch(bankCode, branchCode));
}

/** Each pair once. */
export function bankBranches(pairs: ReadonlyArray<{ bankCode: string; branchCode: string }>): Map<string, BankBranchCheck> {
  const out = new Map<string, BankBranchCheck>();
  for (const p of pairs) {
    const key = `${p.bankCode}-${p.branchCode}`;
    if (!out.has(key)) out.set(key, bankBranch(p.bankCode, p.branchCode));
  }
  return out;
}

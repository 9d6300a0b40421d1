// Checking a bank and branch code against the Zengin code list (server/features/compensation/
// zengin-codes.ts reads the list), pure: the answer the console shows beside a victim's account and
// the payout file uses for its bank and branch name fields (half-width katakana, 15 characters).
import { toZenginKana, ZenginError } from "./zengin.ts";

export interface ZenginCodeEntry {
  code: string;
  /** The name as written (kanji: 七十七, 本店営業部). */
  name: string;
  /** Its reading in full-width katakana (シチジユウシチ). */
  kana: string;
}

export type BankBranchCheck =
  | { ok: true; bankCode: string; branchCode: string; bankName: string; branchName: string; bankKana: string; branchKana: string }
  | { ok: false; problem: "BANK_UNKNOWN" | "BRANCH_UNKNOWN"; bankCode: string; branchCode: string; bankName: string | null; words: string };

/** A name as a 15-character Zengin field; a reading that cannot be written is left blank (the field is optional). */
export function zenginNameField(kana: string): string {
  try {
    return toZenginKana(kana).slice(0, 15);
  } catch (err) {
    if (err instanceof ZenginError) return "";
    throw err;
  }
}

export function checkBankBranch(bankCode: string, branchCode: string, bank: ZenginCodeEntry | null, branch: ZenginCodeEntry | null): BankBranchCheck {
  if (!bank) return { ok: false, problem: "BANK_UNKNOWN", bankCode, branchCode, bankName: null, words: `Bank code ${bankCode} is not in the Zengin code list.` };
  if (!branch) {
    return { ok: false, problem: "BRANCH_UNKNOWN", bankCode, branchCode, bankName: bank.name, words: `Branch ${branchCode} of bank ${bankCode} (${bank.name}) is not in the Zengin code list.` };
  }
  return { ok: true, bankCode, branchCode, bankName: bank.name, branchName: branch.name, bankKana: zenginNameField(bank.kana), branchKana: zenginNameField(branch.kana) };
}

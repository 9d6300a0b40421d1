// Cost sharing with the banks (#18), pure: which agreement is in force on a day, how a payment is
// split, and the journals that book the split. Shares are basis points of the amount (10000 = all);
// the bank's share is rounded down to whole yen, so a rounding yen is the operator's.
import type { JournalDraft } from "../compensation/ledger.ts";

export const BP_WHOLE = 10_000;

export interface CostShareAgreement {
  bankCode: string;
  /** Basis points of a compensation the bank bears; the operator bears the rest. */
  bankShareBp: number;
  /** "YYYY-MM-DD" (JST day) from which it applies. */
  effectiveFrom: string;
}

/** The agreement in force on a JST day: the latest effective on or before it, or null (the operator bears all). */
export function agreementOn<T extends CostShareAgreement>(agreements: readonly T[], bankCode: string, day: string): T | null {
  let best: T | null = null;
  for (const a of agreements) if (a.bankCode === bankCode && a.effectiveFrom <= day && (!best || a.effectiveFrom > best.effectiveFrom)) best = a;
  return best;
}

export function splitYen(amountYen: number, bankShareBp: number): { bankYen: number; operatorYen: number } {
  if (!Number.isSafeInteger(amountYen) || amountYen < 0) throw new RangeError(`An amount must be whole, non-negative yen (got ${amountYen}).`);
  if (!Number.isInteger(bankShareBp) || bankShareBp < 0 || bankShareBp > BP_WHOLE) throw new RangeError(`A share is 0 to ${BP_WHOLE} basis points (got ${bankShareBp}).`);
  const bankYen = Math.floor((amountYen * bankShareBp) / BP_WHOLE);
  return { bankYen, operatorYen: amountYen - bankYen };
}

/** "30%" / "33.33%" from basis points. */
export function formatShare(bp: number): string {
  return `${(bp / 100).toFixed(2).replace(/\.?0+$/, "")}%`;
}

function two(kind: JournalDraft["kind"], caseId: string | null, bankCode: string, debit: JournalDraft["postings"][number]["account"], credit: JournalDraft["postings"][number]["account"], yen: number): JournalDraft {
  if (!Number.isSafeInteger(yen) || yen <= 0) throw new RangeError(`A ledger amount must be whole, positive yen (got ${yen}).`);
  return {
    kind,
    phase: "SINGLE",
    caseId,
    postings: [
      { account: debit, bankCode, caseId, amountYen: yen },
      { account: credit, bankCode, caseId, amountYen: -yen },
    ],
  };
}

/** A paid compensation: the bank's share moves from our loss to what the bank owes us. Null when it bears nothing. */
export function costSharedJournal(c: { caseId: string; bankCode: string; totalYen: number }, bankShareBp: number): JournalDraft | null {
  const { bankYen } = splitYen(c.totalYen, bankShareBp);
  return bankYen > 0 ? two("cost.shared", c.caseId, c.bankCode, "BANK_RECOVERABLE", "OPERATOR_LOSS", bankYen) : null;
}

/** The bank reimbursed a victim itself: we owe it our share. Null when we bear nothing. */
export function bankReimbursedJournal(bankCode: string, amountYen: number, bankShareBp: number): JournalDraft | null {
  const { operatorYen } = splitYen(amountYen, bankShareBp);
  return operatorYen > 0 ? two("bank.reimbursed", null, bankCode, "OPERATOR_LOSS", "BANK_PAYABLE", operatorYen) : null;
}

/** We paid the bank (part of) what we owe it. */
export function bankPayoutJournal(bankCode: string, amountYen: number): JournalDraft {
  return two("bank.payout", null, bankCode, "BANK_PAYABLE", "CASH_PAID_TO_BANK", amountYen);
}

/** The bank paid us (part of) its share. */
export function bankPaidJournal(bankCode: string, amountYen: number): JournalDraft {
  return two("bank.paid", null, bankCode, "CASH_RECEIVED", "BANK_RECOVERABLE", amountYen);
}

export interface BankStatementFigures {
  /** What the bank owes us: its shares of paid compensation, less what it paid. */
  owesUsYen: number;
  /** What we owe the bank: our shares of what it reimbursed victims itself. */
  weOweYen: number;
  /** Positive: the bank owes us on balance. */
  netYen: number;
  receivedYen: number;
  /** What we paid the bank of what we owed it. */
  paidToBankYen: number;
}

/** From a bank's posted balances (debit positive) of the settlement accounts. */
export function statementFigures(posted: { BANK_RECOVERABLE?: number; BANK_PAYABLE?: number; CASH_RECEIVED?: number; CASH_PAID_TO_BANK?: number }): BankStatementFigures {
  const owesUsYen = posted.BANK_RECOVERABLE ?? 0;
  const weOweYen = -(posted.BANK_PAYABLE ?? 0) || 0;
  return { owesUsYen, weOweYen, netYen: owesUsYen - weOweYen, receivedYen: posted.CASH_RECEIVED ?? 0, paidToBankYen: -(posted.CASH_PAID_TO_BANK ?? 0) || 0 };
}

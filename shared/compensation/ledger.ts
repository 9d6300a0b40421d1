// The compensation ledger's posting rules (#18), pure: which balanced journal each money movement
// writes, and the balances that entries add up to. Debits are positive yen, credits negative; every
// SINGLE or PENDING journal sums to zero (the database checks the same at commit).
//
//   case approved         SINGLE   Dr OPERATOR_LOSS    Cr VICTIM_PAYABLE     we owe the victim
//   approved case cancel  SINGLE   Dr VICTIM_PAYABLE   Cr OPERATOR_LOSS      we no longer do
//   payout line exported  PENDING  Dr VICTIM_PAYABLE   Cr CASH_IN_TRANSIT    money in flight
//   line settled          POST of the pending, and
//                         SINGLE   Dr CASH_IN_TRANSIT  Cr CASH_PAID          the bank paid it
//   line failed           VOID of the pending: the case is payable again
//
// Cost sharing (#18, shared/settlement/cost-share.ts): when a line settles, the bank's share of it
// under the agreement in force moves from OPERATOR_LOSS to BANK_RECOVERABLE (cost.shared); when the
// bank reimbursed a victim itself, the operator's share is owed to it: Dr OPERATOR_LOSS Cr
// BANK_PAYABLE (bank.reimbursed, no case); a payment from the bank settles what it owes us: Dr
// CASH_RECEIVED Cr BANK_RECOVERABLE (bank.paid, no case), and our payment to the bank of what we owe
// it settles bank payable: Dr BANK_PAYABLE Cr CASH_PAID_TO_BANK (bank.payout, no case). A case's cost is then OPERATOR_LOSS plus
// BANK_RECOVERABLE of that case, whoever bears it.
//
// So for one case: OPERATOR_LOSS is the case total while it is approved or paid; VICTIM_PAYABLE
// (posted, credit) is the total while approved and not yet settled, and with the pending legs it is
// what is still free to batch; CASH_PAID (credit) is the total once paid.

export const LEDGER_ACCOUNTS = ["OPERATOR_LOSS", "VICTIM_PAYABLE", "CASH_IN_TRANSIT", "CASH_PAID", "BANK_RECOVERABLE", "BANK_PAYABLE", "CASH_RECEIVED", "CASH_PAID_TO_BANK"] as const;
export type LedgerAccount = (typeof LEDGER_ACCOUNTS)[number];
export type LedgerPhase = "SINGLE" | "PENDING" | "POST" | "VOID";
export type JournalKind = "case.approved" | "case.cancelled" | "payout.exported" | "payout.settled" | "payout.failed" | "cost.shared" | "bank.reimbursed" | "bank.paid" | "bank.payout";

export interface Posting {
  account: LedgerAccount;
  bankCode: string;
  caseId: string | null;
  /** Debit positive, credit negative; never zero. */
  amountYen: number;
}

export interface JournalDraft {
  kind: JournalKind;
  phase: "SINGLE" | "PENDING";
  caseId: string | null;
  postings: Posting[];
}

export interface CaseMoney {
  caseId: string;
  bankCode: string;
  totalYen: number;
}

function transfer(kind: JournalKind, phase: "SINGLE" | "PENDING", c: CaseMoney, debit: LedgerAccount, credit: LedgerAccount): JournalDraft {
  if (!Number.isSafeInteger(c.totalYen) || c.totalYen <= 0) throw new RangeError(`A ledger amount must be whole, positive yen (got ${c.totalYen}).`);
  return {
    kind,
    phase,
    caseId: c.caseId,
    postings: [
      { account: debit, bankCode: c.bankCode, caseId: c.caseId, amountYen: c.totalYen },
      { account: credit, bankCode: c.bankCode, caseId: c.caseId, amountYen: -c.totalYen },
    ],
  };
}

export const caseApprovedJournal = (c: CaseMoney) => transfer("case.approved", "SINGLE", c, "OPERATOR_LOSS", "VICTIM_PAYABLE");
export const approvedCaseCancelledJournal = (c: CaseMoney) => transfer("case.cancelled", "SINGLE", c, "VICTIM_PAYABLE", "OPERATOR_LOSS");
export const payoutExportedJournal = (c: CaseMoney) => transfer("payout.exported", "PENDING", c, "VICTIM_PAYABLE", "CASH_IN_TRANSIT");
export const payoutSettledJournal = (c: CaseMoney) => transfer("payout.settled", "SINGLE", c, "CASH_IN_TRANSIT", "CASH_PAID");

export function isBalanced(j: { phase: LedgerPhase; postings: readonly { amountYen: number }[] }): boolean {
  if (j.phase === "POST" || j.phase === "VOID") return j.postings.length === 0;
  return j.postings.length >= 2 && j.postings.every((p) => Number.isSafeInteger(p.amountYen) && p.amountYen !== 0) && j.postings.reduce((s, p) => s + p.amountYen, 0) === 0;
}

/** A journal as stored: a resolution (POST/VOID) names the pending journal it settles. */
export interface StoredJournal {
  id: string;
  phase: LedgerPhase;
  pendingId: string | null;
  postings: readonly Posting[];
}

export type EntryStatus = "POSTED" | "PENDING" | "VOIDED";

/** Each posting's status: what the ledger_entry view computes in SQL. */
export function entryStatuses(journals: readonly StoredJournal[]): Array<Posting & { status: EntryStatus }> {
  const resolution = new Map<string, "POST" | "VOID">();
  for (const j of journals) if ((j.phase === "POST" || j.phase === "VOID") && j.pendingId) resolution.set(j.pendingId, j.phase);
  const out: Array<Posting & { status: EntryStatus }> = [];
  for (const j of journals) {
    if (j.phase === "POST" || j.phase === "VOID") continue;
    const r = resolution.get(j.id);
    const status: EntryStatus = j.phase === "SINGLE" || r === "POST" ? "POSTED" : r === "VOID" ? "VOIDED" : "PENDING";
    for (const p of j.postings) out.push({ ...p, status });
  }
  return out;
}

export interface Balance {
  postedYen: number;
  pendingYen: number;
}

/** Balances per account (optionally per case or bank): sums of POSTED and of PENDING entries. */
export function balances(journals: readonly StoredJournal[], keyOf: (p: Posting) => string = (p) => p.account): Map<string, Balance> {
  const out = new Map<string, Balance>();
  for (const e of entryStatuses(journals)) {
    if (e.status === "VOIDED") continue;
    const key = keyOf(e);
    const b = out.get(key) ?? { postedYen: 0, pendingYen: 0 };
    if (e.status === "POSTED") b.postedYen += e.amountYen;
    else b.pendingYen += e.amountYen;
    out.set(key, b);
  }
  return out;
}

/** Where a case's money is, as the case records say. */
export type CaseMoneyState = "NONE" | "PAYABLE" | "IN_FLIGHT" | "PAID";

/**
 * What the ledger must show for one case in a given money state (credits as positive amounts):
 * the operator's loss, what is owed (posted), what of it is in flight (pending), and what was paid.
 */
export function expectedCaseBalances(state: CaseMoneyState, totalYen: number): { lossYen: number; payableYen: number; inFlightYen: number; paidYen: number } {
  switch (state) {
    case "NONE":
      return { lossYen: 0, payableYen: 0, inFlightYen: 0, paidYen: 0 };
    case "PAYABLE":
      return { lossYen: totalYen, payableYen: totalYen, inFlightYen: 0, paidYen: 0 };
    case "IN_FLIGHT":
      return { lossYen: totalYen, payableYen: totalYen, inFlightYen: totalYen, paidYen: 0 };
    case "PAID":
      return { lossYen: totalYen, payableYen: 0, inFlightYen: 0, paidYen: totalYen };
  }
}

/** The same four figures read from ledger balances of one case (or one bank, or all). */
export function ledgerFigures(b: ReadonlyMap<LedgerAccount, Balance> | ((a: LedgerAccount) => Balance | undefined)): { lossYen: number; payableYen: number; inFlightYen: number; paidYen: number } {
  const get = (a: LedgerAccount) => (typeof b === "function" ? b(a) : b.get(a)) ?? { postedYen: 0, pendingYen: 0 };
  const credit = (yen: number) => (yen === 0 ? 0 : -yen); // no -0
  return {
    // The case's cost, whoever bears it (pass a case's balances: bank-level journals have no case).
    lossYen: get("OPERATOR_LOSS").postedYen + get("BANK_RECOVERABLE").postedYen,
    payableYen: credit(get("VICTIM_PAYABLE").postedYen),
    inFlightYen: credit(get("CASH_IN_TRANSIT").pendingYen),
    paidYen: credit(get("CASH_PAID").postedYen),
  };
}

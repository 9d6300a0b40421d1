// No double reimbursement (#18), pure: a charge is paid back at most once across parties. Our own
// compensation (case lines of cases not rejected or cancelled), the victim's bank and any other party
// together cover at most what the charge took. A charge on a line of a case already approved
// (payable) or paid cannot be recorded as reimbursed by anyone else, and a charge reimbursed by
// someone else can only be compensated for what is left (what we owe shrinks). The database checks
// the same sum (charge_cover_check in the charge_reimbursement migration).
import { holdsAmount, type ExistingLine } from "../compensation/rules.ts";

export const REIMBURSEMENT_PARTIES = ["BANK", "OTHER"] as const;
export type ReimbursementParty = (typeof REIMBURSEMENT_PARTIES)[number];

export interface ExistingReimbursement {
  party: ReimbursementParty;
  amountYen: number;
}

export interface ChargeCover {
  chargeAmountYen: number;
  lines: readonly ExistingLine[];
  reimbursements: readonly ExistingReimbursement[];
}

/** Yen of the charge held by live cases (requested, approved or paid). */
export function compensatedYen(lines: readonly ExistingLine[]): number {
  return lines.reduce((s, l) => (holdsAmount(l.caseState) ? s + l.amountYen : s), 0);
}

export function reimbursedYen(reimbursements: readonly ExistingReimbursement[]): number {
  return reimbursements.reduce((s, r) => s + r.amountYen, 0);
}

/** What is still free to be paid back by anyone. Never negative. */
export function uncoveredYen(c: ChargeCover): number {
  return Math.max(0, c.chargeAmountYen - compensatedYen(c.lines) - reimbursedYen(c.reimbursements));
}

export type ReimbursementCheck =
  | { ok: true }
  | { ok: false; code: "INVALID_AMOUNT"; requestedYen: number }
  | { ok: false; code: "REIMBURSEMENT_EXISTS"; party: ReimbursementParty }
  | { ok: false; code: "CHARGE_ALREADY_COMPENSATED"; compensatedYen: number }
  | { ok: false; code: "REIMBURSEMENT_EXCEEDS_CHARGE"; remainingYen: number; requestedYen: number };

/** May this party record a reimbursement of this many yen for the charge? */
export function checkReimbursement(c: ChargeCover, party: ReimbursementParty, amountYen: number): ReimbursementCheck {
  if (!Number.isSafeInteger(amountYen) || amountYen <= 0) return { ok: false, code: "INVALID_AMOUNT", requestedYen: amountYen };
  if (c.reimbursements.some((r) => r.party === party)) return { ok: false, code: "REIMBURSEMENT_EXISTS", party };
  // Payable or paid by us: the money is (being) sent, so nobody else may pay it back as well.
  const committed = c.lines.filter((l) => l.caseState === "APPROVED" || l.caseState === "PAID").reduce((s, l) => s + l.amountYen, 0);
  if (committed > 0) return { ok: false, code: "CHARGE_ALREADY_COMPENSATED", compensatedYen: committed };
  const remainingYen = uncoveredYen(c);
  if (amountYen > remainingYen) return { ok: false, code: "REIMBURSEMENT_EXCEEDS_CHARGE", remainingYen, requestedYen: amountYen };
  return { ok: true };
}

/** What a new compensation case may still ask for on this charge, after others' reimbursements. */
export function compensableYen(c: ChargeCover): number {
  return uncoveredYen(c);
}

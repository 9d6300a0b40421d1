// Settlement error codes (#18: reimbursements by banks and others, cost sharing, bank statements).
import { errorMaker, type ErrorRegistry } from "../errors.ts";

export const SETTLEMENT_ERRORS = {
  REIMBURSEMENT_EXISTS: { status: 409, message: "This party's reimbursement of this charge is already recorded." },
  CHARGE_ALREADY_COMPENSATED: { status: 409, message: "We already pay this charge back (an approved or paid case): nobody else can reimburse it as well." },
  REIMBURSEMENT_EXCEEDS_CHARGE: { status: 409, message: "This would pay the charge back more than it took." },
  CHARGE_ALREADY_REIMBURSED: { status: 409, message: "The bank or another party already reimbursed this charge: only what is left can be compensated." },
  REIMBURSEMENT_CHARGE_NOT_FOUND: { status: 404, message: "There is no charge with this id." },
  SETTLEMENT_BANK_NOT_FOUND: { status: 404, message: "There is no bank with this code." },
  COST_SHARE_EXISTS: { status: 409, message: "An agreement for this bank already starts on this day: choose another day." },
  BANK_PAYMENT_EXCEEDS_OWED: { status: 409, message: "The bank would pay more than it owes us." },
  BANK_PAYOUT_EXCEEDS_OWED: { status: 409, message: "We would pay the bank more than we owe it." },
  BANK_PAYOUT_REFERENCE_EXISTS: { status: 409, message: "A payment to this bank with this reference is already recorded." },
} as const satisfies ErrorRegistry;

export type SettlementErrorCode = keyof typeof SETTLEMENT_ERRORS;
export const settlementError = errorMaker(SETTLEMENT_ERRORS);

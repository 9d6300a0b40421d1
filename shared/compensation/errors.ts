// Compensation error codes as data: status and the default words. Services pass these to AppError
// with a sentence about the case at hand (amounts in yen, which charge), the UI shows the sentence.
import { errorMaker, type ErrorRegistry } from "../errors.ts";

export const COMPENSATION_ERRORS = {
  COMPENSATION_EXCEEDS_CHARGE: { status: 409, message: "This would pay back more than the charge took." },
  IDEMPOTENCY_KEY_REUSED: { status: 409, message: "This form already created a case with different content." },
  CHARGE_NOT_FOUND: { status: 404, message: "A charge in this case does not exist." },
  CHARGE_NOT_FOR_VICTIM: { status: 422, message: "All charges of a case must come from one victim's bank account." },
  CHARGE_NOT_FRAUDULENT: { status: 422, message: "Only charges made by flagged or confirmed-fraud wallets can be compensated." },
  INVALID_AMOUNT: { status: 422, message: "Amounts must be whole, positive yen." },
  CASE_NOT_FOUND: { status: 404, message: "There is no compensation case with this id." },
  INVALID_TRANSITION: { status: 409, message: "The case is no longer in a state that allows this." },
  MANAGER_APPROVAL_REQUIRED: { status: 403, message: "A case this large needs a manager's approval." },
  SELF_APPROVAL_NOT_ALLOWED: { status: 403, message: "A case this large needs a manager other than the person who requested it." },
  OTHER_MANAGER_REQUIRED: { status: 403, message: "With this case the victim's total reaches the threshold: a manager who neither requested nor alone approved the victim's other cases must approve it." },
  FOUR_EYES_REQUIRED: { status: 409, message: "A victim in this batch would be paid at or above the threshold on one person's decisions alone." },
  CASES_NOT_PAYABLE: { status: 409, message: "Some cases are not approved or are already in a payout batch." },
  BATCH_NOT_FOUND: { status: 404, message: "There is no payout batch with this id." },
  BATCH_NOT_EXPORTED: { status: 409, message: "This batch was already marked as sent." },
  BATCH_NOT_SENT: { status: 409, message: "Mark the batch as sent (with the bank's reference) before importing its results." },
  BANK_RESULT_INVALID: { status: 422, message: "The bank result file cannot be read." },
  BANK_RESULT_CONFLICT: { status: 409, message: "The bank result file contradicts lines already settled or failed." },
  ZENGIN_NOT_WRITABLE: { status: 422, message: "A case cannot be written into a Zengin transfer file." },
  WALLET_NOT_FOUND: { status: 404, message: "There is no flagged or confirmed-fraud wallet account with this id." },
  CHARGE_NOT_ELIGIBLE: { status: 409, message: "An eligibility rule blocks a charge of this case: a manager must override it, with a reason, first." },
  RULE_NOT_BLOCKING: { status: 409, message: "This rule does not block this charge, so there is nothing to override." },
  RULE_ALREADY_OVERRIDDEN: { status: 409, message: "A manager already overrode this rule for this charge." },
  CLAIM_INVALID: { status: 422, message: "The claim's days are not possible." },
  CLAIM_REQUIRED: { status: 422, message: "A claim is required: the day the victim noticed the loss, the day they reported it and how." },
  CLAIM_UNCHANGED: { status: 409, message: "The claim already says this: there is nothing to correct." },
  CLAIM_CORRECTION_BLOCKS_PAID: { status: 409, message: "This correction would block a charge already in a payout batch or paid: money in flight is not taken back by an edit." },
  BANK_BRANCH_UNKNOWN: { status: 422, message: "The bank or branch code is not in the Zengin code list." },
} as const satisfies ErrorRegistry;

export type CompensationErrorCode = keyof typeof COMPENSATION_ERRORS;

export const compensationError = errorMaker(COMPENSATION_ERRORS);

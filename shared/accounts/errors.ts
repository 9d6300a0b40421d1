// Wallet-account error codes as data (same shape as shared/suspensions/errors.ts).
import type { ErrorRegistry } from "../errors.ts";

export const ACCOUNT_ERRORS = {
  ACCOUNT_NOT_FOUND: { status: 404, message: "There is no such wallet account." },
  RESCORE_ALREADY_RUNNING: { status: 409, message: "A rescoring is already running; wait for it to finish." },
  RULE_VERSION_NOT_FOUND: { status: 404, message: "There is no such rule version." },
  RULE_VERSION_NOT_DRAFT: { status: 409, message: "Only a draft rule version can be changed or activated; start a new draft from it." },
  RULE_DRAFT_INVALID: { status: 400, message: "The draft has settings the scoring cannot use; correct them first." },
  NO_PREVIOUS_RULE_VERSION: { status: 409, message: "There is no earlier rule version to go back to." },
} as const satisfies ErrorRegistry;

export type AccountErrorCode = keyof typeof ACCOUNT_ERRORS;

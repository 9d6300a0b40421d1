// Wallet-account error codes as data (same shape as shared/suspensions/errors.ts).
import type { ErrorRegistry } from "../errors.ts";

export const ACCOUNT_ERRORS = {
  ACCOUNT_NOT_FOUND: { status: 404, message: "There is no such wallet account." },
  RESCORE_ALREADY_RUNNING: { status: 409, message: "A rescoring is already running; wait for it to finish." },
} as const satisfies ErrorRegistry;

export type AccountErrorCode = keyof typeof ACCOUNT_ERRORS;

// Four-eyes error codes as data (same shape as shared/suspensions/errors.ts): status and words.
import { errorMaker, type ErrorRegistry } from "../errors.ts";

export const APPROVAL_ERRORS = {
  FOUR_EYES_REQUIRED: { status: 409, message: "This change weakens protection: ask a second person to approve it, or use the emergency path." },
  SELF_APPROVAL_NOT_ALLOWED: { status: 403, message: "You asked for this change: a different person must decide it." },
  APPROVER_ROLE_NOT_ALLOWED: { status: 403, message: "Your role may not decide this kind of change." },
  CHANGE_REQUEST_NOT_FOUND: { status: 404, message: "There is no such change request." },
  CHANGE_REQUEST_NOT_PENDING: { status: 409, message: "This change request was already decided. Reload to see who decided it." },
  EMERGENCY_REASON_TOO_SHORT: { status: 400, message: "An emergency change needs a longer reason: say what is happening and why it cannot wait for a second person." },
  EMERGENCY_NOT_REVIEWABLE: { status: 409, message: "Only an emergency change not yet reviewed can be marked reviewed." },
} as const satisfies ErrorRegistry;

export type ApprovalErrorCode = keyof typeof APPROVAL_ERRORS;

export const approvalError = errorMaker(APPROVAL_ERRORS);

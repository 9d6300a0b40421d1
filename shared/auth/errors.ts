// Error codes of the second factor and step-up (issue #12), as data like the other feature
// registries (composed in shared/errors.ts): status and words. A leaf module (a type import only).
import type { ErrorRegistry } from "../errors.ts";

/** A protected action asks for the code again when it was last given longer ago than this. */
export const STEP_UP_MINUTES = 5;

/** Error codes of the second factor, with the HTTP status each travels as. */
export const SECOND_FACTOR_ERRORS = {
  /** The session gave its password; the code is asked before anything else. */
  SECOND_FACTOR_REQUIRED: { status: 401, message: "Enter the code from your authenticator app to finish signing in." },
  /** This person must set up a second factor before doing anything else. */
  ENROLMENT_REQUIRED: { status: 403, message: "Set up your authenticator app first: your role needs a second factor." },
  /** A protected action: the code was last given more than STEP_UP_MINUTES ago. */
  STEP_UP_REQUIRED: { status: 403, message: `Confirm it is you: enter the code from your authenticator app (asked for protected actions after ${STEP_UP_MINUTES} minutes).` },
  INVALID_CODE: { status: 401, message: "That code is not correct (or was already used). Wait for the next code and try again." },
  NO_ENROLMENT_STARTED: { status: 409, message: "Start the set-up again: no authenticator set-up is in progress." },
  ALREADY_ENROLLED: { status: 409, message: "A second factor is already set up for this account. An administrator can reset it." },
  NO_SECOND_FACTOR: { status: 409, message: "This staff member has no second factor to reset." },
} as const satisfies ErrorRegistry;
export type SecondFactorErrorCode = keyof typeof SECOND_FACTOR_ERRORS;


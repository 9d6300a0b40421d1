// Staff second factor (TOTP) and step-up (issue #12): inputs, stages, error codes and the rule of
// who must have one. Shared so the client routes and words the same facts the server enforces.
import { z } from "zod";
import type { Role } from "./roles.ts";
import { Reason } from "../reason.ts";
import { text } from "../schema-blocks.ts";
import { AppError } from "../errors.ts";
import { SECOND_FACTOR_ERRORS, type SecondFactorErrorCode } from "./errors.ts";

/** Roles that must have a second factor whatever the setting says. */
export const SECOND_FACTOR_ROLES: readonly Role[] = ["MANAGER", "ADMIN"];
/** The ADMIN setting (0 or 1) that requires a second factor of every role. */
export const SECOND_FACTOR_FOR_ALL_SETTING = "auth.secondFactorForAll";
export { STEP_UP_MINUTES } from "./errors.ts";
/** A session waiting for the code (or for enrolment) ends after this long. */
export const PENDING_STAGE_MINUTES = 15;
export const RECOVERY_CODE_COUNT = 10;

export function secondFactorRequired(role: Role, forAll: boolean): boolean {
  return forAll || SECOND_FACTOR_ROLES.includes(role);
}

/** Where a session stands after the password: asked for the code, or sent to enrol first. */
export type PendingStage = "CODE" | "ENROL";

// Six digits from an app, or a recovery code (16 letters and digits, dashes and spaces ignored).
export const SecondFactorCode = text()
  .trim()
  .min(1, "Enter the code from your authenticator app")
  .max(40, "That is not a code")
  .transform((s) => s.replace(/[\s-]/g, "").toUpperCase())
  .refine((s) => /^\d{6}$/.test(s) || /^[A-Z2-7]{16}$/.test(s), "Enter the 6-digit code from your app, or a recovery code");

export const VerifySecondFactorInput = z.strictObject({ code: SecondFactorCode });
export const ConfirmEnrolmentInput = z.strictObject({
  code: text().trim().regex(/^\d{6}$/, "Enter the 6-digit code your app shows"),
});
export const ResetSecondFactorInput = z.strictObject({ userId: z.uuid("Not a staff member's id"), reason: Reason });

export { SECOND_FACTOR_ERRORS, type SecondFactorErrorCode } from "./errors.ts";

export function secondFactorError(code: SecondFactorErrorCode, message?: string, details?: Record<string, unknown>): AppError {
  return new AppError(code, message ?? SECOND_FACTOR_ERRORS[code].message, { details });
}


// Suspension error codes as data: status and default words. Services pass a sentence about the case
// at hand (which bank, which scope); the UI shows it.
import { errorMaker, type ErrorRegistry } from "../errors.ts";

export const SUSPENSION_ERRORS = {
  SUSPENSION_CONFLICT: { status: 409, message: "A bank already has an active or scheduled suspension for one of these scopes. Lift it first, or leave that scope out." },
  CUTOFF_AFTER_START: { status: 400, message: "The cutoff must not be later than the start." },
  UNKNOWN_BANK: { status: 404, message: "There is no bank with this code." },
  SUSPENSION_NOT_FOUND: { status: 404, message: "There is no suspension with this id." },
  SUSPENSION_ALREADY_LIFTED: { status: 409, message: "This suspension has already been lifted." },
  GATE_NEEDS_CHARGE_SUSPENSION: { status: 409, message: "A re-verification gate opens only on a suspension of the bank's charges." },
  GATE_ALREADY_OPEN: { status: 409, message: "This suspension already has a re-verification gate." },
  ENDS_BEFORE_START: { status: 400, message: "The end time must be after the suspension's start." },
  ENDS_IN_PAST: { status: 400, message: "The end time must be in the future (to end a suspension now, lift it)." },
  END_SOONER_NEEDS_SECOND_MANAGER: { status: 409, message: "Giving a suspension an end time, or bringing its end time forward, ends it sooner: that is a lift, which a second manager approves. Ask for a lift instead, or move the end time later." },
  REVIEW_IN_PAST: { status: 400, message: "The review date must be in the future." },
  AUTH_CHANGE_BEFORE_LAST: { status: 409, message: "The effective date is before the bank's last recorded change: record changes in the order they happened." },
  AUTH_METHOD_UNCHANGED: { status: 409, message: "The bank already uses this authentication." },
  LINKS_NOT_QUARANTINED: { status: 409, message: "Some of these links are no longer quarantined (someone else reviewed them). Reload and try again." },
} as const satisfies ErrorRegistry;

export type SuspensionErrorCode = keyof typeof SUSPENSION_ERRORS;

export const suspensionError = errorMaker(SUSPENSION_ERRORS);

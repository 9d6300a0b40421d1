import { z } from "zod";
import { Role } from "../auth/roles.ts";
import { Reason } from "../reason.ts";
import { EMERGENCY_REASON_LENGTH_MIN } from "./rules.ts";

/** What each kind of change carries: enough to apply it when approved. */
export const ChangePayload = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("LIFT_SUSPENSION"), suspensionId: z.uuid("Not a suspension's id") }),
  z.strictObject({ kind: z.literal("RAISE_APPROVAL_THRESHOLD"), valueYen: z.number().int().min(1_000).max(10_000_000) }),
  z.strictObject({ kind: z.literal("GRANT_ROLE"), userId: z.uuid("Not a staff member's id"), role: Role }),
]);
export type ChangePayload = z.infer<typeof ChangePayload>;

/** What a change acts on, beyond its payload, so the console can word it in the reader's language. */
export interface ChangeSubject {
  bankCode?: string;
  bankName?: string;
  scopes?: string[];
  email?: string;
}

export const RequestChangeInput = z.strictObject({ change: ChangePayload, reason: Reason });
export const DecideChangeInput = z.strictObject({ requestId: z.uuid("Not a change request's id"), reason: Reason });
export const EmergencyChangeInput = z.strictObject({
  change: ChangePayload,
  reason: Reason.refine((r) => r.length >= EMERGENCY_REASON_LENGTH_MIN, `An emergency needs a reason of at least ${EMERGENCY_REASON_LENGTH_MIN} characters`),
});

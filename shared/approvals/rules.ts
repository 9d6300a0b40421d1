// Four eyes on the changes that weaken protection (#12): lifting a suspension, raising the
// compensation approval threshold, and granting MANAGER or ADMIN. Pure rules, read by the server
// (enforced) and the client (which buttons to show). Suspending and other tightening changes stay
// one action: a kill switch must be fast.
import type { Role } from "../auth/roles.ts";
import type { ApprovalErrorCode } from "./errors.ts";

export const CHANGE_KINDS = ["LIFT_SUSPENSION", "RAISE_APPROVAL_THRESHOLD", "GRANT_ROLE"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const CHANGE_STATUSES = ["PENDING", "APPROVED", "REJECTED", "EMERGENCY_APPLIED", "REVIEWED", "SUPERSEDED"] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];

/** An emergency applied alone must say enough for the later reviewer to judge it. */
export const EMERGENCY_REASON_LENGTH_MIN = 40;

/** Who may ask for and who may approve each kind: the same roles that owned the one-step action. */
export const CHANGE_ROLES: Record<ChangeKind, readonly Role[]> = {
  LIFT_SUSPENSION: ["MANAGER"],
  RAISE_APPROVAL_THRESHOLD: ["ADMIN"],
  GRANT_ROLE: ["ADMIN"],
};

/** Roles whose grant widens what a person may do to suspensions, money or staff. */
export const PRIVILEGED_ROLES: readonly Role[] = ["MANAGER", "ADMIN"];

/** Does a role change need a second person? Granting MANAGER or ADMIN does; demoting does not. */
export function roleGrantNeedsFourEyes(input: { from: Role | null; to: Role }): boolean {
  return PRIVILEGED_ROLES.includes(input.to) && input.from !== input.to && !(input.from === "ADMIN" && input.to === "MANAGER");
}

/** Raising the threshold lets larger payouts through on one person's word; lowering tightens. */
export function thresholdChangeNeedsFourEyes(input: { currentYen: number; nextYen: number }): boolean {
  return input.nextYen > input.currentYen;
}

export type Decision = { ok: true } | { ok: false; code: ApprovalErrorCode };

/** May `approver` approve (or reject) a pending request of `kind` asked by `requesterId`? */
export function decideApproval(input: { kind: ChangeKind; status: ChangeStatus; requesterId: string; approver: { id: string; role: Role } }): Decision {
  if (input.status !== "PENDING") return { ok: false, code: "CHANGE_REQUEST_NOT_PENDING" };
  if (input.approver.id === input.requesterId) return { ok: false, code: "SELF_APPROVAL_NOT_ALLOWED" };
  if (!CHANGE_ROLES[input.kind].includes(input.approver.role)) return { ok: false, code: "APPROVER_ROLE_NOT_ALLOWED" };
  return { ok: true };
}

/** May one person apply a change alone? Only with the role and a long reason; it is audited and shown. */
export function decideEmergency(input: { kind: ChangeKind; actorRole: Role; reason: string }): Decision {
  if (!CHANGE_ROLES[input.kind].includes(input.actorRole)) return { ok: false, code: "APPROVER_ROLE_NOT_ALLOWED" };
  if (input.reason.trim().length < EMERGENCY_REASON_LENGTH_MIN) return { ok: false, code: "EMERGENCY_REASON_TOO_SHORT" };
  return { ok: true };
}

/** An emergency is reviewed by a second person with the role, never by the one who applied it. */
export function decideReview(input: { kind: ChangeKind; status: ChangeStatus; requesterId: string; reviewer: { id: string; role: Role } }): Decision {
  if (input.status !== "EMERGENCY_APPLIED") return { ok: false, code: "EMERGENCY_NOT_REVIEWABLE" };
  if (input.reviewer.id === input.requesterId) return { ok: false, code: "SELF_APPROVAL_NOT_ALLOWED" };
  if (!CHANGE_ROLES[input.kind].includes(input.reviewer.role)) return { ok: false, code: "APPROVER_ROLE_NOT_ALLOWED" };
  return { ok: true };
}

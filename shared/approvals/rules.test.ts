// Goal: the four-eyes rules refuse self-approval, wrong roles and decided requests; emergencies need
// the role and a long reason; only raising and privileged grants need a second person. Method: each
// rule over its cases.
import { describe, expect, it } from "vitest";
import { decideApproval, decideEmergency, decideReview, EMERGENCY_REASON_LENGTH_MIN, roleGrantNeedsFourEyes, thresholdChangeNeedsFourEyes } from "./rules.ts";
import { EmergencyChangeInput } from "./schemas.ts";

const pending = { kind: "LIFT_SUSPENSION" as const, status: "PENDING" as const, requesterId: "a" };

describe("four-eyes rules", () => {
  it("a different manager may approve a lift; the requester, other roles and decided requests may not", () => {
    expect(decideApproval({ ...pending, approver: { id: "b", role: "MANAGER" } })).toEqual({ ok: true });
    expect(decideApproval({ ...pending, approver: { id: "a", role: "MANAGER" } })).toEqual({ ok: false, code: "SELF_APPROVAL_NOT_ALLOWED" });
    expect(decideApproval({ ...pending, approver: { id: "b", role: "ANALYST" } })).toEqual({ ok: false, code: "APPROVER_ROLE_NOT_ALLOWED" });
    expect(decideApproval({ ...pending, status: "APPROVED", approver: { id: "b", role: "MANAGER" } })).toEqual({ ok: false, code: "CHANGE_REQUEST_NOT_PENDING" });
    expect(decideApproval({ ...pending, kind: "GRANT_ROLE", approver: { id: "b", role: "MANAGER" } })).toEqual({ ok: false, code: "APPROVER_ROLE_NOT_ALLOWED" });
  });

  it("an emergency needs the role and a reason of at least the minimum length", () => {
    const long = "x".repeat(EMERGENCY_REASON_LENGTH_MIN);
    expect(decideEmergency({ kind: "LIFT_SUSPENSION", actorRole: "MANAGER", reason: long })).toEqual({ ok: true });
    expect(decideEmergency({ kind: "LIFT_SUSPENSION", actorRole: "MANAGER", reason: long.slice(1) })).toEqual({ ok: false, code: "EMERGENCY_REASON_TOO_SHORT" });
    expect(decideEmergency({ kind: "RAISE_APPROVAL_THRESHOLD", actorRole: "MANAGER", reason: long })).toEqual({ ok: false, code: "APPROVER_ROLE_NOT_ALLOWED" });
    expect(EmergencyChangeInput.safeParse({ change: { kind: "RAISE_APPROVAL_THRESHOLD", valueYen: 200_000 }, reason: "too short a reason" }).success).toBe(false);
  });

  it("an emergency is reviewed once, by someone other than who applied it", () => {
    const applied = { kind: "GRANT_ROLE" as const, status: "EMERGENCY_APPLIED" as const, requesterId: "a" };
    expect(decideReview({ ...applied, reviewer: { id: "b", role: "ADMIN" } })).toEqual({ ok: true });
    expect(decideReview({ ...applied, reviewer: { id: "a", role: "ADMIN" } })).toEqual({ ok: false, code: "SELF_APPROVAL_NOT_ALLOWED" });
    expect(decideReview({ ...applied, status: "REVIEWED", reviewer: { id: "b", role: "ADMIN" } })).toEqual({ ok: false, code: "EMERGENCY_NOT_REVIEWABLE" });
  });

  it("only weakening changes need a second person: raising, granting MANAGER/ADMIN", () => {
    expect(thresholdChangeNeedsFourEyes({ currentYen: 100_000, nextYen: 150_000 })).toBe(true);
    expect(thresholdChangeNeedsFourEyes({ currentYen: 100_000, nextYen: 50_000 })).toBe(false);
    expect(roleGrantNeedsFourEyes({ from: "ANALYST", to: "MANAGER" })).toBe(true);
    expect(roleGrantNeedsFourEyes({ from: null, to: "ADMIN" })).toBe(true);
    expect(roleGrantNeedsFourEyes({ from: "MANAGER", to: "ADMIN" })).toBe(true);
    expect(roleGrantNeedsFourEyes({ from: "ADMIN", to: "MANAGER" })).toBe(false);
    expect(roleGrantNeedsFourEyes({ from: "MANAGER", to: "ANALYST" })).toBe(false);
    expect(roleGrantNeedsFourEyes({ from: null, to: "SUPPORT" })).toBe(false);
  });
});

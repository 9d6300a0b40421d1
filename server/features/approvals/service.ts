// Four eyes on the changes that weaken protection (#12): lifting a suspension, raising the
// compensation approval threshold, granting MANAGER or ADMIN. One person asks (with a reason); a
// different person with the role approves, and the change runs in the approval's own transaction,
// with its audit records, exactly once; or rejects it with a reason. In an emergency one person
// applies it at once with a long reason: audited as an emergency and listed (and shown on the
// overview) until a second person reviews it. The pure rules are in shared/approvals/rules.ts.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type Actor, type StaffActor } from "../audit/write-audit.ts";
import { applyLift, liftableSuspension } from "../suspensions/suspend.ts";
import { APPROVAL_THRESHOLD_KEY, applySetting, parseSetting, readSetting, updateSetting } from "../admin/settings-service.ts";
import { applyRole, setRole } from "../admin/staff-service.ts";
import { approvalError, type ApprovalErrorCode } from "../../../shared/approvals/errors.ts";
import {
  CHANGE_ROLES,
  decideApproval,
  decideEmergency,
  decideReview,
  roleGrantNeedsFourEyes,
  thresholdChangeNeedsFourEyes,
} from "../../../shared/approvals/rules.ts";
import { ChangePayload } from "../../../shared/approvals/schemas.ts";
import { summaryOf } from "./summary.ts";
import type { SettingKey } from "../../../shared/admin/settings.ts";
import type { Role } from "../../../shared/auth/roles.ts";
import { formatYen } from "../../../shared/format.ts";
import { AppError } from "../../../shared/errors.ts";

function refuse(code: ApprovalErrorCode): never {
  throw approvalError(code);
}

/** The thing a change acts on: at most one pending request per target (a unique index holds it). */
function targetKey(change: ChangePayload): string {
  switch (change.kind) {
    case "LIFT_SUSPENSION":
      return `suspension:${change.suspensionId}`;
    case "RAISE_APPROVAL_THRESHOLD":
      return `setting:${APPROVAL_THRESHOLD_KEY}`;
    case "GRANT_ROLE":
      return `staff:${change.userId}`;
  }
}

/** Checks that the change still makes sense and needs four eyes; returns it in words. */
async function describeAndCheck(db: PrismaClient | Tx, change: ChangePayload): Promise<string> {
  switch (change.kind) {
    case "LIFT_SUSPENSION": {
      const s = await liftableSuspension(db, change.suspensionId);
      return `Lift the suspension of ${s.bankCode} ${s.bank.name} (${s.scopes.join(", ")})`;
    }
    case "RAISE_APPROVAL_THRESHOLD": {
      const valueYen = parseSetting(APPROVAL_THRESHOLD_KEY, change.valueYen);
      const currentYen = await readSetting(db, APPROVAL_THRESHOLD_KEY);
      if (!thresholdChangeNeedsFourEyes({ currentYen, nextYen: valueYen })) {
        throw new AppError("VALIDATION_FAILED", `The threshold is ${formatYen(currentYen)}; ${formatYen(valueYen)} is not a raise. Lowering it needs no second person: change it on the admin page.`);
      }
      return `Raise the compensation approval threshold from ${formatYen(currentYen)} to ${formatYen(valueYen)}`;
    }
    case "GRANT_ROLE": {
      const user = await db.staffUser.findUnique({ where: { id: change.userId }, select: { email: true, role: true, active: true } });
      if (!user) throw new AppError("STAFF_NOT_FOUND", "There is no such staff member.");
      if (!user.active) throw new AppError("STAFF_ALREADY_INACTIVE", `${user.email} is deactivated: reactivate the account first.`);
      if (!roleGrantNeedsFourEyes({ from: user.role, to: change.role })) {
        throw new AppError("VALIDATION_FAILED", `${user.email} is ${user.role}; becoming ${change.role} needs no second person: change it on the admin page.`);
      }
      return `Make ${user.email} ${change.role} (now ${user.role})`;
    }
  }
}

/** Runs the change in the caller's transaction, with the change's own audit record. */
async function execute(tx: Tx, actor: Actor, request: { id: string; payload: ChangePayload; reason: string; requestedById: string; emergency: boolean }) {
  const change = request.payload;
  const via = { changeRequestId: request.id, emergency: request.emergency };
  switch (change.kind) {
    case "LIFT_SUSPENSION":
      await applyLift(tx, actor, { suspensionId: change.suspensionId, reason: request.reason, liftedById: request.requestedById, ...via });
      return;
    case "RAISE_APPROVAL_THRESHOLD": {
      // Still a raise? (Someone may have lowered or raised it since the request.)
      await describeAndCheck(tx, change);
      await applySetting(tx, actor, { key: APPROVAL_THRESHOLD_KEY, value: change.valueYen, reason: request.reason, ...via });
      return;
    }
    case "GRANT_ROLE":
      await describeAndCheck(tx, change);
      await applyRole(tx, actor, { userId: change.userId, role: change.role, reason: request.reason }, { fourEyes: true, ...via });
      return;
  }
}

/**
 * After a change ran: other requests still pending on the same target that no longer make sense
 * (the suspension is lifted, the threshold already at least as high, the role already held) are
 * closed as SUPERSEDED in the same transaction, audited, so none stays pending forever. A pending
 * request that still makes sense (a raise above the new threshold) stays for a person to decide.
 */
async function closeMootRequests(tx: Tx, actor: Actor, done: { id: string; payload: ChangePayload; emergency: boolean }) {
  const pending = await tx.$queryRaw<Array<{ id: string }>>(sql`
    SELECT id::text AS id FROM change_request
    WHERE target_key = ${targetKey(done.payload)} AND status = 'PENDING' AND id <> ${done.id}::uuid
    FOR UPDATE`);
  for (const { id } of pending) {
    const req = await tx.changeRequest.findUniqueOrThrow({ where: { id } });
    const payload = ChangePayload.parse(req.payload);
    const stillNeeded = await describeAndCheck(tx, payload).then(
      () => true,
      (err: unknown) => {
        if (err instanceof AppError) return false; // the change's own refusal: it is moot now
        throw err;
      },
    );
    if (stillNeeded) continue;
    const words = `Closed without a decision: ${done.emergency ? "an emergency change" : "an approved change"} already did this (${(await summaryOf(tx, done.payload)).summary}).`;
    await tx.changeRequest.update({ where: { id }, data: { status: "SUPERSEDED", decidedAt: new Date(), decisionReason: words, supersededById: done.id } });
    await writeAudit(tx, actor, {
      action: "change.supersede",
      targetType: "change",
      targetId: id,
      reason: words,
      before: { status: "PENDING" },
      after: { status: "SUPERSEDED", kind: req.kind, payload: req.payload, supersededBy: done.id },
    });
  }
}

function isPendingConflict(err: unknown): boolean {
  return /change_request_one_pending_per_target/.test(String((err as Error)?.message ?? "") + JSON.stringify((err as { meta?: unknown })?.meta ?? {}));
}

export async function requestChange(db: PrismaClient, actor: StaffActor, input: { change: ChangePayload; reason: string }) {
  const change = ChangePayload.parse(input.change);
  if (!CHANGE_ROLES[change.kind].includes(actor.role)) refuse("APPROVER_ROLE_NOT_ALLOWED");
  try {
    return await withTransaction(db, async (tx) => {
      const summary = await describeAndCheck(tx, change);
      const row = await tx.changeRequest.create({
        data: { kind: change.kind, payload: change, targetKey: targetKey(change), reason: input.reason, requestedById: actor.id },
        select: { id: true, status: true },
      });
      await writeAudit(tx, actor, { action: "change.request", targetType: "change", targetId: row.id, reason: input.reason, after: { kind: change.kind, payload: change, summary, status: "PENDING" } });
      return { requestId: row.id, status: row.status, summary };
    });
  } catch (err) {
    if (isPendingConflict(err)) {
      throw new AppError("CONFLICT", "The same change is already waiting for a second person's approval: see the Four eyes page.");
    }
    throw err;
  }
}

async function lockRequest(tx: Tx, requestId: string) {
  const rows = await tx.$queryRaw<Array<{ id: string }>>(sql`SELECT id::text AS id FROM change_request WHERE id = ${requestId}::uuid FOR UPDATE`);
  if (rows.length === 0) refuse("CHANGE_REQUEST_NOT_FOUND");
  return tx.changeRequest.findUniqueOrThrow({ where: { id: requestId } });
}

/** Approve and execute in one transaction: the row lock and the forward-only state make it once. */
export async function approveChange(db: PrismaClient, actor: StaffActor, input: { requestId: string; reason: string }) {
  return withTransaction(db, async (tx) => {
    const req = await lockRequest(tx, input.requestId);
    const verdict = decideApproval({ kind: req.kind, status: req.status, requesterId: req.requestedById, approver: actor });
    if (!verdict.ok) refuse(verdict.code);
    const now = new Date();
    await tx.changeRequest.update({ where: { id: req.id }, data: { status: "APPROVED", decidedById: actor.id, decidedAt: now, decisionReason: input.reason, executedAt: now } });
    const payload = ChangePayload.parse(req.payload);
    await execute(tx, actor, { id: req.id, payload, reason: req.reason, requestedById: req.requestedById, emergency: false });
    await closeMootRequests(tx, actor, { id: req.id, payload, emergency: false });
    await writeAudit(tx, actor, { action: "change.approve", targetType: "change", targetId: req.id, reason: input.reason, before: { status: "PENDING" }, after: { status: "APPROVED", kind: req.kind, payload: req.payload, executed: true } });
    return { requestId: req.id, status: "APPROVED" as const };
  });
}

export async function rejectChange(db: PrismaClient, actor: StaffActor, input: { requestId: string; reason: string }) {
  return withTransaction(db, async (tx) => {
    const req = await lockRequest(tx, input.requestId);
    const verdict = decideApproval({ kind: req.kind, status: req.status, requesterId: req.requestedById, approver: actor });
    if (!verdict.ok) refuse(verdict.code);
    await tx.changeRequest.update({ where: { id: req.id }, data: { status: "REJECTED", decidedById: actor.id, decidedAt: new Date(), decisionReason: input.reason } });
    await writeAudit(tx, actor, { action: "change.reject", targetType: "change", targetId: req.id, reason: input.reason, before: { status: "PENDING" }, after: { status: "REJECTED", kind: req.kind, payload: req.payload } });
    return { requestId: req.id, status: "REJECTED" as const };
  });
}

/** One person, at once, with a long reason; marked as an emergency and listed until reviewed. */
export async function emergencyChange(db: PrismaClient, actor: StaffActor, input: { change: ChangePayload; reason: string }) {
  const change = ChangePayload.parse(input.change);
  const verdict = decideEmergency({ kind: change.kind, actorRole: actor.role, reason: input.reason });
  if (!verdict.ok) refuse(verdict.code);
  return withTransaction(db, async (tx) => {
    const summary = await describeAndCheck(tx, change);
    const now = new Date();
    const row = await tx.changeRequest.create({
      data: { kind: change.kind, payload: change, targetKey: targetKey(change), reason: input.reason, requestedById: actor.id, status: "EMERGENCY_APPLIED", emergency: true, executedAt: now },
      select: { id: true },
    });
    await execute(tx, actor, { id: row.id, payload: change, reason: input.reason, requestedById: actor.id, emergency: true });
    await writeAudit(tx, actor, {
      action: "change.emergency",
      targetType: "change",
      targetId: row.id,
      reason: input.reason,
      after: { emergency: true, kind: change.kind, payload: change, summary, status: "EMERGENCY_APPLIED", executed: true },
    });
    // A request for the same change still waiting is now moot: closed (SUPERSEDED), audited.
    await closeMootRequests(tx, actor, { id: row.id, payload: change, emergency: true });
    return { requestId: row.id, status: "EMERGENCY_APPLIED" as const, summary };
  });
}

export async function reviewEmergency(db: PrismaClient, actor: StaffActor, input: { requestId: string; reason: string }) {
  return withTransaction(db, async (tx) => {
    const req = await lockRequest(tx, input.requestId);
    const verdict = decideReview({ kind: req.kind, status: req.status, requesterId: req.requestedById, reviewer: actor });
    if (!verdict.ok) refuse(verdict.code);
    await tx.changeRequest.update({ where: { id: req.id }, data: { status: "REVIEWED", reviewedById: actor.id, reviewedAt: new Date(), reviewReason: input.reason } });
    await writeAudit(tx, actor, { action: "change.review", targetType: "change", targetId: req.id, reason: input.reason, before: { status: "EMERGENCY_APPLIED" }, after: { status: "REVIEWED", emergency: true, kind: req.kind } });
    return { requestId: req.id, status: "REVIEWED" as const };
  });
}

// --- The console's one-step actions, routed through four eyes when they weaken protection -------

/** Raising the threshold becomes a request; other settings and lowering stay one action. */
export async function updateSettingOrRequest(db: PrismaClient, actor: StaffActor, input: { key: SettingKey; value: unknown; reason: string }) {
  if (input.key === APPROVAL_THRESHOLD_KEY) {
    const value = parseSetting(input.key, input.value);
    if (thresholdChangeNeedsFourEyes({ currentYen: await readSetting(db, input.key), nextYen: value })) {
      const r = await requestChange(db, actor, { change: { kind: "RAISE_APPROVAL_THRESHOLD", valueYen: value }, reason: input.reason });
      return { key: input.key, value: null, pendingRequestId: r.requestId };
    }
  }
  const done = await updateSetting(db, actor, input);
  return { ...done, pendingRequestId: null };
}

/** Granting MANAGER or ADMIN becomes a request; demotions and other roles stay one action. */
export async function setRoleOrRequest(db: PrismaClient, actor: StaffActor, input: { userId: string; role: Role; reason: string }) {
  const user = await db.staffUser.findUnique({ where: { id: input.userId }, select: { role: true } });
  if (user && roleGrantNeedsFourEyes({ from: user.role, to: input.role })) {
    const r = await requestChange(db, actor, { change: { kind: "GRANT_ROLE", userId: input.userId, role: input.role }, reason: input.reason });
    return { pendingRequestId: r.requestId, summary: r.summary };
  }
  const done = await setRole(db, actor, input);
  return { ...done, pendingRequestId: null };
}

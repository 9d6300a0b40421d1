// Staff administration (ADMIN): create, change role, deactivate/reactivate, reset password. Each
// change and its audit record commit in one transaction; role changes, deactivation and password
// resets end every session of that person in the same transaction.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Role } from "../../../shared/auth/roles.ts";
import type { AdminErrorCode } from "../../../shared/admin/errors.ts";
import { AppError } from "../../../shared/errors.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";
import { hashPassword } from "../auth/password.ts";
import { endAllSessions } from "../auth/invalidate.ts";
import { lockStaffForChange } from "../auth/session-guard.ts";
import { sql } from "../../db/sql.ts";
import { approvalError } from "../../../shared/approvals/errors.ts";
import { roleGrantNeedsFourEyes } from "../../../shared/approvals/rules.ts";

function fail(code: AdminErrorCode, message: string): never {
  throw new AppError(code, message);
}

const PUBLIC_FIELDS = { id: true, email: true, name: true, role: true, active: true } as const;

export async function listStaff(db: PrismaClient) {
  const users = await db.staffUser.findMany({
    orderBy: [{ active: "desc" }, { email: "asc" }],
    select: { ...PUBLIC_FIELDS, createdAt: true, passwordChangedAt: true, totpEnabledAt: true, sessions: { select: { lastSeenAt: true, expiresAt: true } } },
  });
  const now = Date.now();
  return users.map(({ sessions, totpEnabledAt, ...u }) => {
    const live = sessions.filter((s) => s.expiresAt.getTime() > now);
    const lastSeenAt = live.reduce<Date | null>((m, s) => (!m || s.lastSeenAt > m ? s.lastSeenAt : m), null);
    return { ...u, sessionCount: live.length, lastSeenAt, secondFactor: totpEnabledAt !== null };
  });
}

async function loadForUpdate(tx: Tx, userId: string) {
  // Row lock: two admins acting on one person at once apply one after the other; the exclusive
  // staff lock first, so the person's own in-flight requests finish or fail (session-guard.ts).
  await lockStaffForChange(tx, userId);
  const rows = await tx.$queryRaw<{ id: string }[]>(sql`SELECT id::text FROM staff_user WHERE id = ${userId}::uuid FOR UPDATE`);
  if (rows.length === 0) fail("STAFF_NOT_FOUND", "There is no such staff member.");
  return tx.staffUser.findUniqueOrThrow({ where: { id: userId }, select: PUBLIC_FIELDS });
}

/** The organisation must never be left without an active ADMIN. */
async function assertAnotherActiveAdmin(tx: Tx, userId: string) {
  await tx.$queryRaw(sql`SELECT id FROM staff_user WHERE role = 'ADMIN' AND active FOR UPDATE`);
  const others = await tx.staffUser.count({ where: { role: "ADMIN", active: true, id: { not: userId } } });
  if (others === 0) fail("LAST_ADMIN", "This is the last active administrator; make someone else ADMIN first.");
}

export async function createStaff(db: PrismaClient, actor: Actor, input: { email: string; name: string; role: Role; initialPassword: string; reason: string }) {
  if (roleGrantNeedsFourEyes({ from: null, to: input.role })) {
    // A new MANAGER or ADMIN is a grant like any other: create the account first, then ask for the role.
    throw approvalError("FOUR_EYES_REQUIRED", `A new ${input.role} takes a second administrator's approval: create the account as ANALYST or SUPPORT, then ask for the ${input.role} role.`);
  }
  const passwordHash = await hashPassword(input.initialPassword); // slow on purpose: outside the transaction
  return withTransaction(db, async (tx) => {
    const taken = await tx.staffUser.findUnique({ where: { email: input.email }, select: { id: true } });
    if (taken) fail("STAFF_EMAIL_TAKEN", "A staff member with this email already exists.");
    const user = await tx.staffUser.create({ data: { email: input.email, name: input.name, role: input.role, passwordHash }, select: PUBLIC_FIELDS });
    await writeAudit(tx, actor, { action: "staff.create", targetType: "staff", targetId: user.id, reason: input.reason, after: user });
    return user;
  });
}

/**
 * Granting MANAGER or ADMIN weakens protection: it takes a second administrator (#12), through
 * server/features/approvals. A direct grant is refused here, inside the transaction; demotions stay
 * one action.
 */
export async function setRole(db: PrismaClient, actor: Actor, input: { userId: string; role: Role; reason: string }) {
  return withTransaction(db, (tx) => applyRole(tx, actor, input, { fourEyes: false }));
}

/** Changes a role in the caller's transaction; `fourEyes` says a second person approved (or an emergency). */
export async function applyRole(
  tx: Tx,
  actor: Actor,
  input: { userId: string; role: Role; reason: string },
  via: { fourEyes: false } | { fourEyes: true; changeRequestId: string; emergency: boolean },
) {
  const before = await loadForUpdate(tx, input.userId);
  if (before.role === input.role) return { ...before, sessionsEnded: 0 };
  if (!via.fourEyes && roleGrantNeedsFourEyes({ from: before.role, to: input.role })) {
    throw approvalError("FOUR_EYES_REQUIRED", `Making someone ${input.role} takes a second administrator's approval: ask for it, or use the emergency path.`);
  }
  if (before.role === "ADMIN") {
    if (input.userId === actor.id) fail("OWN_ADMIN_ROLE", "You cannot remove your own ADMIN role; ask another administrator.");
    if (before.active) await assertAnotherActiveAdmin(tx, input.userId);
  }
  const after = await tx.staffUser.update({ where: { id: input.userId }, data: { role: input.role }, select: PUBLIC_FIELDS });
  const sessionsEnded = await endAllSessions(tx, input.userId);
  await writeAudit(tx, actor, {
    action: "staff.setRole",
    targetType: "staff",
    targetId: input.userId,
    reason: input.reason,
    before,
    after: { ...after, sessionsEnded, ...(via.fourEyes ? { changeRequestId: via.changeRequestId, emergency: via.emergency } : {}) },
  });
  return { ...after, sessionsEnded };
}

export async function setActive(db: PrismaClient, actor: Actor, input: { userId: string; active: boolean; reason: string }) {
  return withTransaction(db, async (tx) => {
    const before = await loadForUpdate(tx, input.userId);
    if (before.active === input.active) fail(input.active ? "STAFF_ALREADY_ACTIVE" : "STAFF_ALREADY_INACTIVE", `This staff member is already ${input.active ? "active" : "deactivated"}.`);
    if (!input.active) {
      if (input.userId === actor.id) fail("OWN_ADMIN_ROLE", "You cannot deactivate yourself; ask another administrator.");
      if (before.role === "ADMIN") await assertAnotherActiveAdmin(tx, input.userId);
    }
    const after = await tx.staffUser.update({ where: { id: input.userId }, data: { active: input.active }, select: PUBLIC_FIELDS });
    const sessionsEnded = input.active ? 0 : await endAllSessions(tx, input.userId);
    await writeAudit(tx, actor, {
      action: input.active ? "staff.reactivate" : "staff.deactivate",
      targetType: "staff",
      targetId: input.userId,
      reason: input.reason,
      before,
      after: { ...after, sessionsEnded },
    });
    return { ...after, sessionsEnded };
  });
}

export async function resetPassword(db: PrismaClient, actor: Actor, input: { userId: string; newPassword: string; reason: string }) {
  const passwordHash = await hashPassword(input.newPassword);
  return withTransaction(db, async (tx) => {
    const user = await loadForUpdate(tx, input.userId);
    await tx.staffUser.update({ where: { id: input.userId }, data: { passwordHash, passwordChangedAt: new Date() } });
    const sessionsEnded = await endAllSessions(tx, input.userId);
    // The password itself (or its hash) never enters the audit record.
    await writeAudit(tx, actor, { action: "staff.resetPassword", targetType: "staff", targetId: input.userId, reason: input.reason, after: { email: user.email, sessionsEnded } });
    return { id: user.id, sessionsEnded };
  });
}

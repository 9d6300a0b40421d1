// The second factor (issue #12): enrolment, the code stage of sign-in, step-up, recovery codes and
// an ADMIN's reset. Wrong codes count as failed sign-ins (the same throttle as passwords, each
// attempt counted before it is checked so a burst of guesses cannot outrun it), every
// accepted TOTP code moves the person's last time step forward in one conditional UPDATE (so a code
// is accepted once, even by two requests at once), and each outcome is audited.
import type { PrismaClient } from "../../../generated/prisma/client.ts";
import type { Role } from "../../../../shared/auth/roles.ts";
import { LANDING_PATH } from "../../../../shared/auth/roles.ts";
import {
  SECOND_FACTOR_FOR_ALL_SETTING,
  secondFactorError,
  secondFactorRequired,
  type PendingStage,
} from "../../../../shared/auth/second-factor.ts";
import { AppError } from "../../../../shared/errors.ts";
import { formatDurationWords } from "../../../../shared/format.ts";
import { withTransaction, type Tx } from "../../../db/transaction.ts";
import { writeAudit, type Actor, type StaffActor } from "../../audit/write-audit.ts";
import { readSetting } from "../../admin/settings-service.ts";
import { endAllSessions } from "../invalidate.ts";
import { lockStaffForChange } from "../session-guard.ts";
import { sql } from "../../../db/sql.ts";
import { claimSignInAttempt, releaseSignInAttempt } from "../throttle.ts";
import { openSecret, sealSecret } from "./secret-box.ts";
import { acceptedStep, newRecoveryCodes, newTotpSecret, otpauthUri, qrDataUrl, recoveryCodeHash, type TotpClock } from "./totp.ts";

export interface SecondFactorPolicy extends TotpClock {
  /** Protected actions ask for the code again after this many minutes (STEP_UP_MINUTES). */
  stepUpMinutes: number;
}

/** Whether this role must have a second factor now (MANAGER/ADMIN, or everyone by setting). */
export async function mustHaveSecondFactor(db: PrismaClient | Tx, role: Role): Promise<boolean> {
  if (secondFactorRequired(role, false)) return true;
  return secondFactorRequired(role, (await readSetting(db, SECOND_FACTOR_FOR_ALL_SETTING)) === 1);
}

/** The stage a session starts in once the password is right: null means fully signed in. */
export async function stageAfterPassword(db: PrismaClient | Tx, user: { role: Role; totpEnabledAt: Date | null }): Promise<PendingStage | null> {
  if (user.totpEnabledAt) return "CODE";
  return (await mustHaveSecondFactor(db, user.role)) ? "ENROL" : null;
}

export interface CodeAttempt {
  tokenHash: string;
  actor: StaffActor;
  code: string;
}

/**
 * Runs one code check under the per-person (and per-address) failure throttle: the attempt is
 * counted before the check (claimSignInAttempt), refused when too many failed lately, slowed down
 * after a few; a wrong code keeps its count, anything else gives it back.
 */
async function throttledCodeAttempt<T>(db: PrismaClient, actor: CodeAttempt["actor"], check: () => Promise<T>): Promise<T> {
  const { claimId, verdict } = await claimSignInAttempt(db, actor.email, actor.ipAddress ?? "unknown");
  if (verdict.refusedForSeconds !== null) {
    await releaseSignInAttempt(db, claimId);
    throw new AppError("TOO_MANY_ATTEMPTS", `Too many wrong codes. Try again in ${formatDurationWords(verdict.refusedForSeconds)}.`, {
      details: { retryAfterSeconds: verdict.refusedForSeconds },
    });
  }
  let wrongCode = false;
  try {
    if (verdict.delayMs > 0) await new Promise((r) => setTimeout(r, verdict.delayMs));
    return await check();
  } catch (err) {
    wrongCode = err instanceof AppError && err.code === "INVALID_CODE";
    throw err;
  } finally {
    if (!wrongCode) await releaseSignInAttempt(db, claimId);
  }
}

/** A wrong code: audited (its failure was counted by throttledCodeAttempt). */
async function refuseCode(db: PrismaClient, attempt: CodeAttempt, why: string): Promise<never> {
  await withTransaction(db, (tx) =>
    writeAudit(tx, attempt.actor, { action: "auth.secondFactorFailed", targetType: "staff", targetId: attempt.actor.id, reason: why }),
  );
  throw secondFactorError("INVALID_CODE");
}

/**
 * Checks a TOTP or recovery code and, in the same transaction as consuming it, marks the session
 * as having given the factor now: ends a "CODE" stage, or renews the step-up clock.
 */
export async function verifySecondFactor(db: PrismaClient, policy: SecondFactorPolicy, attempt: CodeAttempt): Promise<{ landingPath: string; usedRecoveryCode: boolean; recoveryCodesLeft: number | null }> {
  return throttledCodeAttempt(db, attempt.actor, () => checkSecondFactor(db, policy, attempt));
}

async function checkSecondFactor(db: PrismaClient, policy: SecondFactorPolicy, attempt: CodeAttempt): Promise<{ landingPath: string; usedRecoveryCode: boolean; recoveryCodesLeft: number | null }> {
  const user = await db.staffUser.findUniqueOrThrow({ where: { id: attempt.actor.id }, select: { role: true, totpSecret: true, totpLastStep: true } });
  if (!user.totpSecret) throw secondFactorError("ENROLMENT_REQUIRED");
  const isTotp = /^\d{6}$/.test(attempt.code);
  const step = isTotp ? await acceptedStep(openSecret(user.totpSecret), attempt.code, policy, user.totpLastStep) : null;
  if (isTotp && step === null) return refuseCode(db, attempt, "wrong, expired or reused code");

  const outcome = await withTransaction(db, async (tx) => {
    let recoveryCodesLeft: number | null = null;
    if (step !== null) {
      // Conditional: of two requests with one code, one moves the step and the other finds it moved.
      const moved = await tx.$executeRaw(sql`
        UPDATE staff_user SET totp_last_step = ${step}
        WHERE id = ${attempt.actor.id}::uuid AND (totp_last_step IS NULL OR totp_last_step < ${step})`);
      if (moved === 0) return null;
    } else {
      const used = await tx.$executeRaw(sql`
        UPDATE staff_recovery_code SET used_at = now()
        WHERE user_id = ${attempt.actor.id}::uuid AND code_hash = ${recoveryCodeHash(attempt.code)} AND used_at IS NULL`);
      if (used === 0) return null;
      recoveryCodesLeft = await tx.staffRecoveryCode.count({ where: { userId: attempt.actor.id, usedAt: null } });
    }
    const session = await tx.staffSession.updateMany({
      where: { tokenHash: attempt.tokenHash, userId: attempt.actor.id, OR: [{ factorPending: null }, { factorPending: "CODE" }] },
      data: { factorPending: null, factorVerifiedAt: new Date(policy.now()) },
    });
    if (session.count === 0) throw new AppError("SESSION_EXPIRED");
    await writeAudit(tx, attempt.actor, {
      action: step !== null ? "auth.secondFactor" : "auth.recoveryCodeUsed",
      targetType: "staff",
      targetId: attempt.actor.id,
      ...(recoveryCodesLeft !== null ? { after: { recoveryCodesLeft } } : {}),
    });
    return { recoveryCodesLeft };
  });
  if (!outcome) return refuseCode(db, attempt, isTotp ? "code already used" : "unknown or used recovery code");
  return { landingPath: LANDING_PATH[user.role], usedRecoveryCode: step === null, recoveryCodesLeft: outcome.recoveryCodesLeft };
}

/** Starts (or restarts) enrolment: a new secret, kept encrypted until a code from it is confirmed. */
export async function startEnrolment(db: PrismaClient, userId: string) {
  const user = await db.staffUser.findUniqueOrThrow({ where: { id: userId }, select: { email: true, totpEnabledAt: true } });
  if (user.totpEnabledAt) throw secondFactorError("ALREADY_ENROLLED");
  const secret = newTotpSecret();
  await db.staffUser.update({ where: { id: userId }, data: { totpPendingSecret: sealSecret(secret) } });
  const uri = otpauthUri(secret, user.email);
  return { secret, otpauthUri: uri, qrDataUrl: await qrDataUrl(uri) };
}

/**
 * Confirms enrolment with a first code: the secret becomes the person's factor, ten recovery codes
 * are made (returned this once, stored hashed) and the session is fully signed in.
 */
export async function confirmEnrolment(db: PrismaClient, policy: SecondFactorPolicy, attempt: CodeAttempt) {
  return throttledCodeAttempt(db, attempt.actor, () => checkEnrolmentCode(db, policy, attempt));
}

async function checkEnrolmentCode(db: PrismaClient, policy: SecondFactorPolicy, attempt: CodeAttempt) {
  const user = await db.staffUser.findUniqueOrThrow({ where: { id: attempt.actor.id }, select: { role: true, totpEnabledAt: true, totpPendingSecret: true } });
  if (user.totpEnabledAt) throw secondFactorError("ALREADY_ENROLLED");
  if (!user.totpPendingSecret) throw secondFactorError("NO_ENROLMENT_STARTED");
  const step = await acceptedStep(openSecret(user.totpPendingSecret), attempt.code, policy, null);
  if (step === null) return refuseCode(db, attempt, "wrong code while setting up the authenticator");
  const recoveryCodes = newRecoveryCodes();
  await withTransaction(db, async (tx) => {
    const enrolled = await tx.staffUser.updateMany({
      where: { id: attempt.actor.id, totpEnabledAt: null, totpPendingSecret: user.totpPendingSecret },
      data: { totpSecret: user.totpPendingSecret, totpPendingSecret: null, totpEnabledAt: new Date(policy.now()), totpLastStep: step },
    });
    if (enrolled.count === 0) throw secondFactorError("NO_ENROLMENT_STARTED");
    await tx.staffRecoveryCode.deleteMany({ where: { userId: attempt.actor.id } });
    await tx.staffRecoveryCode.createMany({ data: recoveryCodes.map((c) => ({ userId: attempt.actor.id, codeHash: recoveryCodeHash(c) })) });
    const session = await tx.staffSession.updateMany({
      where: { tokenHash: attempt.tokenHash, userId: attempt.actor.id },
      data: { factorPending: null, factorVerifiedAt: new Date(policy.now()) },
    });
    if (session.count === 0) throw new AppError("SESSION_EXPIRED");
    await writeAudit(tx, attempt.actor, { action: "auth.secondFactorEnrolled", targetType: "staff", targetId: attempt.actor.id, after: { recoveryCodes: recoveryCodes.length } });
  });
  return { recoveryCodes, landingPath: LANDING_PATH[user.role] };
}

/** ADMIN: removes someone's second factor (lost phone) and ends their sessions; audited with the reason. */
export async function resetSecondFactor(db: PrismaClient, actor: Actor, input: { userId: string; reason: string }) {
  return withTransaction(db, async (tx) => {
    await lockStaffForChange(tx, input.userId);
    const rows = await tx.$queryRaw<{ email: string; enrolled: boolean }[]>(sql`
      SELECT email, totp_enabled_at IS NOT NULL AS enrolled FROM staff_user WHERE id = ${input.userId}::uuid FOR UPDATE`);
    if (rows.length === 0) throw new AppError("STAFF_NOT_FOUND", "There is no such staff member.");
    if (!rows[0].enrolled) throw secondFactorError("NO_SECOND_FACTOR");
    await tx.staffUser.update({
      where: { id: input.userId },
      data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null, totpPendingSecret: null },
    });
    const { count: recoveryCodesRemoved } = await tx.staffRecoveryCode.deleteMany({ where: { userId: input.userId } });
    const sessionsEnded = await endAllSessions(tx, input.userId);
    await writeAudit(tx, actor, {
      action: "staff.resetSecondFactor",
      targetType: "staff",
      targetId: input.userId,
      reason: input.reason,
      after: { email: rows[0].email, recoveryCodesRemoved, sessionsEnded },
    });
    return { id: input.userId, sessionsEnded };
  });
}

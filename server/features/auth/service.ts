import type { PrismaClient } from "../../generated/prisma/client.ts";
import { AppError } from "../../../shared/errors.ts";
import { formatDurationWords } from "../../../shared/format.ts";
import { LANDING_PATH } from "../../../shared/auth/roles.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";
import { dummyVerify, verifyPassword } from "./password.ts";
import { createSession, sha256Hex, type SessionPolicy, type SessionUser } from "./sessions.ts";
import { checkSignInThrottle, recordSignInFailure } from "./throttle.ts";
import { stageAfterPassword } from "./second-factor/service.ts";
import type { PendingStage } from "../../../shared/auth/second-factor.ts";

export interface SignInOptions {
  email: string;
  password: string;
  ipAddress: string;
  userAgent?: string;
  requestId: string;
  previousToken?: string;
  policy: SessionPolicy;
}

/**
 * The password stage. A person with a second factor gets a session in the "CODE" stage; one who
 * must have a factor and has none gets an "ENROL" session; either can call nothing else until done.
 */
export async function signIn(db: PrismaClient, opts: SignInOptions): Promise<{ token: string; user: SessionUser; landingPath: string; stage: PendingStage | null }> {
  const verdict = await checkSignInThrottle(db, opts.email, opts.ipAddress);
  if (verdict.refusedForSeconds !== null) {
    throw new AppError("TOO_MANY_ATTEMPTS", `Too many failed sign-ins. Try again in ${formatDurationWords(verdict.refusedForSeconds)}.`, {
      details: { retryAfterSeconds: verdict.refusedForSeconds },
    });
  }
  if (verdict.delayMs > 0) await new Promise((r) => setTimeout(r, verdict.delayMs));

  const user = await db.staffUser.findUnique({ where: { email: opts.email } });
  const ok = user && user.active ? await verifyPassword(user.passwordHash, opts.password) : await dummyVerify(opts.password);
  const actorBase = { requestId: opts.requestId, ipAddress: opts.ipAddress };
  if (!user || !user.active || !ok) {
    await recordSignInFailure(db, opts.email, opts.ipAddress);
    await withTransaction(db, (tx) =>
      writeAudit(tx, { id: user?.id ?? null, email: opts.email, role: user?.role ?? null, ...actorBase }, {
        action: "auth.signInFailed",
        targetType: "staff",
        targetId: user?.id ?? opts.email,
        reason: !user ? "unknown email" : !user.active ? "account deactivated" : "wrong password",
      }),
    );
    throw new AppError("INVALID_CREDENTIALS");
  }
  const actor: Actor = { id: user.id, email: user.email, role: user.role, ...actorBase };
  const stage = await stageAfterPassword(db, user);
  const token = await withTransaction(db, async (tx) => {
    // Rotation: whatever session this browser had before is ended, so a planted token is useless.
    if (opts.previousToken) await tx.staffSession.deleteMany({ where: { tokenHash: sha256Hex(opts.previousToken) } });
    const newToken = await createSession(tx, user.id, opts.policy, { ipAddress: opts.ipAddress, userAgent: opts.userAgent, factorPending: stage });
    await writeAudit(tx, actor, { action: stage ? "auth.passwordAccepted" : "auth.signIn", targetType: "staff", targetId: user.id, ...(stage ? { after: { stage } } : {}) });
    return newToken;
  });
  return { token, user: { id: user.id, email: user.email, name: user.name, role: user.role }, landingPath: LANDING_PATH[user.role], stage };
}

export async function signOut(db: PrismaClient, token: string | undefined, actor: Actor): Promise<void> {
  if (!token) return;
  await withTransaction(db, async (tx) => {
    const { count } = await tx.staffSession.deleteMany({ where: { tokenHash: sha256Hex(token) } });
    if (count > 0 && actor.id) await writeAudit(tx, actor, { action: "auth.signOut", targetType: "staff", targetId: actor.id });
  });
}

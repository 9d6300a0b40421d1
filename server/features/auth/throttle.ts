// Sign-in throttling, counted in the database so it holds across restarts and instances:
// after a few failures each attempt is slowed down; after many it is refused for a while.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import {
  SIGN_IN_DELAY_MS_MAX,
  SIGN_IN_LOCK_AFTER_FAILURES_PER_EMAIL,
  SIGN_IN_LOCK_AFTER_FAILURES_PER_IP,
  SIGN_IN_SLOWDOWN_AFTER_FAILURES,
  SIGN_IN_WINDOW_MINUTES,
} from "../../../shared/limits.ts";

export interface ThrottleVerdict {
  delayMs: number;
  refusedForSeconds: number | null;
}

/** `alreadyCounted`: rows of the attempt being checked itself (a claim, see claimSignInAttempt). */
export async function checkSignInThrottle(db: PrismaClient, email: string, ipAddress: string, alreadyCounted = 0): Promise<ThrottleVerdict> {
  const windowStart = new Date(Date.now() - SIGN_IN_WINDOW_MINUTES * 60_000);
  const [byEmailRows, byIpRows] = await Promise.all([
    db.signInFailure.aggregate({ where: { email, at: { gte: windowStart } }, _count: true, _min: { at: true } }),
    db.signInFailure.aggregate({ where: { ipAddress, at: { gte: windowStart } }, _count: true, _min: { at: true } }),
  ]);
  const byEmail = { ...byEmailRows, _count: byEmailRows._count - alreadyCounted };
  const byIp = { ...byIpRows, _count: byIpRows._count - alreadyCounted };
  const windowMs = SIGN_IN_WINDOW_MINUTES * 60_000;
  const refuseUntil = (oldest: Date | null) => (oldest ? Math.ceil((oldest.getTime() + windowMs - Date.now()) / 1000) : 60);
  if (byEmail._count >= SIGN_IN_LOCK_AFTER_FAILURES_PER_EMAIL) {
    return { delayMs: 0, refusedForSeconds: refuseUntil(byEmail._min.at) };
  }
  if (byIp._count >= SIGN_IN_LOCK_AFTER_FAILURES_PER_IP) {
    return { delayMs: 0, refusedForSeconds: refuseUntil(byIp._min.at) };
  }
  // One address is often a whole office behind NAT, so it slows down later than one email does.
  const over = Math.max(
    byEmail._count - SIGN_IN_SLOWDOWN_AFTER_FAILURES + 1,
    byIp._count - SIGN_IN_SLOWDOWN_AFTER_FAILURES * 3 + 1,
  );
  return { delayMs: over > 0 ? Math.min(SIGN_IN_DELAY_MS_MAX, 250 * 2 ** (over - 1)) : 0, refusedForSeconds: null };
}

export async function recordSignInFailure(db: PrismaClient, email: string, ipAddress: string): Promise<void> {
  await db.signInFailure.create({ data: { email, ipAddress } });
}

/**
 * Counts an attempt as a failure before it is checked, then reads the throttle. Attempts sent at
 * once each see at least every attempt committed before their own, so however many arrive together,
 * no more than the lock-out allows get past the check (a check-then-record throttle lets a burst
 * through before its first failure is written). The caller releases the claim when the attempt
 * was not a failure (right code, or refused by the throttle), and keeps it as the failure otherwise.
 */
export async function claimSignInAttempt(db: PrismaClient, email: string, ipAddress: string): Promise<{ claimId: bigint; verdict: ThrottleVerdict }> {
  const claim = await db.signInFailure.create({ data: { email, ipAddress }, select: { id: true } });
  return { claimId: claim.id, verdict: await checkSignInThrottle(db, email, ipAddress, 1) };
}

export async function releaseSignInAttempt(db: PrismaClient, claimId: bigint): Promise<void> {
  await db.signInFailure.deleteMany({ where: { id: claimId } });
}

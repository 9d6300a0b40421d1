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

export async function checkSignInThrottle(db: PrismaClient, email: string, ipAddress: string): Promise<ThrottleVerdict> {
  const windowStart = new Date(Date.now() - SIGN_IN_WINDOW_MINUTES * 60_000);
  const [byEmail, byIp] = await Promise.all([
    db.signInFailure.aggregate({ where: { email, at: { gte: windowStart } }, _count: true, _min: { at: true } }),
    db.signInFailure.aggregate({ where: { ipAddress, at: { gte: windowStart } }, _count: true, _min: { at: true } }),
  ]);
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

// Server-side sessions: the cookie holds a random token; the database holds only its sha256, so a
// database leak does not leak live sessions. Idle and absolute expiry are both enforced.
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Tx } from "../../db/transaction.ts";
import type { Role } from "../../../shared/auth/roles.ts";
import { PENDING_STAGE_MINUTES, type PendingStage } from "../../../shared/auth/second-factor.ts";

export const SESSION_COOKIE = "fg_session";

export interface SessionPolicy {
  idleMinutes: number;
  absoluteHours: number;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export async function createSession(
  tx: Tx,
  userId: string,
  policy: SessionPolicy,
  meta: { ipAddress?: string; userAgent?: string; factorPending?: PendingStage | null; factorVerifiedAt?: Date | null },
): Promise<string> {
  const token = newSessionToken();
  const now = Date.now();
  await tx.staffSession.create({
    data: {
      tokenHash: sha256Hex(token),
      userId,
      expiresAt: new Date(now + policy.absoluteHours * 3_600_000),
      ipAddress: meta.ipAddress ?? null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      factorPending: meta.factorPending ?? null,
      factorVerifiedAt: meta.factorVerifiedAt ?? null,
    },
  });
  return token;
}

export type SessionLookup =
  | {
      kind: "valid";
      user: SessionUser;
      tokenHash: string;
      /** When the second factor was last given in this session (null: never; step-up reads it). */
      factorVerifiedAt: Date | null;
      /** Whether this person has a second factor set up. */
      enrolled: boolean;
    }
  /** Password given, second factor (or enrolment) still owed: may call only the second-factor procedures. */
  | { kind: "pending"; stage: PendingStage; user: SessionUser; tokenHash: string; enrolled: boolean }
  | { kind: "expired" }
  | { kind: "none" };

// Refresh lastSeenAt at most once a minute: keeps the idle clock right without a write per request.
const TOUCH_INTERVAL_MS = 60_000;

export async function lookupSession(db: PrismaClient, token: string | undefined, policy: SessionPolicy): Promise<SessionLookup> {
  if (!token || token.length > 100) return { kind: "none" };
  const tokenHash = sha256Hex(token);
  const session = await db.staffSession.findUnique({
    where: { tokenHash },
    include: { user: { select: { id: true, email: true, name: true, role: true, active: true, totpEnabledAt: true } } },
  });
  if (!session) return { kind: "expired" };
  const now = Date.now();
  const idleExpired = now - session.lastSeenAt.getTime() > policy.idleMinutes * 60_000;
  const pending = session.factorPending === "CODE" || session.factorPending === "ENROL" ? session.factorPending : null;
  const pendingExpired = pending !== null && now - session.createdAt.getTime() > PENDING_STAGE_MINUTES * 60_000;
  if (!session.user.active || idleExpired || pendingExpired || session.expiresAt.getTime() <= now) {
    await db.staffSession.deleteMany({ where: { tokenHash } });
    return { kind: "expired" };
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.staffSession.updateMany({ where: { tokenHash }, data: { lastSeenAt: new Date(now) } });
  }
  const { id, email, name, role } = session.user;
  const enrolled = session.user.totpEnabledAt !== null;
  if (pending) return { kind: "pending", stage: pending, user: { id, email, name, role }, tokenHash, enrolled };
  return { kind: "valid", user: { id, email, name, role }, tokenHash, factorVerifiedAt: session.factorVerifiedAt, enrolled };
}

// The session a request acts under, checked again inside every transaction it opens (issue #12,
// defect 6). The session is looked up when the request starts; a deactivation, role change or
// password reset may commit while the request is still running. So the one transaction helper
// (server/db/transaction.ts) first locks this person's staff row FOR SHARE and the session row FOR
// KEY SHARE and checks the session is still valid. Deactivation, role change and password reset
// lock the staff row FOR UPDATE and delete the sessions, so the two serialise: either the mutation
// commits first (its audit record comes before theirs), or it sees the session gone and throws
// SESSION_EXPIRED, and nothing of it commits.
import { AsyncLocalStorage } from "node:async_hooks";
import { AppError } from "../../../shared/errors.ts";
import type { Role } from "../../../shared/auth/roles.ts";
import { raw, sql, type Sql } from "../../db/sql.ts";

export interface RequestSession {
  tokenHash: string;
  staffId: string;
  role: Role;
  idleMinutes: number;
}

const storage = new AsyncLocalStorage<RequestSession | null>();

/** Runs `fn` (a procedure's resolver chain) acting under `session`. */
export function runAsSession<T>(session: RequestSession, fn: () => T): T {
  return storage.run(session, fn);
}

/** Runs `fn` with no session to check: work that outlives its request (after-commit jobs). */
export function runWithoutSession<T>(fn: () => T): T {
  return storage.run(null, fn);
}

export function currentSession(): RequestSession | null {
  return storage.getStore() ?? null;
}

// Row locks alone starve the change: PostgreSQL lets a new FOR SHARE locker in while a FOR UPDATE
// waits, so a person's steady stream of requests kept their own deactivation waiting (seen in the
// race test). An advisory lock per staff member queues fairly: the guard takes it shared, the
// change takes it exclusive first, and requests arriving after the change is queued wait behind it.
const STAFF_LOCK_CLASS = raw(String(0x4647)); // "FG": our advisory-lock namespace for staff members

/** The guard's lock: shared, so one person's requests do not wait for each other. */
export function sessionGuardLockSql(staffId: string): Sql {
  return sql`SELECT pg_advisory_xact_lock_shared(${STAFF_LOCK_CLASS}, hashtext(${staffId}::text))`;
}

function staffChangeLockSql(staffId: string): Sql {
  return sql`SELECT pg_advisory_xact_lock(${STAFF_LOCK_CLASS}, hashtext(${staffId}::text))`;
}

// Then one statement: both row locks and every fact the check needs. A session deleted by a
// deactivation (or a staff row changed by one) that commits while this waits for the lock is
// re-read after that commit, so the check sees the new facts.
export function sessionGuardSql(session: RequestSession): Sql {
  return sql`
    SELECT u.active, u.role::text AS role,
           (s.expires_at > now() AND s.last_seen_at > now() - make_interval(mins => ${session.idleMinutes}::int)) AS live
    FROM staff_user u JOIN staff_session s ON s.user_id = u.id
    WHERE u.id = ${session.staffId}::uuid AND s.token_hash = ${session.tokenHash}
    FOR SHARE OF u FOR KEY SHARE OF s`;
}

/** For deactivation, role change and password reset: call before locking the staff row. */
export async function lockStaffForChange(tx: { $executeRaw(query: Sql): Promise<number> }, staffId: string): Promise<void> {
  await tx.$executeRaw(staffChangeLockSql(staffId)); // execute: the lock function returns void, which Prisma cannot read
}

/** What sessionGuardSql reads. */
export interface SessionRow {
  active: boolean;
  role: string;
  live: boolean;
}

/** Throws SESSION_EXPIRED unless the guard query found the session live under the same role. */
export function assertSessionRow(session: RequestSession, rows: SessionRow[]): void {
  const row = rows[0];
  if (!row || !row.active || !row.live || row.role !== session.role) {
    throw new AppError("SESSION_EXPIRED", "Your session ended (your account was changed or signed out). Nothing was saved; please sign in again.");
  }
}

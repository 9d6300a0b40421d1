// Transactions for staff mutations and the services they call (withTransaction through Prisma,
// withPoolTransaction on a pg client), each opening with the session guard (a read-only one needs
// none). They run READ COMMITTED unless a caller asks otherwise (none does today): checks that must
// not interleave with a write take row or advisory locks instead. withTransaction retries a
// serialization failure or deadlock a bounded number of times. Hot paths open their own pg
// transactions: event ingestion (features/events/ingest.ts), the rescoring job
// (features/accounts/scoring.ts) and the streamed CSV exports (READ ONLY).
import type pg from "pg";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { assertSessionRow, currentSession, sessionGuardLockSql, sessionGuardSql, type SessionRow } from "../features/auth/session-guard.ts";
import { query, rows } from "./sql.ts";

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export interface TransactionOptions {
  isolationLevel?: "ReadCommitted" | "RepeatableRead" | "Serializable";
  retries?: number;
  timeoutMs?: number;
}

const RETRYABLE = new Set(["40001", "40P01"]); // serialization failure, deadlock

function isRetryable(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string; originalCode?: string }; meta?: { code?: string } };
  const codes = [e?.code, e?.cause?.code, e?.cause?.originalCode, e?.meta?.code];
  if (codes.some((c) => c && RETRYABLE.has(c))) return true;
  if (e?.code === "P2034") return true; // Prisma: write conflict or deadlock
  return /could not serialize|deadlock detected/i.test(String((err as Error)?.message ?? ""));
}

/**
 * When a staff request opened this transaction, first lock and re-check its session (see
 * session-guard.ts): nothing commits for a person after their deactivation, role change or
 * password reset commits.
 */
async function guardSession(tx: Tx): Promise<void> {
  const session = currentSession();
  if (!session) return;
  await tx.$executeRaw(sessionGuardLockSql(session.staffId));
  assertSessionRow(session, await tx.$queryRaw<SessionRow[]>(sessionGuardSql(session)));
}

export async function withTransaction<T>(db: PrismaClient, fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
  const attempts = (opts.retries ?? 3) + 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        await guardSession(tx);
        return fn(tx);
      }, {
        isolationLevel: opts.isolationLevel ?? "ReadCommitted",
        timeout: opts.timeoutMs ?? 15_000,
        maxWait: 10_000,
      });
    } catch (err) {
      if (attempt < attempts && isRetryable(err)) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
        continue;
      }
      throw err;
    }
  }
}

/**
 * A transaction on one pooled pg connection, for the raw-SQL paths (no Prisma): BEGIN (READ ONLY
 * when asked), the given SET LOCAL settings, `fn`, then COMMIT, or ROLLBACK on any error; the
 * connection always goes back to the pool. Settings are our own constants, never user input.
 */
export async function withPoolTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  opts: { readOnly?: boolean; settings?: Record<string, string> } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(opts.readOnly ? "BEGIN READ ONLY" : "BEGIN");
    for (const [name, value] of Object.entries(opts.settings ?? {})) await client.query(`SET LOCAL ${name} = '${value}'`);
    // A read-only transaction commits nothing (and may not take row locks): no session check.
    const session = opts.readOnly ? null : currentSession();
    if (session) await query(client, sessionGuardLockSql(session.staffId));
    if (session) assertSessionRow(session, await rows<SessionRow>(client, sessionGuardSql(session)));
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

// /healthz says the process answers; /readyz says a load balancer may send it requests: the
// database answers, every migration is applied, and the process is not shutting down (SIGTERM
// marks it draining first, so balancers stop sending while in-flight requests finish).
import type { Database } from "../db/client.ts";
import { migrationNames } from "../db/migrate.ts";
import { query, sql } from "../db/sql.ts";

let draining = false;

/** From now on /readyz answers 503 (shutdown has begun). */
export function markDraining(): void {
  draining = true;
}

export function isDraining(): boolean {
  return draining;
}

/** Null when the database answers and every migration has been applied; otherwise why not. */
export async function readinessProblem(db: Database): Promise<string | null> {
  if (draining) return "shutting down";
  try {
    const { rows } = await query<{ migration_name: string }>(
      db.pool,
      sql`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    const pending = migrationNames().filter((m) => !applied.has(m));
    return pending.length ? `migrations not applied: ${pending.join(", ")}` : null;
  } catch {
    return "database unreachable or not migrated";
  }
}

const details = new Map<string, () => unknown>();

/** What /readyz reports beside its status (e.g. "jobs": leader or standby), read at each request. */
export function setReadinessDetail(name: string, read: () => unknown): void {
  details.set(name, read);
}

export function readinessDetails(): Record<string, unknown> {
  return Object.fromEntries([...details].map(([k, read]) => [k, read()]));
}

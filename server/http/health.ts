import type { Database } from "../db/client.ts";
import { migrationNames } from "../db/migrate.ts";

/** Null when the database answers and every migration has been applied; otherwise why not. */
export async function readinessProblem(db: Database): Promise<string | null> {
  try {
    const { rows } = await db.pool.query<{ migration_name: string }>(
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    const pending = migrationNames().filter((m) => !applied.has(m));
    return pending.length ? `migrations not applied: ${pending.join(", ")}` : null;
  } catch {
    return "database unreachable or not migrated";
  }
}

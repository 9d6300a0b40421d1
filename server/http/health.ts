import type { Database } from "../db/client.ts";

/** Null when the database answers and every migration has been applied; otherwise why not. */
export async function readinessProblem(db: Database): Promise<string | null> {
  try {
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS pending FROM _prisma_migrations WHERE finished_at IS NULL OR rolled_back_at IS NOT NULL`,
    );
    if (rows[0].pending > 0) return "migrations not fully applied";
    return null;
  } catch {
    return "database unreachable or not migrated";
  }
}

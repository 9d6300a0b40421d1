// Applies prisma/migrations with the Prisma CLI (JS schema engine, see prisma.config.ts). The CLI
// takes several seconds even when nothing is pending, so a start first compares the migration
// folders with what the database records and skips the CLI when they match.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { REPO_ROOT, StartupError } from "./postgres.ts";

const MIGRATIONS_DIR = path.join(REPO_ROOT, "prisma", "migrations");

export function migrationNames(): string[] {
  return readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Migrations in the repo that the database has not applied (all of them on an empty database). */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    return migrationNames().filter((m) => !applied.has(m));
  } catch {
    return migrationNames(); // no _prisma_migrations table yet
  } finally {
    await client.end();
  }
}

export async function applyMigrations(databaseUrl: string): Promise<void> {
  if ((await pendingMigrations(databaseUrl)).length === 0) return;
  const prismaBin = path.join(REPO_ROOT, "node_modules", ".bin", "prisma");
  const output: string[] = [];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(prismaBin, ["migrate", "deploy"], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d) => output.push(String(d)));
    child.stderr.on("data", (d) => output.push(String(d)));
    child.on("close", (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    const last = output.join("").trim().split("\n").filter(Boolean).slice(-3).join(" / ");
    throw new StartupError(`Database migrations failed: ${last}`);
  }
}

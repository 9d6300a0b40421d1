// One PostgreSQL per test run (embedded, or TEST_DATABASE_URL), migrated once into a template
// database that also holds the reference data; each test file clones its own database from it.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { findFreePort, REPO_ROOT, startEmbeddedPostgres, type RunningDatabase } from "../../server/db/postgres.ts";
import { applyMigrations } from "../../server/db/migrate.ts";
import { connectDatabase } from "../../server/db/client.ts";
import { seedReferenceData } from "../../server/features/reference/seed-reference.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDatabase: string;
    /** Names this run's shared fixture databases (test/helpers/db.ts), so no run reuses another's. */
    testRunId: string;
  }
}

const TEMPLATE = "floodgate_template";

export default async function setup(project: TestProject) {
  let server: RunningDatabase | undefined;
  let dataDir: string | undefined;
  let relocatedDir: string | undefined;
  let adminUrl: string;
  if (process.env.TEST_DATABASE_URL) {
    const u = new URL(process.env.TEST_DATABASE_URL);
    u.pathname = "/postgres";
    adminUrl = u.toString();
  } else {
    mkdirSync(path.join(REPO_ROOT, ".data"), { recursive: true });
    dataDir = mkdtempSync(path.join(REPO_ROOT, ".data", "test-pg-"));
    chmodSync(dataDir, 0o755); // the postgres user must be able to traverse it
    server = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "pg"),
      port: await findFreePort(),
      persistent: false,
      database: "postgres",
      // A throwaway cluster, deleted after the run: nothing in it needs to survive a crash of the
      // machine, so commits and database clones do not wait for the disk. (No test crashes this
      // server; the ones about PostgreSQL's own durability start clusters of their own.)
      settings: ["fsync=off", "synchronous_commit=off", "full_page_writes=off"],
    });
    adminUrl = server.url;
    // As root under a private home folder the data lives outside the repository: remove it too.
    if (server.dataDir && !server.dataDir.startsWith(dataDir)) relocatedDir = path.dirname(server.dataDir);
  }
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    // Stopping the server after a failed migration ends this connection: the migration's error is the one to show.
    admin.on("error", () => {});
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE}`);
    const templateUrl = new URL(adminUrl);
    templateUrl.pathname = `/${TEMPLATE}`;
    await applyMigrations(templateUrl.toString());
    const db = connectDatabase(templateUrl.toString(), { poolMax: 2 });
    await seedReferenceData(db.prisma);
    await db.close();
    await admin.end();
  } catch (err) {
    // A broken migration must fail the run, not leave PostgreSQL running and the process hanging.
    await server?.stop().catch(() => {});
    removeDataFolders(dataDir, relocatedDir);
    throw err;
  }

  // Interrupted runs still stop their PostgreSQL (the embedded package's own hook is removed).
  const onSignal = () => {
    void (async () => {
      await server?.stop().catch(() => {});
      removeDataFolders(dataDir, relocatedDir);
      process.exit(130);
    })();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  project.provide("pgAdminUrl", adminUrl);
  project.provide("templateDatabase", TEMPLATE);
  const runId = randomBytes(4).toString("hex");
  project.provide("testRunId", runId);

  return async () => {
    // On an external server, this run's shared fixtures (an embedded cluster goes as a whole).
    if (!server) await dropFixtureDatabases(adminUrl, runId).catch(() => {});
    await server?.stop().catch(() => {});
    removeDataFolders(dataDir, relocatedDir);
  };
}

async function dropFixtureDatabases(adminUrl: string, runId: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [`fg_fixture_${runId}_`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

function removeDataFolders(...dirs: (string | undefined)[]) {
  for (const dir of dirs) if (dir) rmSync(dir, { recursive: true, force: true });
}

import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { connectDatabase, type Database } from "../../server/db/client.ts";

function databaseUrl(adminUrl: string, name: string) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** CREATE DATABASE name TEMPLATE template, waiting while another file clones the same template. */
async function cloneDatabase(admin: pg.Client, name: string, template: string) {
  // Several files clone at once; PostgreSQL refuses a template with a concurrent clone in flight.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      return;
    } catch (err) {
      if (attempt > 50 || !/being accessed by other users/.test(String((err as Error).message))) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
}

/**
 * A database built once per test run by `build` (on a clone of the template) and kept for the
 * files that ask for the same `key`: the first file builds it while the others wait (an advisory
 * lock), each gets its own clone. For an expensive fixture several files share as it is (the
 * same demo data); `key` must name everything `build` depends on. Returns the fixture's name.
 */
export async function sharedFixtureDatabase(key: string, build: (db: Database) => Promise<void>): Promise<string> {
  const adminUrl = inject("pgAdminUrl");
  const name = `fg_fixture_${inject("testRunId")}_${createHash("sha256").update(key).digest("hex").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query("SELECT pg_advisory_lock(hashtext($1))", [name]);
    const { rows } = await admin.query<{ ready: string | null }>("SELECT shobj_description(oid, 'pg_database') AS ready FROM pg_database WHERE datname = $1", [name]);
    if (rows[0]?.ready !== "ready") {
      // Absent, or left half-built by a file that failed while building it: build it afresh.
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cloneDatabase(admin, name, inject("templateDatabase"));
      const db = connectDatabase(databaseUrl(adminUrl, name));
      try {
        await build(db);
      } finally {
        await db.close();
      }
      await admin.query(`COMMENT ON DATABASE ${name} IS 'ready'`);
    }
    await admin.query("SELECT pg_advisory_unlock(hashtext($1))", [name]);
  } finally {
    await admin.end();
  }
  return name;
}

/**
 * A fresh database for this test file, cloned from the migrated template (with reference data), or
 * from a fixture database (sharedFixtureDatabase) when `from` names one.
 */
export async function createTestDatabase(o: { from?: string } = {}): Promise<{ db: Database; url: string; drop(): Promise<void> }> {
  const adminUrl = inject("pgAdminUrl");
  const template = o.from ?? inject("templateDatabase");
  const name = `fg_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await cloneDatabase(admin, name, template);
  await admin.end();
  const url = new URL(databaseUrl(adminUrl, name));
  const db = connectDatabase(url.toString());
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await a.end();
    },
  };
}

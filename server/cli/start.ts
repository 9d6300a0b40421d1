// `npm start`: database (embedded unless DATABASE_URL), migrations, reference and demo data, the
// built client, and the server. Failures print one line saying what to do, and exit non-zero.
import { readEnv } from "../env.ts";
import { openDatabase, StartupError, isPortFree } from "../db/postgres.ts";
import { applyMigrations } from "../db/migrate.ts";
import { connectDatabase } from "../db/client.ts";
import { buildApp } from "../app.ts";
import { seedReferenceData } from "../features/reference/seed-reference.ts";
import { DEMO_STAFF, DEMO_TOTP_SECRET } from "../features/reference/demo-staff.ts";
import { checkKey, usingDevKey } from "../features/auth/second-factor/secret-box.ts";
import { buildClient, clientBuildIsStale, CLIENT_DIST } from "./client-build.ts";
import { ensureDemoApiKey } from "./demo-key.ts";
import { startBackgroundJobs } from "../jobs.ts";
import { loadDemoDataIfEmpty } from "../features/events/demo-load.ts";

const t0 = Date.now();
const step = (msg: string) => console.log(`[floodgate] ${msg} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

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
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    console.log("\n[floodgate] shutting down…");
    await stop?.().catch(() => {});
    await pgServer.stop().catch(() => {});
    process.exit(code);
  };
  let stop: (() => Promise<void>) | undefined;
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    step("applying migrations");
    await applyMigrations(pgServer.url);
    const db = connectDatabase(pgServer.url);
    const seeded = await seedReferenceData(db.prisma);
    if (seeded.banksAdded || seeded.staffAdded) step(`reference data loaded: ${seeded.banksAdded} banks, ${seeded.staffAdded} staff`);
    const apiKey = await ensureDemoApiKey(db);
    await loadDemoDataIfEmpty(db, { seed: env.DEMO_SEED, scale: env.DEMO_SCALE, log: (m) => step(m) });

    if (process.env.SKIP_CLIENT_BUILD !== "1" && clientBuildIsStale()) {
      step("building the console (client)");
      await buildClient();
    }
    const app = await buildApp({
      db,
      sessionPolicy: { idleMinutes: env.SESSION_IDLE_MINUTES, absoluteHours: env.SESSION_ABSOLUTE_HOURS },
      secureCookies: env.TRUST_TLS === "1",
      staticDir: CLIENT_DIST,
      logger: { level: env.LOG_LEVEL },
    });
    await app.listen({ port: env.PORT, host: env.HOST });
    const jobs = startBackgroundJobs(db, app.log);
    stop = async () => {
      jobs.stop();
      await app.close();
      await db.close();
    };
    const address = `http://localhost:${env.PORT}`;
    console.log(`
  Floodgate is running at ${address}   (started in ${((Date.now() - t0) / 1000).toFixed(1)} s)
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

main().catch((err) => {
  if (err instanceof StartupError) console.error(`[floodgate] ${err.message}`);
  else if (err?.code === "EADDRINUSE") console.error(`[floodgate] The port is already in use; set PORT to another port.`);
  else console.error(`[floodgate] start failed: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  process.exit(1);
});

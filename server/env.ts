// Configuration, parsed once with zod so a bad value fails at start with its name.
import { z } from "zod";
import { SESSION_ABSOLUTE_HOURS_DEFAULT, SESSION_IDLE_MINUTES_DEFAULT } from "../shared/limits.ts";
import { DEFAULT_POOL_SIZES, SERVER_ROLES } from "./roles.ts";

const poolSize = (dflt: number) => z.coerce.number().int().min(1).max(500).default(dflt);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  DATABASE_URL: z.string().url().optional(),
  PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  PG_DATA_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_IDLE_MINUTES: z.coerce.number().positive().default(SESSION_IDLE_MINUTES_DEFAULT),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().positive().default(SESSION_ABSOLUTE_HOURS_DEFAULT),
  /** Set when the console is served behind TLS: cookies become Secure and HSTS is sent. */
  TRUST_TLS: z.enum(["0", "1"]).default("0"),
  /** 32 bytes (64 hex characters or base64) that encrypt staff TOTP secrets; the public dev key when unset (demo only). */
  TOTP_ENCRYPTION_KEY: z.string().optional(),
  DEMO_SEED: z.coerce.number().int().default(42),
  DEMO_SCALE: z.coerce.number().min(0).default(1),
  /** What this process serves: all (default), api (/api/v1), console (SPA + tRPC) or worker (background jobs). */
  FLOODGATE_ROLE: z.enum(SERVER_ROLES, { error: (issue) => `must be one of ${SERVER_ROLES.join(", ")} (got ${JSON.stringify(issue.input)})` }).default("all"),
  /** Names this process in logs and metrics; host:pid when unset. */
  FLOODGATE_INSTANCE_ID: z.string().regex(/^[\w.:-]{1,64}$/, "letters, digits, . : _ - only, at most 64").optional(),
  /** A streaming replica for the console's read-only procedures (overview, bank pages, accounts, exports, audit list). */
  READ_DATABASE_URL: z.string().url().optional(),
  DB_POOL_API: poolSize(DEFAULT_POOL_SIZES.api),
  DB_POOL_CONSOLE: poolSize(DEFAULT_POOL_SIZES.console),
  DB_POOL_CONSOLE_READ: poolSize(DEFAULT_POOL_SIZES.consoleRead),
  DB_POOL_JOBS: poolSize(DEFAULT_POOL_SIZES.jobs),
  /** Event batches this process writes at once (more wait their turn); unset: no limit but the API pool. */
  INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  /** statement_timeout of the console's read pool (ms): an analyst's query is cancelled after this. */
  CONSOLE_READ_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Parallel workers one console read may use on the database (0: one core per read). */
  CONSOLE_READ_PARALLEL_WORKERS: z.coerce.number().int().min(0).max(64).default(0),
  /** CPU priority (nice 0-19) of the console read connections' database backends when PostgreSQL runs on this machine (0: unchanged). */
  CONSOLE_READ_BACKEND_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** CPU priority of this process (nice 0-19); unset: 10 for FLOODGATE_ROLE=console, else 0. */
  PROCESS_NICE: z.coerce.number().int().min(0).max(19).optional(),
  /** Bearer token /metrics asks for; unset, /metrics answers loopback connections only. */
  METRICS_TOKEN: z.string().min(16, "at least 16 characters").optional(),
});

export type Env = z.infer<typeof EnvSchema>;

/** `--role api` or `--role=api` on the command line wins over FLOODGATE_ROLE. */
export function roleFlag(argv: readonly string[] = process.argv.slice(2)): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--role") return argv[i + 1] ?? "";
    if (argv[i].startsWith("--role=")) return argv[i].slice("--role=".length);
  }
  return undefined;
}

export function readEnv(source: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): Env {
  const flag = roleFlag(argv);
  const parsed = EnvSchema.safeParse(flag === undefined ? source : { ...source, FLOODGATE_ROLE: flag });
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const name = first.path.join(".");
    throw new Error(`Configuration error: ${name === "FLOODGATE_ROLE" && flag !== undefined ? "--role" : name}: ${first.message}`);
  }
  return parsed.data;
}

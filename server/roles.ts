// What one process serves. `npm start` serves everything; an operator can run each part apart and
// scale them separately (FLOODGATE_ROLE or --role): the platform API, the console, the workers.
export const SERVER_ROLES = ["all", "api", "console", "worker"] as const;
export type ServerRole = (typeof SERVER_ROLES)[number];

/** /api/v1: decisions, ingestion, flagged accounts, the OpenAPI document. */
export const servesApi = (role: ServerRole) => role === "all" || role === "api";
/** The SPA, /trpc and the CSV exports. */
export const servesConsole = (role: ServerRole) => role === "all" || role === "console";
/** Background jobs (detection, scheduled suspensions, quarantine…). */
export const runsJobs = (role: ServerRole) => role === "all" || role === "worker";

/** Connections per surface in one process (DB_POOL_*). */
export interface PoolSizes {
  /** Platform API: decisions and ingestion. */
  api: number;
  /** Console: sessions, sign-in and every staff mutation. */
  console: number;
  /** Console read-only procedures (overview, bank pages, accounts, exports, audit list). */
  consoleRead: number;
  /** Background jobs. */
  jobs: number;
}

// consoleRead is small on purpose: it is also how many heavy analyst reads (30-day overviews, full
// exports) run on the database at once; more analysts queue for a connection instead of taking
// every core from the decisions (bench section isolation: one connection per console process,
// whose database backend also runs at nice 10, CONSOLE_READ_BACKEND_NICE). Every read path runs on
// one connection (test/read-replica.test.ts runs them all with a pool of one).
export const DEFAULT_POOL_SIZES: PoolSizes = { api: 12, console: 8, consoleRead: 1, jobs: 4 };

/**
 * The CPU priority (nice, 0-19) a process takes for its role unless PROCESS_NICE says otherwise:
 * console-only and worker-only processes yield the CPU to api processes on the same machine, so
 * analysts' exports and background jobs cannot starve the decisions there (an all-in-one process
 * cannot do this: it serves both). Measured in the bench section isolation.
 */
export function defaultNice(role: ServerRole): number {
  return role === "console" || role === "worker" ? 10 : 0;
}

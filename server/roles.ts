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

export const DEFAULT_POOL_SIZES: PoolSizes = { api: 12, console: 8, consoleRead: 4, jobs: 4 };

// What every bench section receives, and what it gives back. See test/bench/run.ts for how
// sections are found and run.
import type { Database } from "../../server/db/client.ts";

export interface BenchFigure {
  /** what was measured, e.g. "API events/s, concurrency 4" */
  name: string;
  value: number | string;
  unit?: string;
  /** the goal, for the reader (e.g. "≥ 15,000") */
  goal?: string;
  note?: string;
}

export interface BenchContext {
  /** the bench database (the data set lives here) */
  dbUrl: string;
  /** the maintenance database of the same server, for scratch databases */
  adminUrl: string;
  db: Database;
  /** a real server (buildApp) listening on loopback, on the bench database */
  baseUrl: string;
  /** a platform API key for baseUrl */
  apiKey: string;
  /** end of the loaded data set's window (its "now"); null until the ingest section loaded it */
  dataNow: Date | null;
  args: { fresh: boolean; scale: number; sliceEvents: number; only: string[] | null; /** the extra stream's generator seed on a loaded data set (default: a new one per run) */ extraSeed?: string };
  log(line: string): void;
  /** small persistent key/value store in the bench database (survives runs, like the data) */
  state: {
    get<T>(key: string): Promise<T | undefined>;
    set(key: string, value: unknown): Promise<void>;
  };
}

/**
 * A section file exports `section`. Files that export only a `bench…(options)` function are run
 * too: it is called with `{ db, now, log }` and its result is printed as figures.
 */
export interface BenchSection {
  name: string;
  /** lower runs earlier (default 50); the ingest section, which loads the data set, is 0 */
  order?: number;
  /** brings its own data (runs without the ingest section's data set) */
  ownData?: boolean;
  run(ctx: BenchContext): Promise<BenchFigure[] | void>;
}

// Request rate limits, counted in PostgreSQL so that every instance on the database shares them
// (table rate_limit_hit, unlogged). Two ways of counting, by how hot the path is:
//   /api/v1   per client address (before the key is even looked up, so a flood of guessed keys
//             never reaches the API-key table) and per API key (after authentication). Batched
//             (makeLimiter counting "batched"): a request never waits for the database. Each
//             instance counts the requests it admits in memory and adds them to the shared rows
//             once per tick (FLUSH_INTERVAL_MS, one statement for every key with new requests),
//             reading back every instance's total; it refuses when its last known total plus its
//             own requests since then would exceed the limit. Windows are aligned to the clock (1 s
//             windows start on the second, so instances agree on which window a request is in) and
//             weighed as a sliding window: the previous window's total counts for the part of it
//             still within one window of now, so a burst across a boundary is not let through
//             twice. Refused requests are not counted: a caller over its limit still gets the limit
//             through. Across instances the count lags by at most one tick of the others' requests.
//   sign-in   per client address, on top of the failure throttle in features/auth/throttle.ts;
//   codes     the second-factor code procedures (the code stage after the password, recovery
//             codes, step-up, enrolment's first code) per client address, on top of the same
//             per-person failure throttle (features/auth/second-factor/service.ts).
//             Exact (counting "per-request"): one atomic upsert per attempt, a fixed window per key
//             from its first hit, like a timer. These are rare and cost a password hash anyway.
// A refusal is 429 with Retry-After. The platform limits are generous on purpose: the wallet
// platform legitimately sends thousands of events and hundreds of decisions per second from one
// key. Benchmarks that go beyond them set RATE_LIMITS=off explicitly; nothing is exempt by default.
// Should the counter itself fail (database trouble), the request is let through (per-request) or
// counted by this instance alone (batched): the limit guards capacity, and a request that needs the
// database will fail on its own anyway.
// Here: the per-request counter, makeLimiter and the store's registration; the batched counter is in
// rate-limit-batched.ts, the settings in rate-limit-config.ts, the tRPC hooks in rate-limit-guards.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type pg from "pg";
import { formatDurationWords } from "../../shared/format.ts";
import type { Database } from "../db/client.ts";
import { pgQuery, query, sql } from "../db/sql.ts";
import type { BackgroundJob } from "../jobs.ts";
import { BatchedCounts } from "./rate-limit-batched.ts";

export type Limiter = (req: FastifyRequest, reply: FastifyReply, key?: string) => Promise<{ retryAfterSeconds: number } | null>;

declare module "fastify" {
  interface FastifyInstance {
    rateLimitPool: pg.Pool | null;
    rateLimitBatch: BatchedCounts | null;
  }
}

/** Gives the app's limiters their store (buildApp calls it once, before any makeLimiter). */
export function registerRateLimitStore(app: FastifyInstance, db: Pick<Database, "pool">): void {
  app.decorate("rateLimitPool", db.pool);
  const batch = new BatchedCounts(db.pool, app.log);
  app.decorate("rateLimitBatch", batch);
  app.addHook("onClose", async () => batch.stop());
}

// One round trip: counts this hit in the key's current window, or starts a new window at this hit
// when the last one has ended (like a timer started by the first request), and answers the count
// and the milliseconds left in the window. The database clock, so every instance agrees.
const hit = (key: string, windowMs: number) =>
  pgQuery(
    sql`INSERT INTO rate_limit_hit AS r (key, window_start, window_ms, hits)
         VALUES (${key}, statement_timestamp(), ${windowMs}, 1)
         ON CONFLICT (key) DO UPDATE SET
           window_start = CASE WHEN r.window_start + make_interval(secs => r.window_ms / 1000.0) <= statement_timestamp() THEN statement_timestamp() ELSE r.window_start END,
           hits = CASE WHEN r.window_start + make_interval(secs => r.window_ms / 1000.0) <= statement_timestamp() THEN 1 ELSE r.hits + 1 END,
           window_ms = ${windowMs}
         RETURNING hits, ceil(extract(epoch FROM r.window_start + make_interval(secs => r.window_ms / 1000.0) - statement_timestamp()) * 1000)::int AS left_ms`,
    { name: "rate-limit.hit" },
  );

/**
 * A limiter of `max` requests per `windowMs` per key (the client address unless a key is given),
 * shared by every instance on the database. `name` keeps limiters on the same keys apart (default:
 * from max and window). `counting`: "per-request" (exact; one upsert per hit, a window from the
 * key's first hit) or "batched" (no database round trip on the request's path; see the top).
 */
export function makeLimiter(
  app: FastifyInstance,
  opts: { max: number; windowMs: number; enabled: boolean; name?: string; counting?: "per-request" | "batched" },
): Limiter {
  if (!opts.enabled) return async () => null;
  const prefix = `${opts.name ?? `${opts.max}/${opts.windowMs}`}:`;
  const refuse = (reply: FastifyReply, leftMs: number) => {
    const retryAfterSeconds = Math.max(1, Math.ceil(leftMs / 1000));
    reply.header("Retry-After", String(retryAfterSeconds));
    return { retryAfterSeconds };
  };
  if (opts.counting === "batched") {
    return async (req, reply, key) => {
      const batch = app.rateLimitBatch;
      if (!batch) throw new Error("rate limits need registerRateLimitStore(app, db) first");
      const refused = batch.take(prefix + (key ?? req.ip), opts.windowMs, opts.max);
      return refused ? refuse(reply, refused.refusedForMs) : null;
    };
  }
  return async (req, reply, key) => {
    const pool = app.rateLimitPool;
    if (!pool) throw new Error("rate limits need registerRateLimitStore(app, db) first");
    let hits: number;
    let leftMs: number;
    try {
      const { rows } = await pool.query<{ hits: number; left_ms: number }>(hit(prefix + (key ?? req.ip), opts.windowMs));
      hits = rows[0].hits;
      leftMs = rows[0].left_ms;
    } catch (err) {
      req.log.warn({ err }, "rate limit not counted (database error): request let through");
      return null;
    }
    return hits > opts.max ? refuse(reply, leftMs) : null;
  };
}

/** Drops windows that have ended (run by one instance, server/jobs.ts). */
export const rateLimitPruneJob: BackgroundJob = {
  name: "http.rate-limit-prune",
  intervalMs: 60_000,
  async run(db) {
    await query(db.pool, sql`DELETE FROM rate_limit_hit WHERE window_start + make_interval(secs => window_ms / 1000.0) < statement_timestamp() - interval '1 minute'`);
  },
};

export function tooManyMessage(seconds: number): string {
  return `Too many requests. Try again in ${formatDurationWords(seconds)}.`;
}


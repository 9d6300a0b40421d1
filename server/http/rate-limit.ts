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
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type pg from "pg";
import { z } from "zod";
import { formatDurationWords } from "../../shared/format.ts";
import { errorSpec } from "../../shared/errors.ts";
import { trpcErrorBody } from "./errors.ts";
import type { Database } from "../db/client.ts";
import { pgQuery, query, sql } from "../db/sql.ts";
import type { BackgroundJob } from "../jobs.ts";

export interface RateLimitConfig {
  enabled: boolean;
  apiPerKeyPerSecond: number;
  apiPerIpPerSecond: number;
  signInPerIpPerMinute: number;
  codePerIpPerMinute: number;
}

const EnvSchema = z.object({
  RATE_LIMITS: z.enum(["on", "off"]).default("on"),
  API_RATE_PER_KEY_PER_SECOND: z.coerce.number().int().positive().default(1_000),
  API_RATE_PER_IP_PER_SECOND: z.coerce.number().int().positive().default(2_000),
  SIGN_IN_RATE_PER_IP_PER_MINUTE: z.coerce.number().int().positive().default(60),
  SECOND_FACTOR_RATE_PER_IP_PER_MINUTE: z.coerce.number().int().positive().default(60),
});

export function rateLimitConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Configuration error: ${first.path.join(".")}: ${first.message}`);
  }
  const e = parsed.data;
  return {
    enabled: e.RATE_LIMITS === "on",
    apiPerKeyPerSecond: e.API_RATE_PER_KEY_PER_SECOND,
    apiPerIpPerSecond: e.API_RATE_PER_IP_PER_SECOND,
    signInPerIpPerMinute: e.SIGN_IN_RATE_PER_IP_PER_MINUTE,
    codePerIpPerMinute: e.SECOND_FACTOR_RATE_PER_IP_PER_MINUTE,
  };
}

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

/** How often an instance adds its batched requests to the shared counts (and reads the totals back). */
export const FLUSH_INTERVAL_MS = 100;

// One round trip per tick for every key with hits: adds each key's hits to its window's row (the
// row's key names the window: `<key>@<window start ms>`) and answers the window's total over every
// instance, with the previous window's total beside it.
const flushRows = (rows: { key: string[]; startMs: number[]; windowMs: number[]; n: number[]; prevKey: string[] }) =>
  pgQuery(
    sql`WITH u AS (SELECT * FROM unnest(${rows.key}::text[], ${rows.startMs}::float8[], ${rows.windowMs}::int[], ${rows.n}::int[], ${rows.prevKey}::text[]) AS u(key, start_ms, window_ms, n, prev_key)),
         hit AS (
           INSERT INTO rate_limit_hit AS r (key, window_start, window_ms, hits)
           SELECT key, to_timestamp(start_ms / 1000.0), window_ms, n FROM u
           ON CONFLICT (key) DO UPDATE SET hits = r.hits + EXCLUDED.hits
           RETURNING r.key, r.hits
         )
         SELECT hit.key, hit.hits, coalesce(p.hits, 0) AS prev_hits
         FROM hit JOIN u USING (key) LEFT JOIN rate_limit_hit p ON p.key = u.prev_key`,
    { name: "rate-limit.flush" },
  );

interface KeyCount {
  windowStart: number;
  windowMs: number;
  /** Every instance's hits in this window as of the last flush (this instance's flushed ones included). */
  shared: number;
  /** This instance's hits being added by a flush in flight. */
  sending: number;
  /** This instance's hits since then. */
  pending: number;
  /** Every instance's hits in the previous window, as last known. */
  previous: number;
}

/**
 * The batched counts of one process: hits are counted in memory at once and added to the shared
 * rows by one statement per FLUSH_INTERVAL_MS (only while there are hits to add).
 */
export class BatchedCounts {
  private readonly counts = new Map<string, KeyCount>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private stopped = false;
  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Pick<FastifyBaseLogger, "warn">,
    /** 0: only explicit flush() calls (tests). */
    private readonly flushIntervalMs = FLUSH_INTERVAL_MS,
  ) {}

  /**
   * One request for `key` now: admitted (and counted) while the estimated requests admitted in the
   * last window, this one included, stay within `max`; otherwise refused (not counted, so a caller
   * over its limit still gets `max` per window through) with the ms to the window's end.
   */
  take(key: string, windowMs: number, max: number, now = Date.now()): { refusedForMs: number } | null {
    const windowStart = now - (now % windowMs);
    let c = this.counts.get(key);
    if (!c || c.windowStart !== windowStart || c.windowMs !== windowMs) {
      const previous = c && c.windowMs === windowMs && c.windowStart === windowStart - windowMs ? c.shared + c.sending + c.pending : 0;
      c = { windowStart, windowMs, shared: 0, sending: 0, pending: 0, previous };
      this.counts.set(key, c);
    }
    // Sliding window: the previous window weighs by the share of it still within one window of now.
    const stillIn = 1 - (now - windowStart) / windowMs;
    if (c.previous * stillIn + c.shared + c.sending + c.pending + 1 > max) return { refusedForMs: windowStart + windowMs - now };
    c.pending++;
    this.schedule();
    return null;
  }

  private schedule() {
    if (this.timer || this.flushing || this.stopped || this.flushIntervalMs <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushing = this.flush().finally(() => {
        this.flushing = null;
        if ([...this.counts.values()].some((c) => c.pending > 0)) this.schedule();
      });
    }, this.flushIntervalMs);
    this.timer.unref();
  }

  /** Adds the pending hits to the shared rows and reads the totals back (one statement). */
  async flush(now = Date.now()): Promise<void> {
    const sent: { key: string; c: KeyCount; n: number; row: string }[] = [];
    for (const [key, c] of this.counts) {
      if (c.pending > 0) sent.push({ key, c, n: c.pending, row: `${key}@${c.windowStart}` });
      else if (c.windowStart + 2 * c.windowMs < now) this.counts.delete(key); // no longer weighs on anything
    }
    if (sent.length === 0) return;
    for (const s of sent) {
      s.c.pending -= s.n;
      s.c.sending += s.n;
    }
    try {
      const { rows } = await this.pool.query<{ key: string; hits: number; prev_hits: number }>(
        flushRows({
          key: sent.map((s) => s.row),
          startMs: sent.map((s) => s.c.windowStart),
          windowMs: sent.map((s) => s.c.windowMs),
          n: sent.map((s) => s.n),
          prevKey: sent.map((s) => `${s.key}@${s.c.windowStart - s.c.windowMs}`),
        }),
      );
      const totals = new Map(rows.map((r) => [r.key, r]));
      for (const s of sent) {
        const t = totals.get(s.row);
        s.c.sending -= s.n;
        s.c.shared = Math.max(t?.hits ?? 0, s.c.shared + s.n);
        s.c.previous = Math.max(t?.prev_hits ?? 0, s.c.previous);
        this.carryOver(s.key, s.c);
      }
    } catch (err) {
      this.log.warn({ err }, "rate limit counts not shared (database error): this instance counts alone until it can");
      for (const s of sent) {
        s.c.sending -= s.n;
        s.c.shared += s.n;
        this.carryOver(s.key, s.c);
      }
    }
  }

  /** A window that rolled over while its flush was in flight: the next one's "previous" learns its total. */
  private carryOver(key: string, c: KeyCount) {
    const next = this.counts.get(key);
    if (next && next !== c && next.windowMs === c.windowMs && next.windowStart === c.windowStart + c.windowMs) {
      next.previous = Math.max(next.previous, c.shared + c.sending + c.pending);
    }
  }

  /** Stops flushing (the app is closing; counts not yet added are dropped). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flushing;
  }
}

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

/** The procedures that check a second-factor code: each call is one guess. */
export const CODE_PROCEDURES = ["auth.verifySecondFactor", "auth.confirmEnrolment"] as const;

/** Sign-in attempts per client address (see procedureRateGuard). */
export function signInRateGuard(limiter: Limiter) {
  return procedureRateGuard(limiter, ["auth.signIn"]);
}

/** Second-factor codes per client address: the code stage, recovery codes, step-up, enrolment. */
export function codeRateGuard(limiter: Limiter) {
  return procedureRateGuard(limiter, CODE_PROCEDURES);
}

/**
 * Calls of the given procedures per client address, on the tRPC scope. A batched request carries
 * several calls (auth.signIn,auth.signIn?batch=1): each counts. The refusal is shaped like a tRPC
 * error (an array of them for a batch) so the console shows its words.
 */
export function procedureRateGuard(limiter: Limiter, procedures: readonly string[]) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split("?")[0];
    const calls = path.slice(path.lastIndexOf("/") + 1).split(",");
    const attempts = calls.filter((c) => procedures.includes(decodeURIComponent(c))).length;
    if (attempts === 0) return;
    let refused: { retryAfterSeconds: number } | null = null;
    for (let i = 0; i < attempts && !refused; i++) refused = await limiter(req, reply);
    if (!refused) return;
    const error = trpcErrorBody(req, "TOO_MANY_ATTEMPTS", tooManyMessage(refused.retryAfterSeconds), { retryAfterSeconds: refused.retryAfterSeconds });
    const batched = /[?&]batch=1/.test(req.url);
    return reply.code(errorSpec("TOO_MANY_ATTEMPTS").status).send(batched ? Array.from({ length: calls.length }, () => error) : error);
  };
}

// Request rate limits, counted in PostgreSQL so that every instance on the database shares them
// (a fixed window per key from its first hit, like a timer: one row per key, counted or restarted
// by one atomic upsert):
//   /api/v1   per client address (before the key is even looked up, so a flood of guessed keys
//             never reaches the API-key table) and per API key (after authentication);
//   sign-in   per client address, on top of the failure throttle in features/auth/throttle.ts;
//   codes     the second-factor code procedures (the code stage after the password, recovery
//             codes, step-up, enrolment's first code) per client address, on top of the same
//             per-person failure throttle (features/auth/second-factor/service.ts).
// A refusal is 429 with Retry-After. The platform limits are generous on purpose: the wallet
// platform legitimately sends thousands of events and hundreds of decisions per second from one
// key. Benchmarks that go beyond them set RATE_LIMITS=off explicitly; nothing is exempt by default.
// Should the counter itself fail (database trouble), the request is let through: the limit guards
// capacity, and a request that needs the database will fail on its own anyway.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type pg from "pg";
import { z } from "zod";
import { formatDurationWords } from "../../shared/format.ts";
import type { Database } from "../db/client.ts";
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
  }
}

/** Gives the app's limiters their store (buildApp calls it once, before any makeLimiter). */
export function registerRateLimitStore(app: FastifyInstance, db: Pick<Database, "pool">): void {
  app.decorate("rateLimitPool", db.pool);
}

// One round trip: counts this hit in the key's current window, or starts a new window at this hit
// when the last one has ended (like a timer started by the first request), and answers the count
// and the milliseconds left in the window. The database clock, so every instance agrees.
const HIT = {
  name: "rate-limit.hit",
  text: `INSERT INTO rate_limit_hit AS r (key, window_start, window_ms, hits)
         VALUES ($1, statement_timestamp(), $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           window_start = CASE WHEN r.window_start + make_interval(secs => r.window_ms / 1000.0) <= statement_timestamp() THEN statement_timestamp() ELSE r.window_start END,
           hits = CASE WHEN r.window_start + make_interval(secs => r.window_ms / 1000.0) <= statement_timestamp() THEN 1 ELSE r.hits + 1 END,
           window_ms = $2
         RETURNING hits, ceil(extract(epoch FROM r.window_start + make_interval(secs => r.window_ms / 1000.0) - statement_timestamp()) * 1000)::int AS left_ms`,
};

/**
 * A limiter of `max` requests per `windowMs` per key (the client address unless a key is given),
 * shared by every instance on the database. `name` keeps limiters on the same keys apart (default:
 * from max and window).
 */
export function makeLimiter(app: FastifyInstance, opts: { max: number; windowMs: number; enabled: boolean; name?: string }): Limiter {
  if (!opts.enabled) return async () => null;
  const prefix = `${opts.name ?? `${opts.max}/${opts.windowMs}`}:`;
  return async (req, reply, key) => {
    const pool = app.rateLimitPool;
    if (!pool) throw new Error("rate limits need registerRateLimitStore(app, db) first");
    let hits: number;
    let leftMs: number;
    try {
      const { rows } = await pool.query<{ hits: number; left_ms: number }>({ ...HIT, values: [prefix + (key ?? req.ip), opts.windowMs] });
      hits = rows[0].hits;
      leftMs = rows[0].left_ms;
    } catch (err) {
      req.log.warn({ err }, "rate limit not counted (database error): request let through");
      return null;
    }
    if (hits <= opts.max) return null;
    const retryAfterSeconds = Math.max(1, Math.ceil(leftMs / 1000));
    reply.header("Retry-After", String(retryAfterSeconds));
    return { retryAfterSeconds };
  };
}

/** Drops windows that have ended (run by one instance, server/jobs.ts). */
export const rateLimitPruneJob: BackgroundJob = {
  name: "http.rate-limit-prune",
  intervalMs: 60_000,
  async run(db) {
    await db.pool.query(`DELETE FROM rate_limit_hit WHERE window_start + make_interval(secs => window_ms / 1000.0) < statement_timestamp() - interval '1 minute'`);
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
    const error = {
      error: {
        json: {
          message: tooManyMessage(refused.retryAfterSeconds),
          code: -32029,
          data: { code: "TOO_MANY_ATTEMPTS", httpStatus: 429, requestId: req.id, details: { retryAfterSeconds: refused.retryAfterSeconds } },
        },
      },
    };
    const batched = /[?&]batch=1/.test(req.url);
    return reply.code(429).send(batched ? Array.from({ length: calls.length }, () => error) : error);
  };
}

// Request rate limits (in-memory, per server process, fixed windows via @fastify/rate-limit):
//   /api/v1   per client address (before the key is even looked up, so a flood of guessed keys
//             never reaches the database) and per API key (after authentication);
//   sign-in   per client address, on top of the failure throttle in features/auth/throttle.ts;
//   codes     the second-factor code procedures (the code stage after the password, recovery
//             codes, step-up, enrolment's first code) per client address, on top of the same
//             per-person failure throttle (features/auth/second-factor/service.ts).
// A refusal is 429 with Retry-After. The platform limits are generous on purpose: the wallet
// platform legitimately sends thousands of events and hundreds of decisions per second from one
// key. Benchmarks that go beyond them set RATE_LIMITS=off explicitly; nothing is exempt by default.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { formatDurationWords } from "../../shared/format.ts";

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

/** A limiter of `max` requests per `windowMs` per key (the client address unless a key is given). */
export function makeLimiter(app: FastifyInstance, opts: { max: number; windowMs: number; enabled: boolean }): Limiter {
  if (!opts.enabled) return async () => null;
  const check = app.createRateLimit({
    max: opts.max,
    timeWindow: opts.windowMs,
    keyGenerator: (req) => (req as FastifyRequest & { rateLimitKey?: string }).rateLimitKey ?? req.ip,
  });
  return async (req, reply, key) => {
    (req as FastifyRequest & { rateLimitKey?: string }).rateLimitKey = key ?? req.ip;
    const r = await check(req);
    if (r.isAllowed || !r.isExceeded) return null;
    const retryAfterSeconds = Math.max(1, r.ttlInSeconds);
    reply.header("Retry-After", String(retryAfterSeconds));
    return { retryAfterSeconds };
  };
}

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

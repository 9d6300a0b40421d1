// The Fastify hooks on the tRPC scope that limit sign-in and second-factor code calls per client
// address, answering a refusal shaped like a tRPC error.
import type { FastifyReply, FastifyRequest } from "fastify";
import { errorSpec } from "../../shared/errors.ts";
import { trpcErrorBody } from "./errors.ts";
import { tooManyMessage, type Limiter } from "./rate-limit.ts";

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

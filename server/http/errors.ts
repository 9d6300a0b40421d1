// Error replies written outside a tRPC procedure or the app's error handler: REST routes and hooks
// (/api/v1, the CSV downloads, /metrics) and the guards in front of /trpc. The status (and, for a
// tRPC-shaped body, the tRPC code) comes from the code through errorSpec (shared/errors.ts): the
// same mapping the tRPC procedures and formatter use, so a code cannot travel with another status.
import type { FastifyReply, FastifyRequest } from "fastify";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { errorSpec, type ErrorCode } from "../../shared/errors.ts";

/** A REST error reply: `{ code, message, requestId, …extra }`, the status of the code; the code's
 * own words unless the case at hand has a sentence of its own. */
export function sendError(reply: FastifyReply, req: FastifyRequest, code: ErrorCode, message?: string, extra: Record<string, unknown> = {}): FastifyReply {
  const spec = errorSpec(code);
  return reply.code(spec.status).send({ code, message: message ?? spec.message, requestId: req.id, ...extra });
}

/** The body tRPC would send for this code (the console reads it as any other procedure's error). */
export function trpcErrorBody(req: FastifyRequest, code: ErrorCode, message?: string, details?: Record<string, unknown>) {
  const spec = errorSpec(code);
  return {
    error: {
      json: {
        message: message ?? spec.message,
        code: TRPC_ERROR_CODES_BY_KEY[spec.trpc],
        data: { code, httpStatus: spec.status, requestId: req.id, ...(details ? { details } : {}) },
      },
    },
  };
}

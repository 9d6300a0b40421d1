// tRPC in one place: context type, superjson (dates survive), and an error formatter that sends
// the UI words it can show — never a stack trace, SQL or a library's message.
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { transformer } from "../../shared/transformer.ts";
import { AppError, errorSpec, isErrorCode, type ErrorCode, type ErrorPayload } from "../../shared/errors.ts";
import type { Context } from "./context.ts";

function fieldErrorsOf(error: ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "input";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

// tRPC's own errors (unknown procedure, unreadable body, bad batch…) carry a library's message, or
// the message of whatever threw inside it (the JSON parser, superjson): never shown. Each becomes
// one of our codes, with our words.
const OUR_CODE_FOR_TRPC: Partial<Record<TRPCError["code"], ErrorCode>> = {
  PARSE_ERROR: "MALFORMED_REQUEST",
  BAD_REQUEST: "MALFORMED_REQUEST",
  UNAUTHORIZED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_SUPPORTED: "METHOD_NOT_ALLOWED",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
};

export const t = initTRPC.context<Context>().create({
  transformer, // superjson, input read defensively (shared/transformer.ts)
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const requestId = ctx?.requestId;
    const cause = error.cause;
    let payload: ErrorPayload;
    if (cause instanceof AppError) {
      payload = { code: cause.code, message: cause.message, requestId, details: cause.details };
    } else if (cause instanceof ZodError) {
      const fieldErrors = fieldErrorsOf(cause);
      const summary = Object.entries(fieldErrors)
        .map(([field, msgs]) => `${field}: ${msgs[0]}`)
        .slice(0, 5)
        .join("; ");
      // A refinement may name its own code (params.code, e.g. CLAIM_REQUIRED): when it is the only
      // issue, the caller gets that code and its words rather than VALIDATION_FAILED.
      const only = cause.issues.length === 1 ? cause.issues[0] : undefined;
      const named = only?.code === "custom" ? (only.params as { code?: unknown } | undefined)?.code : undefined;
      payload = isErrorCode(named)
        ? { code: named, message: only!.message, requestId, fieldErrors }
        : { code: "VALIDATION_FAILED", message: `Some fields are not valid — ${summary}`, requestId, fieldErrors };
    } else {
      // tRPC's batch cap has no code of its own: told apart by its (library) message, never shown.
      const tooManyCalls = error.code === "BAD_REQUEST" && /^Batch call exceeds maximum size/.test(error.message);
      const code = tooManyCalls ? "TOO_MANY_CALLS" : (OUR_CODE_FOR_TRPC[error.code] ?? (shape.data.httpStatus >= 500 ? "INTERNAL" : "BAD_REQUEST"));
      const message = code === "INTERNAL" ? `Something went wrong on the server. Quote request id ${requestId ?? "unknown"} to support.` : errorSpec(code).message;
      payload = { code, message, requestId };
    }
    return {
      code: shape.code,
      message: payload.message,
      data: { httpStatus: shape.data.httpStatus, path: shape.data.path, ...payload },
    };
  },
});

export { TRPCError };
export const router = t.router;
export const middleware = t.middleware;

// tRPC in one place: context type, superjson (dates survive), and an error formatter that sends
// the UI words it can show — never a stack trace, SQL or a library's message.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { AppError, type ErrorPayload } from "../../shared/errors.ts";
import type { Context } from "./context.ts";

function fieldErrorsOf(error: ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "input";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

export const t = initTRPC.context<Context>().create({
  transformer: superjson,
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
      payload = { code: "VALIDATION_FAILED", message: `Some fields are not valid — ${summary}`, requestId, fieldErrors };
    } else if (error.code === "INTERNAL_SERVER_ERROR") {
      payload = { code: "INTERNAL", message: `Something went wrong on the server. Quote request id ${requestId ?? "unknown"} to support.`, requestId };
    } else {
      // tRPC's own errors (NOT_FOUND for an unknown procedure, PARSE_ERROR, METHOD_NOT_SUPPORTED…)
      // carry messages written by tRPC, not by a cause: safe to show.
      payload = { code: error.code, message: error.message, requestId };
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

// Named procedures: every call goes through the role check against PROCEDURE_ROLES (shared), keyed
// by the procedure's path, so no router checks a session itself and a procedure missing from the
// map is refused.
import { TRPCError } from "@trpc/server";
import { allowedRoles } from "../../shared/auth/permissions.ts";
import { AppError, errorSpec, type ErrorCode } from "../../shared/errors.ts";
import { writeAudit } from "../features/audit/write-audit.ts";
import { withTransaction } from "../db/transaction.ts";
import { runAsSession } from "../features/auth/session-guard.ts";
import { t } from "./init.ts";

function fail(code: ErrorCode, message?: string, details?: Record<string, unknown>): never {
  const cause = new AppError(code, message, { details });
  throw new TRPCError({ code: errorSpec(code).trpc, message: cause.message, cause });
}

/** AppErrors thrown by services become tRPC errors with the right HTTP status. */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    const code = errorSpec(cause.code).trpc;
    if (result.error.code !== code) {
      return { ...result, error: new TRPCError({ code, message: cause.message, cause }) } as typeof result;
    }
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapAppErrors).use(({ path, next }) => {
  if (allowedRoles(path) !== "PUBLIC") fail("FORBIDDEN");
  return next();
});

export const staffProcedure = t.procedure.use(mapAppErrors).use(async ({ ctx, path, type, next }) => {
  if (!ctx.user) {
    fail(ctx.session.kind === "expired" ? "SESSION_EXPIRED" : "UNAUTHENTICATED");
  }
  const allowed = allowedRoles(path);
  if (allowed === undefined || allowed === "PUBLIC" || !allowed.includes(ctx.user.role)) {
    // A refused attempt is itself worth recording: it shows up on the audit page.
    if (type === "mutation") {
      await withTransaction(ctx.db, (tx) =>
        writeAudit(tx, ctx.actor, { action: "access.denied", targetType: "procedure", targetId: path, reason: `Role ${ctx.user!.role} may not call ${path}` }),
      ).catch(() => {});
    }
    fail("FORBIDDEN");
  }
  // Every transaction this call opens re-checks the session inside itself (session-guard.ts).
  const session = ctx.session.kind === "valid" ? ctx.session : null;
  const user = ctx.user;
  const proceed = () => next({ ctx: { ...ctx, user, actor: ctx.actor } });
  if (!session) return proceed();
  return runAsSession({ tokenHash: session.tokenHash, staffId: session.user.id, role: session.user.role, idleMinutes: ctx.deps.sessionPolicy.idleMinutes }, proceed);
});

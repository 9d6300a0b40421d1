// Named procedures: every call goes through the role check against PROCEDURE_ROLES (shared), keyed
// by the procedure's path, so no router checks a session itself and a procedure missing from the
// map is refused.
import { TRPCError } from "@trpc/server";
import { allowedRoles } from "../../shared/auth/permissions.ts";
import { AppError, errorSpec, type ErrorCode } from "../../shared/errors.ts";
import { writeAudit, type StaffActor } from "../features/audit/write-audit.ts";
import { withTransaction } from "../db/transaction.ts";
import { runAsSession } from "../features/auth/session-guard.ts";
import { mustHaveSecondFactor } from "../features/auth/second-factor/service.ts";
import type { Context } from "./context.ts";
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
  if (ctx.session.kind === "pending") {
    // Password given, second factor owed: nothing but the second-factor procedures (auth.*).
    fail(ctx.session.stage === "ENROL" ? "ENROLMENT_REQUIRED" : "SECOND_FACTOR_REQUIRED");
  }
  if (!ctx.user) {
    fail(ctx.session.kind === "expired" ? "SESSION_EXPIRED" : "UNAUTHENTICATED");
  }
  // Signed in without a factor while one is required (an ADMIN required it of everyone since).
  if (ctx.session.kind === "valid" && !ctx.session.enrolled && (await mustHaveSecondFactor(ctx.db, ctx.user.role))) {
    fail("ENROLMENT_REQUIRED");
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
  // Narrowed once here: in every staff procedure ctx.user and ctx.actor are the signed-in person.
  const actor: StaffActor = { ...ctx.actor, id: user.id, role: user.role };
  const proceed = () => next({ ctx: { ...ctx, user, actor } });
  if (!session) return proceed();
  return runAsSession({ tokenHash: session.tokenHash, staffId: session.user.id, role: session.user.role, idleMinutes: ctx.deps.sessionPolicy.idleMinutes }, proceed);
});

/**
 * A staff procedure that only reads: it runs on the console's read clients (the replica at
 * READ_DATABASE_URL, or a small pool with a statement timeout on the primary), so an analyst's
 * heavy read never takes a connection the decisions or the staff mutations need. It must not write
 * (on a replica any write fails: test/read-replica.test.ts). The session was looked up on the
 * primary before this runs.
 */
export const readProcedure = staffProcedure.use(({ ctx, next }) => {
  const readDb = ctx.deps.readDb;
  if (readDb === ctx.deps.db) return next();
  return next({ ctx: { ...ctx, db: readDb.prisma, pool: readDb.pool, deps: { ...ctx.deps, db: readDb } } });
});

/**
 * Step-up: throws STEP_UP_REQUIRED unless this session gave its second factor within the last
 * stepUpMinutes (ENROLMENT_REQUIRED when the person has none yet). For actions that are protected
 * only sometimes (approving at or above the threshold), call it from the resolver.
 */
export function assertRecentSecondFactor(ctx: Pick<Context, "session" | "deps">): void {
  const session = ctx.session;
  if (session.kind !== "valid") fail("UNAUTHENTICATED");
  if (!session.enrolled) fail("ENROLMENT_REQUIRED");
  const policy = ctx.deps.secondFactor;
  const givenAt = session.factorVerifiedAt?.getTime();
  if (givenAt === undefined || policy.now() - givenAt > policy.stepUpMinutes * 60_000) fail("STEP_UP_REQUIRED");
}

/** Staff procedures that ask for the second factor again after STEP_UP_MINUTES: suspending,
 * lifting, payout batches, staff, API-key and setting changes. */
export const stepUpProcedure = staffProcedure.use(({ ctx, next }) => {
  assertRecentSecondFactor(ctx);
  return next();
});

import { SignInInput } from "../../../shared/auth/schemas.ts";
import { LANDING_PATH } from "../../../shared/auth/roles.ts";
import { AppError } from "../../../shared/errors.ts";
import { SetLanguageInput } from "../../../shared/language.ts";
import { publicProcedure, staffProcedure } from "../../trpc/procedures.ts";
import { router } from "../../trpc/init.ts";
import { SESSION_COOKIE } from "./sessions.ts";
import { signIn, signOut } from "./service.ts";
import { setStaffLanguage, staffLanguage } from "./language.ts";
import { ConfirmEnrolmentInput, VerifySecondFactorInput } from "../../../shared/auth/second-factor.ts";
import { confirmEnrolment, mustHaveSecondFactor, startEnrolment, verifySecondFactor } from "./second-factor/service.ts";
import type { Context } from "../../trpc/context.ts";

/** The signed-in (or half signed-in) person for the second-factor procedures, which are PUBLIC in
 * the role map because a session owing its factor may call them and nothing else. */
function sessionPerson(ctx: Context, allowed: { pending: "CODE" | "ENROL" | "ANY_PENDING"; full: boolean }) {
  const s = ctx.session;
  const ok =
    (s.kind === "valid" && allowed.full) ||
    (s.kind === "pending" && (allowed.pending === "ANY_PENDING" || allowed.pending === s.stage));
  if (!ok || (s.kind !== "valid" && s.kind !== "pending")) {
    throw new AppError(s.kind === "expired" ? "SESSION_EXPIRED" : "UNAUTHENTICATED");
  }
  const actor = { id: s.user.id, email: s.user.email, role: s.user.role, requestId: ctx.requestId, ipAddress: ctx.ip };
  return { tokenHash: s.tokenHash, actor, session: s };
}

function retryAfterOnThrottle(ctx: Context, err: unknown): never {
  if (err instanceof AppError && err.code === "TOO_MANY_ATTEMPTS") {
    ctx.res.header("Retry-After", String(err.details?.retryAfterSeconds ?? 60));
  }
  throw err;
}

export const authRouter = router({
  signIn: publicProcedure.input(SignInInput).mutation(async ({ ctx, input }) => {
    try {
      const result = await signIn(ctx.db, {
        ...input,
        ipAddress: ctx.ip,
        userAgent: ctx.req.headers["user-agent"],
        requestId: ctx.requestId,
        previousToken: ctx.req.cookies?.[SESSION_COOKIE],
        policy: ctx.deps.sessionPolicy,
      });
      ctx.res.setCookie(SESSION_COOKIE, result.token, {
        path: "/",
        httpOnly: true,
        sameSite: "lax",
        secure: ctx.deps.secureCookies,
        maxAge: ctx.deps.sessionPolicy.absoluteHours * 3600,
      });
      // stage: "CODE" asks for the authenticator code next, "ENROL" leads to enrolment; null: signed in.
      return { user: result.user, landingPath: result.landingPath, stage: result.stage };
    } catch (err) {
      return retryAfterOnThrottle(ctx, err);
    }
  }),

  /** The second stage of sign-in, and step-up: a code from the app or a recovery code. */
  verifySecondFactor: publicProcedure.input(VerifySecondFactorInput).mutation(async ({ ctx, input }) => {
    const { tokenHash, actor } = sessionPerson(ctx, { pending: "CODE", full: true });
    return verifySecondFactor(ctx.db, ctx.deps.secondFactor, { tokenHash, actor, code: input.code }).catch((err) => retryAfterOnThrottle(ctx, err));
  }),

  /** Enrolment, step 1: a new secret as a QR code and as text (not yet active). */
  startEnrolment: publicProcedure.mutation(async ({ ctx }) => {
    const { actor } = sessionPerson(ctx, { pending: "ENROL", full: true });
    return startEnrolment(ctx.db, actor.id);
  }),

  /** Enrolment, step 2: a first code proves the app has the secret; answers the recovery codes, once. */
  confirmEnrolment: publicProcedure.input(ConfirmEnrolmentInput).mutation(async ({ ctx, input }) => {
    const { tokenHash, actor } = sessionPerson(ctx, { pending: "ENROL", full: true });
    return confirmEnrolment(ctx.db, ctx.deps.secondFactor, { tokenHash, actor, code: input.code }).catch((err) => retryAfterOnThrottle(ctx, err));
  }),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    await signOut(ctx.db, ctx.req.cookies?.[SESSION_COOKIE], ctx.actor);
    ctx.res.clearCookie(SESSION_COOKIE, { path: "/" });
    return { signedOut: true };
  }),

  /** Who is signed in; `sessionExpired` lets the UI say why it is back at sign-in. */
  me: publicProcedure.query(async ({ ctx }) => {
    const s = ctx.session;
    return {
      user: ctx.user,
      landingPath: ctx.user ? LANDING_PATH[ctx.user.role] : null,
      sessionExpired: s.kind === "expired",
      /** The console language this person chose (null: none yet, the browser's language applies). */
      language: ctx.user ? await staffLanguage(ctx.db, ctx.user.id) : null,
      /** Password given, second factor owed: the client shows the code stage or enrolment. */
      pending: s.kind === "pending" ? { stage: s.stage, email: s.user.email, name: s.user.name } : null,
      secondFactor: s.kind === "valid" ? { enrolled: s.enrolled, required: await mustHaveSecondFactor(ctx.db, s.user.role) } : null,
    };
  }),

  /** The caller's own console language, kept on their staff record so it follows them to any browser. */
  setLanguage: staffProcedure.input(SetLanguageInput).mutation(({ ctx, input }) => setStaffLanguage(ctx.db, ctx.actor, input.language)),
});

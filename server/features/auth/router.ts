import { SignInInput } from "../../../shared/auth/schemas.ts";
import { LANDING_PATH } from "../../../shared/auth/roles.ts";
import { AppError } from "../../../shared/errors.ts";
import { SetLanguageInput } from "../../../shared/language.ts";
import { publicProcedure, staffProcedure } from "../../trpc/procedures.ts";
import { router } from "../../trpc/init.ts";
import { SESSION_COOKIE } from "./sessions.ts";
import { signIn, signOut } from "./service.ts";
import { setStaffLanguage, staffLanguage } from "./language.ts";

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
      return { user: result.user, landingPath: result.landingPath };
    } catch (err) {
      if (err instanceof AppError && err.code === "TOO_MANY_ATTEMPTS") {
        ctx.res.header("Retry-After", String(err.details?.retryAfterSeconds ?? 60));
      }
      throw err;
    }
  }),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    await signOut(ctx.db, ctx.req.cookies?.[SESSION_COOKIE], ctx.actor);
    ctx.res.clearCookie(SESSION_COOKIE, { path: "/" });
    return { signedOut: true };
  }),

  /** Who is signed in; `sessionExpired` lets the UI say why it is back at sign-in. */
  me: publicProcedure.query(async ({ ctx }) => ({
    user: ctx.user,
    landingPath: ctx.user ? LANDING_PATH[ctx.user.role] : null,
    sessionExpired: ctx.session.kind === "expired",
    /** The console language this person chose (null: none yet, the browser's language applies). */
    language: ctx.user ? await staffLanguage(ctx.db, ctx.user.id) : null,
  })),

  /** The caller's own console language, kept on their staff record so it follows them to any browser. */
  setLanguage: staffProcedure.input(SetLanguageInput).mutation(({ ctx, input }) => setStaffLanguage(ctx.db, { ...ctx.actor, id: ctx.user.id }, input.language)),
});

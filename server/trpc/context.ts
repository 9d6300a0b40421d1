import type { CreateFastifyContextOptions } from "@trpc/server/adapters/fastify";
import type { Database } from "../db/client.ts";
import { lookupSession, SESSION_COOKIE, type SessionLookup, type SessionPolicy } from "../features/auth/sessions.ts";
import type { Actor } from "../features/audit/write-audit.ts";
import type { SecondFactorPolicy } from "../features/auth/second-factor/service.ts";

export interface AppDeps {
  /** The primary: sessions, sign-in and every mutation. */
  db: Database;
  /** Where read-only procedures read (readProcedure): a replica or a bounded pool; `db` when not split. */
  readDb: Database;
  sessionPolicy: SessionPolicy;
  secureCookies: boolean;
  /** TOTP clock and tolerance, and the step-up window (tests may move the clock). */
  secondFactor: SecondFactorPolicy;
}

export async function createContext(deps: AppDeps, { req, res }: CreateFastifyContextOptions) {
  const session: SessionLookup = await lookupSession(deps.db.prisma, req.cookies?.[SESSION_COOKIE], deps.sessionPolicy);
  // A session still owing its second factor has no user here: staff procedures refuse it.
  const user = session.kind === "valid" ? session.user : null;
  const anonymousActor: Actor = { id: null, email: "anonymous", role: null, requestId: req.id, ipAddress: req.ip };
  return {
    deps,
    db: deps.db.prisma,
    pool: deps.db.pool,
    req,
    res,
    requestId: String(req.id),
    ip: req.ip,
    session,
    user,
    /** Who is acting, for audit records; anonymous until signed in. */
    actor: user ? ({ id: user.id, email: user.email, role: user.role, requestId: req.id, ipAddress: req.ip } satisfies Actor) : anonymousActor,
  };
}

export type Context = Awaited<ReturnType<typeof createContext>>;

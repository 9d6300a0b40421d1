// The hand-written list of feature routers. Each path must also appear in shared/auth/permissions.ts.
import { router } from "./init.ts";
import { authRouter } from "../features/auth/router.ts";
import { adminRouter } from "../features/admin/router.ts";
import { auditRouter } from "../features/audit/router.ts";

export const appRouter = router({
  auth: authRouter,
  admin: adminRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;

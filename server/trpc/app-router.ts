// The hand-written list of feature routers. Each path must also appear in shared/auth/permissions.ts.
import { router } from "./init.ts";
import { suspensionsRouter } from "../features/suspensions/router.ts";
import { authRouter } from "../features/auth/router.ts";
import { adminRouter } from "../features/admin/router.ts";
import { auditRouter } from "../features/audit/router.ts";
import { accountsRouter } from "../features/accounts/router.ts";
import { compensationRouter } from "../features/compensation/router.ts";
import { volumeRouter } from "../features/volume/router.ts";
import { approvalsRouter } from "../features/approvals/router.ts";
import { feedsRouter } from "../features/feeds/router.ts";
import { webhooksRouter } from "../features/webhooks/router.ts";
import { settlementRouter } from "../features/settlement/router.ts";
import { proposalsRouter } from "../features/proposals/router.ts";
import { reportsRouter } from "../features/reports/router.ts";

export const appRouter = router({
  auth: authRouter,
  suspensions: suspensionsRouter,
  admin: adminRouter,
  audit: auditRouter,
  accounts: accountsRouter,
  compensation: compensationRouter,
  volume: volumeRouter,
  approvals: approvalsRouter,
  feeds: feedsRouter,
  webhooks: webhooksRouter,
  settlement: settlementRouter,
  proposals: proposalsRouter,
  reports: reportsRouter,
});

export type AppRouter = typeof appRouter;

// Feed health (#15): one read-only query (roles in shared/feeds/access.ts).
import { router } from "../../trpc/init.ts";
import { staffProcedure } from "../../trpc/procedures.ts";
import { feedHealth } from "./health.ts";

export const feedsRouter = router({
  health: staffProcedure.query(({ ctx }) => feedHealth(ctx.pool)),
});

// Feed health (#15): one read-only query (roles in shared/feeds/access.ts), on the console read pool (or the replica).
import { router } from "../../trpc/init.ts";
import { readProcedure } from "../../trpc/procedures.ts";
import { feedHealth } from "./health.ts";

export const feedsRouter = router({
  health: readProcedure.query(({ ctx }) => feedHealth(ctx.pool)),
});

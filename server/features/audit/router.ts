import { z } from "zod";
import { router } from "../../trpc/init.ts";
import { staffProcedure } from "../../trpc/procedures.ts";

const AuditListInput = z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 });

export const auditRouter = router({
  list: staffProcedure.input(AuditListInput).query(async ({ ctx, input }) => {
    const rows = await ctx.db.auditEvent.findMany({ orderBy: { id: "desc" }, take: input.limit });
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }),
});

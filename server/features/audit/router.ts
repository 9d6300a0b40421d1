import { AuditExportInput, AuditListInput, BankTimelineInput } from "../../../shared/audit/schemas.ts";
import { router } from "../../trpc/init.ts";
import { readProcedure } from "../../trpc/procedures.ts";
import { bankTimeline, exportAuditCsv, listAudit } from "./service.ts";
import { verifyAuditChain } from "./verify-chain.ts";

export const auditRouter = router({
  list: readProcedure.input(AuditListInput.default({ limit: 50 })).query(({ ctx, input }) => listAudit(ctx.db, ctx.user.role, input)),
  exportCsv: readProcedure.input(AuditExportInput).query(({ ctx, input }) => exportAuditCsv(ctx.db, ctx.user.role, input)),
  verify: readProcedure.query(({ ctx }) => verifyAuditChain(ctx.pool)),
  bankTimeline: readProcedure.input(BankTimelineInput).query(({ ctx, input }) => bankTimeline(ctx.db, ctx.pool, input.bankCode)),
});

import { router } from "../../trpc/init.ts";
import { staffProcedure } from "../../trpc/procedures.ts";
import { EvidencePackInput, RegulatorReportInput } from "../../../shared/reports/inputs.ts";
import { regulatorCsv } from "../../../shared/reports/regulator.ts";
import { csvFileName } from "../../../shared/csv.ts";
import { regulatorReport } from "./regulator.ts";
import { evidencePack } from "./evidence-pack.ts";

export const reportsRouter = router({
  regulator: staffProcedure.input(RegulatorReportInput).query(({ ctx, input }) => regulatorReport(ctx.db, input?.asOf)),
  regulatorCsv: staffProcedure.input(RegulatorReportInput).query(async ({ ctx, input }) => {
    const report = await regulatorReport(ctx.db, input?.asOf);
    return { fileName: csvFileName("regulator-report", report.asOf), csv: regulatorCsv(report) };
  }),
  evidencePack: staffProcedure.input(EvidencePackInput).query(({ ctx, input }) => evidencePack(ctx.db, ctx.actor, input.bankCode)),
});

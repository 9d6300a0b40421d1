import { router } from "../../trpc/init.ts";
import { staffProcedure } from "../../trpc/procedures.ts";
import { ChargeIdsInput, RecordReimbursementInput } from "../../../shared/settlement/inputs.ts";
import { recordReimbursement, reimbursedCharges } from "./reimbursements.ts";

export const settlementRouter = router({
  recordReimbursement: staffProcedure.input(RecordReimbursementInput).mutation(({ ctx, input }) => recordReimbursement(ctx.db, ctx.actor, input)),
  reimbursements: staffProcedure.input(ChargeIdsInput).query(async ({ ctx, input }) => [...(await reimbursedCharges(ctx.db, input.chargeIds)).values()].flat()),
});

import { z } from "zod";
import { router } from "../../trpc/init.ts";
import { staffProcedure } from "../../trpc/procedures.ts";
import { ChargeIdsInput, PayBankInput, RecordBankPaymentInput, RecordReimbursementInput, SetCostShareInput, SettlementBankInput } from "../../../shared/settlement/inputs.ts";
import { BankCode } from "../../../shared/bank-code.ts";
import { recordReimbursement, reimbursedCharges } from "./reimbursements.ts";
import { bankStatement, costShares, payBank, recordBankPayment, setCostShare } from "./cost-sharing.ts";

export const settlementRouter = router({
  recordReimbursement: staffProcedure.input(RecordReimbursementInput).mutation(({ ctx, input }) => recordReimbursement(ctx.db, ctx.actor, input)),
  reimbursements: staffProcedure.input(ChargeIdsInput).query(async ({ ctx, input }) => [...(await reimbursedCharges(ctx.db, input.chargeIds)).values()].flat()),
  setCostShare: staffProcedure.input(SetCostShareInput).mutation(({ ctx, input }) => setCostShare(ctx.db, ctx.actor, input)),
  costShares: staffProcedure.input(z.object({ bankCode: BankCode.optional() }).optional()).query(({ ctx, input }) => costShares(ctx.db, input?.bankCode)),
  recordBankPayment: staffProcedure.input(RecordBankPaymentInput).mutation(({ ctx, input }) => recordBankPayment(ctx.db, ctx.actor, input)),
  payBank: staffProcedure.input(PayBankInput).mutation(({ ctx, input }) => payBank(ctx.db, ctx.actor, input)),
  statement: staffProcedure.input(SettlementBankInput).query(({ ctx, input }) => bankStatement(ctx.db, input.bankCode)),
});

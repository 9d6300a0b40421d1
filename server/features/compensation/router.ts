import { router } from "../../trpc/init.ts";
import { assertRecentSecondFactor, staffProcedure, stepUpProcedure } from "../../trpc/procedures.ts";
import {
  AccountIdInput,
  BatchIdInput,
  CaseIdInput,
  ChargeIdInput,
  CreateCaseRequest,
  ImportBankResultInput,
  MarkBatchSentInput,
  ListCasesInput,
  ReportInput,
  AddContactInput,
  CorrectClaimRequest,
  OverrideRuleRequest,
  VictimSearchInput,
} from "../../../shared/compensation/inputs.ts";
import { CreatePayoutBatchInput, TransitionInput } from "../../../shared/compensation/schemas.ts";
import { approvalThresholdYen, victimTotalWithCase } from "./service.ts";
import { createCase } from "./create-case.ts";
import { decideCase } from "./decide-case.ts";
import { getCase, listCases, payableCases } from "./queries.ts";
import { approvalQueue } from "./approval-queue.ts";
import { searchVictims, victimForCharge, victimsOfAccount } from "./victims.ts";
import { createPayoutBatch, downloadBatch, downloadZengin, listBatches } from "./payout.ts";
import { importBankResult, markBatchSent } from "./payout-results.ts";
import { reconciliation } from "./reconciliation.ts";
import { compensationReport } from "./report.ts";
import { addContact, overrideRule, withEligibilityFacts } from "./eligibility.ts";
import { correctClaim } from "./correct-claim.ts";

export const compensationRouter = router({
  list: staffProcedure.input(ListCasesInput).query(({ ctx, input }) => listCases(ctx.db, ctx.actor, input)),
  get: staffProcedure.input(CaseIdInput).query(({ ctx, input }) => getCase(ctx.db, ctx.actor, input.caseId)),
  victimSearch: staffProcedure.input(VictimSearchInput).query(({ ctx, input }) => searchVictims(ctx.db, input)),
  victimForCharge: staffProcedure.input(ChargeIdInput).query(async ({ ctx, input }) => withEligibilityFacts(ctx.db, await victimForCharge(ctx.db, input.chargeId))),
  victimsOfAccount: staffProcedure.input(AccountIdInput).query(({ ctx, input }) => victimsOfAccount(ctx.db, ctx.actor, input.accountId)),
  // The schema's refinement refuses a request without a claim (CLAIM_REQUIRED): here it has one.
  create: staffProcedure.input(CreateCaseRequest).mutation(({ ctx, input }) => createCase(ctx.db, ctx.actor, input as CreateCaseRequest)),
  approve: staffProcedure.input(TransitionInput).mutation(async ({ ctx, input }) => {
    // Step-up for approvals at or above the threshold, weighed per victim like the four-eyes rule:
    // what the victim's bank account receives across its cases not rejected or cancelled (the
    // service re-checks who may approve, under its own lock).
    if ((await victimTotalWithCase(ctx.db, input.caseId)) >= (await approvalThresholdYen(ctx.db))) assertRecentSecondFactor(ctx);
    return decideCase(ctx.db, ctx.actor, { ...input, decision: "approve" });
  }),
  reject: staffProcedure.input(TransitionInput).mutation(({ ctx, input }) => decideCase(ctx.db, ctx.actor, { ...input, decision: "reject" })),
  cancel: staffProcedure.input(TransitionInput).mutation(({ ctx, input }) => decideCase(ctx.db, ctx.actor, { ...input, decision: "cancel" })),
  overrideRule: staffProcedure.input(OverrideRuleRequest).mutation(({ ctx, input }) => overrideRule(ctx.db, ctx.actor, input)),
  addContact: staffProcedure.input(AddContactInput).mutation(({ ctx, input }) => addContact(ctx.db, ctx.actor, input)),
  correctClaim: staffProcedure.input(CorrectClaimRequest).mutation(({ ctx, input }) => correctClaim(ctx.db, ctx.actor, input)),
  approvalQueue: staffProcedure.query(({ ctx }) => approvalQueue(ctx.db, ctx.actor)),
  payableCases: staffProcedure.query(({ ctx }) => payableCases(ctx.db)),
  createPayoutBatch: stepUpProcedure.input(CreatePayoutBatchInput).mutation(({ ctx, input }) => createPayoutBatch(ctx.db, ctx.actor, input)),
  batches: staffProcedure.query(({ ctx }) => listBatches(ctx.db)),
  downloadBatch: staffProcedure.input(BatchIdInput).query(({ ctx, input }) => downloadBatch(ctx.db, ctx.actor, input.batchId)),
  downloadZengin: staffProcedure.input(BatchIdInput).query(({ ctx, input }) => downloadZengin(ctx.db, ctx.actor, input.batchId)),
  markBatchSent: staffProcedure.input(MarkBatchSentInput).mutation(({ ctx, input }) => markBatchSent(ctx.db, ctx.actor, input)),
  importBankResult: stepUpProcedure.input(ImportBankResultInput).mutation(({ ctx, input }) => importBankResult(ctx.db, ctx.actor, input)),
  reconciliation: staffProcedure.query(({ ctx }) => reconciliation(ctx.db)),
  report: staffProcedure.input(ReportInput).query(({ ctx, input }) => compensationReport(ctx.db, input ?? {})),
});

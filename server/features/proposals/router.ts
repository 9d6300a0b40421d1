// Thin: validate with the shared schemas, call the action: create.ts (the job that proposes),
// queries.ts (what the banner and the bank page show), decide.ts (confirm or dismiss). Roles live in
// shared/proposals/access.ts.
import { ConfirmProposalInput, DismissProposalInput, ProposalsForBankInput } from "../../../shared/proposals/schemas.ts";
import { router } from "../../trpc/init.ts";
import { staffProcedure, stepUpProcedure } from "../../trpc/procedures.ts";
import { openProposals, proposalsForBank } from "./queries.ts";
import { confirmProposal, dismissProposal } from "./decide.ts";

export const proposalsRouter = router({
  open: staffProcedure.query(({ ctx }) => openProposals(ctx.pool)),
  forBank: staffProcedure.input(ProposalsForBankInput).query(({ ctx, input }) => proposalsForBank(ctx.pool, input.bankCode)),
  // Confirming suspends the bank: the same step-up as the suspend dialog.
  confirm: stepUpProcedure.input(ConfirmProposalInput).mutation(({ ctx, input }) => confirmProposal(ctx.db, ctx.actor, input)),
  dismiss: staffProcedure.input(DismissProposalInput).mutation(({ ctx, input }) => dismissProposal(ctx.db, ctx.actor, input)),
});

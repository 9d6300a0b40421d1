// Thin: validate with the shared schemas, call the action: queries.ts (lists and a bank's page),
// preview.ts (the suspend dialog's impact), suspend.ts (suspend and lift), quarantine-queue.ts (the
// analysts' queue). Roles live in shared/suspensions/access.ts.
import {
  ChargePolicyPreviewInput,
  ForBankInput,
  OpenGateInput,
  SetChargePolicyInput,
  LiftInput,
  QuarantineActionInput,
  SetBankAuthInput,
  SetSuspensionTimesInput,
  QuarantineListInput,
  SuspendInput,
  SuspensionPreviewInput,
} from "../../../shared/suspensions/schemas.ts";
import { router } from "../../trpc/init.ts";
import { staffProcedure, stepUpProcedure } from "../../trpc/procedures.ts";
import { activeByBank, listBanks, listSuspensions, suspensionsForBank } from "./queries.ts";
import { previewSuspension } from "./preview.ts";
import { suspendBanks } from "./suspend.ts";
import { quarantineList, reviewQuarantinedLinks } from "./quarantine-queue.ts";
import { chargePolicyOf, previewChargePolicy, setChargePolicy } from "./charge-policy.ts";
import { gatesForBank, openGate } from "./gate.ts";
import { requestChange } from "../approvals/service.ts";
import { setSuspensionTimes, suspensionsNeedingAttention } from "./ending.ts";
import { bankAuthHistory, bankRegister, setBankAuthMethod } from "./bank-register.ts";

export const suspensionsRouter = router({
  list: staffProcedure.query(({ ctx }) => listSuspensions(ctx.pool)),
  banks: staffProcedure.query(({ ctx }) => listBanks(ctx.pool)),
  forBank: staffProcedure.input(ForBankInput).query(({ ctx, input }) => suspensionsForBank(ctx.pool, input.bankCode)),
  activeByBank: staffProcedure.query(({ ctx }) => activeByBank(ctx.pool)),
  preview: staffProcedure.input(SuspensionPreviewInput).query(({ ctx, input }) => previewSuspension(ctx.pool, input)),
  suspend: stepUpProcedure.input(SuspendInput).mutation(({ ctx, input }) => suspendBanks(ctx.db, ctx.actor, input)),
  // Lifting weakens protection: it asks a second manager (#12); approvals.emergency lifts at once.
  lift: stepUpProcedure
    .input(LiftInput)
    .mutation(({ ctx, input }) => requestChange(ctx.db, ctx.actor, { change: { kind: "LIFT_SUSPENSION", suspensionId: input.suspensionId }, reason: input.reason })),
  chargePolicy: staffProcedure.input(ForBankInput).query(({ ctx, input }) => chargePolicyOf(ctx.pool, input.bankCode)),
  chargePolicyPreview: staffProcedure.input(ChargePolicyPreviewInput).query(({ ctx, input }) => previewChargePolicy(ctx.pool, input)),
  setChargePolicy: stepUpProcedure.input(SetChargePolicyInput).mutation(({ ctx, input }) => setChargePolicy(ctx.db, ctx.actor, input)),
  gates: staffProcedure.input(ForBankInput).query(({ ctx, input }) => gatesForBank(ctx.pool, input.bankCode)),
  openGate: stepUpProcedure.input(OpenGateInput).mutation(({ ctx, input }) => openGate(ctx.db, ctx.actor, input)),
  // #17: end times and review dates, and the bank register.
  setTimes: stepUpProcedure.input(SetSuspensionTimesInput).mutation(({ ctx, input }) => setSuspensionTimes(ctx.db, ctx.actor, input)),
  attention: staffProcedure.input(ForBankInput.partial().optional()).query(({ ctx, input }) => suspensionsNeedingAttention(ctx.pool, input?.bankCode)),
  register: staffProcedure.query(({ ctx }) => bankRegister(ctx.pool)),
  authHistory: staffProcedure.input(ForBankInput).query(({ ctx, input }) => bankAuthHistory(ctx.pool, input.bankCode)),
  setBankAuth: stepUpProcedure.input(SetBankAuthInput).mutation(({ ctx, input }) => setBankAuthMethod(ctx.db, ctx.actor, input)),
  quarantineList: staffProcedure.input(QuarantineListInput).query(({ ctx, input }) => quarantineList(ctx.pool, input)),
  releaseLinks: staffProcedure
    .input(QuarantineActionInput)
    .mutation(({ ctx, input }) => reviewQuarantinedLinks(ctx.db, ctx.actor, input, "RELEASE")),
  revokeLinks: staffProcedure
    .input(QuarantineActionInput)
    .mutation(({ ctx, input }) => reviewQuarantinedLinks(ctx.db, ctx.actor, input, "REVOKE")),
});

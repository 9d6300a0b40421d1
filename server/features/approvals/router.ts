// Thin: validate with the shared schemas, authorise (PROCEDURE_ROLES and the service's per-kind
// rule), call the service.
import { DecideChangeInput, EmergencyChangeInput, RequestChangeInput } from "../../../shared/approvals/schemas.ts";
import { router } from "../../trpc/init.ts";
import { staffProcedure, stepUpProcedure } from "../../trpc/procedures.ts";
import { approveChange, emergencyChange, rejectChange, requestChange, reviewEmergency } from "./service.ts";
import { listChanges, unreviewedEmergencies } from "./queries.ts";

export const approvalsRouter = router({
  list: staffProcedure.query(({ ctx }) => listChanges(ctx.db, ctx.actor)),
  unreviewedEmergencies: staffProcedure.query(({ ctx }) => unreviewedEmergencies(ctx.db)),
  // Lifting, raising the threshold and granting roles ask for the second factor again after 5 minutes.
  request: stepUpProcedure.input(RequestChangeInput).mutation(({ ctx, input }) => requestChange(ctx.db, ctx.actor, input)),
  approve: stepUpProcedure.input(DecideChangeInput).mutation(({ ctx, input }) => approveChange(ctx.db, ctx.actor, input)),
  reject: staffProcedure.input(DecideChangeInput).mutation(({ ctx, input }) => rejectChange(ctx.db, ctx.actor, input)),
  emergency: stepUpProcedure.input(EmergencyChangeInput).mutation(({ ctx, input }) => emergencyChange(ctx.db, ctx.actor, input)),
  review: staffProcedure.input(DecideChangeInput).mutation(({ ctx, input }) => reviewEmergency(ctx.db, ctx.actor, input)),
});

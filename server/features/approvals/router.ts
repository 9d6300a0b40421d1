// Thin: validate with the shared schemas, authorise (PROCEDURE_ROLES and the service's per-kind
// rule), call the service.
import { DecideChangeInput, EmergencyChangeInput, RequestChangeInput } from "../../../shared/approvals/schemas.ts";
import type { Role } from "../../../shared/auth/roles.ts";
import { router } from "../../trpc/init.ts";
import { staffProcedure, stepUpProcedure } from "../../trpc/procedures.ts";
import type { Actor } from "../audit/write-audit.ts";
import { approveChange, emergencyChange, rejectChange, requestChange, reviewEmergency, type ApprovalActor } from "./service.ts";
import { listChanges, unreviewedEmergencies } from "./queries.ts";

export function approvalActor(ctx: { actor: Actor; user: { id: string; role: Role } }): ApprovalActor {
  return { ...ctx.actor, id: ctx.user.id, role: ctx.user.role };
}

export const approvalsRouter = router({
  list: staffProcedure.query(({ ctx }) => listChanges(ctx.db, approvalActor(ctx))),
  unreviewedEmergencies: staffProcedure.query(({ ctx }) => unreviewedEmergencies(ctx.db)),
  // Lifting, raising the threshold and granting roles ask for the second factor again after 5 minutes.
  request: stepUpProcedure.input(RequestChangeInput).mutation(({ ctx, input }) => requestChange(ctx.db, approvalActor(ctx), input)),
  approve: stepUpProcedure.input(DecideChangeInput).mutation(({ ctx, input }) => approveChange(ctx.db, approvalActor(ctx), input)),
  reject: staffProcedure.input(DecideChangeInput).mutation(({ ctx, input }) => rejectChange(ctx.db, approvalActor(ctx), input)),
  emergency: stepUpProcedure.input(EmergencyChangeInput).mutation(({ ctx, input }) => emergencyChange(ctx.db, approvalActor(ctx), input)),
  review: staffProcedure.input(DecideChangeInput).mutation(({ ctx, input }) => reviewEmergency(ctx.db, approvalActor(ctx), input)),
});

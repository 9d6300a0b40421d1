import { UpdateSettingInput } from "../../../shared/admin/settings.ts";
import { CreateApiKeyInput, CreateStaffInput, ResetPasswordInput, RevokeApiKeyInput, SetRoleInput, StaffActionInput } from "../../../shared/admin/staff.ts";
import { router } from "../../trpc/init.ts";
import { staffProcedure, stepUpProcedure } from "../../trpc/procedures.ts";
import { ResetSecondFactorInput } from "../../../shared/auth/second-factor.ts";
import { resetSecondFactor } from "../auth/second-factor/service.ts";
import { listSettings } from "./settings-service.ts";
import { createStaff, listStaff, resetPassword, setActive } from "./staff-service.ts";
import { setRoleOrRequest, updateSettingOrRequest } from "../approvals/service.ts";
import { createKey, listApiKeys, revokeKey } from "./api-key-service.ts";

export const adminRouter = router({
  settings: staffProcedure.query(({ ctx }) => listSettings(ctx.db)),
  // Raising the approval threshold and granting MANAGER/ADMIN ask a second administrator (#12).
  updateSetting: stepUpProcedure.input(UpdateSettingInput).mutation(({ ctx, input }) => updateSettingOrRequest(ctx.db, ctx.actor, input)),

  staffList: staffProcedure.query(({ ctx }) => listStaff(ctx.db)),
  createStaff: stepUpProcedure.input(CreateStaffInput).mutation(({ ctx, input }) => createStaff(ctx.db, ctx.actor, input)),
  setRole: stepUpProcedure.input(SetRoleInput).mutation(({ ctx, input }) => setRoleOrRequest(ctx.db, ctx.actor, input)),
  deactivateStaff: stepUpProcedure.input(StaffActionInput).mutation(({ ctx, input }) => setActive(ctx.db, ctx.actor, { ...input, active: false })),
  reactivateStaff: stepUpProcedure.input(StaffActionInput).mutation(({ ctx, input }) => setActive(ctx.db, ctx.actor, { ...input, active: true })),
  resetPassword: stepUpProcedure.input(ResetPasswordInput).mutation(({ ctx, input }) => resetPassword(ctx.db, ctx.actor, input)),

  // Staff, API-key and setting changes ask for the second factor again after 5 minutes (step-up).
  resetSecondFactor: stepUpProcedure.input(ResetSecondFactorInput).mutation(({ ctx, input }) => resetSecondFactor(ctx.db, ctx.actor, input)),

  apiKeys: staffProcedure.query(({ ctx }) => listApiKeys(ctx.db)),
  createApiKey: stepUpProcedure.input(CreateApiKeyInput).mutation(({ ctx, input }) => createKey(ctx.db, ctx.actor, input)),
  revokeApiKey: stepUpProcedure.input(RevokeApiKeyInput).mutation(({ ctx, input }) => revokeKey(ctx.db, ctx.actor, input)),
});

import { UpdateSettingInput } from "../../../shared/admin/settings.ts";
import { CreateApiKeyInput, CreateStaffInput, ResetPasswordInput, RevokeApiKeyInput, SetRoleInput, StaffActionInput } from "../../../shared/admin/staff.ts";
import { router } from "../../trpc/init.ts";
import { staffProcedure } from "../../trpc/procedures.ts";
import { listSettings } from "./settings-service.ts";
import { createStaff, listStaff, resetPassword, setActive } from "./staff-service.ts";
import { setRoleOrRequest, updateSettingOrRequest } from "../approvals/service.ts";
import { approvalActor } from "../approvals/router.ts";
import { createKey, listApiKeys, revokeKey } from "./api-key-service.ts";

export const adminRouter = router({
  settings: staffProcedure.query(({ ctx }) => listSettings(ctx.db)),
  // Raising the approval threshold and granting MANAGER/ADMIN ask a second administrator (#12).
  updateSetting: staffProcedure.input(UpdateSettingInput).mutation(({ ctx, input }) => updateSettingOrRequest(ctx.db, approvalActor(ctx), input)),

  staffList: staffProcedure.query(({ ctx }) => listStaff(ctx.db)),
  createStaff: staffProcedure.input(CreateStaffInput).mutation(({ ctx, input }) => createStaff(ctx.db, ctx.actor, input)),
  setRole: staffProcedure.input(SetRoleInput).mutation(({ ctx, input }) => setRoleOrRequest(ctx.db, approvalActor(ctx), input)),
  deactivateStaff: staffProcedure.input(StaffActionInput).mutation(({ ctx, input }) => setActive(ctx.db, ctx.actor, { ...input, active: false })),
  reactivateStaff: staffProcedure.input(StaffActionInput).mutation(({ ctx, input }) => setActive(ctx.db, ctx.actor, { ...input, active: true })),
  resetPassword: staffProcedure.input(ResetPasswordInput).mutation(({ ctx, input }) => resetPassword(ctx.db, ctx.actor, input)),

  apiKeys: staffProcedure.query(({ ctx }) => listApiKeys(ctx.db)),
  createApiKey: staffProcedure.input(CreateApiKeyInput).mutation(({ ctx, input }) => createKey(ctx.db, ctx.actor, input)),
  revokeApiKey: staffProcedure.input(RevokeApiKeyInput).mutation(({ ctx, input }) => revokeKey(ctx.db, ctx.actor, input)),
});

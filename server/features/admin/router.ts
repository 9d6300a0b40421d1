import { UpdateSettingInput } from "../../../shared/admin/settings.ts";
import { router } from "../../trpc/init.ts";
import { staffProcedure } from "../../trpc/procedures.ts";
import { listSettings, updateSetting } from "./settings-service.ts";

export const adminRouter = router({
  settings: staffProcedure.query(({ ctx }) => listSettings(ctx.db)),
  updateSetting: staffProcedure.input(UpdateSettingInput).mutation(({ ctx, input }) => updateSetting(ctx.db, ctx.actor, input)),
});

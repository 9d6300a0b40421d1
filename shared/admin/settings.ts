import { z } from "zod";
import { Reason } from "../reason.ts";

// Settings an ADMIN may change at run time, each with its own validation and default.
export const SETTING_DEFINITIONS = {
  "compensation.approvalThresholdYen": {
    label: "Compensation amount needing a manager's approval (yen)",
    schema: z.number().int().min(1_000).max(10_000_000),
    defaultValue: 100_000,
  },
  // Read by server/features/auth/second-factor (MANAGER and ADMIN need one whatever this says).
  "auth.secondFactorForAll": {
    label: "Require a second factor (authenticator app) of every role: 1 = yes, 0 = only MANAGER and ADMIN",
    schema: z.number().int().min(0).max(1),
    defaultValue: 0,
  },
} as const;

export type SettingKey = keyof typeof SETTING_DEFINITIONS;
export const SettingKey = z.enum(Object.keys(SETTING_DEFINITIONS) as [SettingKey, ...SettingKey[]]);

export const UpdateSettingInput = z.object({
  key: SettingKey,
  value: z.unknown(),
  reason: Reason,
});

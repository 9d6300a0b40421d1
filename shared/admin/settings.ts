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
  // Compensation eligibility (#18), read by server/features/compensation/eligibility.ts.
  "compensation.eligibility.reportWithinDays": {
    label: "Compensation: the victim reported at most this many days after noticing the loss",
    schema: z.number().int().min(1).max(365),
    defaultValue: 30,
  },
  "compensation.eligibility.lossWithinDays": {
    label: "Compensation: a charge is at most this many days before the victim's report",
    schema: z.number().int().min(1).max(3650),
    defaultValue: 90,
  },
  "compensation.eligibility.refuseReimbursed": {
    label: "Compensation: refuse a charge the bank or another party already paid back: 1 = yes, 0 = no",
    schema: z.number().int().min(0).max(1),
    defaultValue: 1,
  },
} as const;

export type SettingKey = keyof typeof SETTING_DEFINITIONS;
export const SettingKey = z.enum(Object.keys(SETTING_DEFINITIONS) as [SettingKey, ...SettingKey[]]);

export const UpdateSettingInput = z.object({
  key: SettingKey,
  value: z.unknown(),
  reason: Reason,
});

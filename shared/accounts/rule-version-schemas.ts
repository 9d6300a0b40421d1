// Inputs of the rule-version procedures (#16): drafts, backtests, activation, rollback, score bands.
import { z } from "zod";
import { text } from "../schema-blocks.ts";
import { Reason as ReasonText } from "../reason.ts";
import { SCORE_MAX } from "./rules.ts";

const Key = text().trim().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9_]*$/, "Use letters, digits and _ only");
export const VersionId = z.number().int().positive().max(2_147_483_647);

export const RuleSettingInput = z.object({
  enabled: z.boolean(),
  points: z.number().int("Points are whole numbers").min(0).max(SCORE_MAX),
  params: z.record(Key, z.number().finite().min(0).max(1_000_000_000)).refine((o) => Object.keys(o).length <= 20, "At most 20 thresholds per rule"),
});
export const RuleSettingsInput = z.record(Key, RuleSettingInput).refine((o) => Object.keys(o).length <= 100, "At most 100 rules");

export const CreateDraftInput = z.object({ basedOn: VersionId.optional(), reason: ReasonText });
export const UpdateDraftInput = z.object({
  versionId: VersionId,
  settings: RuleSettingsInput,
  note: text().trim().max(500).optional(),
  reason: ReasonText,
});
export const VersionActionInput = z.object({ versionId: VersionId, reason: ReasonText });
export const RollbackInput = z.object({ reason: ReasonText });
export const BacktestIdInput = z.object({ backtestId: z.string().regex(/^\d{1,18}$/, "A backtest id is a number") });
export const VersionIdInput = z.object({ versionId: VersionId });
export const SetBandsInput = z.object({
  autoFreeze: z.boolean(),
  freezeFrom: z.number().int().min(0).max(SCORE_MAX),
  reason: ReasonText,
});

import type { PrismaClient } from "../../generated/prisma/client.ts";
import { SETTING_DEFINITIONS, type SettingKey } from "../../../shared/admin/settings.ts";
import { AppError } from "../../../shared/errors.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";
import { approvalError } from "../../../shared/approvals/errors.ts";
import { thresholdChangeNeedsFourEyes } from "../../../shared/approvals/rules.ts";

/** The one setting whose raise needs four eyes (the same key as compensation's APPROVAL_THRESHOLD_SETTING). */
export const APPROVAL_THRESHOLD_KEY = "compensation.approvalThresholdYen" as const satisfies SettingKey;

export async function readSetting<K extends SettingKey>(db: PrismaClient | Tx, key: K): Promise<number> {
  const row = await db.appSetting.findUnique({ where: { key } });
  const parsed = SETTING_DEFINITIONS[key].schema.safeParse(row?.value);
  return parsed.success ? parsed.data : SETTING_DEFINITIONS[key].defaultValue;
}

export async function listSettings(db: PrismaClient) {
  const keys = Object.keys(SETTING_DEFINITIONS) as SettingKey[];
  return Promise.all(keys.map(async (key) => ({ key, label: SETTING_DEFINITIONS[key].label, value: await readSetting(db, key) })));
}

/**
 * Raising the compensation approval threshold weakens protection: it takes a second administrator
 * (#12), through server/features/approvals. A direct update that would raise it is refused here,
 * inside the transaction, so no path around the request exists; lowering stays one action.
 */
export async function updateSetting(db: PrismaClient, actor: Actor, input: { key: SettingKey; value: unknown; reason: string }) {
  const value = parseSetting(input.key, input.value);
  return withTransaction(db, async (tx) => {
    if (input.key === APPROVAL_THRESHOLD_KEY && thresholdChangeNeedsFourEyes({ currentYen: await readSetting(tx, input.key), nextYen: value })) {
      throw approvalError("FOUR_EYES_REQUIRED", "Raising the approval threshold takes a second administrator's approval: ask for it, or use the emergency path.");
    }
    return applySetting(tx, actor, { key: input.key, value, reason: input.reason });
  });
}

export function parseSetting(key: SettingKey, raw: unknown): number {
  const parsed = SETTING_DEFINITIONS[key].schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("VALIDATION_FAILED", `value: ${parsed.error.issues[0].message}`, { details: { field: "value" } });
  }
  return parsed.data;
}

/** Writes a setting and its audit record in the caller's transaction (approvals call it once approved). */
export async function applySetting(tx: Tx, actor: Actor, input: { key: SettingKey; value: number; reason: string; changeRequestId?: string; emergency?: boolean }) {
  const before = await readSetting(tx, input.key);
  await tx.appSetting.upsert({ where: { key: input.key }, create: { key: input.key, value: input.value }, update: { value: input.value } });
  await writeAudit(tx, actor, {
    action: "setting.update",
    targetType: "setting",
    targetId: input.key,
    reason: input.reason,
    before: { value: before },
    after: { value: input.value, ...(input.changeRequestId ? { changeRequestId: input.changeRequestId, emergency: input.emergency ?? false } : {}) },
  });
  return { key: input.key, value: input.value };
}

import type { PrismaClient } from "../../generated/prisma/client.ts";
import { SETTING_DEFINITIONS, type SettingKey } from "../../../shared/admin/settings.ts";
import { AppError } from "../../../shared/errors.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";

export async function readSetting<K extends SettingKey>(db: PrismaClient | Tx, key: K): Promise<number> {
  const row = await db.appSetting.findUnique({ where: { key } });
  const parsed = SETTING_DEFINITIONS[key].schema.safeParse(row?.value);
  return parsed.success ? parsed.data : SETTING_DEFINITIONS[key].defaultValue;
}

export async function listSettings(db: PrismaClient) {
  const keys = Object.keys(SETTING_DEFINITIONS) as SettingKey[];
  return Promise.all(keys.map(async (key) => ({ key, label: SETTING_DEFINITIONS[key].label, value: await readSetting(db, key) })));
}

export async function updateSetting(db: PrismaClient, actor: Actor, input: { key: SettingKey; value: unknown; reason: string }) {
  const def = SETTING_DEFINITIONS[input.key];
  const parsed = def.schema.safeParse(input.value);
  if (!parsed.success) {
    throw new AppError("VALIDATION_FAILED", `value: ${parsed.error.issues[0].message}`, { details: { field: "value" } });
  }
  return withTransaction(db, async (tx) => {
    const before = await readSetting(tx, input.key);
    await tx.appSetting.upsert({ where: { key: input.key }, create: { key: input.key, value: parsed.data }, update: { value: parsed.data } });
    await writeAudit(tx, actor, { action: "setting.update", targetType: "setting", targetId: input.key, reason: input.reason, before: { value: before }, after: { value: parsed.data } });
    return { key: input.key, value: parsed.data };
  });
}

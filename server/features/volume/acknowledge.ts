// Acknowledging a bank's spike alarm: a MANAGER or ANALYST says they have seen it and why it needs
// no more attention (e.g. "a wallet campaign at this bank, confirmed with marketing"). The alarm
// leaves the incident banner and stays on the bank page, marked with who, when and why; the change
// and its audit record are one transaction. An alarm is acknowledged once.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { z } from "zod";
import { AppError } from "../../../shared/errors.ts";
import { formatJst } from "../../../shared/format.ts";
import { AcknowledgeAlarmInput } from "../../../shared/volume/schemas.ts";
import { sql } from "../../db/sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";

export interface AcknowledgedAlarm {
  alarmId: string;
  bankCode: string;
  acknowledgedAt: Date;
  acknowledgedBy: string;
  reason: string;
}

export async function acknowledgeAlarm(db: PrismaClient, actor: StaffActor, rawInput: z.input<typeof AcknowledgeAlarmInput>): Promise<AcknowledgedAlarm> {
  const input = AcknowledgeAlarmInput.parse(rawInput);
  const id = BigInt(input.alarmId);
  return withTransaction(db, async (tx) => {
    // The row lock makes a second, concurrent acknowledgement wait and then see the first.
    const rows = await tx.$queryRaw<Array<{ bank_code: string; started_at: Date; ended_at: Date | null; acknowledged_at: Date | null; by_name: string | null }>>(sql`
      SELECT a.bank_code, a.started_at, a.ended_at, a.acknowledged_at, s.name AS by_name
        FROM bank_alarm a LEFT JOIN staff_user s ON s.id = a.acknowledged_by_id
       WHERE a.id = ${id} FOR UPDATE OF a`);
    const before = rows[0];
    if (!before) throw new AppError("NOT_FOUND", "There is no spike alarm with this id. Reload the bank page.");
    if (before.acknowledged_at) {
      throw new AppError("CONFLICT", `This spike was already acknowledged by ${before.by_name ?? "someone"} at ${formatJst(before.acknowledged_at)}.`);
    }
    const after = await tx.bankAlarm.update({
      where: { id },
      data: { acknowledgedAt: new Date(), acknowledgedById: actor.id, acknowledgeReason: input.reason },
      select: { bankCode: true, startedAt: true, endedAt: true, acknowledgedAt: true, acknowledgedById: true, acknowledgeReason: true },
    });
    await writeAudit(tx, actor, {
      action: "spike.acknowledge",
      targetType: "bank",
      targetId: before.bank_code,
      reason: input.reason,
      before: { alarmId: input.alarmId, startedAt: before.started_at, endedAt: before.ended_at, acknowledgedAt: null },
      after: { alarmId: input.alarmId, ...after },
    });
    return { alarmId: input.alarmId, bankCode: before.bank_code, acknowledgedAt: after.acknowledgedAt!, acknowledgedBy: actor.email, reason: input.reason };
  });
}

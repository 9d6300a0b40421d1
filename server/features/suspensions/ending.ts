// Suspensions that end and get reviewed (#17). A manager sets an end time or a review date when
// suspending or later (setSuspensionTimes, audited); the ending job (one instance: server/jobs.ts)
// lifts each suspension whose end time has come through liftNow, the code a manager's lift runs:
// same transaction, audit record (actor: the system), suspension.ended through the outbox, and
// decisions allow from its commit. Managers are reminded of what ends or is due for review within
// 24 hours (suspensionsNeedingAttention: the suspensions page, the bank page and the nav count).
import type pg from "pg";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Database } from "../../db/client.ts";
import type { BackgroundJob } from "../../jobs.ts";
import { empty, rows, sql } from "../../db/sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type Actor, type StaffActor } from "../audit/write-audit.ts";
import { dbNow, liftNow } from "./suspend.ts";
import { attentionFor, checkEndTimes, endChangeWeakensProtection, REMINDER_WINDOW_MS, type Attention } from "../../../shared/suspensions/ending.ts";
import { suspensionError } from "../../../shared/suspensions/errors.ts";
import type { SetSuspensionTimesInput, SuspensionScope } from "../../../shared/suspensions/schemas.ts";

/** Who ends a suspension at its end time: no person (audit_event.actor_id and actor_role empty). */
export const ENDING_ACTOR: Actor = { id: null, email: "system:suspension-end", role: null };

export const END_REASON = "Ended at its end time";

/** Ends one suspension if it is still due (not lifted, end time passed); null when it is not. */
export async function endSuspension(db: PrismaClient, suspensionId: string) {
  return withTransaction(db, async (tx) => {
    // Lock the row: a manager moving the end time at the same moment waits, or makes us skip it.
    await tx.$queryRaw(sql`SELECT id FROM suspension WHERE id = ${suspensionId}::uuid FOR UPDATE`);
    const before = await tx.suspension.findUnique({ where: { id: suspensionId } });
    if (!before || before.liftedAt || !before.endsAt) return null;
    const now = await dbNow(tx);
    if (before.endsAt.getTime() > now.getTime()) return null;
    return liftNow(tx, ENDING_ACTOR, before, now, { liftedById: null, reason: END_REASON, ended: true, extra: { endsAt: before.endsAt } });
  });
}

/** Ends every suspension whose end time has come; each in its own transaction. Returns how many ended. */
export async function endDueSuspensions(db: Pick<Database, "pool" | "prisma">): Promise<number> {
  const due = await rows<{ id: string }>(db.pool, sql`
    SELECT id FROM suspension WHERE lifted_at IS NULL AND ends_at IS NOT NULL AND ends_at <= now() ORDER BY ends_at LIMIT 100`);
  let ended = 0;
  let firstError: unknown = null;
  for (const { id } of due) {
    try {
      if (await endSuspension(db.prisma, id)) ended++;
    } catch (err) {
      firstError ??= err; // the others still end; the run records the error
    }
  }
  if (firstError) throw firstError;
  return ended;
}

/** How often the leader looks for suspensions to end (SUSPENSION_END_POLL_MS, default 1 s). */
export function suspensionEndPollMs(): number {
  const v = Number(process.env.SUSPENSION_END_POLL_MS);
  return Number.isFinite(v) && v >= 100 ? v : 1_000;
}

export const suspensionEndJob: BackgroundJob = {
  name: "suspensions.end",
  intervalMs: suspensionEndPollMs(),
  run: async (db) => {
    await endDueSuspensions(db);
  },
};

/** A manager sets, moves or clears a suspension's end time and review date (with a reason, audited). */
export async function setSuspensionTimes(db: PrismaClient, actor: StaffActor, input: SetSuspensionTimesInput) {
  return withTransaction(db, async (tx) => {
    await tx.$queryRaw(sql`SELECT id FROM suspension WHERE id = ${input.suspensionId}::uuid FOR UPDATE`);
    const before = await tx.suspension.findUnique({ where: { id: input.suspensionId } });
    if (!before) throw suspensionError("SUSPENSION_NOT_FOUND");
    if (before.liftedAt) throw suspensionError("SUSPENSION_ALREADY_LIFTED");
    const now = await dbNow(tx);
    // An unchanged time is not re-checked: keeping a review date that has passed is allowed.
    const endsChanged = (input.endsAt?.getTime() ?? null) !== (before.endsAt?.getTime() ?? null);
    const reviewChanged = (input.reviewAt?.getTime() ?? null) !== (before.reviewAt?.getTime() ?? null);
    const problem = checkEndTimes(before.startsAt, endsChanged ? input.endsAt : null, reviewChanged ? input.reviewAt : null, now);
    if (problem) throw suspensionError(problem, undefined, { field: problem === "REVIEW_IN_PAST" ? "reviewAt" : "endsAt" });
    if (endsChanged && endChangeWeakensProtection(before.endsAt, input.endsAt)) throw suspensionError("END_SOONER_NEEDS_SECOND_MANAGER", undefined, { field: "endsAt" });
    const after = await tx.suspension.update({ where: { id: before.id }, data: { endsAt: input.endsAt, reviewAt: input.reviewAt } });
    await writeAudit(tx, actor, {
      action: "suspension.setTimes",
      targetType: "bank",
      targetId: after.bankCode,
      reason: input.reason,
      before: { suspensionId: before.id, endsAt: before.endsAt, reviewAt: before.reviewAt },
      after: { suspensionId: after.id, endsAt: after.endsAt, reviewAt: after.reviewAt },
    });
    return { suspension: after };
  });
}

export interface AttentionRow {
  id: string;
  bankCode: string;
  bankName: string;
  bankNameJa: string | null;
  scopes: SuspensionScope[];
  startsAt: Date;
  endsAt: Date | null;
  reviewAt: Date | null;
  items: Attention[];
}

/** Suspensions not lifted whose end time or review date is within 24 hours (or has passed), soonest first. */
export async function suspensionsNeedingAttention(pool: pg.Pool, bankCode?: string): Promise<{ now: Date; windowMs: number; rows: AttentionRow[] }> {
  const windowMs = REMINDER_WINDOW_MS;
  const found = await rows<Omit<AttentionRow, "items"> & { now: Date }>(pool, sql`
    SELECT s.id, s.bank_code AS "bankCode", b.name AS "bankName", b.name_ja AS "bankNameJa", s.scopes::text[] AS scopes,
           s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.review_at AS "reviewAt", date_trunc('milliseconds', now()) AS now
    FROM suspension s JOIN bank b ON b.code = s.bank_code
    WHERE s.lifted_at IS NULL
      AND (s.ends_at <= now() + make_interval(secs => ${windowMs / 1000}::double precision) OR s.review_at <= now() + make_interval(secs => ${windowMs / 1000}::double precision))
      ${bankCode ? sql`AND s.bank_code = ${bankCode}` : empty}`);
  const now = found[0]?.now ?? new Date();
  const out = found
    .map(({ now: _n, ...r }) => ({ ...r, items: attentionFor(r, now, windowMs) }))
    .filter((r) => r.items.length > 0)
    .sort((a, b) => a.items[0].at.getTime() - b.items[0].at.getTime());
  return { now, windowMs, rows: out };
}

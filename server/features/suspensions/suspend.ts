// Suspend (one or many banks, all or none) and lift. Every change writes its audit rows in the same
// transaction; a suspension in force with quarantine on marks its links at once (quarantineLinksSql).
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { quarantineLinksSql } from "../../db/queries/bank-links.ts";
import { sql } from "../../db/sql.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type Actor, type StaffActor } from "../audit/write-audit.ts";
import { enqueueLinksQuarantinedNow, enqueueWebhookEvent, enqueueWebhookEvents } from "../webhooks/outbox.ts";
import { suspensionCreatedEvents, suspensionEndedEvent, suspensionLiftedEvent } from "../webhooks/events.ts";
import { planSuspensions } from "../../../shared/suspensions/rules.ts";
import { suspensionError } from "../../../shared/suspensions/errors.ts";
import type { LiftInput, SuspendInput } from "../../../shared/suspensions/schemas.ts";

/** Database time, truncated like the timestamptz(3) columns; the decision API uses the same clock. */
export async function dbNow(tx: Tx): Promise<Date> {
  const [{ now }] = await tx.$queryRaw<{ now: Date }[]>(sql`SELECT date_trunc('milliseconds', now()) AS now`);
  return now;
}

/** Quarantines the links a suspension just put in force catches (and tells the webhooks). */
async function quarantineLinks(tx: Tx, suspensionId: string): Promise<number> {
  const n = await tx.$executeRaw(quarantineLinksSql(sql`s.id = ${suspensionId}::uuid`));
  await enqueueLinksQuarantinedNow(tx);
  return n;
}

function isActiveScopeConflict(err: unknown): boolean {
  const text = `${(err as Error)?.message ?? ""} ${JSON.stringify((err as { meta?: unknown })?.meta ?? {})} ${String((err as { cause?: unknown })?.cause ?? "")}`;
  return text.includes("suspension_active_scope_pkey");
}

export async function suspendBanks(db: PrismaClient, actor: StaffActor, input: SuspendInput) {
  try {
    return await withTransaction(db, (tx) => suspendInTransaction(tx, actor, input));
  } catch (err) {
    throw asSuspensionConflict(err);
  }
}

/** Two managers committing overlapping suspensions at once: the database refused the second. */
export function asSuspensionConflict(err: unknown): unknown {
  if (isActiveScopeConflict(err)) {
    return suspensionError("SUSPENSION_CONFLICT", "Someone suspended one of these banks for the same scope at the same moment. Nothing was suspended; reload to see it.");
  }
  return err;
}

/**
 * The suspension itself, inside the caller's transaction (suspendBanks; a confirmed proposal,
 * server/features/proposals/decide.ts): the caller maps a unique violation with asSuspensionConflict.
 */
export async function suspendInTransaction(tx: Tx, actor: StaffActor, input: SuspendInput) {
  const now = await dbNow(tx);
  const banks = await tx.bank.findMany({ where: { code: { in: input.bankCodes } }, select: { code: true, name: true } });
  const missing = input.bankCodes.filter((c) => !banks.some((b) => b.code === c));
  if (missing.length) throw suspensionError("UNKNOWN_BANK", `There is no bank with code ${missing.join(", ")}.`, { bankCodes: missing });
  const bankName = new Map(banks.map((b) => [b.code, b.name]));

  const existing = await tx.suspension.findMany({ where: { bankCode: { in: input.bankCodes }, liftedAt: null } });
  const plan = planSuspensions(input, existing, now);
  if (!plan.ok) {
    if (plan.code === "CUTOFF_AFTER_START") throw suspensionError("CUTOFF_AFTER_START", undefined, { field: "cutoffAt" });
    if (plan.code !== "SUSPENSION_CONFLICT") throw suspensionError(plan.code, undefined, { field: plan.field });
    const names = [...new Set(plan.conflicts.map((c) => bankName.get(c.bankCode) ?? c.bankCode))];
    throw suspensionError(
      "SUSPENSION_CONFLICT",
      `${names.join(", ")} already ${names.length === 1 ? "has" : "have"} an active or scheduled suspension for ${[...new Set(plan.conflicts.map((c) => c.scope.toLowerCase().replace("_", " ")))].join(", ")}. Nothing was suspended.`,
      { conflicts: plan.conflicts },
    );
  }

  const created = [];
  for (const rec of plan.records) {
    const s = await tx.suspension.create({ data: { ...rec, createdById: actor.id } });
    const name = bankName.get(s.bankCode) ?? s.bankCode;
    // A scheduled suspension quarantines when it starts (quarantine job); decisions compute
    // the quarantine from the rules either way.
    const quarantinedCount = s.quarantine && s.startsAt.getTime() <= now.getTime() ? await quarantineLinks(tx, s.id) : 0;
    await enqueueWebhookEvents(tx, suspensionCreatedEvents(s, now));
    await writeAudit(tx, actor, {
      action: "suspension.create",
      targetType: "bank",
      targetId: s.bankCode,
      reason: s.reason,
      after: { ...s, bankName: name, quarantinedCount },
    });
    created.push({ ...s, bankName: name, quarantinedCount });
  }
  return { suspensions: created };
}

/**
 * Lifting weakens protection, so it takes a second manager (#12): the console asks for it through
 * server/features/approvals, which calls this inside its own transaction once a second manager
 * approved (or one manager applied it as an emergency). `liftedBy` is the manager who asked.
 */
export async function applyLift(tx: Tx, actor: Actor, input: LiftInput & { liftedById: string; changeRequestId: string; emergency: boolean }) {
  const before = await tx.suspension.findUnique({ where: { id: input.suspensionId } });
  if (!before) throw suspensionError("SUSPENSION_NOT_FOUND");
  if (before.liftedAt) throw suspensionError("SUSPENSION_ALREADY_LIFTED");
  const now = await dbNow(tx);
  const lifted = await liftNow(tx, actor, before, now, {
    liftedById: input.liftedById,
    reason: input.reason,
    ended: false,
    extra: { changeRequestId: input.changeRequestId, emergency: input.emergency },
  });
  if (!lifted) throw suspensionError("SUSPENSION_ALREADY_LIFTED");
  return lifted;
}

type SuspensionRecord = NonNullable<Awaited<ReturnType<Tx["suspension"]["findUnique"]>>>;

/**
 * The one way a suspension stops (#12 lift, #17 end): in the caller's transaction, set lifted_at to
 * the transaction's time (the triggers free its active scopes), report it to the webhooks
 * (suspension.lifted, or suspension.ended when the ending job ends it) and write the audit record.
 * Decisions read the suspension at their own snapshot, so they allow from this commit on.
 * Returns null when it was lifted meanwhile, or (for an end) its end time moved or was cleared.
 */
export async function liftNow(
  tx: Tx,
  actor: Actor,
  before: SuspensionRecord,
  now: Date,
  how: { liftedById: string | null; reason: string; ended: boolean; extra?: Record<string, unknown> },
) {
  const { count } = await tx.suspension.updateMany({
    where: how.ended ? { id: before.id, liftedAt: null, endsAt: { lte: now } } : { id: before.id, liftedAt: null },
    data: { liftedAt: now, liftedById: how.liftedById, liftReason: how.reason, ended: how.ended },
  });
  if (count !== 1) return null;
  const after = await tx.suspension.findUniqueOrThrow({ where: { id: before.id } });
  // Lifting (or ending) does not release quarantined links: each still needs an analyst's review.
  const stillQuarantined = await tx.bankLink.count({ where: { quarantineSuspensionId: after.id, status: "QUARANTINED" } });
  await enqueueWebhookEvent(tx, how.ended ? suspensionEndedEvent(after) : suspensionLiftedEvent(after));
  await writeAudit(tx, actor, {
    action: how.ended ? "suspension.end" : "suspension.lift",
    targetType: "bank",
    targetId: after.bankCode,
    reason: how.reason,
    before,
    after: { ...after, stillQuarantined, ...how.extra },
  });
  return { suspension: after, stillQuarantined };
}

/** The lift's preconditions, checked when it is asked for (and again by applyLift when it runs). */
export async function liftableSuspension(db: PrismaClient | Tx, suspensionId: string) {
  const s = await db.suspension.findUnique({ where: { id: suspensionId }, select: { id: true, bankCode: true, scopes: true, liftedAt: true, bank: { select: { name: true } } } });
  if (!s) throw suspensionError("SUSPENSION_NOT_FOUND");
  if (s.liftedAt) throw suspensionError("SUSPENSION_ALREADY_LIFTED");
  return s;
}

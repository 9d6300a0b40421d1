// Builders of the outbox events each emitting site sends (one call there: enqueueWebhookEvents(tx,
// suspensionEvents(...))). The data shapes are the catalogue's (shared/webhooks/catalogue.ts).
import type { WebhookEventData } from "../../../shared/webhooks/catalogue.ts";
import type { OutboxEvent } from "./outbox.ts";

interface SuspensionLike {
  id: string;
  bankCode: string;
  scopes: readonly string[];
  startsAt: Date;
  cutoffAt: Date;
  quarantine: boolean;
  liftedAt: Date | null;
  endsAt?: Date | null;
}

export function suspensionData(s: SuspensionLike): WebhookEventData<"suspension.created"> {
  return {
    suspensionId: s.id,
    bankCode: s.bankCode,
    scopes: [...s.scopes] as WebhookEventData<"suspension.created">["scopes"],
    startsAt: s.startsAt.toISOString(),
    cutoffAt: s.cutoffAt.toISOString(),
    quarantine: s.quarantine,
    liftedAt: s.liftedAt ? s.liftedAt.toISOString() : null,
    endsAt: s.endsAt ? s.endsAt.toISOString() : null,
  };
}

/** A new suspension: created, and started (in force now) or scheduled (starts later). */
export function suspensionCreatedEvents(s: SuspensionLike, now: Date): OutboxEvent[] {
  const data = suspensionData(s);
  const startsNow = s.startsAt.getTime() <= now.getTime();
  return [
    { type: "suspension.created", subjectId: s.id, data },
    startsNow
      ? { type: "suspension.started", subjectId: s.id, data, dedupeKey: `suspension.started:${s.id}` }
      : { type: "suspension.scheduled", subjectId: s.id, data, dedupeKey: `suspension.scheduled:${s.id}` },
  ];
}

export function suspensionLiftedEvent(s: SuspensionLike): OutboxEvent {
  return { type: "suspension.lifted", subjectId: s.id, data: suspensionData(s), occurredAt: s.liftedAt ?? undefined };
}

/** suspension.ended: the ending job lifted it at its end time (once: dedupe key). */
export function suspensionEndedEvent(s: SuspensionLike): OutboxEvent {
  return { type: "suspension.ended", subjectId: s.id, data: suspensionData(s), occurredAt: s.liftedAt ?? undefined, dedupeKey: `suspension.ended:${s.id}` };
}

/** link.released / link.revoked for the links an analyst reviewed. */
export function linksReviewedEvents(status: "ACTIVE" | "REVOKED", links: ReadonlyArray<{ id: string; bankCode: string; suspensionId: string | null }>, at = new Date()): OutboxEvent[] {
  return links.map((l) => ({
    type: status === "ACTIVE" ? "link.released" : "link.revoked",
    subjectId: l.id,
    data: { linkId: l.id, bankCode: l.bankCode, status, suspensionId: l.suspensionId, at: at.toISOString() } satisfies WebhookEventData<"link.released">,
  }));
}

/** wallet.flagged once per account (flagged_at never moves). */
export function walletsFlaggedEvents(rows: ReadonlyArray<{ id: string; score: number; newly_flagged: boolean }>, flaggedAt: Date): OutboxEvent[] {
  return rows
    .filter((r) => r.newly_flagged)
    .map((r) => ({
      type: "wallet.flagged",
      subjectId: r.id,
      data: { accountId: r.id, riskScore: r.score, flaggedAt: flaggedAt.toISOString() } satisfies WebhookEventData<"wallet.flagged">,
      occurredAt: flaggedAt,
      dedupeKey: `wallet.flagged:${r.id}`,
    }));
}

/** wallet.frozen / wallet.unfrozen for a staff action on accounts; nothing for the review labels. */
export function walletActionEvents(action: string, accountIds: readonly string[], at = new Date()): OutboxEvent[] {
  if (action !== "freeze" && action !== "unfreeze") return [];
  const status = action === "freeze" ? "FROZEN" : "ACTIVE";
  return accountIds.map((id) => ({
    type: action === "freeze" ? "wallet.frozen" : "wallet.unfrozen",
    subjectId: id,
    data: { accountId: id, status, at: at.toISOString() } satisfies WebhookEventData<"wallet.frozen">,
  }));
}

export function compensationPaidEvents(rows: ReadonlyArray<{ id: string; bank_code: string; total_yen: number }>, payoutBatchId: string, paidAt: Date): OutboxEvent[] {
  return rows.map((r) => ({
    type: "compensation.paid",
    subjectId: r.id,
    data: { caseId: r.id, bankCode: r.bank_code, amountYen: r.total_yen, payoutBatchId, paidAt: paidAt.toISOString() } satisfies WebhookEventData<"compensation.paid">,
    occurredAt: paidAt,
  }));
}

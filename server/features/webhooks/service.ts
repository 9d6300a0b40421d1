// Webhook endpoints and the delivery log for ADMIN (#17): register an endpoint (the secret is shown
// once), enable or disable it, read the deliveries and their attempts, replay a delivery. Every
// change carries a reason and writes its audit record in the same transaction.
import type pg from "pg";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { rows, sql, where, type Sql } from "../../db/sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";
import { sealSecret } from "../auth/second-factor/secret-box.ts";
import { AppError } from "../../../shared/errors.ts";
import { generateSecret } from "../../../shared/webhooks/signature.ts";
import type { CreateEndpointInput, DeliveryState } from "../../../shared/webhooks/schemas.ts";
import type { WebhookEventType } from "../../../shared/webhooks/catalogue.ts";

const ENDPOINT_FIELDS = { id: true, url: true, description: true, eventTypes: true, secretHint: true, enabled: true, createdAt: true, updatedAt: true } as const;

/** The last characters of a secret: enough to tell which one the platform holds, not to guess it. */
const hintOf = (secret: string) => `…${secret.slice(-4)}`;

export async function listEndpoints(pool: pg.Pool) {
  return rows<{
    id: string; url: string; description: string; eventTypes: WebhookEventType[]; secretHint: string; enabled: boolean; createdAt: Date; updatedAt: Date;
    pending: number; delivered: number; failed: number; lastDeliveredAt: Date | null;
  }>(
    pool,
    sql`SELECT e.id, e.url, e.description, e.event_types AS "eventTypes", e.secret_hint AS "secretHint", e.enabled,
            e.created_at AS "createdAt", e.updated_at AS "updatedAt",
            count(d.id) FILTER (WHERE d.state = 'PENDING')::int AS pending,
            count(d.id) FILTER (WHERE d.state = 'DELIVERED')::int AS delivered,
            count(d.id) FILTER (WHERE d.state = 'FAILED')::int AS failed,
            max(d.delivered_at) AS "lastDeliveredAt"
     FROM webhook_endpoint e LEFT JOIN webhook_delivery d ON d.endpoint_id = e.id
     GROUP BY e.id ORDER BY e.created_at DESC`,
  );
}

export async function createEndpoint(db: PrismaClient, actor: Actor, input: CreateEndpointInput) {
  const secret = input.secret ?? generateSecret();
  return withTransaction(db, async (tx) => {
    const endpoint = await tx.webhookEndpoint.create({
      data: {
        url: input.url,
        description: input.description,
        eventTypes: [...new Set(input.eventTypes)],
        secretSealed: sealSecret(secret),
        secretHint: hintOf(secret),
        createdById: actor.id,
      },
      select: ENDPOINT_FIELDS,
    });
    await writeAudit(tx, actor, {
      action: "webhook.createEndpoint",
      targetType: "webhook",
      targetId: endpoint.id,
      reason: input.reason,
      after: { url: endpoint.url, eventTypes: endpoint.eventTypes, secretHint: endpoint.secretHint, secretGenerated: input.secret === undefined },
    });
    // The secret leaves the server this once; only its sealed form is kept.
    return { ...endpoint, secret };
  });
}

export async function setEndpointEnabled(db: PrismaClient, actor: Actor, input: { endpointId: string; enabled: boolean; reason: string }) {
  return withTransaction(db, async (tx) => {
    const before = await tx.webhookEndpoint.findUnique({ where: { id: input.endpointId }, select: ENDPOINT_FIELDS });
    if (!before) throw new AppError("WEBHOOK_ENDPOINT_NOT_FOUND");
    if (before.enabled === input.enabled) throw new AppError(input.enabled ? "WEBHOOK_ENDPOINT_ALREADY_ENABLED" : "WEBHOOK_ENDPOINT_ALREADY_DISABLED");
    // Conditional: of two admins flipping it at once, one changes it.
    const { count } = await tx.webhookEndpoint.updateMany({ where: { id: input.endpointId, enabled: before.enabled }, data: { enabled: input.enabled, updatedAt: new Date() } });
    if (count !== 1) throw new AppError("CONFLICT");
    await writeAudit(tx, actor, {
      action: input.enabled ? "webhook.enableEndpoint" : "webhook.disableEndpoint",
      targetType: "webhook",
      targetId: before.id,
      reason: input.reason,
      before: { url: before.url, enabled: before.enabled },
      after: { url: before.url, enabled: input.enabled },
    });
    return { ...before, enabled: input.enabled };
  });
}

export interface DeliveryRow {
  id: string;
  endpointId: string;
  endpointUrl: string;
  eventId: string;
  eventType: WebhookEventType;
  subjectId: string;
  occurredAt: Date;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

/** The newest deliveries first (the log the console shows). */
export async function listDeliveries(pool: pg.Pool, input: { endpointId?: string; state?: DeliveryState; limit: number }): Promise<DeliveryRow[]> {
  const conds: Sql[] = [];
  if (input.endpointId !== undefined) conds.push(sql`d.endpoint_id = ${input.endpointId}::uuid`);
  if (input.state !== undefined) conds.push(sql`d.state = ${input.state}`);
  return rows<DeliveryRow>(
    pool,
    sql`SELECT d.id, d.endpoint_id AS "endpointId", ep.url AS "endpointUrl", e.id AS "eventId", e.type AS "eventType", e.subject_id AS "subjectId",
            e.occurred_at AS "occurredAt", d.state, d.attempts,
            CASE WHEN d.state = 'PENDING' THEN d.next_attempt_at END AS "nextAttemptAt",
            d.last_status AS "lastStatus", d.last_error AS "lastError", d.delivered_at AS "deliveredAt", d.created_at AS "createdAt"
     FROM webhook_delivery d JOIN webhook_event e ON e.id = d.event_id JOIN webhook_endpoint ep ON ep.id = d.endpoint_id
     ${where(conds)}
     ORDER BY d.created_at DESC, d.id
     LIMIT ${input.limit}`,
  );
}

export async function listAttempts(pool: pg.Pool, deliveryId: string) {
  return rows<{ id: number; number: number; startedAt: Date; durationMs: number; statusCode: number | null; error: string | null; responseExcerpt: string | null }>(
    pool,
    sql`SELECT id, number, started_at AS "startedAt", duration_ms AS "durationMs", status_code AS "statusCode", error, response_excerpt AS "responseExcerpt"
        FROM webhook_attempt WHERE delivery_id = ${deliveryId} ORDER BY id DESC LIMIT 100`,
  );
}

/**
 * Sends a delivery again from now, whatever its state (a receiver that lost it, or one that was
 * down past the 24-hour window): the same event id and body, a fresh signature, and the retry
 * schedule again from now if it fails.
 */
export async function replayDelivery(db: PrismaClient, actor: Actor, input: { deliveryId: string; reason: string }) {
  return withTransaction(db, async (tx) => {
    const updated = await tx.$queryRaw<Array<{ id: string; state: string; attempts: number; eventType: string; eventId: string; endpointUrl: string }>>(
      sql`UPDATE webhook_delivery d
       SET state = 'PENDING', next_attempt_at = now(), lease_until = NULL, delivered_at = NULL, queued_at = now()
       FROM webhook_delivery old JOIN webhook_event e ON e.id = old.event_id JOIN webhook_endpoint ep ON ep.id = old.endpoint_id
       WHERE d.id = ${input.deliveryId}::uuid AND old.id = d.id
       RETURNING d.id, old.state, old.attempts, e.type AS "eventType", e.id AS "eventId", ep.url AS "endpointUrl"`,
    );
    const r = updated[0];
    if (!r) throw new AppError("WEBHOOK_DELIVERY_NOT_FOUND");
    await writeAudit(tx, actor, {
      action: "webhook.replay",
      targetType: "webhook",
      targetId: r.id,
      reason: input.reason,
      before: { state: r.state, attempts: r.attempts },
      after: { state: "PENDING", eventId: r.eventId, eventType: r.eventType, endpointUrl: r.endpointUrl },
    });
    return { id: r.id, state: "PENDING" as const };
  });
}

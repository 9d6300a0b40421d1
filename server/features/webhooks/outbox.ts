// The webhook outbox (#17). A change that the platform must hear about calls enqueueWebhookEvents
// with the transaction it commits in (a Prisma transaction or a pg client inside BEGIN): the event
// rows and their deliveries (one per enabled endpoint subscribed to the type) are written by one
// statement in that transaction. So a change that rolls back sends nothing, and a committed change
// has its deliveries in the database even if the process dies the next instant: the delivery worker
// (worker.ts, one instance at a time) finds them there. Never call it with a bare pool outside a
// transaction: the event would commit without the change.
import type pg from "pg";
import { query, sql, type Sql } from "../../db/sql.ts";
import type { Tx } from "../../db/transaction.ts";
import type { WebhookEventType } from "../../../shared/webhooks/catalogue.ts";

export interface OutboxEvent {
  type: WebhookEventType;
  /** What the event is about (suspension, link, account or case id): the delivery log shows it. */
  subjectId: string;
  data: Record<string, unknown>;
  /** Default: the transaction's time. */
  occurredAt?: Date;
  /** Events that must exist once carry a key; a second one with the same key is dropped. */
  dedupeKey?: string;
}

/** A Prisma interactive transaction or a pg client in a transaction. */
export type OutboxTx = Tx | pg.PoolClient;

async function execute(tx: OutboxTx, q: Sql): Promise<void> {
  if ("$executeRaw" in tx) await tx.$executeRaw(q);
  else await query(tx, q);
}

// One delivery per event × enabled endpoint subscribed to its type, for the events `ev` inserted.
const DELIVERIES_OF_EV = sql`
  INSERT INTO webhook_delivery (id, event_id, endpoint_id, next_attempt_at, queued_at)
  SELECT gen_random_uuid(), ev.id, e.id, now(), now()
  FROM ev JOIN webhook_endpoint e ON e.enabled AND ev.type = ANY(e.event_types)`;

// One statement: insert the events (jsonb_to_recordset over one parameter, so Prisma and pg pass it
// alike), then their deliveries.
const enqueue = (json: string) => sql`
  WITH ev AS (
    INSERT INTO webhook_event (id, type, subject_id, data, occurred_at, dedupe_key)
    SELECT gen_random_uuid(), u.type, u."subjectId", u.data, coalesce(u."occurredAt", date_trunc('milliseconds', now())), u."dedupeKey"
    FROM jsonb_to_recordset(${json}::jsonb) AS u(type text, "subjectId" text, data jsonb, "occurredAt" timestamptz, "dedupeKey" text)
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id, type
  )${DELIVERIES_OF_EV}`;

export async function enqueueWebhookEvents(tx: OutboxTx, events: readonly OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  await execute(tx, enqueue(JSON.stringify(events)));
}

export function enqueueWebhookEvent(tx: OutboxTx, event: OutboxEvent): Promise<void> {
  return enqueueWebhookEvents(tx, [event]);
}

/**
 * link.quarantined for every link this transaction quarantined: the three places that quarantine
 * (suspending with quarantine, the ingestion hook, the quarantine job) set status_changed_at to the
 * transaction's time, so one call after their UPDATE finds exactly those links. The dedupe key
 * (link and instant) keeps a link quarantined by another transaction in the same millisecond from
 * being reported twice.
 */
export async function enqueueLinksQuarantinedNow(tx: OutboxTx): Promise<void> {
  await execute(
    tx,
    sql`
    WITH ev AS (
      INSERT INTO webhook_event (id, type, subject_id, data, occurred_at, dedupe_key)
      SELECT gen_random_uuid(), 'link.quarantined', l.id,
             jsonb_build_object('linkId', l.id, 'bankCode', l.bank_code, 'status', 'QUARANTINED',
                                'suspensionId', l.quarantine_suspension_id,
                                'at', to_char(l.status_changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
             l.status_changed_at, 'link.quarantined:' || l.id || ':' || (extract(epoch from l.status_changed_at) * 1000)::bigint
      FROM bank_link l
      WHERE l.status = 'QUARANTINED' AND l.status_changed_at = date_trunc('milliseconds', now())
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING id, type
    )${DELIVERIES_OF_EV}`,
  );
}

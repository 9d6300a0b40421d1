// The webhook delivery worker (#17), a background job: it runs on the one instance holding the jobs
// lock (server/jobs.ts), every WEBHOOK_POLL_MS (1 s). Each run
//   1. reports suspensions that reached their scheduled start (suspension.started, once: dedupe key);
//   2. claims due deliveries (PENDING, next attempt due, endpoint enabled) with FOR UPDATE SKIP
//      LOCKED and a lease, in a short statement: no transaction stays open during an HTTP call, and
//      a process that dies after claiming loses only its lease (the delivery is due again when it
//      ends, and the attempt is counted);
//   3. POSTs each signed body (send.ts), at most BATCH at once;
//   4. records each attempt (status, response excerpt, duration, error) and the delivery's new
//      state in one statement: DELIVERED on a 2xx, else the next attempt from the retry schedule
//      (shared/webhooks/retry.ts), or FAILED once the 24-hour window is over.
// Delivery is at least once: a process killed after the receiver answered but before the record
// sends the event again after the lease. Receivers deduplicate on the event id (README).
import type { Database } from "../../db/client.ts";
import { query, sql } from "../../db/sql.ts";
import { withPoolTransaction } from "../../db/transaction.ts";
import type { BackgroundJob } from "../../jobs.ts";
import { openSecret } from "../auth/second-factor/secret-box.ts";
import { DEFAULT_RETRY_POLICY, nextAttemptAt, type RetryPolicy } from "../../../shared/webhooks/retry.ts";
import { SIGNATURE_HEADER, signatureHeader } from "../../../shared/webhooks/signature.ts";
import { enqueueWebhookEvents } from "./outbox.ts";
import { suspensionData } from "./events.ts";
import { DEFAULT_SEND_TIMEOUT_MS, postWebhook, type SendResult } from "./send.ts";

export interface DeliverOptions {
  policy?: RetryPolicy;
  /** Deliveries claimed and sent at once. */
  batchSize?: number;
  /** Batches per run at most (a backlog drains over several runs). */
  maxBatches?: number;
  timeoutMs?: number;
}

export interface DeliverResult {
  attempted: number;
  delivered: number;
  failed: number;
}

interface Claimed {
  id: string;
  attempts: number;
  queuedAt: Date;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  occurredAt: Date;
  url: string;
  secretSealed: string;
}

const claim = (batchSize: number, leaseMs: number) => sql`
  WITH due AS (
    SELECT d.id FROM webhook_delivery d JOIN webhook_endpoint ep ON ep.id = d.endpoint_id AND ep.enabled
    WHERE d.state = 'PENDING' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
    ORDER BY d.next_attempt_at
    LIMIT ${batchSize}
    FOR UPDATE OF d SKIP LOCKED
  ), claimed AS (
    UPDATE webhook_delivery d
    SET attempts = d.attempts + 1, lease_until = now() + make_interval(secs => ${leaseMs}::double precision / 1000)
    FROM due WHERE d.id = due.id
    RETURNING d.id, d.event_id, d.endpoint_id, d.attempts, d.queued_at
  )
  SELECT c.id, c.attempts, c.queued_at AS "queuedAt", e.id AS "eventId", e.type, e.data, e.occurred_at AS "occurredAt",
         ep.url, ep.secret_sealed AS "secretSealed"
  FROM claimed c JOIN webhook_event e ON e.id = c.event_id JOIN webhook_endpoint ep ON ep.id = c.endpoint_id`;

interface AttemptRecord {
  id: string;
  number: number;
  startedAt: Date;
  result: SendResult;
  state: "DELIVERED" | "PENDING" | "FAILED";
  next: Date | null;
}

const record = (a: AttemptRecord) => sql`
  WITH attempt AS (
    INSERT INTO webhook_attempt (delivery_id, number, started_at, duration_ms, status_code, error, response_excerpt)
    VALUES (${a.id}, ${a.number}, ${a.startedAt}, ${a.result.durationMs}, ${a.result.statusCode}, ${a.result.error}, ${a.result.responseExcerpt || null})
  )
  UPDATE webhook_delivery
  SET state = ${a.state}::varchar, next_attempt_at = coalesce(${a.next}, next_attempt_at), lease_until = NULL,
      last_status = ${a.result.statusCode}, last_error = ${a.result.error},
      delivered_at = CASE WHEN ${a.state}::varchar = 'DELIVERED' THEN date_trunc('milliseconds', now()) END
  WHERE id = ${a.id}`;

/** The exact bytes sent (and signed) for an event: the same on every attempt and replay. */
export function webhookBody(e: { eventId: string; type: string; occurredAt: Date; data: unknown }): string {
  return JSON.stringify({ id: e.eventId, type: e.type, occurredAt: e.occurredAt.toISOString(), data: e.data });
}

async function attempt(c: Claimed, timeoutMs: number): Promise<{ startedAt: Date; result: SendResult }> {
  const startedAt = new Date();
  const body = webhookBody(c);
  let secret: string;
  try {
    secret = openSecret(c.secretSealed);
  } catch {
    return { startedAt, result: { statusCode: null, error: "the endpoint's secret cannot be opened (was TOTP_ENCRYPTION_KEY changed?)", responseExcerpt: "", durationMs: 0 } };
  }
  const headers = {
    [SIGNATURE_HEADER]: signatureHeader(secret, Math.floor(Date.now() / 1000), body),
    "Floodgate-Event-Id": c.eventId,
    "Floodgate-Event-Type": c.type,
    "Floodgate-Delivery-Id": c.id,
    "Floodgate-Delivery-Attempt": String(c.attempts),
    "user-agent": "Floodgate-Webhooks/1",
  };
  return { startedAt, result: await postWebhook(c.url, body, headers, timeoutMs) };
}

export async function deliverDueWebhooks(db: Pick<Database, "pool">, opts: DeliverOptions = {}): Promise<DeliverResult> {
  const policy = opts.policy ?? DEFAULT_RETRY_POLICY;
  const batchSize = opts.batchSize ?? 20;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const out: DeliverResult = { attempted: 0, delivered: 0, failed: 0 };
  for (let b = 0; b < (opts.maxBatches ?? 5); b++) {
    const { rows } = await query<Claimed>(db.pool, claim(batchSize, timeoutMs + 5_000));
    if (rows.length === 0) break;
    await Promise.all(
      rows.map(async (c) => {
        const { startedAt, result } = await attempt(c, timeoutMs);
        const ok = result.error === null;
        const finishedAt = new Date(startedAt.getTime() + result.durationMs);
        const next = ok ? null : nextAttemptAt(c.attempts, finishedAt, new Date(c.queuedAt.getTime() + policy.windowMs), policy);
        const state = ok ? "DELIVERED" : next ? "PENDING" : "FAILED";
        await query(db.pool, record({ id: c.id, number: c.attempts, startedAt, result, state, next }));
        out.attempted++;
        if (ok) out.delivered++;
        else if (state === "FAILED") out.failed++;
      }),
    );
    if (rows.length < batchSize) break;
  }
  return out;
}

/** suspension.started for scheduled suspensions (reported as scheduled) that reached their start. */
export async function emitStartedSuspensions(db: Pick<Database, "pool">): Promise<number> {
  // One read per run; a transaction only when there is something to report. Two runs reporting the
  // same start (a failover) write it once: the dedupe key.
  const { rows } = await query<{ id: string; bankCode: string; scopes: string[]; startsAt: Date; cutoffAt: Date; quarantine: boolean; liftedAt: Date | null }>(
    db.pool,
    sql`SELECT s.id, s.bank_code AS "bankCode", s.scopes::text[] AS scopes, s.starts_at AS "startsAt", s.cutoff_at AS "cutoffAt",
            s.quarantine, s.lifted_at AS "liftedAt"
     FROM suspension s
     WHERE s.starts_at <= now() AND s.starts_at > now() - interval '30 days' AND (s.lifted_at IS NULL OR s.lifted_at > s.starts_at)
       AND EXISTS (SELECT 1 FROM webhook_event e WHERE e.dedupe_key = 'suspension.scheduled:' || s.id)
       AND NOT EXISTS (SELECT 1 FROM webhook_event e WHERE e.dedupe_key = 'suspension.started:' || s.id)`,
  );
  if (rows.length === 0) return 0;
  await withPoolTransaction(db.pool, (client) =>
    enqueueWebhookEvents(
      client,
      rows.map((s) => ({ type: "suspension.started", subjectId: s.id, data: suspensionData(s), occurredAt: s.startsAt, dedupeKey: `suspension.started:${s.id}` })),
    ),
  );
  return rows.length;
}

/** How often the leader looks for due deliveries (WEBHOOK_POLL_MS, default 1 s). */
export function webhookPollMs(): number {
  const v = Number(process.env.WEBHOOK_POLL_MS);
  return Number.isFinite(v) && v >= 100 ? v : 1_000;
}

export const webhookDeliveryJob: BackgroundJob = {
  name: "webhooks.deliver",
  intervalMs: webhookPollMs(),
  run: async (db) => {
    await emitStartedSuspensions(db);
    await deliverDueWebhooks(db);
  },
};

// Feed health (#15): after each live batch, how late its events arrived, per bank, event type and
// 5-minute bucket of arrival (feed_rollup). An after-commit hook (server/ingest-hooks.ts): one
// upsert per batch, never per event; bulk loads skip after-commit hooks, so loaded history (the demo
// data, received all at once) does not pass for live traffic arriving days late.
import type { Database } from "../../db/client.ts";
import { pgQuery, sql } from "../../db/sql.ts";
import type { IngestedBatchSummary } from "../events/types.ts";

const upsertFeedRollup = (bank: string[], type: string[], occ: Date[]) =>
  sql`INSERT INTO feed_rollup (bank_code, event_type, bucket_start, events, lag_ms_sum, lag_ms_max, last_occurred_at, last_received_at)
  SELECT bank, type, date_bin('5 minutes', now(), TIMESTAMPTZ '2000-01-01 00:00:00+00'), count(*), sum(lag), max(lag), max(occ), now()
  FROM (SELECT bank, type, occ, greatest(0, floor(extract(epoch FROM now() - occ) * 1000))::bigint AS lag
        FROM unnest(${bank}::text[], ${type}::text[], ${occ}::timestamptz[]) AS u(bank, type, occ)) x
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (bank_code, event_type, bucket_start) DO UPDATE SET
    events = feed_rollup.events + EXCLUDED.events,
    lag_ms_sum = feed_rollup.lag_ms_sum + EXCLUDED.lag_ms_sum,
    lag_ms_max = greatest(feed_rollup.lag_ms_max, EXCLUDED.lag_ms_max),
    last_occurred_at = greatest(feed_rollup.last_occurred_at, EXCLUDED.last_occurred_at),
    last_received_at = greatest(feed_rollup.last_received_at, EXCLUDED.last_received_at)`;

export async function recordFeedLagAfterBatch(db: Database, batch: IngestedBatchSummary): Promise<void> {
  const events: Array<[string, string, Date]> = [
    ...batch.registeredLinks.map((r): [string, string, Date] => [r.bankCode, "link.registered", r.registeredAt]),
    ...batch.changedLinks.map((c): [string, string, Date] => [c.newBankCode, "link.changed", c.changedAt]),
    ...batch.charges.map((c): [string, string, Date] => [c.bankCode, "charge.completed", c.occurredAt]),
  ];
  if (events.length === 0) return;
  const bank = events.map((e) => e[0]);
  const type = events.map((e) => e[1]);
  const occ = events.map((e) => e[2]);
  await db.pool.query(pgQuery(upsertFeedRollup(bank, type, occ), { name: "feeds.upsert-rollup" }));
}

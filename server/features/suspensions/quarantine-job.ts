// Keeps the QUARANTINED status column in step with the rules for what happens without a manager
// acting: a scheduled suspension with quarantine reaching its start, and links that arrived after a
// suspension started (registered regardless, or ingested late). Decisions never wait for this: they
// compute the quarantine from the rules; this is what puts the links in the analysts' queue.
import type { Database } from "../../db/client.ts";
import type { BackgroundJob } from "../../jobs.ts";
import { QUARANTINE_MATCH } from "./service.ts";
import { withPoolTransaction } from "../../db/transaction.ts";
import { enqueueLinksQuarantinedNow } from "../webhooks/outbox.ts";

/** One set-based UPDATE over every suspension in force with quarantine on; returns links marked. */
export async function applyDueQuarantines(db: Pick<Database, "pool">): Promise<number> {
  return withPoolTransaction(db.pool, async (client) => {
    const { rowCount } = await client.query(
      `UPDATE bank_link l
       SET status = 'QUARANTINED', status_changed_at = date_trunc('milliseconds', now()), quarantine_suspension_id = s.id::text,
           status_reason = 'Linked at or after the suspension cutoff at ' || b.name || ' (' ||
                           to_char(s.cutoff_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI') || ' JST)'
       FROM suspension s JOIN bank b ON b.code = s.bank_code
       WHERE s.quarantine AND s.starts_at <= now()
         -- lifted ones only matter until every link they cover is marked (lifted long ago: done)
         AND (s.lifted_at IS NULL OR (s.lifted_at > s.starts_at AND s.lifted_at > now() - interval '1 hour'))
         AND l.bank_code = s.bank_code AND ${QUARANTINE_MATCH}`,
    );
    if (rowCount) await enqueueLinksQuarantinedNow(client); // webhooks: in the same transaction
    return rowCount ?? 0;
  });
}

export const QUARANTINE_JOB_INTERVAL_MS = 10_000;

export const quarantineJob: BackgroundJob = {
  name: "suspensions.quarantine",
  intervalMs: QUARANTINE_JOB_INTERVAL_MS,
  run: async (db) => {
    await applyDueQuarantines(db);
  },
};

// Keeps the QUARANTINED status column in step with the rules for what happens without a manager
// acting: a scheduled suspension with quarantine reaching its start, and links that arrived after a
// suspension started (registered regardless, or ingested late). Decisions never wait for this: they
// compute the quarantine from the rules; this is what puts the links in the analysts' queue.
import type { Database } from "../../db/client.ts";
import type { BackgroundJob } from "../../jobs.ts";
import { quarantineLinksSql } from "../../db/queries/bank-links.ts";
import { query, sql } from "../../db/sql.ts";
import { withPoolTransaction } from "../../db/transaction.ts";
import { enqueueLinksQuarantinedNow } from "../webhooks/outbox.ts";

/** One set-based UPDATE over every suspension in force with quarantine on; returns links marked. */
export async function applyDueQuarantines(db: Pick<Database, "pool">): Promise<number> {
  return withPoolTransaction(db.pool, async (client) => {
    // Lifted ones only matter until every link they cover is marked (lifted long ago: done).
    const { rowCount } = await query(client, quarantineLinksSql(sql`(s.lifted_at IS NULL OR s.lifted_at > now() - interval '1 hour')`));
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

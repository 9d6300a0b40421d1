// How scoring keeps up with ingestion (registered in server/ingest-hooks.ts):
// - after each committed batch: rescore the touched accounts and the accounts sharing a device, IP
//   address or bank account with them, then the accounts linked during spikes stored since the
//   last batch (the volume detector back-dates a spike to its first anomalous bucket);
// - after a demo-data load: rescore everything once.
import type { Database } from "../../db/client.ts";
import type { IngestedBatchSummary } from "../events/types.ts";
import { rescoreAll, rescoreForNewSpikes, rescoreTouched } from "./scoring.ts";

export async function rescoreAfterBatch(db: Database, batch: IngestedBatchSummary): Promise<void> {
  await rescoreTouched(db, batch.accountIds);
  await rescoreForNewSpikes(db);
}

export async function rescoreAfterDemoLoad(db: Database, log: (message: string) => void): Promise<void> {
  let lastLoggedMs = 0;
  const result = await rescoreAll(db, {
    onProgress: (p) => {
      if (p.elapsedMs - lastLoggedMs < 5_000) return;
      lastLoggedMs = p.elapsedMs;
      log(`scoring accounts: ${p.scored} of ${p.total}`);
    },
  });
  await rescoreForNewSpikes(db);
  const flagged = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM wallet_account WHERE flagged_at IS NOT NULL");
  log(`scored ${result.scored} accounts in ${(result.durationMs / 1000).toFixed(1)} s; ${flagged.rows[0].n} flagged`);
}

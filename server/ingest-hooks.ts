// Where other features plug into event ingestion (server/features/events/ingest.ts). A feature
// registers by adding its function to an array below (import it here and add it to the list, so
// the order is visible in one place):
//
//   inTransaction  runs inside the ingesting transaction, after the batch's rows and rollups are
//                  written and before COMMIT, on the same connection. Throwing rolls the whole batch
//                  back and the platform gets a 500 (so keep it set-based and certain). Use it for
//                  what must be exactly as durable as the events (e.g. policy violations, quarantining
//                  links registered at a suspended bank).
//   afterCommit    runs after COMMIT, before the API answers, in order. A failure is logged and never
//                  changes the answer (the events are stored). Use it for derived data that can be
//                  recomputed (rescoring touched accounts, spike detection).
//
// Hooks run only for batches that stored at least one event. The demo loader and bulk loads skip
// the after-commit hooks per batch and run DEMO_POST_LOAD_STEPS once at the end instead.
import type pg from "pg";
import type { Database } from "./db/client.ts";
import type { IngestedBatchSummary } from "./features/events/types.ts";
import { suspensionsIngestHook } from "./features/suspensions/ingest-hook.ts";
import { rescoreAfterBatch, rescoreAfterDemoLoad } from "./features/accounts/hooks.ts";
import { backfillVolumeAfterDemoLoad, markVolumeAfterBatch } from "./features/volume/hooks.ts";
import { recordFeedLagAfterBatch } from "./features/feeds/hook.ts";

export type { IngestedBatchSummary } from "./features/events/types.ts";

export type InTransactionHook = (tx: pg.PoolClient, batch: IngestedBatchSummary) => Promise<void>;
export type AfterCommitHook = (db: Database, batch: IngestedBatchSummary) => Promise<void>;

export interface IngestHooks {
  inTransaction: InTransactionHook[];
  afterCommit: AfterCommitHook[];
}

export const INGEST_HOOKS: IngestHooks = {
  inTransaction: [
    suspensionsIngestHook, // suspensions: quarantine links linked inside a quarantine window; record policy violations
  ],
  afterCommit: [
    rescoreAfterBatch, // accounts: touched + related accounts, then accounts linked during new spikes
    markVolumeAfterBatch, // volume: note how far back the batch reaches (detection itself runs as a job)
    recordFeedLagAfterBatch, // feeds: how late the batch's events arrived, per bank and type (live traffic only)
  ],
};

/**
 * Bulk equivalents of the after-commit hooks, run once (in order) at the end of a demo-data load,
 * e.g. a bulk rescore of every account, a spike backfill over the loaded buckets. A failure stops
 * the load with an error (the demo would otherwise look wrong without saying so).
 */
export type DemoPostLoadStep = (db: Database, log: (message: string) => void) => Promise<void>;

export const DEMO_POST_LOAD_STEPS: DemoPostLoadStep[] = [
  backfillVolumeAfterDemoLoad, // volume: expected levels, bands and spikes for the loaded history
  rescoreAfterDemoLoad, // accounts: bulk rescore (keep after a spike backfill: LINKED_DURING_SPIKE reads spikes)
];

// How volume detection keeps up with ingestion (registered in server/ingest-hooks.ts and
// server/jobs.ts): a background job evaluates the newest buckets every few seconds; each committed
// batch only marks how far back its events reach, so late events are re-read by the next run
// without slowing the platform's answer. After a demo-data load, one backfill of everything.
import type { Database } from "../../db/client.ts";
import type { IngestedBatchSummary } from "../events/types.ts";
import { backfillVolume, markVolumeDirty, runDetection } from "./detection.ts";

/** How often detection runs: a burst is stored within this plus one run's time of its events. */
export const DETECTION_INTERVAL_MS = 2_000;

export async function markVolumeAfterBatch(db: Database, batch: IngestedBatchSummary): Promise<void> {
  markVolumeDirty(db, batch.minOccurredAt);
}

export async function backfillVolumeAfterDemoLoad(db: Database, log: (message: string) => void): Promise<void> {
  await backfillVolume(db, { log });
}

export const volumeDetectionJob = {
  name: "volume.detection",
  intervalMs: DETECTION_INTERVAL_MS,
  async run(db: Database): Promise<void> {
    await runDetection(db);
  },
};

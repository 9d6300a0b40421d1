// How volume detection keeps up with ingestion (registered in server/ingest-hooks.ts and
// server/jobs.ts): a background job evaluates the newest buckets every few seconds; each committed
// batch only marks how far back its events reach, so late events are re-read by the next run
// without slowing the platform's answer. After a demo-data load, one backfill of everything.
// With several instances the job runs on one of them (server/jobs.ts); a batch ingested by another
// instance that reaches back before the current bucket tells it through NOTIFY (VOLUME_DIRTY_CHANNEL).
import type { Database } from "../../db/client.ts";
import { query, sql } from "../../db/sql.ts";
import type { IngestedBatchSummary } from "../events/types.ts";
import type { BackgroundJob } from "../../jobs.ts";
import { backfillVolume, markVolumeDirty, resetDetection, runDetection } from "./detection.ts";

/** How often detection runs: a burst is stored within this plus one run's time of its events. */
export const DETECTION_INTERVAL_MS = 2_000;

/** Delivered to the instance running detection: the oldest instant (epoch ms) a batch touched. */
export const VOLUME_DIRTY_CHANNEL = "floodgate_volume_dirty";

export async function markVolumeAfterBatch(db: Database, batch: IngestedBatchSummary): Promise<void> {
  if (!batch.minOccurredAt) return;
  markVolumeDirty(db, batch.minOccurredAt); // this process runs detection (or it is a no-op)
  // Events in the still-filling bucket are read by the next run anyway; older ones must be told.
  if (batch.minOccurredAt.getTime() < Math.floor(Date.now() / 300_000) * 300_000) {
    await query(db.pool, sql`SELECT pg_notify(${VOLUME_DIRTY_CHANNEL}, ${String(batch.minOccurredAt.getTime())})`);
  }
}

export async function backfillVolumeAfterDemoLoad(db: Database, log: (message: string) => void): Promise<void> {
  await backfillVolume(db, { log });
}

export const volumeDetectionJob: BackgroundJob = {
  name: "volume.detection",
  intervalMs: DETECTION_INTERVAL_MS,
  async run(db: Database): Promise<void> {
    await runDetection(db);
  },
  // A process that stops leading forgets its detector state; one that starts leading loads what the
  // previous leader stored (a series resumes at its last evaluated bucket).
  reset: (db) => resetDetection(db),
  listen: {
    channel: VOLUME_DIRTY_CHANNEL,
    onNotify(db, payload) {
      const ms = Number(payload);
      if (Number.isFinite(ms)) markVolumeDirty(db, new Date(ms));
    },
  },
};

// Background work that runs beside the HTTP server (spike detection, scheduled suspensions…).
// Each feature adds its loop here; all stop together on shutdown.
import type { FastifyBaseLogger } from "fastify";
import type { Database } from "./db/client.ts";
import { quarantineJob } from "./features/suspensions/quarantine-job.ts";
import { volumeDetectionJob } from "./features/volume/hooks.ts";

export interface BackgroundJob {
  name: string;
  intervalMs: number;
  run(db: Database): Promise<void>;
}

export const BACKGROUND_JOBS: BackgroundJob[] = [
  quarantineJob,
  volumeDetectionJob, // volume: expected levels, bands and spikes for the newest buckets, every 2 s
];

export function startBackgroundJobs(db: Database, log: FastifyBaseLogger) {
  const timers: NodeJS.Timeout[] = [];
  for (const job of BACKGROUND_JOBS) {
    let running = false;
    timers.push(
      setInterval(async () => {
        if (running) return; // never overlap a slow run with the next tick
        running = true;
        try {
          await job.run(db);
        } catch (err) {
          log.error({ err, job: job.name }, "background job failed");
        } finally {
          running = false;
        }
      }, job.intervalMs),
    );
  }
  return { stop: () => timers.forEach(clearInterval) };
}

// How many event batches this process is ingesting right now, and when the last one ended: read by
// the after-batch rescoring (accounts/hooks.ts) to tell a pause between batches from the end of a
// burst. A module of its own so that features reading it need not import the ingestion service.
let inFlight = 0;
let lastEndedAt = 0;

export function batchStarted(): void {
  inFlight++;
}

export function batchEnded(): void {
  inFlight--;
  lastEndedAt = performance.now();
}

/** Batches being ingested now, and when (performance.now()) the last one ended. */
export function ingestActivity(): { inFlight: number; lastEndedAt: number } {
  return { inFlight, lastEndedAt };
}

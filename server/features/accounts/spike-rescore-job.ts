// Rescoring of the accounts linked during a spike, as a background job (server/jobs.ts): the
// detector (also a job) stores a spike with a start in the past, and the accounts linked at that
// bank since then gain LINKED_DURING_SPIKE here, within one interval, whether or not more events
// arrive. One instance runs it (the jobs leader), and what it has done is recorded on the spike rows
// (scoring.ts), so neither a second instance nor a new leader after failover does it again.
import type { BackgroundJob } from "../../jobs.ts";
import { rescoreForNewSpikes } from "./scoring-spikes.ts";

export const spikeRescoreJob: BackgroundJob = {
  name: "accounts.spike-rescoring",
  intervalMs: 2_000,
  async run(db) {
    await rescoreForNewSpikes(db);
  },
};

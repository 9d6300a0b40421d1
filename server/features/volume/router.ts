// Volume by bank: thin procedures over the services (all staff may read; see shared/volume/access.ts).
import { DETECTION_BUCKET_MINUTES, VOLUME_METRICS, defaultParamsFor, describeDetectorParams } from "../../../shared/volume/index.ts";
import { AcknowledgeAlarmInput, BankVolumeInput, OverviewInput } from "../../../shared/volume/schemas.ts";
import { router } from "../../trpc/init.ts";
import { readProcedure, staffProcedure } from "../../trpc/procedures.ts";
import { bankVolume, openSpikes } from "./bank.ts";
import { volumeOverview, volumeOverviewKpis, type Overview } from "./overview.ts";
import { SingleFlight } from "../../lib/single-flight.ts";
import type { Database } from "../../db/client.ts";
import { acknowledgeAlarm } from "./acknowledge.ts";

// Analysts opening the same overview at once share one computation (server/lib/single-flight.ts).
const overviewFlights = new WeakMap<Database, SingleFlight<Overview>>();
function overviewOnce(db: Database, input: OverviewInput): Promise<Overview> {
  let flights = overviewFlights.get(db);
  if (!flights) overviewFlights.set(db, (flights = new SingleFlight()));
  return flights.run(JSON.stringify(input), () => volumeOverview(db, input));
}

export const volumeRouter = router({
  overview: readProcedure.input(OverviewInput).query(({ ctx, input }) => overviewOnce(ctx.deps.db, input)),
  // The overview's KPI tiles alone, asked for beside it when the page opens (it answers first).
  overviewKpis: readProcedure.input(OverviewInput).query(({ ctx, input }) => volumeOverviewKpis(ctx.deps.db, input)),
  bank: readProcedure.input(BankVolumeInput).query(({ ctx, input }) => bankVolume(ctx.deps.db, input)),
  openSpikes: readProcedure.query(({ ctx }) => openSpikes(ctx.deps.db)),
  acknowledgeAlarm: staffProcedure.input(AcknowledgeAlarmInput).mutation(({ ctx, input }) => acknowledgeAlarm(ctx.db, ctx.actor, input)),
  params: staffProcedure.query(() =>
    VOLUME_METRICS.flatMap((metric) =>
      DETECTION_BUCKET_MINUTES.map((bucketMinutes) => ({ metric, bucketMinutes, params: describeDetectorParams(defaultParamsFor(metric, bucketMinutes)) })),
    ),
  ),
});

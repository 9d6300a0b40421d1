// Loads the demo data set on an empty database: the deterministic generator's month of traffic,
// ending now (so the incident is ongoing), sent through the same ingestion service as the API in
// 1000-event batches (no side door into the tables), then the other features' bulk post-load steps.
import path from "node:path";
import type { Database } from "../../db/client.ts";
import { REPO_ROOT } from "../../db/postgres.ts";
import { query, rows, sql } from "../../db/sql.ts";
import { DEMO_POST_LOAD_STEPS } from "../../ingest-hooks.ts";
import { generateDemo, writeLabels } from "./demo/index.ts";
import { REFERENCE_BANKS } from "../reference/banks.ts";
import { ingestBatch } from "./ingest.ts";
import { loadStream } from "./stream-loader.ts";

export const DEMO_LABELS_FILE = path.join(REPO_ROOT, ".data", "demo-labels.json");
/** About how many events the generator yields at scale 1 (for progress only). */
const EVENTS_PER_SCALE_ESTIMATE = 630_000;
// Two lanes keep PostgreSQL busy while this process generates and validates the next batch.
const DEMO_LOAD_LANES = 2;

export interface DemoLoadOptions {
  seed: number;
  scale: number;
  log: (message: string) => void;
  /** end of the demo window (default: now) */
  now?: Date;
  labelsFile?: string;
}

export interface DemoLoadResult {
  loaded: boolean;
  events: number;
  accepted: number;
  rejected: number;
  seconds: number;
}

export async function loadDemoDataIfEmpty(db: Database, opts: DemoLoadOptions): Promise<DemoLoadResult> {
  const [{ any }] = await rows<{ any: boolean }>(db.pool, sql`SELECT EXISTS (SELECT 1 FROM wallet_account) AS any`);
  if (any) return { loaded: false, events: 0, accepted: 0, rejected: 0, seconds: 0 };
  return loadDemoData(db, opts);
}

export async function loadDemoData(db: Database, opts: DemoLoadOptions): Promise<DemoLoadResult> {
  const t0 = Date.now();
  const run = generateDemo({ seed: opts.seed, scale: opts.scale, now: opts.now ?? new Date(), banks: REFERENCE_BANKS });
  const estimate = Math.round(EVENTS_PER_SCALE_ESTIMATE * opts.scale);
  opts.log(`loading demo data (seed ${opts.seed}, scale ${opts.scale}, about ${estimate.toLocaleString("en-US")} events) through the ingestion service…`);
  let nextReport = 0.1;
  const totals = await loadStream(run.events, {
    lanes: DEMO_LOAD_LANES,
    // After-commit hooks are per-batch work (rescoring, spike detection): their bulk equivalents run
    // once at the end instead (DEMO_POST_LOAD_STEPS).
    send: (batch) => ingestBatch(db, batch, { afterCommit: false }),
    onBatch(t) {
      if (t.sent >= estimate * nextReport) {
        const seconds = (Date.now() - t0) / 1000;
        opts.log(`demo data: ${t.sent.toLocaleString("en-US")} events (~${Math.min(99, Math.round((100 * t.sent) / estimate))}%), ${Math.round(t.sent / seconds).toLocaleString("en-US")} events/s`);
        while (t.sent >= estimate * nextReport) nextReport += 0.1;
      }
    },
  });
  if (totals.rejected > 0) {
    // The generator only produces valid, in-order events: a rejection is a bug worth seeing.
    opts.log(`demo data: WARNING ${totals.rejected} events were rejected: ${JSON.stringify(totals.rejectedByCode)}`);
  }
  writeLabels(run.labels, opts.labelsFile ?? DEMO_LABELS_FILE);
  const loadSeconds = (Date.now() - t0) / 1000;
  const s = run.stats;
  opts.log(
    `demo data loaded in ${loadSeconds.toFixed(1)} s (${Math.round(totals.sent / loadSeconds).toLocaleString("en-US")} events/s): ` +
      `${s.honestWallets + s.fraudWallets} wallets, ${s.eventsByType["link.registered"]} links, ${s.charges} charges, ${s.spends} spends; ` +
      `incident at ${run.labels.incident.primaryBankCode} since ${run.labels.incident.startedAt} (${s.fraudWallets} fraudulent wallets; labels in ${path.relative(REPO_ROOT, opts.labelsFile ?? DEMO_LABELS_FILE)})`,
  );
  await vacuumAfterBulkLoad(db);
  for (const step of DEMO_POST_LOAD_STEPS) {
    const ts = Date.now();
    opts.log(`demo data: ${step.name || "post-load step"}…`);
    await step(db, opts.log);
    opts.log(`demo data: ${step.name || "post-load step"} done in ${((Date.now() - ts) / 1000).toFixed(1)} s`);
  }
  return { loaded: true, events: totals.sent, accepted: totals.accepted, rejected: totals.rejected, seconds: (Date.now() - t0) / 1000 };
}

/**
 * After a bulk load, before what reads it next (the post-load steps, the console's first queries):
 * fresh statistics (autovacuum may not have caught up with tables that grew from nothing in
 * minutes), and a VACUUM that sets the new rows' hint bits and the visibility map once, so index-only
 * scans stop visiting the heap and readers stop dirtying pages. At the scale-10 bench data a bulk
 * rescoring used 29 s of PostgreSQL CPU after it against 55-93 s before.
 */
export async function vacuumAfterBulkLoad(db: Pick<Database, "pool">): Promise<void> {
  await query(db.pool, sql`VACUUM (ANALYZE) processed_event, wallet_account, bank_link, bank_link_version, charge, spend, volume_bucket,
                              device_sharing, ip_sharing, bank_account_wallet, bank_account_sharing`);
}

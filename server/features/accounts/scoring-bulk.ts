// Rescoring every account (the bulk path, scoring.ts describes the columns and locks): a keyset walk
// over wallet_account, chunks scored by a few workers at once, sharing counts read once per run.
import type pg from "pg";
import type { Database } from "../../db/client.ts";
import { rows, sql } from "../../db/sql.ts";
import { withPoolTransaction } from "../../db/transaction.ts";
import { loadLinkSpikes, loadSharedCounts } from "./facts.ts";
import { RESCORE_CHUNK_SIZE_DEFAULT, add, rescoreChunk, resolve, type RescoreOptions, type RescoreResult } from "./scoring.ts";
import { markSpikesRescored, recentLinkSpikes } from "./scoring-spikes.ts";
import { loadRingBulk } from "./scoring-ring.ts";
import { ringSettingsOf, scoringPolicy } from "./rule-versions-store.ts";
import type { PhaseTimings } from "./phase-timings.ts";

/** Runs `fn` in a read-only transaction with room for hash aggregates over every account (no spill to disk). */
function withWorkMem<T>(db: Pick<Database, "pool">, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withPoolTransaction(db.pool, fn, { readOnly: true, settings: { work_mem: "128MB" } });
}


export interface RescoreAllOptions extends RescoreOptions {
  chunkSize?: number;
  /** Chunks scored at once (each on its own connection): the database works while JS scores. */
  concurrency?: number;
  onProgress?: (p: { scored: number; total: number; elapsedMs: number }) => void;
  /**
   * Ring inputs (small shared things, flagged wallets' links) read once for the run (RingBulk in
   * scoring-ring.ts) instead of per chunk. Default: on; off is the per-chunk path (tests, bench baseline).
   */
  ringOnce?: boolean;
  /** Filled with milliseconds per phase, summed over chunks and workers (bench diagnosis). */
  timings?: PhaseTimings;
}

export interface RescoreAllResult extends RescoreResult {
  total: number;
  durationMs: number;
}

/** Rescores every account (bulk path): walks wallet_account by id with a keyset, chunk by chunk. */
export async function rescoreAll(db: Pick<Database, "pool"> & { prisma?: Database["prisma"] }, opts: RescoreAllOptions = {}): Promise<RescoreAllResult> {
  const o = resolve({ prisma: db.prisma, ...opts });
  const chunkSize = opts.chunkSize ?? RESCORE_CHUNK_SIZE_DEFAULT;
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const started = Date.now();
  // Every chunk reads the spike table after this point: the spikes stored now are fully applied by
  // this run (when it scores as of the clock), so rescoreForNewSpikes need not redo them.
  const spikesAtStart = opts.now === undefined ? await recentLinkSpikes(db, false) : [];
  const [{ n: total }] = await rows<{ n: number }>(db.pool, sql`SELECT count(*)::int AS n FROM wallet_account`);
  // Sharing counts once for the whole run, not per chunk (see SharedCounts).
  let mark = performance.now();
  // (after spikesAtStart: every spike in it is in linkSpikes)
  const shared = await withWorkMem(db, async (client) => ({ ...(await loadSharedCounts(client, o.now)), linkSpikes: await loadLinkSpikes(client, o.now) }));
  if (opts.timings) opts.timings["run.sharedCounts"] = performance.now() - mark;
  mark = performance.now();
  // (the hub limits of the active version's RING: a switch of versions is refused while a run is under way)
  const ringSettings = ringSettingsOf(await scoringPolicy(db.pool), o.rules !== undefined);
  const ringBulk = o.ring && opts.ringOnce !== false ? await withWorkMem(db, (client) => loadRingBulk(client, { now: o.now, threshold: o.threshold, ...ringSettings })) : undefined;
  if (opts.timings) opts.timings["run.ringBulk"] = performance.now() - mark;
  let sum: RescoreResult = { scored: 0, changed: 0, newlyFlagged: 0 };
  let after = "";
  let exhausted = false;
  // The keyset cursor is shared by the workers; each takes the next id range under this "lock".
  let cursorBusy: Promise<void> = Promise.resolve();
  async function nextChunk(): Promise<{ after: string; upTo: string } | null> {
    const prev = cursorBusy;
    let release!: () => void;
    cursorBusy = new Promise((r) => (release = r));
    await prev;
    try {
      if (exhausted) return null;
      const ids = await rows<{ id: string }>(db.pool, sql`SELECT id FROM wallet_account WHERE id > ${after} ORDER BY id LIMIT ${chunkSize}`);
      if (ids.length < chunkSize) exhausted = true;
      if (ids.length === 0) return null;
      const range = { after, upTo: ids[ids.length - 1].id };
      after = range.upTo;
      return range;
    } finally {
      release();
    }
  }
  async function worker() {
    const client = await db.pool.connect();
    try {
      for (let range = await nextChunk(); range; range = await nextChunk()) {
        const r = await rescoreChunk(client, range, o, shared, ringBulk, opts.timings); // (awaited first: `sum` is shared by the workers)
        sum = add(sum, r);
        opts.onProgress?.({ scored: sum.scored, total, elapsedMs: Date.now() - started });
      }
    } finally {
      client.release();
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  await markSpikesRescored(db, spikesAtStart);
  return { ...sum, total, durationMs: Date.now() - started };
}

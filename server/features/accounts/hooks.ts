// How scoring keeps up with ingestion (registered in server/ingest-hooks.ts):
// - after each committed batch: the touched accounts join a queue, and one worker per process
//   rescores the queue's accounts and those sharing a device, IP address or bank account with
//   them (only the groups a batch can have grown: wallets it opened, links it registered or
//   changed; a charge or spend changes no other wallet's facts). The accounts linked during a spike
//   (which the volume detector back-dates to its first anomalous bucket) are rescored by a
//   background job on one instance (spike-rescore-job.ts). The API answers without waiting for it:
//   a round of 10,000 touched accounts takes one to two seconds at the bench's sizes (more during an
//   attack, see the README's "Ingestion with scoring on"), which would otherwise cap ingestion; a
//   burst of batches is coalesced into a few rounds (RESCORE_ROUND_EVERY_MS), and past
//   RESCORE_QUEUE_MAX queued accounts the batches wait for them. Scores are derived data: if the
//   process stops with accounts queued, a bulk rescoring (console, or the next demo load) catches up.
// - after a demo-data load: rescore everything once.
import { rows, sql } from "../../db/sql.ts";
import type { Database } from "../../db/client.ts";
import type { IngestedBatchSummary } from "../events/types.ts";
import { rescoreAll } from "./scoring-bulk.ts";
import { rescoreTouched } from "./scoring-related.ts";
import { rescoreForNewSpikes } from "./scoring-spikes.ts";
import type { PhaseTimings } from "./phase-timings.ts";
import { ingestActivity } from "../events/in-flight.ts";

/** Accounts rescored per round of the worker (more wait for the next round). */
export const RESCORE_ROUND_ACCOUNTS_MAX = 10_000;
/**
 * A round starts once no batch has been in flight for RESCORE_QUIET_MS (the end of a burst), or
 * RESCORE_ROUND_EVERY_MS after the last round started, or when a round's worth of accounts is
 * queued, whichever comes first. While batches keep coming, a wallet they touch again and again
 * (opened, linked, charged, spent within seconds) is then scored once per round, not once per
 * batch, and a round's fixed costs are shared by more wallets. Measured on a fresh scale-2 bench
 * at concurrency 1, where rounds used to start after every batch: 112 rounds became 18, and the
 * wallets rescored per event 0.91 became 0.73. Scores lag the events by at most
 * RESCORE_ROUND_EVERY_MS plus a round; after the last batch of a burst, by RESCORE_QUIET_MS plus a round.
 */
export const RESCORE_ROUND_EVERY_MS = 2_000;
export const RESCORE_QUIET_MS = 100;
/** A backlog at least twice this size is split over two rounds at once when no batch is in flight (see drain). */
export const RESCORE_SPLIT_ROUND_MIN = 2_000;
const ROUND_DEFAULTS = { everyMs: RESCORE_ROUND_EVERY_MS, quietMs: RESCORE_QUIET_MS, splitMin: RESCORE_SPLIT_ROUND_MIN };
const roundWindow = { ...ROUND_DEFAULTS };
/** Other round settings (tests); the defaults above when called without. */
export function setRescoreRoundWindow(w: Partial<typeof ROUND_DEFAULTS> = ROUND_DEFAULTS): void {
  Object.assign(roundWindow, ROUND_DEFAULTS, w);
}
/** Above this many queued accounts the hook waits for the worker (back-pressure on ingestion). */
export const RESCORE_QUEUE_MAX = 50_000;

const queue = new Set<string>();
// What the queued batches changed that other wallets' facts read (see SharingChanges): the wallets
// they opened, and those whose links they registered or changed.
const openedQueue = new Set<string>();
const linkedQueue = new Set<string>();
let worker: Promise<void> | null = null;
let lastRoundAt = 0;

/** Waits until a round should start (see RESCORE_ROUND_EVERY_MS). */
async function roundDue(): Promise<void> {
  for (;;) {
    if (queue.size >= RESCORE_ROUND_ACCOUNTS_MAX) return;
    const now = performance.now();
    const ingest = ingestActivity();
    // (a pause between two batches of a stream is not the end of it: the next one is already in flight)
    const quietAt = ingest.inFlight > 0 ? Infinity : ingest.lastEndedAt + roundWindow.quietMs;
    const wait = Math.min(quietAt, lastRoundAt + roundWindow.everyMs) - now;
    if (wait <= 0) return;
    await new Promise((r) => setTimeout(r, Math.ceil(Math.min(wait, roundWindow.quietMs))));
  }
}

/** What this process's after-batch rescoring has done so far (the ingest bench reports it per phase). */
export interface AfterBatchRescoreStats {
  rounds: number;
  /** touched accounts taken from the queue */
  queued: number;
  /** accounts scored, with the groups and lock-step windows around them */
  scored: number;
  /** wall time in rounds */
  ms: number;
  /** where the rounds' time went (phase-timings.ts), summed */
  timings: PhaseTimings;
}
const stats: AfterBatchRescoreStats = { rounds: 0, queued: 0, scored: 0, ms: 0, timings: {} };
export const afterBatchRescoreStats = (): AfterBatchRescoreStats => ({ ...stats, timings: { ...stats.timings } });

interface Round {
  ids: string[];
  opened: string[];
  linked: string[];
}

function takeRound(max: number): Round {
  const round: Round = { ids: [], opened: [], linked: [] };
  for (const id of queue) {
    round.ids.push(id);
    queue.delete(id);
    if (openedQueue.delete(id)) round.opened.push(id);
    if (linkedQueue.delete(id)) round.linked.push(id);
    if (round.ids.length >= max) break;
  }
  return round;
}

async function runRound(db: Database, round: Round): Promise<void> {
  const t0 = performance.now();
  try {
    const r = await rescoreTouched(db, round.ids, { timings: stats.timings }, { openedAccountIds: round.opened, linkedAccountIds: round.linked });
    stats.scored += r.scored;
  } catch (err) {
    console.error("[accounts] rescoring after ingestion failed; a bulk rescoring will catch up", err);
  }
  stats.rounds++;
  stats.queued += round.ids.length;
  stats.ms += performance.now() - t0;
}

async function drain(db: Database): Promise<void> {
  while (queue.size > 0) {
    await roundDue();
    lastRoundAt = performance.now();
    // With no batch in flight (a burst has ended) the cores the batches used are free: a backlog is
    // split over two rounds that run at once. Each transaction locks its wallets in one statement in
    // id order, so two rounds sharing a wallet can only wait for each other, never deadlock.
    const split = ingestActivity().inFlight === 0 && queue.size >= 2 * roundWindow.splitMin;
    const size = split ? Math.min(RESCORE_ROUND_ACCOUNTS_MAX, Math.ceil(queue.size / 2)) : RESCORE_ROUND_ACCOUNTS_MAX;
    const rounds = split ? [takeRound(size), takeRound(size)] : [takeRound(size)];
    await Promise.all(rounds.map((r) => runRound(db, r)));
  }
}

function kick(db: Database) {
  worker ??= drain(db).finally(() => {
    worker = null;
    if (queue.size > 0) kick(db); // queued while the last round was finishing
  });
}

export async function rescoreAfterBatch(db: Database, batch: IngestedBatchSummary): Promise<void> {
  for (const id of batch.accountIds) queue.add(id);
  for (const id of batch.openedAccountIds) openedQueue.add(id);
  for (const l of batch.registeredLinks) linkedQueue.add(l.accountId);
  for (const l of batch.changedLinks) linkedQueue.add(l.accountId);
  kick(db);
  if (queue.size > RESCORE_QUEUE_MAX) await worker;
}

/** Resolves once every account queued so far has been rescored (tests; shutdown). */
export async function scoringSettled(): Promise<void> {
  while (worker) await worker;
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
  // Only spikes stored during the bulk run are left (it applied those stored before it began).
  await rescoreForNewSpikes(db);
  const [flagged] = await rows<{ n: number }>(db.pool, sql`SELECT count(*)::int AS n FROM wallet_account WHERE flagged_at IS NOT NULL`);
  log(`scored ${result.scored} accounts in ${(result.durationMs / 1000).toFixed(1)} s; ${flagged.n} flagged`);
}

// Scoring service: facts for a set of accounts (facts.ts) → the pure rule table (shared/accounts)
// → one UPDATE … FROM unnest(…) per chunk.
//
// Stored columns:
// - risk_score / risk_reasons: the latest result; a rescoring that finds the same result leaves the
//   row alone (bulk rescoring with unchanged rules then writes almost nothing).
// - scored_at: when the stored result was last written (first scoring, or the last change).
// - flagged_at: when the account FIRST reached the flag threshold. It is kept when the score later
//   drops (the history matters to the analyst and to the platform's polling cursor, which must
//   never see an account move); "flagged now" is always `risk_score >= threshold`.
//
// Concurrency: each chunk locks its accounts (FOR NO KEY UPDATE, in id order so two chunks never
// deadlock) before reading facts, in READ COMMITTED, so of two rescorings of one account the later
// one waits and then reads everything committed before it: the last write always reflects all
// committed events. Not FOR UPDATE: that also blocks the KEY SHARE locks an ingesting batch takes
// on the accounts its charges and links refer to, and the two deadlocked under concurrent load.
import type pg from "pg";
import { DEFAULT_FLAG_THRESHOLD, SCORING_RULES, scoreAccount, type Reason, type ScoringRule } from "../../../shared/accounts/index.ts";
import type { Database } from "../../db/client.ts";
import { query, rows, sql } from "../../db/sql.ts";
import { withPoolTransaction } from "../../db/transaction.ts";
import { enqueueWebhookEvents } from "../webhooks/outbox.ts";
import { walletsFlaggedEvents } from "../webhooks/events.ts";
import { inSet, loadFacts, loadSharedCounts, SPIKE_METRICS_FOR_LINKS, type AccountSet, type SharedCounts } from "./facts.ts";
import { processMetrics } from "../../metrics.ts";

/** Accounts scored per transaction: big enough for set-based queries, small enough for short locks. */
export const RESCORE_CHUNK_SIZE_DEFAULT = 2_000;
/**
 * A device, IP address or bank account shared by more wallets than this is not expanded when one
 * of them changes: every sharing rule's minimum is far below it, so one more member changes only
 * the count quoted in the evidence, not any score (it is corrected at the next rescoring of them).
 */
export const RELATED_GROUP_WALLETS_MAX = 200;

export interface RescoreOptions {
  /** Scoring instant: the 30-day windows end here. Default: the clock. */
  now?: Date;
  /** Stored as scored_at / flagged_at. Default: `now`. */
  scoredAt?: Date;
  rules?: readonly ScoringRule[];
  threshold?: number;
}

export interface RescoreResult {
  scored: number;
  changed: number;
  newlyFlagged: number;
}

function resolve(opts: RescoreOptions) {
  const now = opts.now ?? new Date();
  return { now, scoredAt: opts.scoredAt ?? now, rules: opts.rules ?? SCORING_RULES, threshold: opts.threshold ?? DEFAULT_FLAG_THRESHOLD };
}

/** Scores one chunk inside its own transaction on one pooled connection. */
async function rescoreChunk(client: pg.PoolClient, set: AccountSet, o: ReturnType<typeof resolve>, shared?: SharedCounts): Promise<RescoreResult> {
  await client.query("BEGIN");
  try {
    const locked = await rows<{ id: string }>(client, sql`SELECT id FROM wallet_account WHERE ${inSet(set, "id")} ORDER BY id FOR NO KEY UPDATE`);
    const lockedIds = locked.map((r) => r.id);
    // A range stays a range (index range scans); a list is narrowed to the accounts that exist.
    const facts = await loadFacts(client, Array.isArray(set) ? lockedIds : set, o.now, shared);
    const outIds: string[] = [];
    const scores: number[] = [];
    const reasons: string[] = [];
    for (const id of lockedIds) {
      const f = facts.get(id);
      if (!f) continue;
      const r = scoreAccount(f, o.rules, o.now);
      outIds.push(id);
      scores.push(r.score);
      reasons.push(JSON.stringify(r.reasons satisfies Reason[]));
    }
    // `a.id = ANY($1)` as well as the join: the planner cannot estimate unnest's rows and otherwise
    // merge-joins along the whole primary key index (every account before the chunk, per chunk).
    const scoredAt = sql`${o.scoredAt}::timestamptz`;
    const threshold = sql`${o.threshold}::int`;
    const res = await query<{ id: string; score: number; newly_flagged: boolean }>(client, sql`
      UPDATE wallet_account a
      SET risk_score = u.score,
          risk_reasons = u.reasons::jsonb,
          scored_at = ${scoredAt},
          flagged_at = CASE WHEN a.flagged_at IS NULL AND u.score >= ${threshold} THEN ${scoredAt} ELSE a.flagged_at END
      FROM unnest(${outIds}::text[], ${scores}::int[], ${reasons}::text[]) AS u(id, score, reasons)
      WHERE a.id = u.id AND a.id = ANY(${outIds}::text[])
        AND (a.scored_at IS NULL OR a.risk_score <> u.score OR a.risk_reasons <> u.reasons::jsonb
             OR (a.flagged_at IS NULL AND u.score >= ${threshold}))
      RETURNING a.id, u.score, (a.flagged_at = ${scoredAt} AND u.score >= ${threshold}) AS newly_flagged`);
    await enqueueWebhookEvents(client, walletsFlaggedEvents(res.rows, o.scoredAt));
    await client.query("COMMIT");
    return { scored: outIds.length, changed: res.rowCount ?? 0, newlyFlagged: res.rows.filter((r) => r.newly_flagged).length };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}

/** Runs `fn` in a read-only transaction with room for hash aggregates over every account (no spill to disk). */
function withWorkMem<T>(db: Pick<Database, "pool">, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withPoolTransaction(db.pool, fn, { readOnly: true, settings: { work_mem: "128MB" } });
}

function add(a: RescoreResult, b: RescoreResult): RescoreResult {
  return { scored: a.scored + b.scored, changed: a.changed + b.changed, newlyFlagged: a.newlyFlagged + b.newlyFlagged };
}

/** Rescores the given accounts (incremental path), in chunks. Unknown ids are ignored. */
export async function rescoreAccounts(db: Pick<Database, "pool">, accountIds: readonly string[], opts: RescoreOptions = {}): Promise<RescoreResult> {
  const o = resolve(opts);
  const ids = [...new Set(accountIds)].sort();
  let total: RescoreResult = { scored: 0, changed: 0, newlyFlagged: 0 };
  if (ids.length === 0) return total;
  const client = await db.pool.connect();
  try {
    for (let i = 0; i < ids.length; i += RESCORE_CHUNK_SIZE_DEFAULT) {
      total = add(total, await rescoreChunk(client, ids.slice(i, i + RESCORE_CHUNK_SIZE_DEFAULT), o));
    }
  } finally {
    client.release();
  }
  return total;
}

export interface RescoreAllOptions extends RescoreOptions {
  chunkSize?: number;
  /** Chunks scored at once (each on its own connection): the database works while JS scores. */
  concurrency?: number;
  onProgress?: (p: { scored: number; total: number; elapsedMs: number }) => void;
}

export interface RescoreAllResult extends RescoreResult {
  total: number;
  durationMs: number;
}

/** Rescores every account (bulk path): walks wallet_account by id with a keyset, chunk by chunk. */
export async function rescoreAll(db: Pick<Database, "pool">, opts: RescoreAllOptions = {}): Promise<RescoreAllResult> {
  const o = resolve(opts);
  const chunkSize = opts.chunkSize ?? RESCORE_CHUNK_SIZE_DEFAULT;
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const started = Date.now();
  // Every chunk reads the spike table after this point: the spikes stored now are fully applied by
  // this run (when it scores as of the clock), so rescoreForNewSpikes need not redo them.
  const spikesAtStart = opts.now === undefined ? await recentLinkSpikes(db, false) : [];
  const [{ n: total }] = await rows<{ n: number }>(db.pool, sql`SELECT count(*)::int AS n FROM wallet_account`);
  // Sharing counts once for the whole run, not per chunk (see SharedCounts).
  const shared = await withWorkMem(db, (client) => loadSharedCounts(client, o.now));
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
        const r = await rescoreChunk(client, range, o, shared); // (awaited first: `sum` is shared by the workers)
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

/**
 * What a batch changed that another wallet's facts read (the sharing rules): wallets opened (device
 * and IP address counts) and links registered or changed (bank account counts). Charges and spends
 * change only their own wallet's facts. Supersets are fine: more accounts get rescored, never fewer.
 */
export interface SharingChanges {
  /** Wallets opened at or after this instant may be new members of a device or IP group (the batch's earliest event). */
  openedSince: Date;
  /** Wallets whose links were registered or changed: their bank accounts' groups are expanded. */
  linkedAccountIds: readonly string[];
}

/**
 * The accounts whose facts change when `accountIds` change: those sharing a device, an IP address
 * or a bank account with them (groups larger than RELATED_GROUP_WALLETS_MAX are not expanded, see
 * there). Includes the given accounts. With `changes`, only the groups those changes can have
 * grown are expanded (the rest of the accounts changed nothing another wallet reads).
 */
export async function relatedAccountIds(
  db: Pick<Database, "pool">,
  accountIds: readonly string[],
  groupMax = RELATED_GROUP_WALLETS_MAX,
  changes?: SharingChanges,
): Promise<string[]> {
  if (accountIds.length === 0) return [];
  const linked = changes ? changes.linkedAccountIds : accountIds;
  const openedSince = changes ? changes.openedSince : null;
  const max = sql`${groupMax}::int`;
  const found = await rows<{ id: string }>(db.pool, sql`
     WITH me AS (SELECT id, device_id, ip_address, opened_at FROM wallet_account WHERE id = ANY(${[...accountIds]}::text[])),
     opened AS (SELECT id, device_id, ip_address FROM me WHERE ${openedSince}::timestamptz IS NULL OR opened_at >= ${openedSince}::timestamptz),
     dev AS (
       SELECT w.device_id FROM wallet_account w
       WHERE w.device_id IN (SELECT device_id FROM opened WHERE device_id IS NOT NULL)
       GROUP BY w.device_id HAVING count(*) BETWEEN 2 AND ${max}
     ),
     ip AS (
       SELECT w.ip_address FROM wallet_account w
       WHERE w.ip_address IN (SELECT ip_address FROM opened WHERE ip_address IS NOT NULL)
       GROUP BY w.ip_address HAVING count(*) BETWEEN 2 AND ${max}
     ),
     acct AS (
       SELECT DISTINCT v.bank_code, v.branch_code, v.account_number
       FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id
       WHERE l.account_id = ANY(${[...linked]}::text[])
     ),
     acct_wallets AS (
       SELECT v.bank_code, v.branch_code, v.account_number, array_agg(DISTINCT l.account_id) AS ids
       FROM acct a
       JOIN bank_link_version v ON v.bank_code = a.bank_code AND v.branch_code = a.branch_code AND v.account_number = a.account_number
       JOIN bank_link l ON l.id = v.link_id
       GROUP BY v.bank_code, v.branch_code, v.account_number
       HAVING count(DISTINCT l.account_id) BETWEEN 2 AND ${max}
     )
     SELECT id FROM me
     UNION SELECT w.id FROM wallet_account w JOIN dev USING (device_id)
     UNION SELECT w.id FROM wallet_account w JOIN ip USING (ip_address)
     UNION SELECT unnest(ids) FROM acct_wallets`);
  return found.map((r) => r.id);
}

/**
 * The after-commit hook: rescores the touched accounts and those sharing a device/IP/bank account
 * with them (with `changes`: only the groups the batch's openings and link changes grew).
 */
export async function rescoreTouched(db: Pick<Database, "pool">, accountIds: readonly string[], opts: RescoreOptions = {}, changes?: SharingChanges): Promise<RescoreResult> {
  const ids = await relatedAccountIds(db, accountIds, RELATED_GROUP_WALLETS_MAX, changes);
  return rescoreAccounts(db, ids, opts);
}

/**
 * Spikes are stored by the volume detector with a start in the past, so accounts linked at that
 * bank since the start must be rescored (LINKED_DURING_SPIKE). Which start and end of each spike
 * the accounts were last rescored for is kept on the spike row (accounts_rescored_*), so this runs
 * once across instances (a background job on the instance holding the jobs lock, spike-rescore-job.ts)
 * and a new leader or a restarted process does not redo it; a bulk rescoring as of the clock
 * records the spikes it applied.
 */
export const SPIKE_LOOKBACK_DAYS = 30;

interface LinkSpike {
  id: string;
  bank_code: string;
  started_at: Date;
  ended_at: Date | null;
  /** The version last rescored for (done_at null: never). */
  done_at: Date | null;
  done_start: Date | null;
  done_end: Date | null;
}

async function recentLinkSpikes(db: Pick<Database, "pool">, onlyUndone: boolean): Promise<LinkSpike[]> {
  return rows<LinkSpike>(
    db.pool,
    sql`SELECT id::text AS id, bank_code, started_at, ended_at,
               accounts_rescored_at AS done_at, accounts_rescored_start AS done_start, accounts_rescored_end AS done_end
        FROM spike
        WHERE metric::text = ANY(${SPIKE_METRICS_FOR_LINKS}::text[]) AND (ended_at IS NULL OR ended_at > now() - make_interval(days => ${SPIKE_LOOKBACK_DAYS}))
          AND (NOT ${onlyUndone}::bool OR accounts_rescored_at IS NULL OR accounts_rescored_start IS DISTINCT FROM started_at OR accounts_rescored_end IS DISTINCT FROM ended_at)`,
  );
}

/** Records that the accounts were rescored for these spikes as they were read. */
async function markSpikesRescored(db: Pick<Database, "pool">, spikes: readonly LinkSpike[]): Promise<void> {
  if (spikes.length === 0) return;
  await query(
    db.pool,
    sql`UPDATE spike s SET accounts_rescored_at = now(), accounts_rescored_start = d.started_at, accounts_rescored_end = d.ended_at
        FROM unnest(${spikes.map((x) => x.id)}::bigint[], ${spikes.map((x) => x.started_at)}::timestamptz[], ${spikes.map((x) => x.ended_at)}::timestamptz[])
             AS d(id, started_at, ended_at) WHERE s.id = d.id`,
  );
}

/**
 * Links registered from the returned instant on may have a different spike flag than when
 * they were last scored: a new spike covers them from its start; a known one whose start moved
 * covers a different beginning; one that ended no longer covers what came after its end.
 */
function changedSince(s: LinkSpike): number | null {
  if (!s.done_at) return s.started_at.getTime();
  const was = { startedAt: s.done_start?.getTime() ?? null, endedAt: s.done_end?.getTime() ?? null };
  const now = { startedAt: s.started_at.getTime(), endedAt: s.ended_at?.getTime() ?? null };
  if (was.startedAt !== now.startedAt) return Math.min(was.startedAt ?? now.startedAt, now.startedAt);
  if (was.endedAt === now.endedAt) return null;
  // Same start, the end moved: only links after the earlier of the two ends change.
  const ends = [was.endedAt, now.endedAt].filter((e): e is number => e !== null);
  return Math.min(...ends);
}

export async function rescoreForNewSpikes(db: Pick<Database, "pool">, opts: RescoreOptions = {}): Promise<RescoreResult> {
  const spikes = await recentLinkSpikes(db, true);
  const fresh = spikes.map((s) => ({ s, since: changedSince(s) })).filter((x): x is { s: LinkSpike; since: number } => x.since !== null);
  const none: RescoreResult = { scored: 0, changed: 0, newlyFlagged: 0 };
  if (fresh.length === 0) return none;
  // Every affected account once, found with one index range scan per spike (bank, valid_from).
  const ids = await rows<{ account_id: string }>(db.pool, sql`
    SELECT DISTINCT l.account_id
    FROM unnest(${fresh.map((x) => x.s.bank_code)}::text[], ${fresh.map((x) => new Date(x.since))}::timestamptz[]) AS s(bank_code, since)
    JOIN bank_link_version v ON v.bank_code = s.bank_code AND v.valid_from >= s.since
    JOIN bank_link l ON l.id = v.link_id`);
  const total = ids.length > 0 ? await rescoreAccounts(db, ids.map((r) => r.account_id), opts) : none;
  // After the rescoring: if this process dies before, the next run does it again (never skipped).
  await markSpikesRescored(db, fresh.map((x) => x.s));
  processMetrics().countRescored("spike", total.scored);
  return total;
}

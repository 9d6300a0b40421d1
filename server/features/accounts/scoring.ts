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
import { inSet, loadFacts, loadSharedCounts, SPIKE_METRICS_FOR_LINKS, type AccountSet, type SharedCounts } from "./facts.ts";

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
    const locked = await client.query<{ id: string }>(
      `SELECT id FROM wallet_account WHERE ${inSet(set, "id")} ORDER BY id FOR NO KEY UPDATE`,
      [Array.isArray(set) ? set : [(set as { after: string }).after, (set as { upTo: string }).upTo]],
    );
    const lockedIds = locked.rows.map((r) => r.id);
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
    const res = await client.query<{ newly_flagged: boolean }>(
      `UPDATE wallet_account a
       SET risk_score = u.score,
           risk_reasons = u.reasons::jsonb,
           scored_at = $4,
           flagged_at = CASE WHEN a.flagged_at IS NULL AND u.score >= $5 THEN $4 ELSE a.flagged_at END
       FROM unnest($1::text[], $2::int[], $3::text[]) AS u(id, score, reasons)
       WHERE a.id = u.id
         AND (a.scored_at IS NULL OR a.risk_score <> u.score OR a.risk_reasons <> u.reasons::jsonb
              OR (a.flagged_at IS NULL AND u.score >= $5))
       RETURNING (a.flagged_at = $4 AND u.score >= $5) AS newly_flagged`,
      [outIds, scores, reasons, o.scoredAt, o.threshold],
    );
    await client.query("COMMIT");
    return { scored: outIds.length, changed: res.rowCount ?? 0, newlyFlagged: res.rows.filter((r) => r.newly_flagged).length };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}

/** Runs `fn` in a read-only transaction with room for hash aggregates over every account (no spill to disk). */
async function withWorkMem<T>(db: Pick<Database, "pool">, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN READ ONLY");
    await client.query("SET LOCAL work_mem = '128MB'");
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
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
  const { rows: countRows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM wallet_account");
  const total = countRows[0].n;
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
      const { rows } = await db.pool.query<{ id: string }>(
        "SELECT id FROM wallet_account WHERE id > $1 ORDER BY id LIMIT $2",
        [after, chunkSize],
      );
      if (rows.length < chunkSize) exhausted = true;
      if (rows.length === 0) return null;
      const range = { after, upTo: rows[rows.length - 1].id };
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
  return { ...sum, total, durationMs: Date.now() - started };
}

/**
 * The accounts whose facts change when `accountIds` change: those sharing a device, an IP address
 * or a bank account with them (groups larger than RELATED_GROUP_WALLETS_MAX are not expanded, see
 * there). Includes the given accounts.
 */
export async function relatedAccountIds(db: Pick<Database, "pool">, accountIds: readonly string[], groupMax = RELATED_GROUP_WALLETS_MAX): Promise<string[]> {
  if (accountIds.length === 0) return [];
  const { rows } = await db.pool.query<{ id: string }>(
    `WITH me AS (SELECT id, device_id, ip_address FROM wallet_account WHERE id = ANY($1::text[])),
     dev AS (
       SELECT w.device_id FROM wallet_account w
       WHERE w.device_id IN (SELECT device_id FROM me WHERE device_id IS NOT NULL)
       GROUP BY w.device_id HAVING count(*) BETWEEN 2 AND $2
     ),
     ip AS (
       SELECT w.ip_address FROM wallet_account w
       WHERE w.ip_address IN (SELECT ip_address FROM me WHERE ip_address IS NOT NULL)
       GROUP BY w.ip_address HAVING count(*) BETWEEN 2 AND $2
     ),
     acct AS (
       SELECT DISTINCT v.bank_code, v.branch_code, v.account_number
       FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id
       WHERE l.account_id = ANY($1::text[])
     ),
     acct_wallets AS (
       SELECT v.bank_code, v.branch_code, v.account_number, array_agg(DISTINCT l.account_id) AS ids
       FROM acct a
       JOIN bank_link_version v ON v.bank_code = a.bank_code AND v.branch_code = a.branch_code AND v.account_number = a.account_number
       JOIN bank_link l ON l.id = v.link_id
       GROUP BY v.bank_code, v.branch_code, v.account_number
       HAVING count(DISTINCT l.account_id) BETWEEN 2 AND $2
     )
     SELECT id FROM me
     UNION SELECT w.id FROM wallet_account w JOIN dev USING (device_id)
     UNION SELECT w.id FROM wallet_account w JOIN ip USING (ip_address)
     UNION SELECT unnest(ids) FROM acct_wallets`,
    [[...accountIds], groupMax],
  );
  return rows.map((r) => r.id);
}

/** The after-commit hook: rescores the touched accounts and those sharing a device/IP/bank account with them. */
export async function rescoreTouched(db: Pick<Database, "pool">, accountIds: readonly string[], opts: RescoreOptions = {}): Promise<RescoreResult> {
  const ids = await relatedAccountIds(db, accountIds);
  return rescoreAccounts(db, ids, opts);
}

/**
 * Spikes are stored by the volume detector with a start in the past, so accounts linked at that
 * bank since the start must be rescored (LINKED_DURING_SPIKE). Remembers, per process, which spikes
 * (and which end) it has already handled; the first call handles every recent spike once.
 */
const handledSpikes = new Map<string, string>();
export const SPIKE_LOOKBACK_DAYS = 30;

export async function rescoreForNewSpikes(db: Pick<Database, "pool">, opts: RescoreOptions = {}): Promise<RescoreResult> {
  const { rows } = await db.pool.query<{ id: string; bank_code: string; started_at: Date; ended_at: Date | null }>(
    `SELECT id::text AS id, bank_code, started_at, ended_at FROM spike
     WHERE metric::text = ANY($1::text[]) AND (ended_at IS NULL OR ended_at > now() - make_interval(days => $2))`,
    [SPIKE_METRICS_FOR_LINKS, SPIKE_LOOKBACK_DAYS],
  );
  // Links after a spike's end were counted while it was open: rescore from its start on.
  const fresh = rows.filter((s) => handledSpikes.get(s.id) !== `${s.started_at.getTime()}:${s.ended_at?.getTime() ?? "open"}`);
  let total: RescoreResult = { scored: 0, changed: 0, newlyFlagged: 0 };
  for (const s of fresh) {
    const { rows: ids } = await db.pool.query<{ account_id: string }>(
      `SELECT DISTINCT l.account_id FROM bank_link_version v JOIN bank_link l ON l.id = v.link_id
       WHERE v.bank_code = $1 AND v.valid_from >= $2`,
      [s.bank_code, s.started_at],
    );
    total = add(total, await rescoreAccounts(db, ids.map((r) => r.account_id), opts));
    handledSpikes.set(s.id, `${s.started_at.getTime()}:${s.ended_at?.getTime() ?? "open"}`);
  }
  return total;
}

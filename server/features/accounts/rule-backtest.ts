// Backtest of a rule version on the stored history (#16): every wallet's facts as of now (the
// rescoring's set-based fact queries, facts.ts, with the sharing counts read once), scored with the
// version and with the active version in the same pass, nothing written to the wallets. Each side's
// score includes its own ring points (RING, LOCKSTEP with that version's settings, through the bulk
// rescoring's read-once ring inputs, scoring-ring.ts): the chunk's wallets count as flagged by that
// version's rule table, the others by their stored scores (the active version's, as a bulk
// rescoring's first run reads them). A draft that changes only ring settings is thus exact. The wallets
// flagged under either are kept in rule_backtest_flag; the comparison is then one SQL aggregate:
// how many each flags, which are newly flagged / no longer flagged, and precision against the
// analysts' labels (review_label) and, where a demo data set was loaded, the demo generator's labels.
// It runs in the background of the process asked (a million wallets take about as long as a bulk
// rescoring) with its progress on the rule_backtest row, which any instance reads.
import { existsSync, readFileSync } from "node:fs";
import type pg from "pg";
import { DEFAULT_FLAG_THRESHOLD, SCORE_MAX, scoreAccount, type Reason } from "../../../shared/accounts/index.ts";
import { withRingReasons } from "../../../shared/accounts/ring.ts";
import { AppError } from "../../../shared/errors.ts";
import type { Database } from "../../db/client.ts";
import { query, rows, sql } from "../../db/sql.ts";
import { withPoolTransaction, withTransaction } from "../../db/transaction.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";
import { runWithoutSession } from "../auth/session-guard.ts";
import { DEMO_LABELS_FILE } from "../events/demo-load.ts";
import { loadFacts, loadLinkSpikes, loadSharedCounts } from "./facts.ts";
import { ringSettingsOf, versionPolicy, type VersionScoring } from "./rule-versions-store.ts";
import { loadRingBulk, ringReasonsFor, type RingBulk, type RingLink, type RingSelf } from "./scoring-ring.ts";

const CHUNK = 2_000;
const PROGRESS_EVERY_MS = 1_000;
const STALE_AFTER_MS = 60_000;
const LIST_MAX = 50;

export interface PrecisionFigures {
  flagged: number;
  /** Flagged wallets an analyst labelled: confirmed fraud / legitimate. */
  confirmedFraud: number;
  legitimate: number;
  /** confirmedFraud / (confirmedFraud + legitimate); null when none of its flagged wallets is labelled. */
  precision: number | null;
  /** Flagged share of every wallet analysts confirmed as fraud; null when none is. */
  recall: number | null;
  /** Against the demo generator's labels (null: no demo labels for this data). */
  demoFraud: number | null;
  demoPrecision: number | null;
  demoRecall: number | null;
}

export interface BacktestWallet {
  accountId: string;
  draftScore: number;
  activeScore: number;
  reviewLabel: string | null;
  demoFraud: boolean | null;
}

export interface BacktestResult {
  threshold: number;
  scored: number;
  draft: PrecisionFigures;
  active: PrecisionFigures;
  newlyFlagged: number;
  noLongerFlagged: number;
  /** Labelled wallets in the data (all analysts' labels) and demo fraud wallets present (null: no demo labels). */
  labelledFraud: number;
  labelledLegitimate: number;
  demoFraudPresent: number | null;
  newlyFlaggedSample: BacktestWallet[];
  noLongerFlaggedSample: BacktestWallet[];
}

export interface BacktestStatus {
  id: string;
  versionId: number;
  againstId: number;
  startedBy: string;
  startedAt: Date;
  running: boolean;
  scored: number;
  total: number;
  finishedAt: Date | null;
  durationMs: number | null;
  result: BacktestResult | null;
  error: string | null;
}

interface Row {
  id: string;
  version_id: number;
  against_id: number;
  started_by: string;
  started_at: Date;
  scored: number;
  total: number;
  finished_at: Date | null;
  duration_ms: number | null;
  result: BacktestResult | null;
  error: string | null;
  stale: boolean;
}

const STOPPED = "The backtest stopped when the server running it stopped. Start it again.";

function statusOf(r: Row): BacktestStatus {
  const dead = r.finished_at === null && r.stale;
  return {
    id: r.id,
    versionId: r.version_id,
    againstId: r.against_id,
    startedBy: r.started_by,
    startedAt: r.started_at,
    running: r.finished_at === null && !r.stale,
    scored: r.scored,
    total: r.total,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    result: r.result,
    error: dead ? STOPPED : r.error,
  };
}

const SELECT = sql`SELECT id::text, version_id, against_id, started_by, started_at, scored, total, finished_at, duration_ms, result, error,
                          heartbeat_at < statement_timestamp() - make_interval(secs => ${STALE_AFTER_MS / 1000}) AS stale
                   FROM rule_backtest`;

export async function backtestStatus(db: Pick<Database, "pool">, id: string): Promise<BacktestStatus> {
  const [r] = await rows<Row>(db.pool, sql`${SELECT} WHERE id = ${id}::bigint`);
  if (!r) throw new AppError("NOT_FOUND", `There is no backtest ${id}.`);
  return statusOf(r);
}

/** The latest backtest of a version (null: never backtested). */
export async function latestBacktest(db: Pick<Database, "pool">, versionId: number): Promise<BacktestStatus | null> {
  const [r] = await rows<Row>(db.pool, sql`${SELECT} WHERE version_id = ${versionId}::int ORDER BY id DESC LIMIT 1`);
  return r ? statusOf(r) : null;
}

/** The demo generator's fraudulent wallet ids, when a demo data set was loaded here (else null). */
export function demoFraudIds(file: string = DEMO_LABELS_FILE): string[] | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { fraudAccountIds?: unknown };
    return Array.isArray(parsed.fraudAccountIds) ? parsed.fraudAccountIds.filter((x): x is string => typeof x === "string") : null;
  } catch {
    return null;
  }
}

const running = new Set<Promise<void>>();

/** Resolves when this process's backtests have finished (tests, shutdown). */
export async function backtestsSettled(): Promise<void> {
  while (running.size > 0) await Promise.all([...running]);
}

export interface StartBacktestOptions {
  /** The scoring instant (default: the clock). */
  now?: Date;
  /** Demo labels file (default: the demo loader's). */
  demoLabelsFile?: string;
}

/** Starts a backtest of `versionId` against the active version; audited with the reason. */
export async function startBacktest(db: Database, actor: Actor, input: { versionId: number; reason: string }, opts: StartBacktestOptions = {}): Promise<BacktestStatus> {
  const id = await withTransaction(db.prisma, async (tx) => {
    const [v] = await tx.$queryRaw<{ id: number }[]>(sql`SELECT id FROM rule_version WHERE id = ${input.versionId}::int`);
    if (!v) throw new AppError("RULE_VERSION_NOT_FOUND", `There is no rule version ${input.versionId}.`);
    const [active] = await tx.$queryRaw<{ id: number }[]>(sql`SELECT id FROM rule_version WHERE state = 'ACTIVE'`);
    if (!active) throw new AppError("RULE_VERSION_NOT_FOUND", "There is no active rule version to compare with.");
    const [row] = await tx.$queryRaw<{ id: string }[]>(sql`
      INSERT INTO rule_backtest (version_id, against_id, started_by) VALUES (${v.id}::int, ${active.id}::int, ${actor.email}) RETURNING id::text`);
    await writeAudit(tx, actor, { action: "rules.backtest", targetType: "scoring", targetId: `rule_version:${v.id}`, reason: input.reason, after: { backtestId: row.id, against: active.id } });
    return row.id;
  });
  const p: Promise<void> = runWithoutSession(() => runBacktest(db, id, opts)).finally(() => running.delete(p));
  running.add(p);
  return backtestStatus(db, id);
}

async function runBacktest(db: Database, id: string, opts: StartBacktestOptions): Promise<void> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const threshold = DEFAULT_FLAG_THRESHOLD;
  let lastWrite = 0;
  const progress = async (scored: number, total: number, force = false) => {
    if (!force && Date.now() - lastWrite < PROGRESS_EVERY_MS) return;
    lastWrite = Date.now();
    await query(db.pool, sql`UPDATE rule_backtest SET scored = ${scored}, total = ${total}, heartbeat_at = statement_timestamp() WHERE id = ${id}::bigint`);
  };
  try {
    const [bt] = await rows<{ version_id: number; against_id: number }>(db.pool, sql`SELECT version_id, against_id FROM rule_backtest WHERE id = ${id}::bigint`);
    const draftPolicy = await versionPolicy(db.pool, bt.version_id);
    const activePolicy = await versionPolicy(db.pool, bt.against_id);
    if (!draftPolicy || !activePolicy) throw new Error("version vanished");
    const [{ n: total }] = await rows<{ n: number }>(db.pool, sql`SELECT count(*)::int AS n FROM wallet_account`);
    await progress(0, total, true);
    const readOnce = <T,>(fn: (c: pg.PoolClient) => Promise<T>) => withPoolTransaction(db.pool, fn, { readOnly: true, settings: { work_mem: "128MB" } });
    const shared = await readOnce(async (c) => ({ ...(await loadSharedCounts(c, now)), linkSpikes: await loadLinkSpikes(c, now) }));
    // The ring inputs read once per side (one read when both versions have the same hub limits and signals on).
    const ringOf = (v: VersionScoring) => ringSettingsOf(v);
    const ringBulkActive = await readOnce((c) => loadRingBulk(c, { now, threshold, ...ringOf(activePolicy) }));
    const sameInputs = JSON.stringify(ringOf(draftPolicy).params?.maxWallets ?? null) === JSON.stringify(ringOf(activePolicy).params?.maxWallets ?? null);
    const ringBulkDraft = sameInputs ? ringBulkActive : await readOnce((c) => loadRingBulk(c, { now, threshold, ...ringOf(draftPolicy) }));
    const draft: BacktestSide = { ...draftPolicy, bulk: ringBulkDraft };
    const active: BacktestSide = { ...activePolicy, bulk: ringBulkActive };
    let after = "";
    let scored = 0;
    const client = await db.pool.connect();
    try {
      for (;;) {
        const ids = await rows<{ id: string }>(client, sql`SELECT id FROM wallet_account WHERE id > ${after} ORDER BY id LIMIT ${CHUNK}`);
        if (ids.length === 0) break;
        const range = { after, upTo: ids[ids.length - 1].id };
        after = range.upTo;
        scored += await backtestChunk(client, id, range, now, shared, draft, active, threshold);
        await progress(scored, total);
        if (ids.length < CHUNK) break;
      }
    } finally {
      client.release();
    }
    const result = await summarise(db, id, scored, threshold, demoFraudIds(opts.demoLabelsFile));
    await query(db.pool, sql`
      UPDATE rule_backtest SET scored = ${scored}, total = ${total}, result = ${JSON.stringify(result)}::jsonb, duration_ms = ${Date.now() - started},
             finished_at = statement_timestamp(), heartbeat_at = statement_timestamp() WHERE id = ${id}::bigint`);
  } catch (err) {
    console.error("[accounts] backtest failed", err);
    await query(db.pool, sql`
      UPDATE rule_backtest SET error = ${"The backtest stopped on a database error. Start it again."}, duration_ms = ${Date.now() - started},
             finished_at = statement_timestamp() WHERE id = ${id}::bigint`).catch(() => {});
  }
}

/** One side of a backtest: a version's rule table and ring settings, with the ring inputs read for it. */
interface BacktestSide extends VersionScoring {
  bulk: RingBulk;
}

async function backtestChunk(
  client: pg.PoolClient,
  id: string,
  range: { after: string; upTo: string },
  now: Date,
  shared: Awaited<ReturnType<typeof loadSharedCounts>>,
  draft: BacktestSide,
  active: BacktestSide,
  threshold: number,
): Promise<number> {
  const facts = await loadFacts(client, range, now, { shared });
  const labels = new Map(
    (await rows<{ id: string; label: string | null }>(client, sql`SELECT id, review_label::text AS label FROM wallet_account WHERE id > ${range.after} AND id <= ${range.upTo}`)).map((r) => [r.id, r.label]),
  );
  const linksOf = (accountId: string): RingLink[] => (facts.get(accountId)?.links ?? []).map((l) => ({ bankCode: l.bankCode, at: l.registeredAt }));
  /** Each wallet's score under one side: its rule table, then its ring points. */
  const scoreSide = async (side: BacktestSide): Promise<Map<string, number>> => {
    const own = new Map<string, { score: number; reasons: Reason[] }>();
    const self = new Map<string, RingSelf>();
    for (const [accountId, f] of facts) {
      const r = scoreAccount(f, side.rules, now);
      own.set(accountId, r);
      const label = labels.get(accountId);
      self.set(accountId, { flagged: r.score >= threshold, confirmed: label === "CONFIRMED_FRAUD", legitimate: label === "LEGITIMATE" });
    }
    const ring = await ringReasonsFor(client, self, { now, threshold, ...ringSettingsOf(side) }, { ring: side.bulk, linksOf });
    return new Map([...own].map(([accountId, r]) => [accountId, withRingReasons<Reason>(r, ring.get(accountId) ?? [], SCORE_MAX).score]));
  };
  const draftScores = await scoreSide(draft);
  const activeScores = await scoreSide(active);
  const ids: string[] = [];
  const d: number[] = [];
  const a: number[] = [];
  for (const accountId of facts.keys()) {
    const ds = draftScores.get(accountId)!;
    const as = activeScores.get(accountId)!;
    if (ds >= threshold || as >= threshold) {
      ids.push(accountId);
      d.push(ds);
      a.push(as);
    }
  }
  if (ids.length > 0) {
    await query(client, sql`
      INSERT INTO rule_backtest_flag (backtest_id, account_id, draft_score, active_score)
      SELECT ${id}::bigint, u.id, u.d, u.a FROM unnest(${ids}::text[], ${d}::int[], ${a}::int[]) AS u(id, d, a)`);
  }
  return facts.size;
}

interface AggRow {
  d_flagged: number;
  a_flagged: number;
  d_fraud: number;
  a_fraud: number;
  d_legit: number;
  a_legit: number;
  d_demo: number;
  a_demo: number;
  newly: number;
  no_longer: number;
}

async function summarise(db: Database, id: string, scored: number, threshold: number, demo: string[] | null): Promise<BacktestResult> {
  const th = sql`${threshold}::int`;
  const demoIds = demo ?? [];
  const [agg] = await rows<AggRow>(db.pool, sql`
    WITH f AS (
      SELECT f.account_id, f.draft_score >= ${th} AS d, f.active_score >= ${th} AS a, w.review_label::text AS label,
             f.account_id = ANY(${demoIds}::text[]) AS demo
      FROM rule_backtest_flag f JOIN wallet_account w ON w.id = f.account_id WHERE f.backtest_id = ${id}::bigint
    )
    SELECT count(*) FILTER (WHERE d)::int AS d_flagged, count(*) FILTER (WHERE a)::int AS a_flagged,
           count(*) FILTER (WHERE d AND label = 'CONFIRMED_FRAUD')::int AS d_fraud, count(*) FILTER (WHERE a AND label = 'CONFIRMED_FRAUD')::int AS a_fraud,
           count(*) FILTER (WHERE d AND label = 'LEGITIMATE')::int AS d_legit, count(*) FILTER (WHERE a AND label = 'LEGITIMATE')::int AS a_legit,
           count(*) FILTER (WHERE d AND demo)::int AS d_demo, count(*) FILTER (WHERE a AND demo)::int AS a_demo,
           count(*) FILTER (WHERE d AND NOT a)::int AS newly, count(*) FILTER (WHERE a AND NOT d)::int AS no_longer
    FROM f`);
  const [labels] = await rows<{ fraud: number; legit: number; demo: number }>(db.pool, sql`
    SELECT count(*) FILTER (WHERE review_label = 'CONFIRMED_FRAUD')::int AS fraud, count(*) FILTER (WHERE review_label = 'LEGITIMATE')::int AS legit,
           count(*) FILTER (WHERE id = ANY(${demoIds}::text[]))::int AS demo
    FROM wallet_account WHERE review_label IS NOT NULL OR id = ANY(${demoIds}::text[])`);
  const sample = (newly: boolean) =>
    rows<{ account_id: string; draft_score: number; active_score: number; label: string | null; demo: boolean }>(db.pool, sql`
      SELECT f.account_id, f.draft_score, f.active_score, w.review_label::text AS label, f.account_id = ANY(${demoIds}::text[]) AS demo
      FROM rule_backtest_flag f JOIN wallet_account w ON w.id = f.account_id
      WHERE f.backtest_id = ${id}::bigint AND ${newly ? sql`f.draft_score >= ${th} AND f.active_score < ${th}` : sql`f.active_score >= ${th} AND f.draft_score < ${th}`}
      ORDER BY ${newly ? sql`f.draft_score` : sql`f.active_score`} DESC, f.account_id LIMIT ${LIST_MAX}`);
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  const figures = (flagged: number, fraud: number, legit: number, demoHits: number): PrecisionFigures => ({
    flagged,
    confirmedFraud: fraud,
    legitimate: legit,
    precision: ratio(fraud, fraud + legit),
    recall: ratio(fraud, labels.fraud),
    demoFraud: demo ? demoHits : null,
    demoPrecision: demo ? ratio(demoHits, flagged) : null,
    demoRecall: demo ? ratio(demoHits, labels.demo) : null,
  });
  const toWallet = (r: { account_id: string; draft_score: number; active_score: number; label: string | null; demo: boolean }): BacktestWallet => ({
    accountId: r.account_id,
    draftScore: r.draft_score,
    activeScore: r.active_score,
    reviewLabel: r.label,
    demoFraud: demo ? r.demo : null,
  });
  return {
    threshold,
    scored,
    draft: figures(agg.d_flagged, agg.d_fraud, agg.d_legit, agg.d_demo),
    active: figures(agg.a_flagged, agg.a_fraud, agg.a_legit, agg.a_demo),
    newlyFlagged: agg.newly,
    noLongerFlagged: agg.no_longer,
    labelledFraud: labels.fraud,
    labelledLegitimate: labels.legit,
    demoFraudPresent: demo ? labels.demo : null,
    newlyFlaggedSample: (await sample(true)).map(toWallet),
    noLongerFlaggedSample: (await sample(false)).map(toWallet),
  };
}

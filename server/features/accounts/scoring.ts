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
//
// Here: scoring a set of accounts. Also: scoring-bulk.ts (every account), scoring-related.ts (the
// accounts sharing a device, IP address or bank account), scoring-spikes.ts (after a link spike).
import { phaseTimer, type PhaseTimings } from "./phase-timings.ts";
import type pg from "pg";
import { DEFAULT_FLAG_THRESHOLD, SCORE_MAX, scoreAccount, type Reason, type ScoreResult, type ScoringRule } from "../../../shared/accounts/index.ts";
import { withRingReasons } from "../../../shared/accounts/ring.ts";
import { bandOutcome } from "../../../shared/accounts/rule-versions.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Database } from "../../db/client.ts";
import { query, rows, sql } from "../../db/sql.ts";
import { enqueueWebhookEvents } from "../webhooks/outbox.ts";
import { walletsFlaggedEvents } from "../webhooks/events.ts";
import { ACCOUNT_COLUMNS, inSet, loadFacts, loadLinkSpikes, sharingCountColumns, type AccountRow, type AccountSet, type SharedCounts } from "./facts.ts";
import { noteStoredScores, ringReasonsFor, type KnownNeighbourhood, type OwnThings, type RingBulk, type RingLink, type RingSelf } from "./scoring-ring.ts";
import { autoFreeze, ringSettingsOf, scoringPolicy } from "./rule-versions-store.ts";

/** Accounts scored per transaction: big enough for set-based queries, small enough for short locks. */
export const RESCORE_CHUNK_SIZE_DEFAULT = 2_000;
/**
 * The same for a list of accounts (the after-batch path): a whole round of touched accounts
 * (hooks.ts) with the groups around them in one transaction. Its statements probe keys, so they
 * cost per account, not per chunk, except what a chunk reads about its surroundings (the flagged
 * wallets' links around it, the second hop of its neighbourhood), which smaller chunks read again.
 */
export const RESCORE_LIST_CHUNK_SIZE = 10_000;

export interface RescoreOptions {
  /** Scoring instant: the 30-day windows end here. Default: the clock. */
  now?: Date;
  /** Stored as scored_at / flagged_at. Default: `now`. */
  scoredAt?: Date;
  /** A rule table to score with instead of the active rule version (tests); stored with rule_version NULL. */
  rules?: readonly ScoringRule[];
  threshold?: number;
  /** Ring points (scoring-ring.ts) on top of the rule table. Default: on. */
  ring?: boolean;
  /** For the automatic freeze of the score bands (#16): the freeze action path runs through Prisma. */
  prisma?: PrismaClient;
  /** Milliseconds per phase, summed (bench and profiling; see phase-timings.ts). */
  timings?: PhaseTimings;
  /**
   * Wallets whose neighbourhood and lock-step windows are known not to have changed since they were
   * scored (the after-batch path: touched only by charges and spends): while their own flag stays
   * as stored and the rule version is the one they were scored with, their stored ring reasons are kept.
   */
  ringUnchanged?: ReadonlySet<string>;
  /** Keeps the ring neighbourhoods read (the after-batch path then finds the wallets around those scored in it). */
  known?: KnownNeighbourhood;
}

export interface RescoreResult {
  scored: number;
  changed: number;
  newlyFlagged: number;
  /** Wallets whose flag by their own behaviour (without ring points) changed: their ring neighbours' points may move. */
  ownFlagChanged?: string[];
}

export function resolve(opts: RescoreOptions & { prisma?: PrismaClient }) {
  const now = opts.now ?? new Date();
  return { now, scoredAt: opts.scoredAt ?? now, rules: opts.rules, threshold: opts.threshold ?? DEFAULT_FLAG_THRESHOLD, ring: opts.ring ?? true, prisma: opts.prisma, ringUnchanged: opts.ringUnchanged, known: opts.known };
}

/**
 * Scores one chunk inside its own transaction on one pooled connection. `shared` and `ringBulk`: what
 * a bulk run reads once instead of per chunk (SharedCounts in facts.ts, RingBulk in scoring-ring.ts).
 */
export async function rescoreChunk(client: pg.PoolClient, set: AccountSet, o: ReturnType<typeof resolve>, shared?: SharedCounts, ringBulk?: RingBulk, timings?: PhaseTimings): Promise<RescoreResult> {
  const timer = phaseTimer(timings);
  // A list of ids (the after-batch path): every statement probes keys from arrays of up to a chunk's
  // ids, so a generic plan is right at any size, and planning a custom plan for each array of
  // thousands of ids cost about a quarter of the chunk's database CPU. Ranges (bulk) plan as usual.
  // Scores are derived data (a rescoring recomputes them; a lost write also loses its flagged_at and
  // webhook, which the next scoring then writes again): the commit need not wait for the WAL flush.
  await client.query(Array.isArray(set) ? "BEGIN; SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL synchronous_commit = off" : "BEGIN; SET LOCAL synchronous_commit = off");
  try {
    // The stored result comes along, so only the rows whose result changes are sent back.
    const locked = await rows<Partial<AccountRow> & {
      id: string;
      review_label: string | null;
      risk_score: number;
      reasons_text: string;
      rule_version: number | null;
      was_flagged: boolean;
      scored: boolean;
      freezable: boolean;
      device_wallets?: number | null;
      ip_wallets?: number | null;
    }>(
      client,
      sql`SELECT a.id, a.review_label::text AS review_label,
                 a.risk_score, a.risk_reasons::text AS reasons_text, a.rule_version, a.flagged_at IS NOT NULL AS was_flagged,
                 a.scored_at IS NOT NULL AS scored, (a.status = 'ACTIVE' AND a.review_label IS NULL) AS freezable
                 , ${ACCOUNT_COLUMNS} ${shared ? sql`` : sql`, ${sharingCountColumns("a", o.now)}`}
          FROM wallet_account a WHERE ${inSet(set, "a.id")} ORDER BY a.id FOR NO KEY UPDATE`,
    );
    const lockedIds = locked.map((r) => r.id);
    timer.lap("lock");
    // The active rule version (read after the locks: a chunk waiting behind an activation scores
    // with the new version) and the score bands; an explicit rule table (tests) has no version.
    const policy = await scoringPolicy(client);
    const rules = o.rules ?? policy.rules;
    const version = o.rules ? null : policy.versionId;
    // A range stays a range (index range scans); a list is narrowed to the accounts that exist.
    timer.lap("policy");
    // (the account columns came with the locks)
    // The spikes (a small table) once per chunk, not a subquery per link version.
    const linkSpikes = shared?.linkSpikes ?? (await loadLinkSpikes(client, o.now));
    const facts = await loadFacts(client, Array.isArray(set) ? lockedIds : set, o.now, { shared, timings, accounts: locked as AccountRow[], linkSpikes });
    timer.restart();
    const outIds: string[] = [];
    const scores: number[] = [];
    const reasons: string[] = [];
    const own = new Map<string, ScoreResult>();
    const self = new Map<string, RingSelf>();
    const ownFlagChanged: string[] = [];
    // ring reasons kept as stored (RescoreOptions.ringUnchanged)
    const keptRing = new Map<string, Reason[]>();
    for (const row of locked) {
      const f = facts.get(row.id);
      if (!f) continue;
      const r = scoreAccount(f, rules, o.now);
      own.set(row.id, r);
      const flagged = r.score >= o.threshold;
      // The stored flag without ring points (as ownFlagSql reads it) only matters to the after-batch
      // path (ownFlagChanged: whose neighbours to rescore); a bulk run rescores everyone.
      if (Array.isArray(set)) {
        const storedRing = storedRingReasons(row.reasons_text);
        const storedOwnFlagged = row.risk_score - storedRing.reduce((a, x) => a + x.points, 0) >= o.threshold;
        if (flagged !== storedOwnFlagged) ownFlagChanged.push(row.id);
        else if (o.ringUnchanged?.has(row.id) && row.scored && row.rule_version === version) keptRing.set(row.id, storedRing);
      }
      self.set(row.id, { flagged, confirmed: row.review_label === "CONFIRMED_FRAUD", legitimate: row.review_label === "LEGITIMATE" });
    }
    timer.lap("score");
    const linksOf = (id: string): RingLink[] => (facts.get(id)?.links ?? []).map((l) => ({ bankCode: l.bankCode, at: l.registeredAt }));
    // (the list path: the sharing counts came with the locks; a bulk run finds things in RingBulk)
    const lockedById = shared ? null : new Map(locked.map((r) => [r.id, r]));
    const ownThings = (id: string): OwnThings | undefined => {
      const row = lockedById?.get(id);
      const f = facts.get(id);
      if (!row || !f) return undefined;
      return {
        device: row.device_id ?? null,
        deviceWallets: row.device_wallets ?? 0,
        ip: row.ip_address ?? null,
        ipWallets: row.ip_wallets ?? 0,
        bankAccounts: f.links.map((l) => ({ bankCode: l.bankCode, branchCode: l.branchCode, accountNumber: l.accountNumber, wallets: l.walletsSharing ?? 0 })),
      };
    };
    const ring = o.ring
      ? await ringReasonsFor(client, self, { now: o.now, threshold: o.threshold, ...ringSettingsOf(policy, o.rules !== undefined) }, { linksOf, ring: ringBulk, skip: keptRing, ownThings: lockedById ? ownThings : undefined, known: o.known }, timings)
      : new Map<string, Reason[]>();
    for (const [id, reasons] of keptRing) if (o.ring && reasons.length > 0) ring.set(id, reasons);
    timer.restart();
    const stored = new Map(locked.map((r) => [r.id, r]));
    for (const [id, base] of own) {
      const r = withRingReasons<Reason>(base, ring.get(id) ?? [], SCORE_MAX);
      const before = stored.get(id)!;
      // Unchanged (the UPDATE below would leave it alone): not sent. The UPDATE keeps its own test,
      // so a reasons text that differs from the stored one only in form costs a row sent, not a write.
      if (before.scored && before.risk_score === r.score && before.rule_version === version && (before.was_flagged || r.score < o.threshold) && before.reasons_text === reasonsJsonbText(r.reasons)) continue;
      outIds.push(id);
      scores.push(r.score);
      reasons.push(JSON.stringify(r.reasons satisfies Reason[]));
    }
    // `a.id = ANY($1)` as well as the join: the planner cannot estimate unnest's rows and otherwise
    // merge-joins along the whole primary key index (every account before the chunk, per chunk).
    const scoredAt = sql`${o.scoredAt}::timestamptz`;
    const threshold = sql`${o.threshold}::int`;
    const res = outIds.length === 0 ? { rows: [], rowCount: 0 } : await query<{ id: string; score: number; newly_flagged: boolean }>(client, sql`
      UPDATE wallet_account a
      SET risk_score = u.score,
          risk_reasons = u.reasons::jsonb,
          scored_at = ${scoredAt},
          flagged_at = CASE WHEN a.flagged_at IS NULL AND u.score >= ${threshold} THEN ${scoredAt} ELSE a.flagged_at END,
          rule_version = ${version}::int
      FROM unnest(${outIds}::text[], ${scores}::int[], ${reasons}::text[]) AS u(id, score, reasons)
      WHERE a.id = u.id AND a.id = ANY(${outIds}::text[])
        AND (a.scored_at IS NULL OR a.risk_score <> u.score OR a.risk_reasons <> u.reasons::jsonb
             OR a.rule_version IS DISTINCT FROM ${version}::int
             OR (a.flagged_at IS NULL AND u.score >= ${threshold}))
      RETURNING a.id, u.score, (a.flagged_at = ${scoredAt} AND u.score >= ${threshold}) AS newly_flagged`);
    timer.lap("write");
    await enqueueWebhookEvents(client, walletsFlaggedEvents(res.rows, o.scoredAt));
    await client.query("COMMIT");
    timer.lap("commit");
    // the run's later chunks see these wallets' new stored flags (as they would read them from the table)
    if (ringBulk) noteStoredScores(ringBulk, res.rows, linksOf, o.threshold, self);
    // Score bands: a wallet whose score enters the freeze band (from below it, or first scored) is
    // frozen through the freeze action, by the system, once; an analyst's unfreeze or label stands.
    if (policy.bands.autoFreeze && o.prisma) {
      const before = new Map(locked.map((r) => [r.id, r]));
      const toFreeze = res.rows.filter((r) => {
        const b = before.get(r.id);
        return b !== undefined && b.freezable && (!b.scored || bandOutcome(b.risk_score, policy.bands, o.threshold) !== "FREEZE") && bandOutcome(r.score, policy.bands, o.threshold) === "FREEZE";
      });
      if (toFreeze.length > 0) await autoFreeze(o.prisma, toFreeze.map((r) => r.id), policy);
    }
    return { scored: own.size, changed: res.rowCount ?? 0, newlyFlagged: res.rows.filter((r) => r.newly_flagged).length, ownFlagChanged };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}

/** The ring reasons (RING, LOCKSTEP) among stored reasons (`risk_reasons::text`). */
function storedRingReasons(reasonsText: string): Reason[] {
  if (!reasonsText.includes('"RING"') && !reasonsText.includes('"LOCKSTEP"')) return [];
  return (JSON.parse(reasonsText) as Reason[]).filter((r) => r.code === "RING" || r.code === "LOCKSTEP");
}

/**
 * Reasons as PostgreSQL prints them from jsonb (keys by length, then bytes: code, points, evidence;
 * ", " and ": " between; strings escaped as JSON), to compare with the stored `risk_reasons::text`.
 */
export function reasonsJsonbText(reasons: readonly Reason[]): string {
  return `[${reasons.map((r) => `{"code": ${JSON.stringify(r.code)}, "points": ${r.points}, "evidence": ${JSON.stringify(r.evidence)}}`).join(", ")}]`;
}


export function add(a: RescoreResult, b: RescoreResult): RescoreResult {
  const changed = [...(a.ownFlagChanged ?? []), ...(b.ownFlagChanged ?? [])];
  return { scored: a.scored + b.scored, changed: a.changed + b.changed, newlyFlagged: a.newlyFlagged + b.newlyFlagged, ...(changed.length ? { ownFlagChanged: changed } : {}) };
}

/** Rescores the given accounts (incremental path), in chunks. Unknown ids are ignored. */
export async function rescoreAccounts(db: Pick<Database, "pool"> & { prisma?: PrismaClient }, accountIds: readonly string[], opts: RescoreOptions = {}): Promise<RescoreResult> {
  const o = resolve({ prisma: db.prisma, ...opts });
  const ids = [...new Set(accountIds)].sort();
  let total: RescoreResult = { scored: 0, changed: 0, newlyFlagged: 0 };
  if (ids.length === 0) return total;
  const client = await db.pool.connect();
  try {
    for (let i = 0; i < ids.length; i += RESCORE_LIST_CHUNK_SIZE) {
      total = add(total, await rescoreChunk(client, ids.slice(i, i + RESCORE_LIST_CHUNK_SIZE), o, undefined, undefined, opts.timings));
    }
  } finally {
    client.release();
  }
  return total;
}

// Ring points in live scoring (the rules are pure, in shared/accounts/ring.ts): for one chunk of
// wallets being scored, a fixed handful of set-based statements, never one per wallet:
//   1. the chunk's neighbourhood over small shared things, two rounds: the devices, IP addresses and
//      bank accounts of the chunk with all their wallets, then those of the wallets found (a thing
//      with more wallets than its kind's hub limit is not read: it is no evidence either way);
//   2. the state of every wallet found (flagged by its own behaviour = the stored score without its
//      ring points, confirmed, legitimate); the chunk's own flags are the ones just computed;
//   3. for the chunk's links with flagged wallets linking the same bank near them in time, every
//      wallet linking that bank within the lock-step window, with its state, and the bank's links
//      in the days before the window (its usual traffic; an index range count per such link).
// ringRisk and judgeLockstep then decide on those sets exactly as the evaluation does on every wallet
// (test/accounts-scoring.test.ts checks the stored reasons against the in-memory replay).
//
// A wallet's ring points depend on its neighbours' flags, so when a wallet's own flag changes its
// neighbours are rescored once more (ringNeighbourIds, used by rescoreTouched); ring points never make
// a wallet count as flagged for others, so one round settles. Bulk rescoring reads the neighbours'
// stored flags (those outside the chunk as they were when the chunk ran).
import { DEFAULT_FLAG_THRESHOLD } from "../../../shared/accounts/index.ts";
import {
  DEFAULT_LOCKSTEP_PARAMS,
  DEFAULT_RING_PARAMS,
  judgeLockstep,
  ringReasons,
  ringRisk,
  strongestLockstep,
  type LockstepHit,
  type LockstepParams,
  type RingParams,
  type RingReasonCode,
  type RingWallet,
  type SharedKind,
} from "../../../shared/accounts/ring.ts";
import { raw, rows, sql, type Queryable, type Sql } from "../../db/sql.ts";

export interface RingOptions {
  now: Date;
  threshold?: number;
  params?: RingParams;
  lockstep?: LockstepParams;
}

/** A wallet's own state as ring scoring sees it. */
export interface RingSelf {
  /** Flagged by the rule table alone (this scoring's result). */
  flagged: boolean;
  confirmed: boolean;
  legitimate: boolean;
}

/** Stored flag without ring points (the score minus the points of its RING/LOCKSTEP reasons). */
export function ownFlagSql(alias: "a" | "w", threshold: number): Sql {
  const score = raw(`${alias}.risk_score`);
  const reasons = raw(`${alias}.risk_reasons`);
  return sql`(${score} - coalesce((SELECT sum((r->>'points')::int) FROM jsonb_array_elements(${reasons}) r WHERE r->>'code' IN ('RING', 'LOCKSTEP')), 0) >= ${threshold}::int)`;
}

/** Small shared things of `ids` (2..limit wallets) with all their wallets. */
function thingsOf(ids: readonly string[], p: RingParams, now: Date): Sql {
  return sql`
    WITH me AS (SELECT id, device_id, ip_address FROM wallet_account WHERE id = ANY(${[...ids]}::text[])),
    dev AS (
      SELECT 'DEVICE' AS kind, w.device_id AS key, array_agg(w.id ORDER BY w.id) AS ids FROM wallet_account w
      WHERE w.device_id IN (SELECT device_id FROM me WHERE device_id IS NOT NULL) AND w.opened_at <= ${now}
      GROUP BY w.device_id HAVING count(*) BETWEEN 2 AND ${p.maxWallets.DEVICE}::int
    ),
    ip AS (
      SELECT 'IP' AS kind, w.ip_address AS key, array_agg(w.id ORDER BY w.id) AS ids FROM wallet_account w
      WHERE w.ip_address IN (SELECT ip_address FROM me WHERE ip_address IS NOT NULL) AND w.opened_at <= ${now}
      GROUP BY w.ip_address HAVING count(*) BETWEEN 2 AND ${p.maxWallets.IP}::int
    ),
    acct AS (
      SELECT DISTINCT v.bank_code, v.branch_code, v.account_number
      FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id
      WHERE l.account_id = ANY(${[...ids]}::text[]) AND v.valid_from <= ${now}
    ),
    acct_w AS (
      SELECT 'BANK_ACCOUNT' AS kind, v.bank_code || '-' || v.branch_code || '-' || v.account_number AS key, array_agg(DISTINCT l.account_id) AS ids
      FROM acct a
      JOIN bank_link_version v ON v.bank_code = a.bank_code AND v.branch_code = a.branch_code AND v.account_number = a.account_number
      JOIN bank_link l ON l.id = v.link_id
      WHERE v.valid_from <= ${now}
      GROUP BY v.bank_code, v.branch_code, v.account_number
      HAVING count(DISTINCT l.account_id) BETWEEN 2 AND ${p.maxWallets.BANK_ACCOUNT}::int
    )
    SELECT kind, key, ids FROM dev UNION ALL SELECT kind, key, ids FROM ip UNION ALL SELECT kind, key, ids FROM acct_w`;
}

interface Thing {
  kind: SharedKind;
  key: string;
  ids: string[];
}

/** The chunk's neighbourhood: every small thing of the chunk and of the wallets on them (two rounds). */
async function neighbourhood(db: Queryable, ids: readonly string[], p: RingParams, now: Date): Promise<Thing[]> {
  const things = new Map<string, Thing>();
  const first = await rows<Thing>(db, thingsOf(ids, p, now));
  for (const t of first) things.set(`${t.kind}|${t.key}`, t);
  const chunk = new Set(ids);
  const next = [...new Set(first.flatMap((t) => t.ids))].filter((id) => !chunk.has(id));
  if (next.length > 0) for (const t of await rows<Thing>(db, thingsOf(next, p, now))) things.set(`${t.kind}|${t.key}`, t);
  return [...things.values()];
}

async function statesOf(db: Queryable, ids: readonly string[], threshold: number): Promise<Map<string, RingSelf>> {
  if (ids.length === 0) return new Map();
  const found = await rows<{ id: string; flagged: boolean; confirmed: boolean; legitimate: boolean }>(db, sql`
    SELECT a.id, ${ownFlagSql("a", threshold)} AS flagged,
           coalesce(a.review_label = 'CONFIRMED_FRAUD', false) AS confirmed, coalesce(a.review_label = 'LEGITIMATE', false) AS legitimate
    FROM wallet_account a WHERE a.id = ANY(${[...ids]}::text[])`);
  return new Map(found.map((r) => [r.id, { flagged: r.flagged, confirmed: r.confirmed, legitimate: r.legitimate }]));
}

/**
 * The chunk's links that have flagged wallets linking the same bank within the lock-step window
 * (found through the risk-score index: wallets scored at or above the threshold, a superset of
 * those flagged by their own behaviour), each with every wallet linking that bank in the window and
 * its state. Links without such neighbours (nearly all) cost one hash probe.
 */
async function lockstepPeers(db: Queryable, ids: readonly string[], selfFlagged: readonly string[], lp: LockstepParams, now: Date, threshold: number) {
  const win = sql`make_interval(mins => ${lp.windowMinutes}::int)`;
  const usual = sql`make_interval(days => ${lp.usualDays}::int)`;
  return rows<{ id: string; bank_code: string; at: Date; peers: string[] | null; flagged: boolean[] | null; confirmed: boolean[] | null; links_before: number }>(db, sql`
    WITH mine AS (
      SELECT DISTINCT l.account_id AS id, v.bank_code, v.valid_from AS at
      FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id
      WHERE l.account_id = ANY(${[...ids]}::text[]) AND v.valid_from <= ${now}
    ),
    high AS (
      SELECT DISTINCT l.account_id AS id, v.bank_code, v.valid_from AS at
      FROM wallet_account w JOIN bank_link l ON l.account_id = w.id JOIN bank_link_version v ON v.link_id = l.id
      WHERE w.risk_score >= ${threshold}::int AND v.valid_from <= ${now} AND v.bank_code IN (SELECT bank_code FROM mine)
      UNION
      SELECT l.account_id, v.bank_code, v.valid_from
      FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id
      WHERE l.account_id = ANY(${[...selfFlagged]}::text[]) AND v.valid_from <= ${now}
    ),
    near AS (
      SELECT m.id, m.bank_code, m.at FROM mine m
      WHERE (SELECT count(DISTINCT h.id) FROM high h WHERE h.bank_code = m.bank_code AND h.at BETWEEN m.at - ${win} AND m.at + ${win} AND h.id <> m.id) >= ${lp.minFlagged}::int
    )
    SELECT m.id, m.bank_code, m.at, p.peers, p.flagged, p.confirmed,
           (SELECT count(*)::int FROM bank_link_version v3
            WHERE v3.bank_code = m.bank_code AND v3.valid_from >= m.at - ${win} - ${usual} AND v3.valid_from < m.at - ${win}) AS links_before
    FROM near m
    LEFT JOIN LATERAL (
      SELECT array_agg(x.id ORDER BY x.id) AS peers, array_agg(x.flagged ORDER BY x.id) AS flagged, array_agg(x.confirmed ORDER BY x.id) AS confirmed
      FROM (
        SELECT DISTINCT w.id, ${ownFlagSql("w", threshold)} AS flagged, coalesce(w.review_label = 'CONFIRMED_FRAUD', false) AS confirmed
        FROM bank_link_version v2 JOIN bank_link l2 ON l2.id = v2.link_id JOIN wallet_account w ON w.id = l2.account_id
        WHERE v2.bank_code = m.bank_code AND v2.valid_from BETWEEN m.at - ${win} AND m.at + ${win} AND v2.valid_from <= ${now}
          AND w.id <> m.id AND w.review_label IS DISTINCT FROM 'LEGITIMATE'
      ) x
    ) p ON true
    ORDER BY m.id, m.at, m.bank_code`);
}

/**
 * Ring reasons for the chunk's wallets (`self`: each one's own state from this scoring), computed
 * over the chunk's neighbourhood. Wallets flagged by their own behaviour, confirmed or legitimate
 * get none.
 */
export async function ringReasonsFor(
  db: Queryable,
  self: ReadonlyMap<string, RingSelf>,
  o: RingOptions,
): Promise<Map<string, { code: RingReasonCode; points: number; evidence: string }[]>> {
  const out = new Map<string, { code: RingReasonCode; points: number; evidence: string }[]>();
  const ids = [...self.keys()];
  if (ids.length === 0) return out;
  const p = o.params ?? DEFAULT_RING_PARAMS;
  const lp = o.lockstep ?? DEFAULT_LOCKSTEP_PARAMS;
  const threshold = o.threshold ?? DEFAULT_FLAG_THRESHOLD;
  const candidates = ids.filter((id) => {
    const s = self.get(id)!;
    return !s.flagged && !s.confirmed && !s.legitimate;
  });
  if (candidates.length === 0) return out;

  const things = await neighbourhood(db, ids, p, o.now);
  const others = [...new Set(things.flatMap((t) => t.ids))].filter((id) => !self.has(id));
  const states = await statesOf(db, others, threshold);
  const stateOf = (id: string) => self.get(id) ?? states.get(id) ?? { flagged: false, confirmed: false, legitimate: false };
  const wallets = new Map<string, RingWallet>();
  const walletOf = (id: string) => {
    let w = wallets.get(id);
    if (!w) wallets.set(id, (w = { id, deviceId: null, ipAddress: null, bankAccounts: [], ...stateOf(id) }));
    return w;
  };
  for (const id of candidates) walletOf(id);
  for (const t of things) {
    for (const id of t.ids) {
      const w = walletOf(id);
      if (t.kind === "DEVICE") w.deviceId = t.key;
      else if (t.kind === "IP") w.ipAddress = t.key;
      else (w.bankAccounts as string[]).push(t.key);
    }
  }
  const hits = ringRisk([...wallets.values()], p);

  const steps = new Map<string, LockstepHit>();
  const selfFlagged = ids.filter((id) => self.get(id)!.flagged || self.get(id)!.confirmed);
  const peers = await lockstepPeers(db, candidates, selfFlagged, lp, o.now, threshold);
  const byWallet = new Map<string, (LockstepHit | null)[]>();
  for (const r of peers) {
    const ids2 = r.peers ?? [];
    let flagged = 0;
    let confirmed = 0;
    ids2.forEach((id, i) => {
      // the chunk's own wallets: this scoring's flags, not the stored ones
      const s = self.get(id) ?? { flagged: r.flagged![i], confirmed: r.confirmed![i], legitimate: false };
      if (s.legitimate) return;
      if (s.flagged || s.confirmed) flagged++;
      if (s.confirmed) confirmed++;
    });
    const others2 = ids2.filter((id) => !self.get(id)?.legitimate).length;
    const list = byWallet.get(r.id) ?? [];
    list.push(judgeLockstep({ bankCode: r.bank_code, at: r.at, others: others2, flagged, confirmed, linksBefore: r.links_before }, lp));
    byWallet.set(r.id, list);
  }
  for (const [id, list] of byWallet) {
    const best = strongestLockstep(list);
    if (best) steps.set(id, best);
  }

  for (const id of candidates) {
    const reasons = ringReasons(hits.get(id), steps.get(id));
    if (reasons.length > 0) out.set(id, reasons);
  }
  return out;
}

/**
 * The wallets whose ring points can move when the given wallets change: the wallets on their small
 * shared things at one and two hops, and those linking the same bank within the lock-step window of
 * their links. `nearFlaggedOnly`: only lock-step windows with flagged wallets in them (a new link in
 * a window without them changes nobody's points; this keeps a busy bank's ordinary links cheap).
 */
export async function ringNeighbourIds(db: Queryable, ids: readonly string[], o: RingOptions & { nearFlaggedOnly?: boolean }): Promise<string[]> {
  if (ids.length === 0) return [];
  const p = o.params ?? DEFAULT_RING_PARAMS;
  const lp = o.lockstep ?? DEFAULT_LOCKSTEP_PARAMS;
  const threshold = o.threshold ?? DEFAULT_FLAG_THRESHOLD;
  const things = await neighbourhood(db, ids, p, o.now);
  const win = sql`make_interval(mins => ${lp.windowMinutes}::int)`;
  const near = o.nearFlaggedOnly
    ? sql`WHERE EXISTS (
        SELECT 1 FROM wallet_account w JOIN bank_link l ON l.account_id = w.id JOIN bank_link_version v ON v.link_id = l.id
        WHERE w.risk_score >= ${threshold}::int AND v.bank_code = m.bank_code AND v.valid_from BETWEEN m.at - ${win} AND m.at + ${win})`
    : sql``;
  const step = await rows<{ id: string }>(db, sql`
    WITH mine AS (
      SELECT DISTINCT v.bank_code, v.valid_from AS at
      FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id
      WHERE l.account_id = ANY(${[...ids]}::text[]) AND v.valid_from <= ${o.now}
    ),
    windows AS (SELECT m.bank_code, m.at FROM mine m ${near})
    SELECT DISTINCT l2.account_id AS id
    FROM windows m JOIN bank_link_version v2 ON v2.bank_code = m.bank_code AND v2.valid_from BETWEEN m.at - ${win} AND m.at + ${win}
    JOIN bank_link l2 ON l2.id = v2.link_id`);
  const given = new Set(ids);
  return [...new Set([...things.flatMap((t) => t.ids), ...step.map((r) => r.id)])].filter((id) => !given.has(id)).sort();
}

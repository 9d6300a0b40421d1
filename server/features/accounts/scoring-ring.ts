// Ring points in live scoring (the rules are pure, in shared/accounts/ring.ts): for one chunk of
// wallets being scored, a fixed handful of set-based statements, never one per wallet:
//   1. the chunk's neighbourhood over small shared things, two rounds: the devices, IP addresses and
//      bank accounts of the chunk with all their wallets, then those of the wallets found (a thing
//      with more wallets than its kind's hub limit is not read: it is no evidence either way);
//   2. the state of every wallet found (flagged by its own behaviour = the stored score without its
//      ring points, confirmed, legitimate); the chunk's own flags are the ones just computed;
//   3. for the chunk's links with flagged wallets linking the same bank near them in time, every
//      wallet linking that bank within the lock-step window, with its state, and the bank's links
//      in the week ending a day before the window (its usual traffic; an index range count per such link).
// ringRisk and judgeLockstep then decide on those sets exactly as the evaluation does on every wallet
// (test/accounts-scoring.test.ts checks the stored reasons against the in-memory replay).
// Their params (and whether each signal is on) are the active rule version's (RingOptions, from
// ScoringPolicy.ring in rule-versions-store.ts); a backtest passes the draft's.
//
// A wallet's ring points depend on its neighbours' flags, so when a wallet's own flag changes its
// neighbours are rescored once more (ringNeighbourIds, used by rescoreTouched); ring points never make
// a wallet count as flagged for others, so one round settles. Bulk rescoring reads the neighbours'
// stored flags (those outside the chunk as they were when the chunk ran).
//
// Bulk rescoring (every wallet, scoring-bulk.ts) does not ask the database for each chunk's
// neighbourhood and lock-step windows: those two reads were about 70% of its time (per chunk a
// two-round grouping over wallets and link versions, and a count of flagged links per link of the
// chunk). `loadRingBulk` reads once per run every small shared thing with its members and the links
// of the wallets stored at or above the threshold (RingBulk); each chunk then finds its neighbourhood
// and the links near enough flagged ones in memory, and asks the database only for the states of
// its neighbours and the peers of those few links, as before. The stored scores the run writes are
// fed back (`noteStoredScores`), so a chunk sees the flags of the chunks before it as the per-chunk
// query did. Same inputs to the same pure functions: test/accounts-ring.test.ts compares the two.
import { phaseTimer } from "./phase-timings.ts";
import { DEFAULT_FLAG_THRESHOLD } from "../../../shared/accounts/index.ts";
import {
  DEFAULT_LOCKSTEP_PARAMS,
  DEFAULT_RING_PARAMS,
  judgeLockstep,
  mergedWindows,
  ringReasons,
  ringRisk,
  strongestLockstep,
  type LockstepHit,
  type LockstepParams,
  type RingHit,
  type RingParams,
  type RingReasonCode,
  type RingWallet,
  type SharedKind,
} from "../../../shared/accounts/ring.ts";
import { query, raw, rows, sql, type Queryable, type Sql } from "../../db/sql.ts";

export interface RingOptions {
  now: Date;
  threshold?: number;
  /** The active rule version's settings (ScoringPolicy.ring); undefined: the code's; null: the signal is off (no points, nothing read for it). */
  params?: RingParams | null;
  lockstep?: LockstepParams | null;
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

/**
 * Small shared things of `ids` (2..limit wallets as of `now`) with all their wallets. The sharing
 * tables (facts.ts) count every member ever, a superset of those as of `now`: they leave out at once
 * the things only one wallet has ever had (most phones, addresses and bank accounts). The chunk's
 * links are reached from its ids (unnest, then index probes) and each thing's members are read per
 * thing (LATERAL, an index probe): whatever the plan mode and the number of ids, no scan of every
 * link version or wallet (at the scale-10 bench load, hash joins over them, run in parallel, made
 * this statement take up to a second per batch). A thing's members are read up to one more than its
 * kind's hub limit: a hub (a carrier's address pool: thousands of wallets) is known as one from that.
 */
function thingsOf(ids: readonly string[], p: RingParams, now: Date): Sql {
  return sql`
    WITH me AS (SELECT id, device_id, ip_address FROM wallet_account WHERE id = ANY(${[...ids]}::text[])),
    dev AS (
      SELECT 'DEVICE' AS kind, d.device_id AS key, m.ids
      FROM (SELECT DISTINCT me.device_id FROM me JOIN device_sharing ds ON ds.device_id = me.device_id AND ds.wallets > 1) d
      ${membersOf("DEVICE", "d", p, now)}
    ),
    ip AS (
      SELECT 'IP' AS kind, i.ip_address AS key, m.ids
      FROM (SELECT DISTINCT me.ip_address FROM me JOIN ip_sharing ips ON ips.ip_address = me.ip_address AND ips.wallets > 1) i
      ${membersOf("IP", "i", p, now)}
    ),
    acct AS (
      SELECT DISTINCT v.bank_code, v.branch_code, v.account_number
      FROM unnest(${[...ids]}::text[]) AS i(id)
      JOIN bank_link l ON l.account_id = i.id
      JOIN bank_link_version v ON v.link_id = l.id
      JOIN bank_account_sharing s ON s.bank_code = v.bank_code AND s.branch_code = v.branch_code AND s.account_number = v.account_number AND s.wallets > 1
      WHERE v.valid_from <= ${now}
    ),
    acct_w AS (
      SELECT 'BANK_ACCOUNT' AS kind, a.bank_code || '-' || a.branch_code || '-' || a.account_number AS key, m.ids
      FROM acct a
      ${membersOf("BANK_ACCOUNT", "a", p, now)}
    )
    SELECT kind, key, ids FROM dev UNION ALL SELECT kind, key, ids FROM ip UNION ALL SELECT kind, key, ids FROM acct_w`;
}

/**
 * A thing's members as of `now` for the rows of `alias` (device_id; ip_address; bank_code,
 * branch_code, account_number), read up to one more than the kind's hub limit, and the things kept
 * that have 2..limit of them: the one member read of thingsOf and thingsOfKeys.
 */
function membersOf(kind: SharedKind, alias: "d" | "i" | "a", p: RingParams, now: Date): Sql {
  const t = raw(alias);
  const max = sql`${p.maxWallets[kind]}::int`;
  const read =
    kind === "DEVICE"
      ? sql`SELECT w.id FROM wallet_account w WHERE w.device_id = ${t}.device_id AND w.opened_at <= ${now}`
      : kind === "IP"
        ? sql`SELECT w.id FROM wallet_account w WHERE w.ip_address = ${t}.ip_address AND w.opened_at <= ${now}`
        : sql`SELECT b.account_id AS id FROM bank_account_wallet b
              WHERE b.bank_code = ${t}.bank_code AND b.branch_code = ${t}.branch_code AND b.account_number = ${t}.account_number AND b.first_linked_at <= ${now}`;
  return sql`CROSS JOIN LATERAL (SELECT array_agg(x.id ORDER BY x.id) AS ids, count(*) AS n FROM (${read} LIMIT ${max} + 1) x) m
      WHERE m.n BETWEEN 2 AND ${max}`;
}

interface Thing {
  kind: SharedKind;
  key: string;
  ids: string[];
}

/**
 * The neighbourhoods a scoring pass has read (ringReasonsFor, list path), kept so that the after-batch
 * rescoring can find the wallets around those it scored without reading them again
 * (ringNeighbourIds): for a wallet in `covered`, every small thing it is on and every small thing of
 * those things' wallets (the two rounds of `neighbourhood`) are in `things`. Read with the hub
 * limits `maxWallets`; another limit (a rule activation in between) reads afresh.
 */
export class KnownNeighbourhood {
  readonly covered = new Set<string>();
  readonly things = new Map<string, Thing>();
  private thingsOfWallet: Map<string, Thing[]> | null = null;
  maxWallets: RingParams["maxWallets"] | null = null;

  note(ids: readonly string[], things: readonly Thing[], p: RingParams): void {
    if (this.maxWallets !== null && !sameLimits(this.maxWallets, p.maxWallets)) return;
    this.maxWallets = p.maxWallets;
    for (const id of ids) this.covered.add(id);
    for (const t of things) this.things.set(`${t.kind}|${t.key}`, t);
    this.thingsOfWallet = null;
  }

  /** The members of the things at one and two hops from `ids` (all covered), as `neighbourhood` finds them. */
  around(ids: readonly string[]): Set<string> {
    if (!this.thingsOfWallet) {
      this.thingsOfWallet = new Map();
      for (const t of this.things.values()) for (const id of t.ids) (this.thingsOfWallet.get(id) ?? this.thingsOfWallet.set(id, []).get(id)!).push(t);
    }
    const byWallet = this.thingsOfWallet;
    const firstHop = new Set<string>();
    for (const id of ids) for (const t of byWallet.get(id) ?? []) for (const m of t.ids) firstHop.add(m);
    const out = new Set(firstHop);
    for (const m of firstHop) for (const t of byWallet.get(m) ?? []) for (const x of t.ids) out.add(x);
    return out;
  }
}

const sameLimits = (a: RingParams["maxWallets"], b: RingParams["maxWallets"]) => a.DEVICE === b.DEVICE && a.IP === b.IP && a.BANK_ACCOUNT === b.BANK_ACCOUNT;

/**
 * What the chunk's own facts already say about its wallets' shared things (scoring.ts has read them
 * with the locks and the links): each thing's key and its wallets as of the scoring instant.
 */
export interface OwnThings {
  device: string | null;
  deviceWallets: number;
  ip: string | null;
  ipWallets: number;
  bankAccounts: readonly { bankCode: string; branchCode: string; accountNumber: string; wallets: number }[];
}

/**
 * thingsOf for things already known by key (OwnThings): only those with 2..limit wallets are read,
 * each thing's members by an index probe, as there (the same rows: the counts are as of `now` too).
 */
function thingsOfKeys(ids: readonly string[], ownThings: (id: string) => OwnThings | undefined, p: RingParams, now: Date): Sql | null {
  const devices = new Set<string>();
  const ips = new Set<string>();
  const accounts = new Map<string, [string, string, string]>();
  for (const id of ids) {
    const t = ownThings(id);
    if (!t) continue;
    if (t.device !== null && t.deviceWallets >= 2 && t.deviceWallets <= p.maxWallets.DEVICE) devices.add(t.device);
    if (t.ip !== null && t.ipWallets >= 2 && t.ipWallets <= p.maxWallets.IP) ips.add(t.ip);
    for (const a of t.bankAccounts) {
      if (a.wallets >= 2 && a.wallets <= p.maxWallets.BANK_ACCOUNT) accounts.set(`${a.bankCode}-${a.branchCode}-${a.accountNumber}`, [a.bankCode, a.branchCode, a.accountNumber]);
    }
  }
  if (devices.size === 0 && ips.size === 0 && accounts.size === 0) return null;
  const acct = [...accounts.values()];
  return sql`
    SELECT 'DEVICE' AS kind, d.device_id AS key, m.ids
    FROM unnest(${[...devices]}::text[]) AS d(device_id)
    ${membersOf("DEVICE", "d", p, now)}
    UNION ALL
    SELECT 'IP', i.ip_address, m.ids
    FROM unnest(${[...ips]}::text[]) AS i(ip_address)
    ${membersOf("IP", "i", p, now)}
    UNION ALL
    -- (bpchar, as the columns: compared as text they could not use the key)
    SELECT 'BANK_ACCOUNT', a.bank_code || '-' || a.branch_code || '-' || a.account_number, m.ids
    FROM unnest(${acct.map((a) => a[0])}::bpchar[], ${acct.map((a) => a[1])}::bpchar[], ${acct.map((a) => a[2])}::bpchar[]) AS a(bank_code, branch_code, account_number)
    ${membersOf("BANK_ACCOUNT", "a", p, now)}`;
}

/**
 * The chunk's neighbourhood: every small thing of the chunk and of the wallets on them (two rounds).
 * With `ownThings` (the chunk's facts), the first round reads only the members of the things the
 * facts show shared, not the chunk's wallets and links again.
 */
async function neighbourhood(db: Queryable, ids: readonly string[], p: RingParams, now: Date, ownThings?: (id: string) => OwnThings | undefined): Promise<Thing[]> {
  const things = new Map<string, Thing>();
  const firstSql = ownThings ? thingsOfKeys(ids, ownThings, p, now) : thingsOf(ids, p, now);
  const first = firstSql ? await rows<Thing>(db, firstSql) : [];
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
 * Runs `fn` with the statement(s) planned for their values (custom plans), then restores the plan
 * mode the transaction had. The after-batch path plans generically (its arrays of thousands of ids
 * plan badly and slowly one by one); a few of its statements need their values' plans.
 */
async function withCustomPlans<T>(db: Queryable, fn: () => Promise<T>): Promise<T> {
  const [{ before }] = await rows<{ before: string }>(db, sql`SELECT current_setting('plan_cache_mode') AS before, set_config('plan_cache_mode', 'force_custom_plan', true)`);
  try {
    return await fn();
  } finally {
    await query(db, sql`SELECT set_config('plan_cache_mode', ${before}, true)`);
  }
}

/**
 * The after-batch path's flagged links (what a bulk run holds in RingBulk.high): the links of the
 * wallets whose stored score is at or above the threshold (few: found through the risk-score index)
 * at the banks of the chunk's links, between the earliest and latest of their windows. Counting the
 * flagged links near every link of the chunk in SQL instead compared every link with every flagged
 * link at its bank; here a binary search per link does (lockstepPeers).
 */
async function flaggedLinksAround(db: Queryable, links: readonly RingLink[], lp: LockstepParams, now: Date, threshold: number): Promise<HighLinks> {
  const high = new HighLinks();
  if (links.length === 0) return high;
  const winMs = lp.windowMinutes * 60_000;
  const times = links.map((l) => l.at.getTime());
  const from = new Date(Math.min(...times) - winMs);
  const to = new Date(Math.max(...times) + winMs);
  // The after-batch path plans generically (scoring.ts); this one statement is planned for its
  // values (few wallets at or above the threshold: start from the risk-score index). A generic plan
  // hash-joined every link and link version instead: 160 ms against 15 ms at the scale-1 bench.
  const found = await withCustomPlans(db, () => rows<{ id: string; bank_code: string; at: Date }>(db, sql`
    SELECT l.account_id AS id, v.bank_code, v.valid_from AS at
    FROM wallet_account w JOIN bank_link l ON l.account_id = w.id JOIN bank_link_version v ON v.link_id = l.id
    WHERE w.risk_score >= ${threshold}::int AND v.bank_code = ANY(${[...new Set(links.map((l) => l.bankCode))]}::bpchar[])
      AND v.valid_from BETWEEN ${from} AND ${to} AND v.valid_from <= ${now}`));
  const byId = new Map<string, RingLink[]>();
  for (const r of found) {
    const list = byId.get(r.id);
    if (list) list.push({ bankCode: r.bank_code, at: r.at });
    else byId.set(r.id, [{ bankCode: r.bank_code, at: r.at }]);
  }
  for (const [id, list] of byId) high.add(id, list);
  return high;
}

/** One link as lock-step counting sees it: the bank and the instant (epoch ms). */
export interface RingLink {
  bankCode: string;
  at: Date;
}

/**
 * What a bulk run reads once (see the header): every small shared thing as of `now` by member, and
 * the links (registered at or before `now`) of the wallets whose stored score is at or above the
 * threshold, by bank; kept current with the scores the run itself stores.
 */
export interface RingBulk {
  thingsByWallet: Map<string, Thing[]>;
  /** The state of every wallet on a small thing (what statesOf reads per chunk), kept current with the run's own results. */
  states: Map<string, RingSelf>;
  high: HighLinks;
}

/** Links of the wallets stored at or above the threshold, per bank in time order; a wallet that drops below is left in the lists and skipped. */
export class HighLinks {
  readonly ids = new Set<string>();
  private readonly byBank = new Map<string, { t: number[]; id: string[]; pending: { t: number; id: string }[] }>();

  add(id: string, links: readonly RingLink[]) {
    this.ids.add(id);
    for (const l of links) {
      let b = this.byBank.get(l.bankCode);
      if (!b) this.byBank.set(l.bankCode, (b = { t: [], id: [], pending: [] }));
      b.pending.push({ t: l.at.getTime(), id });
    }
  }

  private bank(code: string) {
    const b = this.byBank.get(code);
    if (!b) return null;
    if (b.pending.length > 0) {
      const all = b.t.map((t, i) => ({ t, id: b.id[i] })).concat(b.pending);
      all.sort((x, y) => x.t - y.t);
      b.t = all.map((e) => e.t);
      b.id = all.map((e) => e.id);
      b.pending = [];
    }
    return b;
  }

  /** Adds to `out` the wallets stored at or above the threshold with a link at `bank` in [from, to] (ms, inclusive). */
  collect(bank: string, from: number, to: number, out: Set<string>) {
    const b = this.bank(bank);
    if (!b) return;
    let lo = 0;
    let hi = b.t.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b.t[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < b.t.length && b.t[i] <= to; i++) if (this.ids.has(b.id[i])) out.add(b.id[i]);
  }
}

/** Reads the run's RingBulk: two statements (the small things with their members, the flagged wallets' links). */
export async function loadRingBulk(db: Queryable, o: RingOptions): Promise<RingBulk> {
  const p = o.params ?? DEFAULT_RING_PARAMS;
  const threshold = o.threshold ?? DEFAULT_FLAG_THRESHOLD;
  const now = o.now;
  // The sharing tables (facts.ts) count every member ever, a superset of those as of `now`: they
  // narrow the groups read to those that can have two members; the members are counted as of `now`
  // from the base tables, as thingsOf does.
  const things = o.params === null ? [] : await rows<Thing>(db, sql`
    SELECT 'DEVICE' AS kind, w.device_id AS key, array_agg(w.id ORDER BY w.id) AS ids FROM wallet_account w
    WHERE w.device_id IN (SELECT device_id FROM device_sharing WHERE wallets > 1) AND w.opened_at <= ${now}
    GROUP BY w.device_id HAVING count(*) BETWEEN 2 AND ${p.maxWallets.DEVICE}::int
    UNION ALL
    SELECT 'IP', w.ip_address, array_agg(w.id ORDER BY w.id) FROM wallet_account w
    WHERE w.ip_address IN (SELECT ip_address FROM ip_sharing WHERE wallets > 1) AND w.opened_at <= ${now}
    GROUP BY w.ip_address HAVING count(*) BETWEEN 2 AND ${p.maxWallets.IP}::int
    UNION ALL
    SELECT 'BANK_ACCOUNT', v.bank_code || '-' || v.branch_code || '-' || v.account_number, array_agg(DISTINCT l.account_id)
    FROM bank_account_sharing s
    JOIN bank_link_version v ON v.bank_code = s.bank_code AND v.branch_code = s.branch_code AND v.account_number = s.account_number
    JOIN bank_link l ON l.id = v.link_id
    WHERE s.wallets > 1 AND v.valid_from <= ${now}
    GROUP BY v.bank_code, v.branch_code, v.account_number
    HAVING count(DISTINCT l.account_id) BETWEEN 2 AND ${p.maxWallets.BANK_ACCOUNT}::int`);
  const thingsByWallet = new Map<string, Thing[]>();
  for (const t of things) {
    for (const id of t.ids) {
      const list = thingsByWallet.get(id);
      if (list) list.push(t);
      else thingsByWallet.set(id, [t]);
    }
  }
  const states = await statesOf(db, [...thingsByWallet.keys()], threshold);
  const high = new HighLinks();
  const links = await rows<{ id: string; bank_code: string; at: Date }>(db, sql`
    SELECT l.account_id AS id, v.bank_code, v.valid_from AS at
    FROM wallet_account w JOIN bank_link l ON l.account_id = w.id JOIN bank_link_version v ON v.link_id = l.id
    WHERE w.risk_score >= ${threshold}::int AND v.valid_from <= ${now}`);
  const byId = new Map<string, RingLink[]>();
  for (const r of links) {
    const list = byId.get(r.id);
    if (list) list.push({ bankCode: r.bank_code, at: r.at });
    else byId.set(r.id, [{ bankCode: r.bank_code, at: r.at }]);
  }
  const [{ ids }] = await rows<{ ids: string[] }>(db, sql`SELECT coalesce(array_agg(id), '{}') AS ids FROM wallet_account WHERE risk_score >= ${threshold}::int`);
  for (const id of ids) high.add(id, byId.get(id) ?? []);
  return { thingsByWallet, states, high };
}

/**
 * After a chunk stored its results: wallets that reached the threshold join the flagged links, those
 * below it leave; the chunk's wallets' own states (`self`) replace those read at the start.
 */
export function noteStoredScores(
  bulk: RingBulk,
  stored: readonly { id: string; score: number }[],
  linksOf: (id: string) => readonly RingLink[],
  threshold: number,
  self: ReadonlyMap<string, RingSelf>,
) {
  for (const [id, s] of self) if (bulk.states.has(id)) bulk.states.set(id, s);
  for (const r of stored) {
    if (r.score >= threshold) {
      if (!bulk.high.ids.has(r.id)) bulk.high.add(r.id, linksOf(r.id));
    } else bulk.high.ids.delete(r.id);
  }
}

/** neighbourhood() from the run's RingBulk: the same things, found in memory (by identity: each thing is one object). */
function neighbourhoodBulk(bulk: RingBulk, ids: readonly string[]): Thing[] {
  const things = new Set<Thing>();
  for (const id of ids) {
    const mine = bulk.thingsByWallet.get(id);
    if (mine) for (const t of mine) things.add(t);
  }
  const first = [...things];
  const seen = new Set(ids);
  for (const t of first) {
    for (const m of t.ids) {
      if (seen.has(m)) continue;
      seen.add(m);
      const theirs = bulk.thingsByWallet.get(m);
      if (theirs) for (const t2 of theirs) things.add(t2);
    }
  }
  return [...things];
}

/**
 * The chunk's candidates' links with at least `minFlagged` flagged wallets (`high`: those stored at
 * or above the threshold; `selfFlagged`: the chunk's own, as this scoring flags them) linking the same
 * bank within the lock-step window, found in memory (a binary search per bank); then, for those few,
 * every wallet linking that bank in the window with its state, and the bank's usual traffic.
 */
async function lockstepPeers(
  db: Queryable,
  high: HighLinks,
  ids: readonly string[],
  selfFlagged: readonly string[],
  linksOf: (id: string) => readonly RingLink[],
  lp: LockstepParams,
  now: Date,
  threshold: number,
) {
  const winMs = lp.windowMinutes * 60_000;
  const selfHigh = new HighLinks();
  for (const id of selfFlagged) selfHigh.add(id, linksOf(id));
  const nearIds: string[] = [];
  const nearBanks: string[] = [];
  const nearAts: Date[] = [];
  const found = new Set<string>();
  for (const id of ids) {
    const links = linksOf(id);
    const seen = links.length > 1 ? new Set<string>() : null;
    for (const l of links) {
      if (seen) {
        const key = `${l.bankCode}|${l.at.getTime()}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      const t = l.at.getTime();
      found.clear();
      high.collect(l.bankCode, t - winMs, t + winMs, found);
      selfHigh.collect(l.bankCode, t - winMs, t + winMs, found);
      found.delete(id);
      if (found.size >= lp.minFlagged) {
        nearIds.push(id);
        nearBanks.push(l.bankCode);
        nearAts.push(l.at);
      }
    }
  }
  if (nearIds.length === 0) return [];
  // Every wallet linking each merged span of the near links' windows, read once (during an attack
  // many near links share the same windows: reading the window per link read them again and again),
  // then each link's window cut from its bank's list in memory.
  const spans = mergedWindows(nearIds.map((_, i) => ({ bankCode: nearBanks[i], at: nearAts[i] })), winMs);
  const inSpans = await rows<{ id: string; bank_code: string; at_ms: number; flagged: boolean; confirmed: boolean }>(db, sql`
    SELECT x.id, s.bank_code, x.at_ms, x.flagged, x.confirmed
    FROM unnest(${spans.map((x) => x.bankCode)}::bpchar[], ${spans.map((x) => new Date(x.from))}::timestamptz[], ${spans.map((x) => new Date(x.to))}::timestamptz[]) AS s(bank_code, lo, hi)
    CROSS JOIN LATERAL (
      SELECT w.id, floor(extract(epoch FROM v2.valid_from) * 1000)::float8 AS at_ms, ${ownFlagSql("w", threshold)} AS flagged, coalesce(w.review_label = 'CONFIRMED_FRAUD', false) AS confirmed
      FROM bank_link_version v2 JOIN bank_link l2 ON l2.id = v2.link_id JOIN wallet_account w ON w.id = l2.account_id
      WHERE v2.bank_code = s.bank_code AND v2.valid_from BETWEEN s.lo AND s.hi AND v2.valid_from <= ${now}
        AND w.review_label IS DISTINCT FROM 'LEGITIMATE'
      OFFSET 0
    ) x`);
  const byBank = new Map<string, typeof inSpans>();
  for (const r of inSpans) {
    const list = byBank.get(r.bank_code);
    if (list) list.push(r);
    else byBank.set(r.bank_code, [r]);
  }
  for (const list of byBank.values()) list.sort((a, b) => a.at_ms - b.at_ms);
  const before = await rows<{ links_before: number }>(db, sql`
    SELECT ${linksBeforeOf(lp)} AS links_before
    FROM unnest(${nearBanks}::bpchar[], ${nearAts}::timestamptz[]) WITH ORDINALITY AS m(bank_code, at, n) ORDER BY m.n`);
  const out = nearIds.map((id, i) => {
    const t = nearAts[i].getTime();
    const list = byBank.get(nearBanks[i]) ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].at_ms < t - winMs) lo = mid + 1;
      else hi = mid;
    }
    const peers = new Map<string, { flagged: boolean; confirmed: boolean }>();
    for (let k = lo; k < list.length && list[k].at_ms <= t + winMs; k++) if (list[k].id !== id) peers.set(list[k].id, list[k]);
    const ids2 = [...peers.keys()].sort();
    return {
      id,
      bank_code: nearBanks[i],
      at: nearAts[i],
      peers: ids2.length > 0 ? ids2 : null,
      flagged: ids2.length > 0 ? ids2.map((p) => peers.get(p)!.flagged) : null,
      confirmed: ids2.length > 0 ? ids2.map((p) => peers.get(p)!.confirmed) : null,
      links_before: before[i].links_before,
    };
  });
  // (the order the per-link statement gave: by wallet, time, bank)
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.at.getTime() - b.at.getTime() || (a.bank_code < b.bank_code ? -1 : a.bank_code > b.bank_code ? 1 : 0)));
}

/** The bank's links in the `usualDays` days ending `usualSkipHours` before the window of `m.at` (its usual traffic): one index range count. */
function linksBeforeOf(lp: LockstepParams): Sql {
  const end = sql`m.at - make_interval(mins => ${lp.windowMinutes}::int) - make_interval(hours => ${lp.usualSkipHours}::int)`;
  return sql`(SELECT count(*)::int FROM bank_link_version v3
            WHERE v3.bank_code = m.bank_code AND v3.valid_from >= ${end} - make_interval(days => ${lp.usualDays}::int) AND v3.valid_from < ${end})`;
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
  inputs: {
    /** The links of the chunk's wallets (from their facts). */
    linksOf: (id: string) => readonly RingLink[];
    /** A bulk run's inputs read once (else the neighbourhood and the flagged links are read for the chunk). */
    ring?: RingBulk;
    /** Wallets of `self` whose ring reasons are not wanted (kept as stored): only their states count, as the chunk's. */
    skip?: ReadonlyMap<string, unknown>;
    /** The chunk's shared things from its facts (OwnThings): the neighbourhood's first round need not read them again. */
    ownThings?: (id: string) => OwnThings | undefined;
    /** Where to keep the neighbourhood read (KnownNeighbourhood). */
    known?: KnownNeighbourhood;
  },
  timings?: Record<string, number>,
): Promise<Map<string, { code: RingReasonCode; points: number; evidence: string }[]>> {
  const timer = phaseTimer(timings);
  const bulk = inputs.ring;
  const out = new Map<string, { code: RingReasonCode; points: number; evidence: string }[]>();
  const skip = inputs.skip;
  const ids = skip && skip.size > 0 ? [...self.keys()].filter((id) => !skip.has(id)) : [...self.keys()];
  if (ids.length === 0) return out;
  const p = o.params ?? DEFAULT_RING_PARAMS;
  const lp = o.lockstep ?? DEFAULT_LOCKSTEP_PARAMS;
  const ringOn = o.params !== null;
  const lockstepOn = o.lockstep !== null;
  const threshold = o.threshold ?? DEFAULT_FLAG_THRESHOLD;
  const candidates = ids.filter((id) => {
    const s = self.get(id)!;
    return !s.flagged && !s.confirmed && !s.legitimate;
  });
  if (candidates.length === 0 || (!ringOn && !lockstepOn)) return out;

  const things = !ringOn ? [] : bulk ? neighbourhoodBulk(bulk, ids) : await neighbourhood(db, ids, p, o.now, inputs.ownThings);
  if (ringOn && !bulk) inputs.known?.note(ids, things, p);
  timer.lap("ring.things");
  const states = bulk
    ? bulk.states
    : await statesOf(
        db,
        [...new Set(things.flatMap((t) => t.ids))].filter((id) => !self.has(id)),
        threshold,
      );
  timer.lap("ring.states");
  const stateOf = (id: string) => self.get(id) ?? states.get(id) ?? { flagged: false, confirmed: false, legitimate: false };
  const wallets = new Map<string, RingWallet>();
  const walletOf = (id: string) => {
    let w = wallets.get(id);
    if (!w) wallets.set(id, (w = { id, deviceId: null, ipAddress: null, bankAccounts: [], ...stateOf(id) }));
    return w;
  };
  // Only things that can give evidence go to ringRisk: those with a bad (flagged or confirmed, not
  // legitimate) wallet on them (one hop) and those sharing a wallet with such a thing (two hops,
  // through a wallet that may gain one-hop risk). Any other thing has neither, so leaving it out
  // changes no hit; most chunks' neighbourhoods then have nothing to judge. (A candidate on no small
  // thing cannot gain ring points at all: ringRisk only looks along things.)
  const isBadId = (id: string) => {
    const st = stateOf(id);
    return !st.legitimate && (st.flagged || st.confirmed);
  };
  const nearBad = new Set(things.filter((t) => t.ids.some(isBadId)).flatMap((t) => t.ids));
  const relevant = nearBad.size === 0 ? [] : things.filter((t) => t.ids.some((id) => nearBad.has(id)));
  for (const t of relevant) {
    for (const id of t.ids) {
      const w = walletOf(id);
      if (t.kind === "DEVICE") w.deviceId = t.key;
      else if (t.kind === "IP") w.ipAddress = t.key;
      else (w.bankAccounts as string[]).push(t.key);
    }
  }
  const hits = ringOn ? ringRisk([...wallets.values()], p) : new Map<string, RingHit>();
  timer.lap("ring.risk");

  const steps = new Map<string, LockstepHit>();
  const selfFlagged = [...self.keys()].filter((id) => self.get(id)!.flagged || self.get(id)!.confirmed);
  const peers = !lockstepOn
    ? []
    : await lockstepPeers(
        db,
        bulk ? bulk.high : await flaggedLinksAround(db, candidates.flatMap(inputs.linksOf), lp, o.now, threshold),
        candidates,
        selfFlagged,
        inputs.linksOf,
        lp,
        o.now,
        threshold,
      );
  timer.lap("ring.lockstep");
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
  timer.lap("ring.judge");
  return out;
}

/**
 * The wallets whose ring points can move when the given wallets change: the wallets on their small
 * shared things at one and two hops, and those linking the same bank within the lock-step window of
 * their links. `nearFlaggedOnly`: only lock-step windows with flagged wallets in them (a new link in
 * a window without them changes nobody's points; this keeps a busy bank's ordinary links cheap).
 * `lockstepHitsOnly`: of the wallets in those windows, only those whose stored reasons hold a
 * LOCKSTEP hit (for given wallets that are not flagged: one more wallet that is neither flagged nor
 * confirmed in a window only lowers the flagged share there, so it can take a hit away or change its
 * counts, never give one).
 * `db`: best a transaction planning generically (rescoreTouched): with plans for their values the
 * neighbourhood's statements took seconds for thousands of ids at scale 10, 50–200 ms generically.
 */
export async function ringNeighbourIds(
  db: Queryable,
  ids: readonly string[],
  o: RingOptions & { nearFlaggedOnly?: boolean; lockstepHitsOnly?: boolean; known?: KnownNeighbourhood },
): Promise<string[]> {
  if (ids.length === 0) return [];
  const p = o.params ?? DEFAULT_RING_PARAMS;
  const lp = o.lockstep ?? DEFAULT_LOCKSTEP_PARAMS;
  const threshold = o.threshold ?? DEFAULT_FLAG_THRESHOLD;
  const found = new Set<string>();
  if (o.params !== null) {
    // The neighbourhoods the scoring pass read (KnownNeighbourhood) answer for the wallets it covered.
    const known = o.known && o.known.maxWallets !== null && sameLimits(o.known.maxWallets, p.maxWallets) ? o.known : null;
    const unknown = known ? ids.filter((id) => !known.covered.has(id)) : ids;
    if (known) for (const id of known.around(ids.filter((id) => known.covered.has(id)))) found.add(id);
    if (unknown.length > 0) for (const t of await neighbourhood(db, unknown, p, o.now)) for (const id of t.ids) found.add(id);
  }
  if (o.lockstep !== null) for (const id of await lockstepWindowMembers(db, ids, lp, o.now, threshold, o.nearFlaggedOnly ?? false, o.lockstepHitsOnly ?? false)) found.add(id);
  for (const id of ids) found.delete(id);
  return [...found].sort();
}

/**
 * The wallets linking the same bank within the lock-step window of the given wallets' links (with
 * `nearFlaggedOnly`, only of the links with a flagged link at their bank within the window). The
 * windows are found and merged in memory (per bank, overlapping windows become one span); then each
 * span is one index range scan of bank_link_version (bank_code, valid_from). Never link × link: that
 * took over 30 s for one ingested burst of a few hundred links at one bank. The scans are fenced
 * (OFFSET 0) so that each span drives its own scan: left to itself the planner read every link
 * version of the bank and filtered by the spans (1.4 s for 1,000 wallets at scale 10).
 */
async function lockstepWindowMembers(db: Queryable, ids: readonly string[], lp: LockstepParams, now: Date, threshold: number, nearFlaggedOnly: boolean, hitsOnly: boolean): Promise<string[]> {
  const mine = await rows<{ bank_code: string; at: Date }>(db, sql`
    SELECT DISTINCT v.bank_code, v.valid_from AS at
    FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id
    WHERE l.account_id = ANY(${[...ids]}::text[]) AND v.valid_from <= ${now}`);
  if (mine.length === 0) return [];
  const winMs = lp.windowMinutes * 60_000;
  let links: RingLink[] = mine.map((m) => ({ bankCode: m.bank_code, at: m.at }));
  if (nearFlaggedOnly) {
    const high = await flaggedLinksAround(db, links, lp, now, threshold);
    const flaggedNear = new Set<string>();
    links = links.filter((l) => {
      flaggedNear.clear();
      high.collect(l.bankCode, l.at.getTime() - winMs, l.at.getTime() + winMs, flaggedNear);
      return flaggedNear.size > 0;
    });
  }
  const spans = mergedWindows(links, winMs);
  if (spans.length === 0) return [];
  const members = await rows<{ id: string }>(db, sql`
    SELECT DISTINCT x.account_id AS id
    FROM unnest(${spans.map((s) => s.bankCode)}::bpchar[], ${spans.map((s) => new Date(s.from))}::timestamptz[], ${spans.map((s) => new Date(s.to))}::timestamptz[]) AS s(bank_code, lo, hi)
    CROSS JOIN LATERAL (
      SELECT l2.account_id FROM bank_link_version v2 JOIN bank_link l2 ON l2.id = v2.link_id
      WHERE v2.bank_code = s.bank_code AND v2.valid_from BETWEEN s.lo AND s.hi
      OFFSET 0
    ) x
    ${hitsOnly ? sql`JOIN wallet_account w ON w.id = x.account_id WHERE 'LOCKSTEP' = ANY(w.reason_codes)` : sql``}`);
  return members.map((r) => r.id);
}

// AccountFacts for a SET of wallet accounts, read with a fixed handful of set-based queries (never
// one query per account), "as of" a scoring instant: only what had happened by `now` counts, so the
// same data scored at the same instant always gives the same facts (and the in-memory replay in
// replay.ts, which the evaluation uses, can mirror it exactly). How many wallets share a device, an
// IP address or a bank account is read from the sharing tables the database maintains as rows
// arrive (see FactsSource), not counted again for every scored wallet.
import { phaseTimer } from "./phase-timings.ts";
import { pgQuery, raw, rows, sql, type Queryable, type Sql } from "../../db/sql.ts";
import { FACTS_WINDOW_DAYS, type AccountFacts, type AuthMethod, type LinkFact, type SpendChannel } from "../../../shared/accounts/index.ts";

const DAY_MS = 86_400_000;

/** One bank account a wallet has pointed at (a version of one of its links). */
export interface LinkedBankAccount extends LinkFact {
  linkId: string;
  branchCode: string;
  accountNumber: string;
  /** Wallets that had linked this bank account by the scoring instant (loadFacts; the ring's neighbourhood reads those shared). */
  walletsSharing?: number;
}

export interface LoadedFacts extends AccountFacts {
  accountId: string;
  links: LinkedBankAccount[];
}

/** Spikes that make LINKED_DURING_SPIKE fire: a burst of registrations or of charges at the bank. */
export const SPIKE_METRICS_FOR_LINKS = ["LINK_REGISTERED", "CHARGE_COUNT"] as const;

/**
 * Most distinct bank accounts among `links` registered within any 24-hour window. Links are the
 * versions of the wallet's links, so a change to another bank account counts as one more account.
 */
export function maxDistinctAccountsWithin24h(links: readonly { registeredAt: Date; bankCode: string; branchCode: string; accountNumber: string }[]): number {
  if (links.length <= 1) return links.length; // most wallets: nothing to sort or compare
  const sorted = [...links].sort((a, b) => a.registeredAt.getTime() - b.registeredAt.getTime());
  let best = 0;
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i].registeredAt.getTime();
    const keys = new Set<string>();
    for (let j = i; j < sorted.length && sorted[j].registeredAt.getTime() - start <= DAY_MS; j++) {
      keys.add(`${sorted[j].bankCode}-${sorted[j].branchCode}-${sorted[j].accountNumber}`);
    }
    best = Math.max(best, keys.size);
  }
  return best;
}

/**
 * Which accounts: a list of ids, or (bulk rescoring) every id in the range (after, upTo] — one
 * index range scan per table instead of one probe per id.
 */
export type AccountSet = readonly string[] | { after: string; upTo: string };

/** SQL condition on `column` (our own constant) for the set. */
export function inSet(set: AccountSet, column: string): Sql {
  const c = raw(column);
  if (Array.isArray(set)) return sql`${c} = ANY(${[...(set as readonly string[])]}::text[])`;
  const range = set as { after: string; upTo: string };
  return sql`(${c} > ${range.after}::text AND ${c} <= ${range.upTo}::text)`;
}

/**
 * How many wallets share each device, IP address and bank account, for the groups of two or more,
 * counted once for a whole bulk rescoring instead of per chunk (a lone one counts 1). Taken at the
 * start of the run: accounts arriving meanwhile are rescored by the after-commit hook anyway.
 */
export interface SharedCounts {
  device: Map<string, number>;
  ip: Map<string, number>;
  bankAccount: Map<string, number>;
  /**
   * The link spikes (SPIKE_METRICS_FOR_LINKS) by bank, read once for a bulk run (loadLinkSpikes):
   * whether a bank was spiking when a link was made is then found in memory, not by a subquery per link.
   */
  linkSpikes?: LinkSpikes;
}

/** Per bank, the spikes that make LINKED_DURING_SPIKE fire that had started by `now`: [start, end] in epoch ms (end `now` while open). */
export type LinkSpikes = Map<string, { start: number; end: number }[]>;

/** The spikes that had started by `now` (spike is a small table: a few per bank and month), by bank. */
export async function loadLinkSpikes(db: Queryable, now: Date): Promise<LinkSpikes> {
  const found = await rows<{ bank_code: string; started_at: Date; ended_at: Date | null }>(db, sql`
    SELECT bank_code, started_at, ended_at FROM spike
    WHERE metric::text = ANY(${[...SPIKE_METRICS_FOR_LINKS]}::text[]) AND started_at <= ${now}`);
  const out: LinkSpikes = new Map();
  for (const s of found) {
    const list = out.get(s.bank_code) ?? [];
    list.push({ start: s.started_at.getTime(), end: (s.ended_at ?? now).getTime() });
    out.set(s.bank_code, list);
  }
  return out;
}

/** The same test as the links query's EXISTS (spike started by the link and not ended before it). */
function spikingAt(spikes: LinkSpikes, bankCode: string, at: Date): boolean {
  const t = at.getTime();
  return (spikes.get(bankCode) ?? []).some((s) => s.start <= t && s.end >= t);
}

const bankAccountKey = (bank: string, branch: string, number: string) => `${bank}-${branch}-${number}`;

/**
 * Where the sharing counts come from: "facts" (default) reads the sharing tables the database keeps
 * current as rows arrive (device_sharing, ip_sharing, bank_account_sharing: migration
 * 20261207050000_sharing_facts), counting from the base tables only the groups with a member after
 * `now`; "scratch" counts everything from the base tables (the parity test's reference).
 */
export type FactsSource = "facts" | "scratch";

export async function loadSharedCounts(db: Queryable, now: Date, source: FactsSource = "facts"): Promise<SharedCounts> {
  if (source === "scratch") return loadSharedCountsFromScratch(db, now);
  // A group whose latest member is at or before `now` counts all its members; the few others (a
  // member opened or linked after the scoring instant) are counted as of `now` from the base tables.
  const device = await rows<{ k: string; n: number }>(
    db,
    sql`SELECT device_id AS k, wallets AS n FROM device_sharing WHERE wallets > 1 AND latest_opened_at <= ${now}
        UNION ALL
        SELECT device_id, count(*)::int FROM wallet_account
        WHERE device_id IN (SELECT device_id FROM device_sharing WHERE wallets > 1 AND latest_opened_at > ${now}) AND opened_at <= ${now}
        GROUP BY device_id HAVING count(*) > 1`,
  );
  const ip = await rows<{ k: string; n: number }>(
    db,
    sql`SELECT ip_address AS k, wallets AS n FROM ip_sharing WHERE wallets > 1 AND latest_opened_at <= ${now}
        UNION ALL
        SELECT ip_address, count(*)::int FROM wallet_account
        WHERE ip_address IN (SELECT ip_address FROM ip_sharing WHERE wallets > 1 AND latest_opened_at > ${now}) AND opened_at <= ${now}
        GROUP BY ip_address HAVING count(*) > 1`,
  );
  const bank = await rows<{ bank_code: string; branch_code: string; account_number: string; n: number }>(db, sql`
    SELECT bank_code, branch_code, account_number, wallets AS n FROM bank_account_sharing WHERE wallets > 1 AND latest_linked_at <= ${now}
    UNION ALL
    SELECT p.bank_code, p.branch_code, p.account_number, count(*)::int
    FROM bank_account_sharing s
    JOIN bank_account_wallet p ON p.bank_code = s.bank_code AND p.branch_code = s.branch_code AND p.account_number = s.account_number
    WHERE s.wallets > 1 AND s.latest_linked_at > ${now} AND p.first_linked_at <= ${now}
    GROUP BY p.bank_code, p.branch_code, p.account_number HAVING count(*) > 1`);
  return {
    device: new Map(device.map((r) => [r.k, r.n])),
    ip: new Map(ip.map((r) => [r.k, r.n])),
    bankAccount: new Map(bank.map((r) => [bankAccountKey(r.bank_code, r.branch_code, r.account_number), r.n])),
  };
}

/** The sharing counts from the base tables alone (three aggregates over every wallet and link version). */
async function loadSharedCountsFromScratch(db: Queryable, now: Date): Promise<SharedCounts> {
  const device = await rows<{ k: string; n: number }>(
    db,
    sql`SELECT device_id AS k, count(*)::int AS n FROM wallet_account WHERE device_id IS NOT NULL AND opened_at <= ${now} GROUP BY device_id HAVING count(*) > 1`,
  );
  const ip = await rows<{ k: string; n: number }>(
    db,
    sql`SELECT ip_address AS k, count(*)::int AS n FROM wallet_account WHERE ip_address IS NOT NULL AND opened_at <= ${now} GROUP BY ip_address HAVING count(*) > 1`,
  );
  // Most bank accounts appear in one version only: find the repeated ones with a cheap hash
  // aggregate, and count distinct wallets for those few.
  const bank = await rows<{ bank_code: string; branch_code: string; account_number: string; n: number }>(db, sql`
    WITH repeated AS (
      SELECT bank_code, branch_code, account_number FROM bank_link_version WHERE valid_from <= ${now}
      GROUP BY bank_code, branch_code, account_number HAVING count(*) > 1
    )
    SELECT v.bank_code, v.branch_code, v.account_number, count(DISTINCT l.account_id)::int AS n
    FROM repeated r
    JOIN bank_link_version v ON v.bank_code = r.bank_code AND v.branch_code = r.branch_code AND v.account_number = r.account_number
    JOIN bank_link l ON l.id = v.link_id
    WHERE v.valid_from <= ${now}
    GROUP BY v.bank_code, v.branch_code, v.account_number HAVING count(DISTINCT l.account_id) > 1`);
  return {
    device: new Map(device.map((r) => [r.k, r.n])),
    ip: new Map(ip.map((r) => [r.k, r.n])),
    bankAccount: new Map(bank.map((r) => [bankAccountKey(r.bank_code, r.branch_code, r.account_number), r.n])),
  };
}

/**
 * Facts of every account in the set that exists, as of `now`. Four queries whatever the set's size
 * (callers chunk: a few thousand accounts per call). Sharing counts come from `shared` (bulk), else
 * from the sharing tables (`source` "facts", one key probe per account and link), else (`source`
 * "scratch") counted from the base tables: all three give the same facts.
 */
export interface LoadFactsOptions {
  shared?: SharedCounts;
  source?: FactsSource;
  /**
   * The set's wallet_account rows, already read by the caller as it locked them (then the accounts
   * query is not run again): with `shared`, AccountRow; without, with sharingCountColumns too.
   */
  accounts?: readonly (AccountRow & { device_wallets?: number | null; ip_wallets?: number | null })[];
  /** Milliseconds per query, summed (bench diagnosis). */
  timings?: Record<string, number>;
  /** The link spikes read once by the caller (else `shared.linkSpikes`, else a subquery per link). */
  linkSpikes?: LinkSpikes;
}

/** The wallet_account columns facts are made of (ACCOUNT_COLUMNS). */
export interface AccountRow {
  id: string;
  holder_name: string;
  carrier_customer: boolean;
  identity_verified: boolean;
  opened_at: Date;
  device_id: string | null;
  ip_address: string | null;
}

/** Selects AccountRow from wallet_account aliased `a`. */
export const ACCOUNT_COLUMNS = sql`a.holder_name, a.carrier_customer, a.identity_verified, a.opened_at, a.device_id, a.ip_address`;

/**
 * device_wallets and ip_wallets of the wallet_account row aliased `alias`, as of `now`: the sharing
 * tables' counts (one key probe each); a group with a member opened after `now` is counted as of
 * `now` from wallet_account instead.
 */
export function sharingCountColumns(alias: "a" | "me", now: Date): Sql {
  const me = raw(alias);
  return sql`CASE WHEN ${me}.device_id IS NULL THEN 0 ELSE coalesce(
                     (SELECT ds.wallets FROM device_sharing ds WHERE ds.device_id = ${me}.device_id AND ds.latest_opened_at <= ${now}),
                     (SELECT count(*)::int FROM wallet_account w WHERE w.device_id = ${me}.device_id AND w.opened_at <= ${now})) END AS device_wallets,
                   CASE WHEN ${me}.ip_address IS NULL THEN 0 ELSE coalesce(
                     (SELECT ips.wallets FROM ip_sharing ips WHERE ips.ip_address = ${me}.ip_address AND ips.latest_opened_at <= ${now}),
                     (SELECT count(*)::int FROM wallet_account w WHERE w.ip_address = ${me}.ip_address AND w.opened_at <= ${now})) END AS ip_wallets`;
}

export async function loadFacts(db: Queryable, set: AccountSet, now: Date, opts: LoadFactsOptions = {}): Promise<Map<string, LoadedFacts>> {
  const { shared, source = "facts", timings } = opts;
  const linkSpikes = opts.linkSpikes ?? shared?.linkSpikes;
  const timer = phaseTimer(timings);
  const out = new Map<string, LoadedFacts>();
  const isList = Array.isArray(set);
  if (isList && set.length === 0) return out;
  const from = new Date(now.getTime() - FACTS_WINDOW_DAYS * DAY_MS);

  // Sequential on purpose: `db` may be one transaction's client, which runs one query at a time.
  // Sharing counts: one index probe per account (LATERAL), never a scan of all wallets.
  const accounts: readonly (AccountRow & { device_wallets?: number | null; ip_wallets?: number | null })[] = opts.accounts ? opts.accounts : await rows<
    AccountRow & { device_wallets: number | null; ip_wallets: number | null }
  >(
    db,
    shared
      ? sql`SELECT a.id, ${ACCOUNT_COLUMNS}, NULL::int AS device_wallets, NULL::int AS ip_wallets
            FROM wallet_account a WHERE ${inSet(set, "a.id")}`
      : source === "scratch"
        ? sql`SELECT me.id, me.holder_name, me.carrier_customer, me.identity_verified, me.opened_at, me.device_id, me.ip_address,
                   coalesce(d.n, 0) AS device_wallets, coalesce(i.n, 0) AS ip_wallets
            FROM wallet_account me
            LEFT JOIN LATERAL (SELECT count(*)::int AS n FROM wallet_account w WHERE w.device_id = me.device_id AND w.opened_at <= ${now}) d ON me.device_id IS NOT NULL
            LEFT JOIN LATERAL (SELECT count(*)::int AS n FROM wallet_account w WHERE w.ip_address = me.ip_address AND w.opened_at <= ${now}) i ON me.ip_address IS NOT NULL
            WHERE ${inSet(set, "me.id")}`
        : sql`SELECT me.id, me.holder_name, me.carrier_customer, me.identity_verified, me.opened_at, me.device_id, me.ip_address, ${sharingCountColumns("me", now)}
            FROM wallet_account me
            WHERE ${inSet(set, "me.id")}`,
  );
  timer.lap("facts.accounts");
  for (const a of accounts) {
    const self = a.opened_at.getTime() <= now.getTime() ? 1 : 0;
    out.set(a.id, {
      accountId: a.id,
      account: { openedAt: a.opened_at, holderName: a.holder_name, carrierCustomer: a.carrier_customer, identityVerified: a.identity_verified },
      links: [],
      linkChangeCount: 0,
      distinctBankAccountsLinkedWithin24h: 0,
      maxWalletsSharingBankAccount: 0,
      walletsSharingDevice: shared ? (a.device_id === null ? 0 : (shared.device.get(a.device_id) ?? self)) : (a.device_wallets ?? 0),
      walletsSharingIp: shared ? (a.ip_address === null ? 0 : (shared.ip.get(a.ip_address) ?? self)) : (a.ip_wallets ?? 0),
      charges: [],
      spends: [],
    });
  }

  // Every bank account each wallet's links have pointed at (bank_link_version holds the first
  // registration and every change), with whether the bank was spiking when it was linked, and
  // (without `shared`) how many wallets have linked that bank account.
  // Rows as arrays and instants as epoch ms, as for charges below (the third largest read).
  const links = await db.query<[string, string, string, string, string, string, AuthMethod, number, boolean | null, number | null]>(
    pgQuery(
      sql`SELECT l.account_id, v.link_id, v.bank_code, v.branch_code, v.account_number, v.holder_name,
               v.auth_method::text AS auth_method, floor(extract(epoch FROM v.valid_from) * 1000)::float8 AS valid_from_ms,
               ${
                 linkSpikes
                   ? sql`NULL::boolean`
                   : sql`EXISTS (
                 SELECT 1 FROM spike s
                 WHERE s.bank_code = v.bank_code AND s.metric::text = ANY(${[...SPIKE_METRICS_FOR_LINKS]}::text[])
                   AND s.started_at <= v.valid_from AND coalesce(s.ended_at, ${now}) >= v.valid_from
                   AND s.started_at <= ${now}
               )`
               } AS spiking,
               ${
                 shared
                   ? sql`NULL::int`
                   : source === "scratch"
                     ? sql`(SELECT count(DISTINCT l2.account_id)::int FROM bank_link_version v2 JOIN bank_link l2 ON l2.id = v2.link_id
                            WHERE v2.bank_code = v.bank_code AND v2.branch_code = v.branch_code AND v2.account_number = v.account_number AND v2.valid_from <= ${now})`
                     : sql`coalesce(
                            (SELECT bs.wallets FROM bank_account_sharing bs
                             WHERE bs.bank_code = v.bank_code AND bs.branch_code = v.branch_code AND bs.account_number = v.account_number AND bs.latest_linked_at <= ${now}),
                            (SELECT count(*)::int FROM bank_account_wallet p
                             WHERE p.bank_code = v.bank_code AND p.branch_code = v.branch_code AND p.account_number = v.account_number AND p.first_linked_at <= ${now}))`
               } AS wallets
        FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id
        WHERE ${inSet(set, "l.account_id")} AND v.valid_from <= ${now}
        ORDER BY l.account_id, v.valid_from, v.link_id`,
      { rowMode: "array" },
    ),
  );
  timer.lap("facts.links");
  const linkIdsByAccount = new Map<string, Set<string>>();
  for (const [accountId, linkId, bankCode, branchCode, accountNumber, holderName, authMethod, validFromMs, spiking, linkWallets] of links.rows) {
    const f = out.get(accountId);
    if (!f) continue;
    const registeredAt = new Date(validFromMs);
    f.links.push({
      linkId,
      bankCode,
      branchCode,
      accountNumber,
      holderName,
      registeredAt,
      authMethod,
      bankWasSpikingAtRegistration: spiking ?? (linkSpikes ? spikingAt(linkSpikes, bankCode, registeredAt) : false),
    });
    const wallets = shared ? (shared.bankAccount.get(bankAccountKey(bankCode, branchCode, accountNumber)) ?? 1) : (linkWallets ?? 0);
    f.links[f.links.length - 1].walletsSharing = wallets;
    f.maxWalletsSharingBankAccount = Math.max(f.maxWalletsSharingBankAccount, wallets);
    // (most wallets have one link version: a Set only for those with more)
    if (f.links.length > 1) {
      let set = linkIdsByAccount.get(accountId);
      if (!set) linkIdsByAccount.set(accountId, (set = new Set([f.links[0].linkId])));
      set.add(linkId);
    }
  }
  for (const f of out.values()) {
    f.linkChangeCount = f.links.length - (linkIdsByAccount.get(f.accountId)?.size ?? Math.min(1, f.links.length));
    f.distinctBankAccountsLinkedWithin24h = maxDistinctAccountsWithin24h(f.links);
  }

  // The largest reads (a million accounts' charges and spends): rows as arrays, instants as epoch
  // milliseconds (a float parse instead of a date-string parse per row; whole ms, as pg's own parse).
  const charges = await db.query<[string, number, number]>(
    pgQuery(
      sql`SELECT account_id, amount_yen, floor(extract(epoch FROM occurred_at) * 1000)::float8 FROM charge
          WHERE ${inSet(set, "account_id")} AND occurred_at >= ${from} AND occurred_at <= ${now}`,
      { rowMode: "array" },
    ),
  );
  timer.lap("facts.charges");
  for (const r of charges.rows) out.get(r[0])?.charges.push({ amountYen: r[1], occurredAt: new Date(r[2]) });

  const spends = await db.query<[string, number, number, SpendChannel]>(
    pgQuery(
      sql`SELECT account_id, amount_yen, floor(extract(epoch FROM occurred_at) * 1000)::float8, channel::text FROM spend
          WHERE ${inSet(set, "account_id")} AND occurred_at >= ${from} AND occurred_at <= ${now}`,
      { rowMode: "array" },
    ),
  );
  for (const r of spends.rows) out.get(r[0])?.spends.push({ amountYen: r[1], occurredAt: new Date(r[2]), channel: r[3] });
  timer.lap("facts.spends");

  return out;
}

// AccountFacts for a SET of wallet accounts, read with a fixed handful of set-based queries (never
// one query per account), "as of" a scoring instant: only what had happened by `now` counts, so the
// same data scored at the same instant always gives the same facts (and the in-memory replay in
// replay.ts, which the evaluation uses, can mirror it exactly).
import type pg from "pg";
import { FACTS_WINDOW_DAYS, type AccountFacts, type AuthMethod, type LinkFact, type SpendChannel } from "../../../shared/accounts/index.ts";

const DAY_MS = 86_400_000;

/** Anything that runs queries: the pool or one checked-out client (inside a transaction). */
export type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

/** One bank account a wallet has pointed at (a version of one of its links). */
export interface LinkedBankAccount extends LinkFact {
  linkId: string;
  branchCode: string;
  accountNumber: string;
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
 * Facts of every account in `accountIds` that exists, as of `now`. Six queries whatever the set's
 * size (callers chunk: a few thousand ids per call).
 */
export async function loadFacts(db: Queryable, accountIds: readonly string[], now: Date): Promise<Map<string, LoadedFacts>> {
  const out = new Map<string, LoadedFacts>();
  if (accountIds.length === 0) return out;
  const ids = [...accountIds];
  const from = new Date(now.getTime() - FACTS_WINDOW_DAYS * DAY_MS);

  // Sequential on purpose: `db` may be one transaction's client, which runs one query at a time.
  const accounts = await db.query<{
    id: string;
    holder_name: string;
    carrier_customer: boolean;
    identity_verified: boolean;
    opened_at: Date;
    device_wallets: number;
    ip_wallets: number;
  }>(
    `WITH me AS (
       SELECT id, holder_name, carrier_customer, identity_verified, opened_at, device_id, ip_address
       FROM wallet_account WHERE id = ANY($1::text[])
     ), dev AS (
       SELECT w.device_id, count(*)::int AS n FROM wallet_account w
       WHERE w.device_id IN (SELECT device_id FROM me WHERE device_id IS NOT NULL) AND w.opened_at <= $2
       GROUP BY w.device_id
     ), ip AS (
       SELECT w.ip_address, count(*)::int AS n FROM wallet_account w
       WHERE w.ip_address IN (SELECT ip_address FROM me WHERE ip_address IS NOT NULL) AND w.opened_at <= $2
       GROUP BY w.ip_address
     )
     SELECT me.id, me.holder_name, me.carrier_customer, me.identity_verified, me.opened_at,
            coalesce(dev.n, 0) AS device_wallets, coalesce(ip.n, 0) AS ip_wallets
     FROM me LEFT JOIN dev ON dev.device_id = me.device_id LEFT JOIN ip ON ip.ip_address = me.ip_address`,
    [ids, now],
  );
  for (const a of accounts.rows) {
    out.set(a.id, {
      accountId: a.id,
      account: { openedAt: a.opened_at, holderName: a.holder_name, carrierCustomer: a.carrier_customer, identityVerified: a.identity_verified },
      links: [],
      linkChangeCount: 0,
      distinctBankAccountsLinkedWithin24h: 0,
      maxWalletsSharingBankAccount: 0,
      walletsSharingDevice: a.device_wallets,
      walletsSharingIp: a.ip_wallets,
      charges: [],
      spends: [],
    });
  }

  // Every bank account each wallet's links have pointed at (bank_link_version holds the first
  // registration and every change), with whether the bank was spiking when it was linked.
  const links = await db.query<{
    account_id: string;
    link_id: string;
    bank_code: string;
    branch_code: string;
    account_number: string;
    holder_name: string;
    auth_method: AuthMethod;
    valid_from: Date;
    spiking: boolean;
  }>(
    `SELECT l.account_id, v.link_id, v.bank_code, v.branch_code, v.account_number, v.holder_name,
            v.auth_method::text AS auth_method, v.valid_from,
            EXISTS (
              SELECT 1 FROM spike s
              WHERE s.bank_code = v.bank_code AND s.metric::text = ANY($3::text[])
                AND s.started_at <= v.valid_from AND coalesce(s.ended_at, $2) >= v.valid_from
                AND s.started_at <= $2
            ) AS spiking
     FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id
     WHERE l.account_id = ANY($1::text[]) AND v.valid_from <= $2
     ORDER BY l.account_id, v.valid_from, v.id`,
    [ids, now, SPIKE_METRICS_FOR_LINKS],
  );
  const linkIdsByAccount = new Map<string, Set<string>>();
  for (const r of links.rows) {
    const f = out.get(r.account_id);
    if (!f) continue;
    f.links.push({
      linkId: r.link_id,
      bankCode: r.bank_code,
      branchCode: r.branch_code,
      accountNumber: r.account_number,
      holderName: r.holder_name,
      registeredAt: r.valid_from,
      authMethod: r.auth_method,
      bankWasSpikingAtRegistration: r.spiking,
    });
    let set = linkIdsByAccount.get(r.account_id);
    if (!set) linkIdsByAccount.set(r.account_id, (set = new Set()));
    set.add(r.link_id);
  }
  for (const f of out.values()) {
    f.linkChangeCount = f.links.length - (linkIdsByAccount.get(f.accountId)?.size ?? 0);
    f.distinctBankAccountsLinkedWithin24h = maxDistinctAccountsWithin24h(f.links);
  }

  // For each wallet: the most wallets that have linked any one of its bank accounts.
  const shared = await db.query<{ account_id: string; wallets: number }>(
    `WITH mine AS (
       SELECT DISTINCT l.account_id, v.bank_code, v.branch_code, v.account_number
       FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id
       WHERE l.account_id = ANY($1::text[]) AND v.valid_from <= $2
     ), counts AS (
       SELECT v.bank_code, v.branch_code, v.account_number, count(DISTINCT l.account_id)::int AS wallets
       FROM (SELECT DISTINCT bank_code, branch_code, account_number FROM mine) b
       JOIN bank_link_version v ON v.bank_code = b.bank_code AND v.branch_code = b.branch_code AND v.account_number = b.account_number
       JOIN bank_link l ON l.id = v.link_id
       WHERE v.valid_from <= $2
       GROUP BY v.bank_code, v.branch_code, v.account_number
     )
     SELECT m.account_id, max(c.wallets)::int AS wallets
     FROM mine m JOIN counts c ON c.bank_code = m.bank_code AND c.branch_code = m.branch_code AND c.account_number = m.account_number
     GROUP BY m.account_id`,
    [ids, now],
  );
  for (const r of shared.rows) {
    const f = out.get(r.account_id);
    if (f) f.maxWalletsSharingBankAccount = r.wallets;
  }

  const charges = await db.query<{ account_id: string; amount_yen: number; occurred_at: Date }>(
    `SELECT account_id, amount_yen, occurred_at FROM charge
     WHERE account_id = ANY($1::text[]) AND occurred_at >= $2 AND occurred_at <= $3`,
    [ids, from, now],
  );
  for (const r of charges.rows) out.get(r.account_id)?.charges.push({ amountYen: r.amount_yen, occurredAt: r.occurred_at });

  const spends = await db.query<{ account_id: string; amount_yen: number; occurred_at: Date; channel: SpendChannel }>(
    `SELECT account_id, amount_yen, occurred_at, channel::text AS channel FROM spend
     WHERE account_id = ANY($1::text[]) AND occurred_at >= $2 AND occurred_at <= $3`,
    [ids, from, now],
  );
  for (const r of spends.rows) out.get(r.account_id)?.spends.push({ amountYen: r.amount_yen, occurredAt: r.occurred_at, channel: r.channel });

  return out;
}

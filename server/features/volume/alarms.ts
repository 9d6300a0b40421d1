// The bank-level alarm (shared/volume/alarm.ts) run live, after each detection run: per bank, on the
// 5-minute lane's links and charged yen with their expected levels (held in detection's memory), the
// links charged to the per-charge limit within minutes of linking (read here from the charges) and
// the suspect links (another person's account linked minutes after opening an unverified wallet, or
// by a verified one that then drew on it again and again within minutes, read here from the links,
// their wallets and charges).
// What it finds is upserted into bank_alarm by (bank, end of the bucket it opened in): the incident
// banner lists the open, unacknowledged ones.
//
// Each bank's alarm state advances bucket by bucket (complete buckets once; the still-filling one
// on every run, without keeping its state, so an alarm opens within seconds but never closes on a
// bucket that has just begun). The first run of a process starts over ALARM_REPLAY_DAYS back (where
// detection holds expected levels), re-deriving the alarms stored for that span; stored alarms still
// open that began before it are closed at their last evidence. Late events older than a bank's cursor
// do not re-run its alarm (the per-series spikes do re-run).
import type pg from "pg";
import type { Database } from "../../db/client.ts";
import { pgQuery, query, sql } from "../../db/sql.ts";
import {
  FRESH_LINK,
  INITIAL_BANK_ALARM_STATE,
  SUSPECT_LINK,
  closedAlarm,
  isSuspectLink,
  platformFreshShare,
  platformSuspectShare,
  stepBankAlarm,
  type BankAlarm,
  type BankAlarmState,
  type BankMeasures,
} from "../../../shared/volume/alarm.ts";

const MINUTE_MS = 60_000;
const BUCKET_MS = 5 * MINUTE_MS;
/** The longest window the alarm reads, in buckets (evidence at t reads t−11..t). */
const LOOKBACK_BUCKETS = 12;
/** The platform share's window, in buckets (platformFreshShare's default). */
const SHARE_BUCKETS = 36;
export const ALARM_REPLAY_DAYS = 3;

/** A 5-minute series as detection holds it: values[i] and expected[i] are the bucket at startMs + i·5 min. */
export interface LaneSeries {
  startMs: number;
  firstDataMs: number;
  values: Float64Array;
  expected: Float64Array;
}

export interface AlarmCursor {
  /** State after the last complete bucket stepped. */
  state: BankAlarmState;
  /** The next bucket to step (the still-filling bucket of the last run). */
  nextMs: number;
}

// A link (or a link change) counts once, in the bucket of the first charge with which the charges
// drawn on it since then, within FRESH_LINK.minutes, made it fresh and heavily charged (isFreshHeavy:
// a charge of FRESH_LINK.nearLimitYen or more, or FRESH_LINK.yen in all).
function freshHeavy(from: Date, to: Date): pg.QueryConfig {
  const within = sql`make_interval(mins => ${FRESH_LINK.minutes})`;
  return pgQuery(
    sql`SELECT bank_code, min(occurred_at) AS crossed_at
          FROM (SELECT v.id, v.bank_code, c.occurred_at,
                       sum(c.amount_yen) OVER (PARTITION BY v.id ORDER BY c.occurred_at, c.id) AS cum,
                       max(c.amount_yen) OVER (PARTITION BY v.id ORDER BY c.occurred_at, c.id) AS largest
                  FROM bank_link_version v
                  JOIN charge c ON c.link_id = v.link_id AND c.occurred_at >= v.valid_from
                               AND c.occurred_at <= v.valid_from + ${within}
                               AND (v.valid_to IS NULL OR c.occurred_at < v.valid_to)
                 WHERE v.valid_from >= ${from}::timestamptz - ${within} AND v.valid_from <= ${to}) x
         WHERE largest >= ${FRESH_LINK.nearLimitYen} OR cum >= ${FRESH_LINK.yen}
         GROUP BY id, bank_code
        HAVING min(occurred_at) >= ${from}`,
    { name: "volume.alarm.fresh-heavy" },
  );
}

// Links (and link changes) made within SUSPECT_LINK.minutes of their wallet's opening: by a wallet
// without verified identity (suspect when made), or by a verified one with the time of the charge on
// it that reached SUSPECT_LINK.verifiedCharges within SUSPECT_LINK.chargeMinutes (suspect then; the
// row is left out until that charge exists). Whether the bank account is someone else's is decided by
// isSuspectLink on these few rows (the name comparison normalises kana and spacing, see
// shared/accounts/names.ts).
function suspectCandidates(from: Date, to: Date): pg.QueryConfig {
  const charges = sql`make_interval(mins => ${SUSPECT_LINK.chargeMinutes})`;
  return pgQuery(
    sql`SELECT v.bank_code, v.valid_from, v.holder_name AS link_holder, a.holder_name AS wallet_holder, a.opened_at,
               a.identity_verified, nth.occurred_at AS charged_at
          FROM bank_link_version v
          JOIN bank_link l ON l.id = v.link_id
          JOIN wallet_account a ON a.id = l.account_id
          LEFT JOIN LATERAL (
               SELECT c.occurred_at FROM charge c
                WHERE a.identity_verified AND c.link_id = v.link_id AND c.occurred_at >= v.valid_from
                  AND c.occurred_at <= v.valid_from + ${charges}
                  AND (v.valid_to IS NULL OR c.occurred_at < v.valid_to)
                ORDER BY c.occurred_at, c.id OFFSET ${SUSPECT_LINK.verifiedCharges - 1} LIMIT 1) nth ON true
         WHERE v.valid_from >= ${from}::timestamptz - ${charges} AND v.valid_from <= ${to}
           AND (NOT a.identity_verified OR nth.occurred_at IS NOT NULL)
           AND v.valid_from >= a.opened_at AND v.valid_from <= a.opened_at + make_interval(mins => ${SUSPECT_LINK.minutes})`,
    { name: "volume.alarm.suspect-links" },
  );
}

// Banks whose link page asks only for account number, holder name and PIN (a suspect link there alarms alone).
const PIN_ONLY_BANKS = pgQuery(sql`SELECT code FROM bank WHERE auth_method = 'PIN'`, { name: "volume.alarm.pin-only-banks" });

function upsertAlarms(list: BankAlarm[]): pg.QueryConfig {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return pgQuery(
    sql`INSERT INTO bank_alarm (bank_code, evidence, started_at, confirmed_at, impact_yen_per_hour, last_seen_at, ended_at, reasons)
        SELECT * FROM unnest(${list.map((a) => a.bankCode)}::text[], ${list.map((a) => a.evidence)}::text[],
                             ${list.map((a) => iso(a.startedAt))}::timestamptz[], ${list.map((a) => iso(a.confirmedAt))}::timestamptz[],
                             ${list.map((a) => a.impactYenPerHour)}::float8[], ${list.map((a) => iso(a.lastSeenAt))}::timestamptz[],
                             ${list.map((a) => iso(a.endedAt))}::timestamptz[], ${list.map((a) => JSON.stringify(a.reasons))}::jsonb[])
        ON CONFLICT (bank_code, confirmed_at) DO UPDATE
          SET evidence = EXCLUDED.evidence, started_at = EXCLUDED.started_at, impact_yen_per_hour = EXCLUDED.impact_yen_per_hour,
              last_seen_at = EXCLUDED.last_seen_at, ended_at = EXCLUDED.ended_at, reasons = EXCLUDED.reasons`,
    { name: "volume.alarm.upsert" },
  );
}

const closeStale = (before: Date) =>
  sql`UPDATE bank_alarm SET ended_at = last_seen_at + interval '5 minutes' WHERE ended_at IS NULL AND confirmed_at < ${before}`;

/**
 * Advances every bank's alarm to `nowMs` (the still-filling 5-minute bucket) and writes what changed.
 * `cursors` is updated only once the write succeeded.
 */
export async function advanceAlarms(
  db: Database,
  o: { nowMs: number; banks: Map<string, { links: LaneSeries; yen: LaneSeries }>; cursors: Map<string, AlarmCursor> },
): Promise<number> {
  const firstRun = o.cursors.size === 0;
  const replayFromMs = o.nowMs - ALARM_REPLAY_DAYS * 86_400_000;
  const plans: Array<{ bankCode: string; links: LaneSeries; yen: LaneSeries; fromMs: number; state: BankAlarmState }> = [];
  for (const [bankCode, s] of o.banks) {
    const c = o.cursors.get(bankCode);
    const fromMs = c ? c.nextMs : Math.max(replayFromMs, s.links.firstDataMs, s.yen.firstDataMs);
    if (fromMs > o.nowMs) continue;
    plans.push({ bankCode, ...s, fromMs, state: c?.state ?? INITIAL_BANK_ALARM_STATE });
  }
  if (plans.length === 0) return 0;
  const oldestMs = Math.min(...plans.map((p) => p.fromMs)) - LOOKBACK_BUCKETS * BUCKET_MS;
  const readFrom = new Date(oldestMs - SHARE_BUCKETS * BUCKET_MS);
  const readTo = new Date(o.nowMs + BUCKET_MS);
  const [fresh, candidates, pinOnly] = await Promise.all([
    db.pool.query<{ bank_code: string; crossed_at: Date }>(freshHeavy(readFrom, readTo)),
    db.pool.query<{ bank_code: string; valid_from: Date; link_holder: string; wallet_holder: string; opened_at: Date; identity_verified: boolean; charged_at: Date | null }>(
      suspectCandidates(readFrom, readTo),
    ),
    db.pool.query<{ code: string }>({ ...PIN_ONLY_BANKS }),
  ]);
  const pinOnlyBanks = new Set(pinOnly.rows.map((r) => r.code));
  const freshByBank = new Map<string, number[]>();
  for (const r of fresh.rows) {
    if (!freshByBank.has(r.bank_code)) freshByBank.set(r.bank_code, []);
    freshByBank.get(r.bank_code)!.push(r.crossed_at.getTime());
  }
  const suspectByBank = new Map<string, number[]>();
  for (const r of candidates.rows) {
    const linkedAtMs = r.valid_from.getTime();
    // An unverified wallet's link is suspect when made; a verified one's at the charge that made it so.
    const at = r.identity_verified && r.charged_at ? r.charged_at.getTime() : linkedAtMs;
    const subject = { walletOpenedAtMs: r.opened_at.getTime(), walletHolderName: r.wallet_holder, identityVerified: r.identity_verified, linkedAtMs, linkHolderName: r.link_holder };
    if (!isSuspectLink({ ...subject, chargesSoFar: r.charged_at ? SUSPECT_LINK.verifiedCharges : 0 })) continue;
    if (!suspectByBank.has(r.bank_code)) suspectByBank.set(r.bank_code, []);
    suspectByBank.get(r.bank_code)!.push(at);
  }

  // One range for every bank (from the oldest bank's first bucket, less the windows read), so the
  // platform's share of fresh heavily charged links (platformFreshShare) is computed once.
  const startMs = oldestMs - SHARE_BUCKETS * BUCKET_MS;
  const n = Math.round((o.nowMs - startMs) / BUCKET_MS) + 1;
  const measures = plans.map((p) => {
    const m: BankMeasures & { links: Float64Array; linksExpected: Float64Array; yen: Float64Array; yenExpected: Float64Array; freshHeavy: Float64Array; suspect: Float64Array } = {
      bankCode: p.bankCode,
      start: new Date(startMs),
      links: new Float64Array(n),
      linksExpected: new Float64Array(n),
      yen: new Float64Array(n),
      yenExpected: new Float64Array(n),
      freshHeavy: new Float64Array(n),
      suspect: new Float64Array(n),
      pinOnlyLinkPage: pinOnlyBanks.has(p.bankCode),
    };
    const copy = (s: LaneSeries, values: Float64Array, expected: Float64Array) => {
      for (let i = 0; i < n; i++) {
        const j = Math.round((startMs + i * BUCKET_MS - s.startMs) / BUCKET_MS);
        const inRange = j >= 0 && j < s.values.length;
        values[i] = inRange ? s.values[j] : Number.NaN;
        expected[i] = inRange ? s.expected[j] : Number.NaN;
      }
    };
    copy(p.links, m.links, m.linksExpected);
    copy(p.yen, m.yen, m.yenExpected);
    const count = (into: Float64Array, times: number[] | undefined) => {
      for (const at of times ?? []) {
        const i = Math.floor((at - startMs) / BUCKET_MS);
        if (i >= 0 && i < n) into[i]++;
      }
    };
    count(m.freshHeavy, freshByBank.get(p.bankCode));
    count(m.suspect, suspectByBank.get(p.bankCode));
    return m;
  });
  const freshShare = platformFreshShare(measures, n, SHARE_BUCKETS);
  const suspectShare = platformSuspectShare(measures, n, SHARE_BUCKETS);

  const writes: BankAlarm[] = [];
  const next = new Map<string, AlarmCursor>();
  plans.forEach((p, k) => {
    const m = { ...measures[k], freshShare, suspectShare };
    let state = p.state;
    const nowIdx = n - 1;
    for (let t = Math.round((p.fromMs - startMs) / BUCKET_MS); t < nowIdx; t++) {
      const before = state.open;
      const r = stepBankAlarm(m, t, state);
      if (r.event === "CLOSED" && before) writes.push(closedAlarm(before));
      else if (r.event === "OPENED" || r.event === "UPDATED") writes.push(r.state.open!);
      state = r.state;
    }
    next.set(p.bankCode, { state, nextMs: o.nowMs });
    // The still-filling bucket: may open or extend, never closes; its state is not kept.
    const partial = stepBankAlarm(m, nowIdx, state, undefined, true);
    if (partial.state.open && (partial.event === "OPENED" || partial.event === "UPDATED")) writes.push(partial.state.open);
  });

  // The last write of each alarm wins (an alarm is updated bucket by bucket).
  const byId = new Map<string, BankAlarm>();
  for (const a of writes) byId.set(`${a.bankCode}:${a.confirmedAt.getTime()}`, a);
  const list = [...byId.values()];
  if (firstRun) await query(db.pool, closeStale(new Date(replayFromMs)));
  if (list.length > 0) await db.pool.query(upsertAlarms(list));
  for (const [k, v] of next) o.cursors.set(k, v);
  return list.length;
}

// The SQL twins of the shared pure rules: where a rule must run inside a query (a set-based UPDATE,
// a count over a bank's links), it is this one fragment, never a copy. Each twin names its pure
// function, and test/rules-parity.test.ts runs both over generated cases: a change to one side
// alone fails it. Fragments refer to fixed table aliases, stated on each.
import { DEFAULT_FLAG_THRESHOLD } from "../../shared/accounts/rules.ts";
import { raw, sql, type Sql } from "./sql.ts";

/** The database's current time (the transaction's), the default moment of the rules below. */
export const NOW: Sql = raw("now()");

/**
 * isFraudulentWallet (shared/compensation/fraud.ts) for the wallet_account aliased `alias`: scored at
 * or above the flag threshold or confirmed as fraud by a person, and not marked LEGITIMATE. Never
 * NULL, so `NOT` of it means "not fraudulent". `alias` is our own constant, never input.
 */
export function fraudulentWalletSql(alias: string, threshold: number = DEFAULT_FLAG_THRESHOLD): Sql {
  const w = raw(alias);
  return sql`((${w}.risk_score >= ${threshold} OR ${w}.review_label IS NOT DISTINCT FROM 'CONFIRMED_FRAUD') AND ${w}.review_label IS DISTINCT FROM 'LEGITIMATE')`;
}

/**
 * isFraudulentWalletAsOf (shared/compensation/fraud.ts) for the wallet_account aliased `alias`, as it
 * was at `at`: the label then (labelAsOf over wallet_label_change: the label_before of the first
 * change after `at`, else today's label) and the flag then (flaggedAsOf). Never NULL.
 */
export function fraudulentWalletAsOfSql(alias: string, at: Sql, threshold: number = DEFAULT_FLAG_THRESHOLD): Sql {
  const w = raw(alias);
  // ARRAY[…] tells "no change after `at`" (no row: NULL) from "the label before it was none" ({NULL}).
  const labelThen = sql`(SELECT CASE WHEN x.a IS NULL THEN ${w}.review_label::text ELSE x.a[1] END FROM (SELECT (
      SELECT ARRAY[h.label_before::text] FROM wallet_label_change h WHERE h.account_id = ${w}.id AND h.changed_at > ${at}
       ORDER BY h.changed_at, h.id LIMIT 1) AS a) x)`;
  const flaggedThen = sql`coalesce(${w}.flagged_at <= ${at} AND (${w}.scored_at > ${at} OR ${w}.risk_score >= ${threshold}), false)`;
  return sql`(CASE ${labelThen} WHEN 'LEGITIMATE' THEN false WHEN 'CONFIRMED_FRAUD' THEN true ELSE ${flaggedThen} END)`;
}

/**
 * suspensionState (shared/suspensions/rules.ts) of the suspension aliased `s` at `at`: 'LIFTED',
 * 'SCHEDULED' or 'ACTIVE'. State 'ACTIVE' is isSuspensionActive.
 */
export function suspensionStateSql(at: Sql = NOW): Sql {
  return sql`(CASE WHEN s.lifted_at IS NOT NULL AND s.lifted_at <= ${at} THEN 'LIFTED' WHEN s.starts_at > ${at} THEN 'SCHEDULED' ELSE 'ACTIVE' END)`;
}

/** Sorts states in force first, then scheduled, then lifted (an ORDER BY key over suspensionStateSql). */
export function suspensionStateRankSql(at: Sql = NOW): Sql {
  return sql`array_position(ARRAY['ACTIVE', 'SCHEDULED', 'LIFTED'], ${suspensionStateSql(at)})`;
}

/**
 * quarantinesLink (shared/suspensions/rules.ts): the suspension aliased `s` quarantines the
 * bank_link aliased `l` at `at`. Same bank, quarantine on, in force (started, not cancelled before
 * its start), the link pointed at its account from the cutoff on (and before a lift), and not
 * released by an analyst after the suspension started.
 */
export function quarantineMatchSql(at: Sql = NOW): Sql {
  return sql`(s.quarantine AND l.bank_code = s.bank_code AND l.status <> 'REVOKED'
    AND s.starts_at <= ${at} AND (s.lifted_at IS NULL OR s.lifted_at > s.starts_at)
    AND coalesce(l.changed_at, l.registered_at) >= s.cutoff_at
    AND (s.lifted_at IS NULL OR coalesce(l.changed_at, l.registered_at) < s.lifted_at)
    AND (l.status <> 'ACTIVE' OR l.status_changed_at IS NULL OR l.status_changed_at < s.starts_at))`;
}

/**
 * jstDayStart (shared/suspensions/charge-policy.ts): the start of the JST calendar day holding `at`
 * (JST has no daylight saving: Asia/Tokyo is the fixed +09:00). The charge limits' day window.
 */
export function jstDayStartSql(at: Sql): Sql {
  return sql`(date_trunc('day', ${at} AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'Asia/Tokyo')`;
}

/** jstMonthStart (shared/suspensions/charge-policy.ts): the start of the JST calendar month holding `at`. */
export function jstMonthStartSql(at: Sql): Sql {
  return sql`(date_trunc('month', ${at} AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'Asia/Tokyo')`;
}

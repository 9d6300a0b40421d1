// The decision API's hot path: the wallet platform asks before it registers a link, changes one or
// charges. Each decision is two round trips on the pool (no Prisma, no transaction block):
//   1. one SELECT reading the link, the account and the bank's suspensions together, in its own
//      READ COMMITTED snapshot taken after the request arrived — never from a cache — so once a
//      suspension's transaction has committed, every later decision sees it;
//   2. one INSERT recording the decision (for a denied registration the same statement also bumps
//      the bank's REGISTRATION_DENIED volume buckets, so both commit together).
// The answer itself comes from the pure rules in shared/suspensions/rules.ts.
// Time is the database's clock (statement_timestamp), the same clock that stamps a suspension's
// startsAt, so "committed before I asked" always means "started before my decision time".
import { pgQuery, raw, sql, type Queryable, type Sql } from "../../db/sql.ts";
import { jstDayStartSql, jstMonthStartSql } from "../../db/rules-sql.ts";
import {
  decideCharge,
  decideLinkChange,
  decideLinkRegistration,
  type AccountStatus,
  type DecisionResult,
  type LinkForDecision,
  type LinkStatus,
  type SuspensionLike,
} from "../../../shared/suspensions/rules.ts";
import type { ChargePolicy, StepUpScope } from "../../../shared/suspensions/charge-policy.ts";
import type {
  ChargeDecisionRequest,
  LinkChangeDecisionRequest,
  LinkRegistrationDecisionRequest,
  SuspensionScope,
} from "../../../shared/suspensions/schemas.ts";

interface SuspensionJson {
  id: string;
  bankCode: string;
  scopes: SuspensionScope[];
  startsAt: string;
  cutoffAt: string;
  quarantine: boolean;
  liftedAt: string | null;
  gateVerifiedAfter: string | null;
}

// Milliseconds since the epoch, truncated like the timestamptz(3) columns, as an exact integer.
const NOW_MS = sql`(extract(epoch FROM date_trunc('milliseconds', statement_timestamp())) * 1000)::bigint AS now_ms`;

// A bank's suspensions that can still affect a decision: every one not lifted (in force or
// scheduled), plus lifted ones that quarantined links (lifting does not release those links).
function suspensionsOf(bankCodes: Sql): Sql {
  return sql`coalesce((
    SELECT json_agg(json_build_object(
      'id', s.id, 'bankCode', s.bank_code, 'scopes', s.scopes, 'startsAt', s.starts_at,
      'cutoffAt', s.cutoff_at, 'quarantine', s.quarantine, 'liftedAt', s.lifted_at, 'gateVerifiedAfter', g.verified_after))
    FROM suspension s LEFT JOIN reverification_gate g ON g.suspension_id = s.id
    WHERE s.bank_code IN (${bankCodes}) AND (s.lifted_at IS NULL OR s.quarantine)
  ), '[]'::json) AS suspensions`;
}

function toSuspensions(rows: SuspensionJson[]): SuspensionLike[] {
  return rows.map((s) => ({
    id: s.id,
    bankCode: s.bankCode,
    scopes: s.scopes,
    startsAt: new Date(s.startsAt),
    cutoffAt: new Date(s.cutoffAt),
    quarantine: s.quarantine,
    liftedAt: s.liftedAt ? new Date(s.liftedAt) : null,
    gateVerifiedAfter: s.gateVerifiedAfter ? new Date(s.gateVerifiedAfter) : null,
  }));
}

interface LinkRow {
  link_bank_code: string | null;
  registered_at: Date | null;
  changed_at: Date | null;
  link_status: LinkStatus | null;
  status_changed_at: Date | null;
  quarantine_suspension_id: string | null;
  account_id: string | null;
  account_status: AccountStatus | null;
}

function toLink(row: LinkRow): LinkForDecision | null {
  if (!row.link_bank_code || !row.registered_at || !row.link_status) return null;
  return {
    bankCode: row.link_bank_code,
    registeredAt: row.registered_at,
    changedAt: row.changed_at,
    status: row.link_status,
    statusChangedAt: row.status_changed_at,
    quarantineSuspensionId: row.quarantine_suspension_id,
  };
}

const LINK_COLUMNS = sql`l.bank_code AS link_bank_code, l.registered_at, l.changed_at, l.status AS link_status,
  l.status_changed_at, l.quarantine_suspension_id, l.account_id, a.status AS account_status`;

type DecisionKind = "LINK_REGISTRATION" | "LINK_CHANGE" | "CHARGE";

interface DecisionRecord {
  kind: DecisionKind;
  bankCode: string | null;
  accountId: string | null;
  linkId: string | null;
  amountYen: number | null;
  result: DecisionResult;
  decidedAt: Date;
  /** Bump the bank's REGISTRATION_DENIED volume in the same statement. */
  countDeniedRegistration: boolean;
}

// The decision record is committed asynchronously (synchronous_commit off for this one statement's
// own transaction): waiting for the WAL flush was most of a decision's time (~4 ms of ~5 on the
// test machine). The row is visible to every reader at once, exactly like a synchronous commit;
// only a database crash within ~0.6 s (3 x wal_writer_delay) could lose the newest records. The
// answer the platform acts on does not depend on the record, and the suspensions it is computed
// from (and every staff action) are committed synchronously as usual.
const ASYNC_COMMIT = raw(`(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`);

const OUTCOME = { allow: "ALLOW", deny: "DENY", challenge: "CHALLENGE" } as const;

function insertDecision(r: DecisionRecord): Sql {
  return sql`INSERT INTO platform_decision
  (kind, bank_code, account_id, link_id, amount_yen, outcome, reason, suspension_id, decided_at)
  SELECT ${r.kind}::"DecisionKind", ${r.bankCode}, ${r.accountId}, ${r.linkId}, ${r.amountYen}::int,
         ${OUTCOME[r.result.decision]}::"DecisionOutcome", ${r.result.reason}, ${r.result.suspensionId ?? null}::uuid,
         ${r.decidedAt}::timestamptz FROM ${ASYNC_COMMIT}`;
}

// Same upsert as ingestion's rollups; 5- and 60-minute buckets align identically in UTC and JST.
// One statement: the decision row and the volume count commit together or not at all.
function insertDecisionAndCountDenied(r: DecisionRecord): Sql {
  return sql`WITH d AS (${insertDecision(r)} RETURNING bank_code, decided_at)
  INSERT INTO volume_bucket (bank_code, metric, bucket_minutes, bucket_start, value)
  SELECT d.bank_code, 'REGISTRATION_DENIED', b.m,
         date_bin(make_interval(mins => b.m), d.decided_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), 1
  FROM d CROSS JOIN (VALUES (5::smallint), (60::smallint)) AS b(m)
  ON CONFLICT (bank_code, metric, bucket_minutes, bucket_start)
  DO UPDATE SET value = volume_bucket.value + EXCLUDED.value`;
}

async function record(db: Queryable, r: DecisionRecord): Promise<void> {
  // Named statements: prepared once per connection, so the hot path skips planning (~0.8 ms).
  await db.query(
    r.countDeniedRegistration
      ? pgQuery(insertDecisionAndCountDenied(r), { name: "decision_insert_count_denied" })
      : pgQuery(insertDecision(r), { name: "decision_insert" }),
  );
}

const unknownBank = (): DecisionResult => ({ decision: "deny", reason: "UNKNOWN_BANK" });

export async function decideLinkRegistrationRequest(db: Queryable, input: LinkRegistrationDecisionRequest): Promise<DecisionResult> {
  const bank = sql`${input.bankCode}::bpchar`;
  const { rows } = await db.query<{ now_ms: number; bank_known: boolean; account_status: AccountStatus | null; suspensions: SuspensionJson[] }>(
    pgQuery(
      sql`SELECT ${NOW_MS},
       EXISTS (SELECT 1 FROM bank WHERE code = ${bank}) AS bank_known,
       (SELECT status FROM wallet_account WHERE id = ${input.accountId}) AS account_status,
       ${suspensionsOf(bank)}`,
      { name: "decision_read_registration" },
    ),
  );
  const row = rows[0];
  const at = new Date(row.now_ms);
  const result = !row.bank_known
    ? unknownBank()
    : decideLinkRegistration({
        bankCode: input.bankCode,
        account: row.account_status ? { status: row.account_status } : null,
        suspensions: toSuspensions(row.suspensions),
        at,
      });
  await record(db, {
    kind: "LINK_REGISTRATION",
    bankCode: input.bankCode,
    accountId: input.accountId,
    linkId: null,
    amountYen: null,
    result,
    decidedAt: at,
    countDeniedRegistration: row.bank_known && result.decision === "deny",
  });
  return result;
}

export async function decideLinkChangeRequest(db: Queryable, input: LinkChangeDecisionRequest): Promise<DecisionResult> {
  const bank = sql`${input.bankCode}::bpchar`;
  const { rows } = await db.query<LinkRow & { now_ms: number; bank_known: boolean; suspensions: SuspensionJson[] }>(
    pgQuery(
      sql`SELECT ${NOW_MS}, ${LINK_COLUMNS},
       EXISTS (SELECT 1 FROM bank WHERE code = ${bank}) AS bank_known,
       ${suspensionsOf(sql`l.bank_code, ${bank}`)}
     FROM (SELECT 1) AS one
     LEFT JOIN bank_link l ON l.id = ${input.linkId}
     LEFT JOIN wallet_account a ON a.id = l.account_id`,
      { name: "decision_read_link_change" },
    ),
  );
  const row = rows[0];
  const at = new Date(row.now_ms);
  const link = toLink(row);
  const result =
    link && !row.bank_known
      ? unknownBank()
      : decideLinkChange({
          link,
          newBankCode: input.bankCode,
          account: row.account_status ? { status: row.account_status } : null,
          suspensions: toSuspensions(row.suspensions),
          at,
        });
  await record(db, {
    kind: "LINK_CHANGE",
    // The bank the link would move to: that is the bank this request asks about.
    bankCode: row.bank_known ? input.bankCode : null,
    accountId: row.account_id,
    linkId: input.linkId,
    amountYen: null,
    result,
    decidedAt: at,
    countDeniedRegistration: false,
  });
  return result;
}

interface PolicyRow {
  policy_bank: string | null;
  per_charge_yen: number | null;
  per_day_yen: number | null;
  per_month_yen: number | null;
  step_up: StepUpScope | null;
  step_up_cutoff_at: Date | null;
  step_up_since: Date | null;
  day_yen: number;
  month_yen: number;
  verified_at: Date | null;
}

function toPolicy(row: PolicyRow): ChargePolicy | null {
  if (!row.policy_bank || !row.step_up) return null;
  return {
    perChargeYen: row.per_charge_yen,
    perDayYen: row.per_day_yen,
    perMonthYen: row.per_month_yen,
    stepUp: row.step_up,
    stepUpCutoffAt: row.step_up_cutoff_at,
    stepUpSince: row.step_up_since,
  };
}

// The decision's instant in JST calendar terms (the SQL twins of jstDayStart / jstMonthStart).
const AT = sql`date_trunc('milliseconds', statement_timestamp())`;
const JST_DAY_START = jstDayStartSql(AT);
const JST_MONTH_START = jstMonthStartSql(AT);

// The bank's charge policy (#17), the link's charges in its JST day and month (only when the policy
// sets a day or month limit) and the holder's newest passed verification (for step-up and a charge
// suspension's re-verification gate; one index probe): read in the same statement, so the same
// snapshot, as the suspensions.
const POLICY_COLUMNS = sql`p.bank_code AS policy_bank, p.per_charge_yen, p.per_day_yen, p.per_month_yen, p.step_up,
  p.step_up_cutoff_at, p.step_up_since, u.day_yen, u.month_yen,
  (SELECT max(v.verified_at) FROM account_verification v WHERE v.account_id = l.account_id AND v.passed) AS verified_at`;
const POLICY_JOINS = sql`LEFT JOIN bank_charge_policy p ON p.bank_code = l.bank_code
     LEFT JOIN LATERAL (
       SELECT coalesce(sum(c.amount_yen) FILTER (WHERE c.occurred_at >= ${JST_DAY_START}), 0)::float8 AS day_yen,
              coalesce(sum(c.amount_yen), 0)::float8 AS month_yen
       FROM charge c
       WHERE c.link_id = l.id AND c.occurred_at >= ${JST_MONTH_START}
         AND (p.per_day_yen IS NOT NULL OR p.per_month_yen IS NOT NULL)
     ) u ON true`;

export async function decideChargeRequest(db: Queryable, input: ChargeDecisionRequest): Promise<DecisionResult> {
  const { rows } = await db.query<LinkRow & PolicyRow & { now_ms: number; suspensions: SuspensionJson[] }>(
    pgQuery(
      sql`SELECT ${NOW_MS}, ${LINK_COLUMNS}, ${suspensionsOf(sql`l.bank_code`)}, ${POLICY_COLUMNS}
     FROM (SELECT 1) AS one
     LEFT JOIN bank_link l ON l.id = ${input.linkId}
     LEFT JOIN wallet_account a ON a.id = l.account_id
     ${POLICY_JOINS}`,
      { name: "decision_read_charge" },
    ),
  );
  const row = rows[0];
  const at = new Date(row.now_ms);
  const result = decideCharge({
    link: toLink(row),
    account: row.account_status ? { status: row.account_status } : null,
    suspensions: toSuspensions(row.suspensions),
    at,
    policy: toPolicy(row),
    usage: { dayYen: Number(row.day_yen ?? 0), monthYen: Number(row.month_yen ?? 0) },
    amountYen: input.amountYen,
    verifiedAt: row.verified_at,
  });
  await record(db, {
    kind: "CHARGE",
    bankCode: row.link_bank_code,
    accountId: row.account_id,
    linkId: input.linkId,
    amountYen: input.amountYen,
    result,
    decidedAt: at,
    countDeniedRegistration: false,
  });
  return result;
}

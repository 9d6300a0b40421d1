// The ingestion service: one batch of wallet-platform events → one transaction, set-based.
//
// Per attempt, in one transaction on one pooled connection:
//   1. lock the links that link.changed events modify (ordered by id, FOR NO KEY UPDATE) and read them;
//   2. one lookup statement for everything else the batch refers to or would create;
//   3. plan in memory (plan.ts): accept / duplicate / reject each event, in order;
//   4. one write statement: claim the accepted event ids (INSERT … ON CONFLICT (id) DO NOTHING, in
//      id order), one multi-row part per table (unnest arrays), and one upsert of the rollups sorted
//      by key, so concurrent batches take bucket row locks in the same order. If an id was claimed
//      meanwhile by a concurrent batch (fewer rows claimed than planned), the attempt is rolled back
//      and redone: the competitor has committed by then (ON CONFLICT waited for it), so the next
//      lookup sees its events as duplicates or conflicts. Two concurrent batches with overlapping
//      ids therefore store each event once;
//   6. the in-transaction hooks, COMMIT, and only then the after-commit hooks and the answer.
// A unique violation (an entity id created concurrently under another event id), a deadlock or a
// serialization failure also redoes the attempt; attempts are bounded.
import type pg from "pg";
import type { Database } from "../../db/client.ts";
import { Gate } from "../../lib/gate.ts";
import { batchEnded, batchStarted } from "./in-flight.ts";
import { pgQuery, sql, type Sql } from "../../db/sql.ts";
import { INGEST_HOOKS, type IngestHooks } from "../../ingest-hooks.ts";
import { planBatch, type BatchPlan } from "./plan.ts";
import { batchKeys, parseEvents } from "./plan-parse.ts";
import { emptyKnownState, type KnownState, type LinkState } from "./plan-rows.ts";
import type { AuthMethod } from "../../../shared/events/schemas.ts";
import type { IngestResult } from "./types.ts";

export interface IngestLogger {
  error(obj: unknown, msg?: string): void;
  warn?(obj: unknown, msg?: string): void;
}

export interface IngestOptions {
  /** Run the after-commit hooks (default true). Bulk loads skip them and run DEMO_POST_LOAD_STEPS once. */
  afterCommit?: boolean;
  /** The hooks to run (default INGEST_HOOKS). */
  hooks?: IngestHooks;
  log?: IngestLogger;
}

const ATTEMPTS_MAX = 8;

// Every statement of ours finds rows by key from arrays of up to 1000 keys, so the right plan is a
// key probe at any table size. Pin that: a plan chosen on stale statistics (a table that grew since
// its last ANALYZE, as during a bulk load) would scan a whole table per batch, and filter each row
// against the 1000-key array, which is what made loads slow down quadratically. Generic plans also
// spare planning with 1000-element constants, which costs more than running these statements.
const KEY_PROBE_PLANS = "SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off";
const DEFAULT_PLANS = "SET LOCAL plan_cache_mode = auto; SET LOCAL enable_seqscan = on";
const RETRYABLE_SQLSTATES = new Set(["23505", "40001", "40P01"]);

class ClaimRace extends Error {}

// How many batches this process writes at once when INGEST_CONCURRENCY is set; more wait their turn
// (first come, first served). Unset: no limit but the API pool's size. A bound would keep cores free
// for the decisions during a flood of batches; for throughput it did not pay on the bench (fresh
// scale 2, concurrency 4, until the scores caught up: limit 1 9,254, limit 2 10,183, no limit 11,143
// events/s: with the batches held back the rescoring kept up, and coalesced fewer repeat touches).
const ingestGate = new Gate(Infinity);

/** Sets how many batches this process writes at once (INGEST_CONCURRENCY). */
export function setIngestConcurrency(limit: number): void {
  ingestGate.setLimit(limit);
}

const consoleLogger: IngestLogger = { error: (obj, msg) => console.error(`[events] ${msg ?? ""}`, obj) };

export async function ingestBatch(db: Database, rawEvents: readonly unknown[], opts: IngestOptions = {}): Promise<IngestResult> {
  const parsed = parseEvents(rawEvents);
  const hooks = opts.hooks ?? INGEST_HOOKS;
  const log = opts.log ?? consoleLogger;
  if (parsed.events.length === 0) return { accepted: 0, duplicates: 0, rejected: parsed.invalid };
  const keys = batchKeys(parsed.events);

  batchStarted();
  try {
    const plan = await ingestGate.run(() => storeBatch(db, parsed, keys, hooks));
    if (plan.accepted > 0 && opts.afterCommit !== false) {
      for (const hook of hooks.afterCommit) {
        try {
          await hook(db, plan.summary);
        } catch (err) {
          // The events are committed: the answer must say so. Derived data is recomputable.
          log.error({ err, hook: hook.name }, "after-commit ingest hook failed");
        }
      }
    }
    return { accepted: plan.accepted, duplicates: plan.duplicates, rejected: plan.rejected };
  } finally {
    batchEnded();
  }
}

/** The batch's transaction, attempted again after a lost claim race, a deadlock or a serialization failure. */
async function storeBatch(db: Database, parsed: ReturnType<typeof parseEvents>, keys: ReturnType<typeof batchKeys>, hooks: IngestHooks): Promise<BatchPlan> {
  let plan: BatchPlan | undefined;
  for (let attempt = 1; ; attempt++) {
    const client = await db.pool.connect();
    let broken = false;
    try {
      await client.query(`BEGIN; ${KEY_PROBE_PLANS}`);
      const known = await readKnownState(client, keys);
      plan = planBatch(parsed, known);
      if (plan.accepted > 0) {
        await writePlan(client, plan);
        if (hooks.inTransaction.length > 0) {
          await client.query(DEFAULT_PLANS); // the hooks' queries are planned the usual way
          for (const hook of hooks.inTransaction) await hook(client, plan.summary);
        }
      }
      await client.query("COMMIT");
      break;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      const code = (err as { code?: string }).code;
      const retryable = err instanceof ClaimRace || (code !== undefined && RETRYABLE_SQLSTATES.has(code));
      if (!retryable || attempt >= ATTEMPTS_MAX) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    } finally {
      client.release(broken);
    }
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Reading what exists

// NO KEY UPDATE, not UPDATE: it still serialises two batches changing the same link, but lets
// concurrent charges on that link take their foreign-key (KEY SHARE) locks meanwhile.
const lockChangedLinks = (ids: string[]) =>
  pgQuery(
    sql`SELECT id, account_id, bank_code, branch_code, account_number, holder_name, auth_method::text, registered_at, changed_at
          FROM bank_link WHERE id = ANY(${ids}::varchar[]) ORDER BY id FOR NO KEY UPDATE`,
    { rowMode: "array", name: "events.lock-changed-links" },
  );

// One round trip for every lookup: k tells which table a row comes from.
const lookup = (k: ReturnType<typeof batchKeys>) =>
  pgQuery(
    sql`SELECT 0 AS k, id::text, payload_hash::text AS a, NULL::text AS b, NULL::text AS c, NULL::text AS d, NULL::text AS e, NULL::text AS f, NULL::timestamptz AS g, NULL::timestamptz AS h
           FROM processed_event WHERE id = ANY(${k.eventIds}::varchar[])
         UNION ALL SELECT 1, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM wallet_account WHERE id = ANY(${k.accountIds}::varchar[])
         UNION ALL SELECT 2, id, account_id, bank_code, branch_code, account_number, holder_name, auth_method::text, registered_at, changed_at
           FROM bank_link WHERE id = ANY(${k.linkIds}::varchar[])
         UNION ALL SELECT 3, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM charge WHERE id = ANY(${k.chargeIds}::varchar[])
         UNION ALL SELECT 4, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM spend WHERE id = ANY(${k.spendIds}::varchar[])
         UNION ALL SELECT 5, code, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM bank WHERE code = ANY(${k.bankCodes}::bpchar[])`,
    { rowMode: "array", name: "events.lookup" },
  );

type LinkRow = [string, string, string, string, string, string, string, Date, Date | null];

function toLinkState(r: LinkRow): LinkState {
  return {
    accountId: r[1],
    bankCode: r[2],
    branchCode: r[3],
    accountNumber: r[4],
    holderName: r[5],
    authMethod: r[6] as AuthMethod,
    registeredAtMs: r[7].getTime(),
    changedAtMs: r[8] ? r[8].getTime() : null,
  };
}

async function readKnownState(client: pg.PoolClient, keys: ReturnType<typeof batchKeys>): Promise<KnownState> {
  const known = emptyKnownState();
  if (keys.changedLinkIds.length > 0) {
    const locked = await client.query<LinkRow>(lockChangedLinks(keys.changedLinkIds));
    for (const r of locked.rows) known.links.set(r[0], toLinkState(r));
  }
  const res = await client.query<unknown[]>(lookup(keys));
  for (const r of res.rows) {
    const id = r[1] as string;
    switch (r[0] as number) {
      case 0:
        known.eventHashes.set(id, r[2] as string);
        break;
      case 1:
        known.accounts.add(id);
        break;
      case 2:
        known.links.set(id, toLinkState([id, ...(r.slice(2) as [string, string, string, string, string, string, Date, Date | null])]));
        break;
      case 3:
        known.charges.add(id);
        break;
      case 4:
        known.spends.add(id);
        break;
      case 5:
        known.banks.add(id);
        break;
    }
  }
  return known;
}

// ---------------------------------------------------------------------------------------------
// Writing

// Every write of a batch in ONE statement (one round trip; the statement is prepared once per
// connection): one multi-row part per table fed by unnest arrays, empty arrays being no-ops.
// The main query reads `claim`, so the claim runs to completion first (waiting, if need be, for a
// concurrent batch holding the same ids) and the other parts run after it, the rollup upsert in
// key order so concurrent batches lock hot bucket rows in one order. The version close sees the
// snapshot before this statement, so it closes only versions stored by earlier batches.
function writeBatch(r: BatchPlan["rows"]): Sql {
  const { events: e, accounts: a, newLinks: n, changedLinks: c, versionCloses: vc, versions: v, charges: ch, spends: s, rollups: u, verifications: vf } = r;
  return sql`WITH claim AS (
    INSERT INTO processed_event (id, type, payload_hash, occurred_at)
    SELECT * FROM unnest(${e.id}::varchar[], ${e.type}::varchar[], ${e.hash}::text[], ${e.occurredAt}::timestamptz[]) ORDER BY 1
    ON CONFLICT (id) DO NOTHING RETURNING 1
  ), accounts AS (
    INSERT INTO wallet_account (id, holder_name, holder_name_normalized, carrier_customer, identity_verified, device_id, ip_address, opened_at)
    SELECT * FROM unnest(${a.id}::varchar[], ${a.holderName}::text[], ${a.holderNameNormalized}::text[], ${a.carrierCustomer}::bool[], ${a.identityVerified}::bool[], ${a.deviceId}::text[], ${a.ipAddress}::text[], ${a.openedAt}::timestamptz[])
  ), new_links AS (
    INSERT INTO bank_link (id, account_id, bank_code, branch_code, account_number, holder_name, holder_name_normalized, auth_method, registered_at, changed_at)
    SELECT * FROM unnest(${n.id}::varchar[], ${n.accountId}::varchar[], ${n.bankCode}::text[], ${n.branchCode}::text[], ${n.accountNumber}::text[], ${n.holderName}::text[], ${n.holderNameNormalized}::text[], ${n.authMethod}::"AuthMethod"[], ${n.registeredAt}::timestamptz[], ${n.changedAt}::timestamptz[])
  ), changed_links AS (
    -- registered_at is deliberately left alone: grandfathering depends on the first registration.
    UPDATE bank_link b SET bank_code = u.bank_code, branch_code = u.branch_code, account_number = u.account_number,
           holder_name = u.holder_name, holder_name_normalized = u.holder_name_normalized, auth_method = u.auth_method, changed_at = u.changed_at
      FROM unnest(${c.id}::varchar[], ${c.bankCode}::text[], ${c.branchCode}::text[], ${c.accountNumber}::text[], ${c.holderName}::text[], ${c.holderNameNormalized}::text[], ${c.authMethod}::"AuthMethod"[], ${c.changedAt}::timestamptz[])
           AS u(id, bank_code, branch_code, account_number, holder_name, holder_name_normalized, auth_method, changed_at)
     WHERE b.id = u.id
  ), closed_versions AS (
    UPDATE bank_link_version v SET valid_to = u.valid_to
      FROM unnest(${vc.linkId}::varchar[], ${vc.validTo}::timestamptz[]) AS u(link_id, valid_to)
     WHERE v.link_id = u.link_id AND v.valid_to IS NULL
  ), versions AS (
    INSERT INTO bank_link_version (link_id, bank_code, branch_code, account_number, holder_name, auth_method, valid_from, valid_to, event_id)
    SELECT * FROM unnest(${v.linkId}::varchar[], ${v.bankCode}::text[], ${v.branchCode}::text[], ${v.accountNumber}::text[], ${v.holderName}::text[], ${v.authMethod}::"AuthMethod"[], ${v.validFrom}::timestamptz[], ${v.validTo}::timestamptz[], ${v.eventId}::varchar[])
  ), charges AS (
    INSERT INTO charge (id, link_id, account_id, bank_code, branch_code, account_number, amount_yen, occurred_at, descriptor)
    SELECT * FROM unnest(${ch.id}::varchar[], ${ch.linkId}::varchar[], ${ch.accountId}::varchar[], ${ch.bankCode}::text[], ${ch.branchCode}::text[], ${ch.accountNumber}::text[], ${ch.amountYen}::int[], ${ch.occurredAt}::timestamptz[], ${ch.descriptor}::text[])
  ), spends AS (
    INSERT INTO spend (id, account_id, amount_yen, channel, counterparty, occurred_at)
    SELECT * FROM unnest(${s.id}::varchar[], ${s.accountId}::varchar[], ${s.amountYen}::int[], ${s.channel}::"SpendChannel"[], ${s.counterparty}::text[], ${s.occurredAt}::timestamptz[])
  ), rollups AS (
    -- One row per touched bucket per batch: a hot bucket is updated once per batch, not per event.
    INSERT INTO volume_bucket (bank_code, metric, bucket_minutes, bucket_start, value)
    SELECT * FROM unnest(${u.bankCode}::text[], ${u.metric}::"VolumeMetric"[], ${u.bucketMinutes}::smallint[], ${u.bucketStart}::timestamptz[], ${u.value}::bigint[]) ORDER BY 1, 2, 3, 4
    ON CONFLICT (bank_code, metric, bucket_minutes, bucket_start) DO UPDATE SET value = volume_bucket.value + EXCLUDED.value
  ), verifications AS (
    INSERT INTO account_verification (id, account_id, method, passed, verified_at)
    SELECT * FROM unnest(${vf.id}::varchar[], ${vf.accountId}::varchar[], ${vf.method}::"VerificationMethod"[], ${vf.passed}::bool[], ${vf.verifiedAt}::timestamptz[])
  )
  SELECT count(*)::int AS claimed FROM claim`;
}

async function writePlan(client: pg.PoolClient, plan: BatchPlan): Promise<void> {
  const res = await client.query<[number]>(pgQuery(writeBatch(plan.rows), { rowMode: "array", name: "events.write-batch" }));
  // Fewer ids claimed than planned: a concurrent batch holds some of them (it has committed by now).
  // Redo the attempt so those events are judged as duplicates or conflicts against what it stored.
  if (res.rows[0][0] !== plan.accepted) throw new ClaimRace("an event id was claimed by a concurrent batch");
}

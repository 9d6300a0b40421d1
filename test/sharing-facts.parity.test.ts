// Goal (#16): the incremental sharing facts (device_sharing, ip_sharing, bank_account_wallet,
// bank_account_sharing, kept by statement-level triggers as batches arrive) always equal the same
// facts computed from scratch over the stored events, whatever the arrival order: events out of
// order, duplicated, re-sent, late (an earlier instant arriving after later ones), from concurrent
// senders. And scoring's facts read through them (loadFacts / loadSharedCounts, source "facts")
// equal the from-scratch facts (source "scratch") for every wallet, at the latest instant and at
// instants in the middle of the data (members after the scoring instant must not count), so scores
// cannot change.
// Method: fast-check generates event sequences over a small universe (wallets sharing a few devices,
// IP addresses and bank accounts, so groups form and grow), with random instants independent of the
// sending order, cuts them into batches, sends them through the real ingestion service on real
// PostgreSQL from 1–3 senders at once, re-sends some, then compares with SQL counts and with the
// from-scratch loaders.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/db.ts";
import type { Database } from "../server/db/client.ts";
import { ingestBatch } from "../server/features/events/ingest.ts";
import { loadFacts, loadSharedCounts, type FactsSource } from "../server/features/accounts/facts.ts";
import { scoreAccount } from "../shared/accounts/index.ts";
import type { PlatformEvent } from "../shared/events/schemas.ts";

let db: Database;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
});
afterAll(async () => {
  await drop();
});

const NO_HOOKS = { inTransaction: [], afterCommit: [] };
const BANKS = ["0125", "0005", "0009"] as const;
const HOUR_MS = 3_600_000;
const BASE_MS = Date.UTC(2020, 8, 1, 0, 0, 0);
const SPAN_HOURS = 72;

const opArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("open" as const),
      acc: fc.nat(7),
      device: fc.option(fc.nat(2), { nil: undefined }),
      ip: fc.option(fc.nat(2), { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("link" as const), lnk: fc.nat(8), acc: fc.nat(7), bank: fc.constantFrom(...BANKS), number: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("change" as const), lnk: fc.nat(8), bank: fc.constantFrom(...BANKS), number: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("charge" as const), chg: fc.nat(20), lnk: fc.nat(8), amountYen: fc.integer({ min: 1_000, max: 100_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("spend" as const), spd: fc.nat(10), acc: fc.nat(7), amountYen: fc.integer({ min: 1_000, max: 100_000 }) }) },
);
// Instants are random and independent of the order events are sent in: out of order and late.
const eventArb = fc.record({ op: opArb, eventNo: fc.nat(60), minute: fc.nat(SPAN_HOURS * 60) });
const scenarioArb = fc.record({
  events: fc.array(eventArb, { minLength: 1, maxLength: 70 }),
  batchSizes: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 8 }),
  senders: fc.integer({ min: 1, max: 3 }),
  resend: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
  // Scoring instants, in hours from the start (past the end: every member counts).
  nowHours: fc.array(fc.integer({ min: 0, max: SPAN_HOURS + 1 }), { minLength: 1, maxLength: 3 }),
});

type GeneratedEvent = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function toEvent(run: number, e: GeneratedEvent): PlatformEvent {
  const p = (kind: string, n: number) => `s${run}-${kind}${n}`;
  const occurredAt = new Date(BASE_MS + e.minute * 60_000).toISOString();
  const id = p("ev", e.eventNo);
  const op = e.op;
  switch (op.kind) {
    case "open":
      return {
        id,
        type: "account.opened",
        occurredAt,
        account: {
          id: p("acc", op.acc),
          holderName: "サトウ ハナコ",
          carrierCustomer: false,
          identityVerified: false,
          ...(op.device === undefined ? {} : { deviceId: p("dev", op.device) }),
          ...(op.ip === undefined ? {} : { ipAddress: `198.51.${run % 250}.${op.ip}` }),
        },
      };
    case "link":
      return {
        id,
        type: "link.registered",
        occurredAt,
        link: { id: p("lnk", op.lnk), accountId: p("acc", op.acc), bankCode: op.bank, branchCode: "100", accountNumber: String(1_000_000 + (run % 1000) * 10 + op.number), holderName: "ヤマダ タロウ", authMethod: "PIN" },
      };
    case "change":
      return {
        id,
        type: "link.changed",
        occurredAt,
        link: { id: p("lnk", op.lnk), bankCode: op.bank, branchCode: "100", accountNumber: String(1_000_000 + (run % 1000) * 10 + op.number), holderName: "サトウ ハナコ", authMethod: "PIN_OTP" },
      };
    case "charge":
      return { id, type: "charge.completed", occurredAt, charge: { id: p("chg", op.chg), linkId: p("lnk", op.lnk), amountYen: op.amountYen } };
    default:
      return { id, type: "spend.completed", occurredAt, spend: { id: p("spd", op.spd), accountId: p("acc", op.acc), amountYen: op.amountYen, channel: "transfer" } };
  }
}

/** Rows of the sharing tables that differ from a count over the base tables (empty when exact). */
async function sharingMismatches() {
  const { rows } = await db.pool.query(`
    WITH direct AS (
      SELECT 'device' AS kind, device_id AS k, count(*)::int AS n, max(opened_at) AS latest FROM wallet_account WHERE device_id IS NOT NULL GROUP BY device_id
      UNION ALL SELECT 'ip', ip_address, count(*)::int, max(opened_at) FROM wallet_account WHERE ip_address IS NOT NULL GROUP BY ip_address
      UNION ALL SELECT 'bank', v.bank_code || '-' || v.branch_code || '-' || v.account_number, count(DISTINCT l.account_id)::int, NULL
        FROM bank_link_version v JOIN bank_link l ON l.id = v.link_id GROUP BY 2
      UNION ALL SELECT 'pair', v.bank_code || '-' || v.branch_code || '-' || v.account_number || '-' || l.account_id, 1, min(v.valid_from)
        FROM bank_link_version v JOIN bank_link l ON l.id = v.link_id GROUP BY 2
    ), stored AS (
      SELECT 'device' AS kind, device_id AS k, wallets AS n, latest_opened_at AS latest FROM device_sharing
      UNION ALL SELECT 'ip', ip_address, wallets, latest_opened_at FROM ip_sharing
      UNION ALL SELECT 'bank', bank_code || '-' || branch_code || '-' || account_number, wallets, NULL FROM bank_account_sharing
      UNION ALL SELECT 'pair', bank_code || '-' || branch_code || '-' || account_number || '-' || account_id, 1, first_linked_at FROM bank_account_wallet
    )
    SELECT kind, k, d.n AS direct, s.n AS stored, d.latest AS direct_latest, s.latest AS stored_latest
      FROM direct d FULL JOIN stored s USING (kind, k)
     WHERE d.n IS DISTINCT FROM s.n OR d.latest IS DISTINCT FROM s.latest`);
  return rows;
}

/** latest_linked_at may only over-estimate (a late event lowers a pair's instant, not the bound). */
async function bankBoundsBelowPairs() {
  const { rows } = await db.pool.query(`
    SELECT s.* FROM bank_account_sharing s
    WHERE s.latest_linked_at < (SELECT max(first_linked_at) FROM bank_account_wallet p
                                 WHERE p.bank_code = s.bank_code AND p.branch_code = s.branch_code AND p.account_number = s.account_number)`);
  return rows;
}

async function factsBy(source: FactsSource, ids: string[], now: Date) {
  const client = await db.pool.connect();
  try {
    const perAccount = await loadFacts(client, ids, now, { source });
    const shared = await loadSharedCounts(client, now, source);
    const bulk = await loadFacts(client, ids, now, { shared, source });
    return { perAccount, shared, bulk };
  } finally {
    client.release();
  }
}

let run = 0;

it("keeps the sharing facts equal to a count from scratch, and scoring's facts equal, over random out-of-order, duplicated and late batches", async () => {
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (s) => {
      run++;
      const events = s.events.map((e) => toEvent(run, e));
      const batches: PlatformEvent[][] = [];
      for (let i = 0, k = 0; i < events.length; k++) {
        const size = s.batchSizes[k % s.batchSizes.length];
        batches.push(events.slice(i, i + size));
        i += size;
      }
      const sendAll = async (list: PlatformEvent[][]) => {
        const shares = Array.from({ length: s.senders }, (_, i) => list.filter((_, j) => j % s.senders === i));
        await Promise.all(
          shares.map(async (share) => {
            for (const batch of share) await ingestBatch(db, batch, { hooks: NO_HOOKS });
          }),
        );
      };
      await sendAll(batches);
      await sendAll(batches.filter((_, i) => s.resend[i % s.resend.length])); // duplicates: exact re-sends
      await sendAll([...batches].reverse()); // and everything again, latest first

      expect(await sharingMismatches()).toEqual([]);
      expect(await bankBoundsBelowPairs()).toEqual([]);

      const { rows } = await db.pool.query<{ id: string }>("SELECT id FROM wallet_account WHERE id LIKE $1 ORDER BY id", [`s${run}-%`]);
      const ids = rows.map((r) => r.id);
      for (const h of s.nowHours) {
        const now = new Date(BASE_MS + h * HOUR_MS);
        const incremental = await factsBy("facts", ids, now);
        const scratch = await factsBy("scratch", ids, now);
        expect(incremental.shared).toEqual(scratch.shared);
        expect(incremental.perAccount).toEqual(scratch.perAccount);
        expect(incremental.bulk).toEqual(scratch.bulk); // the bulk path (counts read once per run)
        for (const id of ids) {
          const f = scratch.perAccount.get(id)!;
          expect(scoreAccount(incremental.perAccount.get(id)!, undefined, now)).toEqual(scoreAccount(f, undefined, now));
        }
      }
    }),
    { numRuns: 60 },
  );
}, 240_000);

it("recounts the keys that deleted and changed rows touch", async () => {
  // Whatever the property left: remove one wallet with everything it owns, move another wallet's
  // device and IP address, and re-point one link version: the facts follow exactly.
  const { rows } = await db.pool.query<{ id: string }>(
    `SELECT a.id FROM wallet_account a WHERE EXISTS (SELECT 1 FROM bank_link l WHERE l.account_id = a.id) ORDER BY a.device_id IS NULL, a.id LIMIT 2`,
  );
  expect(rows.length).toBe(2);
  const [gone, moved] = rows.map((r) => r.id);
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("DELETE FROM charge WHERE account_id = $1 OR link_id IN (SELECT id FROM bank_link WHERE account_id = $1)", [gone]);
    await client.query("DELETE FROM spend WHERE account_id = $1", [gone]);
    await client.query("DELETE FROM account_verification WHERE account_id = $1", [gone]);
    await client.query("DELETE FROM bank_link_version WHERE link_id IN (SELECT id FROM bank_link WHERE account_id = $1)", [gone]);
    await client.query("DELETE FROM bank_link WHERE account_id = $1", [gone]);
    await client.query("DELETE FROM wallet_account WHERE id = $1", [gone]);
    await client.query("UPDATE wallet_account SET device_id = 'moved-device', ip_address = NULL WHERE id = $1", [moved]);
    await client.query(
      "UPDATE bank_link_version SET account_number = '7777777' WHERE id = (SELECT min(v.id) FROM bank_link_version v JOIN bank_link l ON l.id = v.link_id WHERE l.account_id = $1)",
      [moved],
    );
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  } finally {
    client.release();
  }
  expect(await sharingMismatches()).toEqual([]);
});

it("a late version of a bank account a wallet already points at lowers the pair's instant and adds no wallet", async () => {
  const { rows } = await db.pool.query<{ link_id: string; bank_code: string; branch_code: string; account_number: string; first: Date; wallets: number }>(
    `SELECT v.link_id, v.bank_code, v.branch_code, v.account_number, p.first_linked_at AS first, s.wallets
       FROM bank_link_version v JOIN bank_link l ON l.id = v.link_id
       JOIN bank_account_wallet p ON (p.bank_code, p.branch_code, p.account_number, p.account_id) = (v.bank_code, v.branch_code, v.account_number, l.account_id)
       JOIN bank_account_sharing s ON (s.bank_code, s.branch_code, s.account_number) = (v.bank_code, v.branch_code, v.account_number)
      ORDER BY v.id LIMIT 1`,
  );
  expect(rows.length).toBe(1);
  const r = rows[0];
  const earlier = new Date(r.first.getTime() - 3_600_000);
  await db.pool.query(
    `INSERT INTO bank_link_version (link_id, bank_code, branch_code, account_number, holder_name, auth_method, valid_from, valid_to, event_id)
     VALUES ($1, $2, $3, $4, 'サトウ ハナコ', 'PIN', $5, $6, 'late-version')`,
    [r.link_id, r.bank_code, r.branch_code, r.account_number, earlier, r.first],
  );
  expect(await sharingMismatches()).toEqual([]);
  const after = await db.pool.query<{ wallets: number }>(
    "SELECT wallets FROM bank_account_sharing WHERE bank_code = $1 AND branch_code = $2 AND account_number = $3",
    [r.bank_code, r.branch_code, r.account_number],
  );
  expect(after.rows[0].wallets).toBe(r.wallets);
});

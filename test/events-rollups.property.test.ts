// Goal: the per-bank rollups are exact whatever arrives: random batches with reused ids (duplicates
// and conflicts), references in any order, and several senders at once. After every run, each
// volume_bucket value must equal a direct COUNT/SUM over the stored charges and link versions, and
// every event id must be stored at most once.
// Method: fast-check generates event sequences over a small universe of accounts, links, charges and
// event ids (so collisions are frequent), cuts them into batches, sends them through the ingestion
// service from 1–4 concurrent senders (own connections, real transactions), re-sends some batches,
// then recomputes the rollups from the stored rows with SQL and compares.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/db.ts";
import type { Database } from "../server/db/client.ts";
import { ingestBatch } from "../server/features/events/ingest.ts";
import type { PlatformEvent } from "../shared/events/schemas.ts";

let db: Database;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
});
afterAll(async () => {
  await drop();
});

const BANKS = ["0125", "0005", "0009", "0134"] as const;
const NO_HOOKS = { inTransaction: [], afterCommit: [] };

const opArb = fc.oneof(
  fc.record({ kind: fc.constant("open" as const), acc: fc.nat(4) }),
  fc.record({ kind: fc.constant("link" as const), lnk: fc.nat(5), acc: fc.nat(4), bank: fc.constantFrom(...BANKS) }),
  fc.record({ kind: fc.constant("change" as const), lnk: fc.nat(5), bank: fc.constantFrom(...BANKS, "9999") }),
  fc.record({ kind: fc.constant("charge" as const), chg: fc.nat(30), lnk: fc.nat(5), amountYen: fc.integer({ min: 1, max: 100_000 }) }),
  fc.record({ kind: fc.constant("spend" as const), spd: fc.nat(10), acc: fc.nat(4), amountYen: fc.integer({ min: 1, max: 50_000 }) }),
);
const eventArb = fc.record({ op: opArb, eventNo: fc.nat(50), second: fc.nat(4 * 3600), jst: fc.boolean() });
const scenarioArb = fc.record({
  events: fc.array(eventArb, { minLength: 1, maxLength: 80 }),
  batchSizes: fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 10 }),
  senders: fc.integer({ min: 1, max: 4 }),
  resend: fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }),
});

const BASE_MS = Date.UTC(2020, 8, 4, 0, 0, 0);

type GeneratedEvent = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function toEvent(run: number, e: GeneratedEvent): PlatformEvent {
  const p = (kind: string, n: number) => `r${run}-${kind}${n}`;
  const ms = BASE_MS + e.second * 1000 + (e.second % 7) * 137; // some sub-second times
  // The same instant, written in UTC or with the JST offset: both are the same payload.
  const occurredAt = e.jst ? new Date(ms + 9 * 3600_000).toISOString().replace("Z", "+09:00") : new Date(ms).toISOString();
  const id = p("ev", e.eventNo);
  const op = e.op;
  switch (op.kind) {
    case "open":
      return { id, type: "account.opened", occurredAt, account: { id: p("acc", op.acc), holderName: "サトウ ハナコ", carrierCustomer: false, identityVerified: true } };
    case "link":
      return { id, type: "link.registered", occurredAt, link: { id: p("lnk", op.lnk), accountId: p("acc", op.acc), bankCode: op.bank, branchCode: "100", accountNumber: "1000000", holderName: "サトウ ハナコ", authMethod: "PIN" } };
    case "change":
      return { id, type: "link.changed", occurredAt, link: { id: p("lnk", op.lnk), bankCode: op.bank, branchCode: "200", accountNumber: "2000000", holderName: "サトウ ハナコ", authMethod: "PIN_OTP" } };
    case "charge":
      return { id, type: "charge.completed", occurredAt, charge: { id: p("chg", op.chg), linkId: p("lnk", op.lnk), amountYen: op.amountYen } };
    default:
      return { id, type: "spend.completed", occurredAt, spend: { id: p("spd", op.spd), accountId: p("acc", op.acc), amountYen: op.amountYen, channel: "payment" } };
  }
}

/** Rollup rows that differ from a direct aggregation of the stored rows (empty when exact). */
async function rollupMismatches() {
  const { rows } = await db.pool.query(`
    WITH facts AS (
      SELECT bank_code, 'CHARGE_COUNT' AS metric, occurred_at AS t, 1::bigint AS v FROM charge
      UNION ALL SELECT bank_code, 'CHARGE_YEN', occurred_at, amount_yen FROM charge
      UNION ALL SELECT v.bank_code, CASE p.type WHEN 'link.registered' THEN 'LINK_REGISTERED' ELSE 'LINK_CHANGED' END, v.valid_from, 1
        FROM bank_link_version v JOIN processed_event p ON p.id = v.event_id
    ), direct AS (
      SELECT bank_code, metric, m AS bucket_minutes,
             to_timestamp(floor(extract(epoch FROM t) / (m * 60)) * m * 60) AS bucket_start, sum(v) AS value
        FROM facts CROSS JOIN (VALUES (5), (60)) AS b(m)
       GROUP BY 1, 2, 3, 4
    ), stored AS (
      SELECT bank_code, metric::text AS metric, bucket_minutes::int, bucket_start, value FROM volume_bucket WHERE value <> 0
    )
    SELECT coalesce(d.bank_code, s.bank_code) AS bank_code, coalesce(d.metric, s.metric) AS metric,
           coalesce(d.bucket_minutes, s.bucket_minutes) AS minutes, coalesce(d.bucket_start, s.bucket_start) AS start,
           d.value AS direct, s.value AS stored
      FROM direct d FULL JOIN stored s USING (bank_code, metric, bucket_minutes, bucket_start)
     WHERE d.value IS DISTINCT FROM s.value`);
  return rows;
}

let run = 0;

it("keeps every rollup equal to a direct count of the stored events, with duplicates and concurrent senders", async () => {
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
      const eventsBefore = Number((await db.pool.query("SELECT count(*) AS n FROM processed_event")).rows[0].n);
      let accepted = 0;
      const sendAll = async (list: PlatformEvent[][]) => {
        // Each sender sends its share in order; the senders run at the same time.
        const shares = Array.from({ length: s.senders }, (_, i) => list.filter((_, j) => j % s.senders === i));
        await Promise.all(
          shares.map(async (share) => {
            for (const batch of share) {
              const r = await ingestBatch(db, batch, { hooks: NO_HOOKS });
              expect(r.accepted + r.duplicates + r.rejected.length).toBe(batch.length);
              accepted += r.accepted;
            }
          }),
        );
      };
      await sendAll(batches);
      await sendAll(batches.filter((_, i) => s.resend[i % s.resend.length])); // exact re-sends

      const eventsAfter = Number((await db.pool.query("SELECT count(*) AS n FROM processed_event")).rows[0].n);
      expect(eventsAfter - eventsBefore).toBe(accepted); // each accepted event stored once, nothing else
      expect(await rollupMismatches()).toEqual([]);
    }),
    { numRuns: 100 },
  );
}, 120_000);

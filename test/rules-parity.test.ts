// Goal: each domain rule that also runs inside SQL gives the same answer both ways, so the queries
// (the quarantining UPDATEs, the suspension lists, the fraud and victims figures) never drift from
// the pure rules the decisions and the UI use. Method: fast-check generates cases whose times
// cluster on a few instants (ties are where >= and > differ) with NULLs; each batch is written into
// temporary tables with the real columns' types (CREATE TABLE AS … LIMIT 0 of the real tables),
// the twin fragment (server/db/rules-sql.ts) is evaluated by PostgreSQL, and compared case by case
// with the pure function.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type pg from "pg";
import { createTestDatabase } from "./helpers/db.ts";
import type { Database } from "../server/db/client.ts";
import { query, rows, sql } from "../server/db/sql.ts";
import { fraudulentWalletAsOfSql, fraudulentWalletSql, jstDayStartSql, jstMonthStartSql, quarantineMatchSql, suspensionStateSql } from "../server/db/rules-sql.ts";
import { jstDayStart, jstMonthStart } from "../shared/suspensions/charge-policy.ts";
import { isSuspensionActive, quarantinesLink, suspensionState, type LinkStatus } from "../shared/suspensions/rules.ts";
import { DEFAULT_FLAG_THRESHOLD, isFraudulentWallet, isFraudulentWalletAsOf, type ReviewLabel } from "../shared/compensation/fraud.ts";

let t: { db: Database; drop(): Promise<void> };
let client: pg.PoolClient;

beforeAll(async () => {
  t = await createTestDatabase();
  client = await t.db.pool.connect();
  // Temporary tables (this connection only) with the real columns' types and no constraints.
  await client.query(`CREATE TEMP TABLE case_link AS SELECT 0 AS case_no, now()::timestamptz(3) AS at, * FROM bank_link LIMIT 0`);
  await client.query(`CREATE TEMP TABLE case_suspension AS SELECT 0 AS case_no, now()::timestamptz(3) AS at, * FROM suspension LIMIT 0`);
  await client.query(`CREATE TEMP TABLE case_wallet AS SELECT 0 AS case_no, 0 AS threshold, * FROM wallet_account LIMIT 0`);
});
afterAll(async () => {
  client?.release();
  await t?.drop();
});

const BASE = Date.parse("2026-11-20T03:00:00Z");
/** A few instants a minute apart (and one a millisecond off), so generated times often tie. */
const instant = fc.constantFrom(0, 1, 2, 3, 4, 60_001 / 60_000).map((k) => new Date(BASE + Math.round(k * 60_000)));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 3 });
const BANKS = ["0001", "0005"];
const RUNS = { numRuns: 25 };

describe("rules parity: SQL twins agree with the pure rules", () => {
  it("quarantine match (quarantinesLink ⇔ quarantineMatchSql)", async () => {
    const caseArb = fc.record({
      at: instant,
      link: fc.record({
        bankCode: fc.constantFrom(...BANKS),
        status: fc.constantFrom<LinkStatus>("ACTIVE", "ACTIVE", "QUARANTINED", "REVOKED"),
        registeredAt: instant,
        changedAt: maybe(instant),
        statusChangedAt: maybe(instant),
      }),
      s: fc.record({
        bankCode: fc.constantFrom(...BANKS),
        quarantine: fc.boolean(),
        startsAt: instant,
        cutoffAt: instant,
        liftedAt: maybe(instant),
      }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: 1, maxLength: 80 }), async (cases) => {
        await client.query("TRUNCATE case_link, case_suspension");
        await query(client, sql`
          INSERT INTO case_link (case_no, at, bank_code, status, registered_at, changed_at, status_changed_at)
          SELECT * FROM unnest(${cases.map((_, i) => i)}::int[], ${cases.map((c) => c.at)}::timestamptz[], ${cases.map((c) => c.link.bankCode)}::bpchar[],
                               ${cases.map((c) => c.link.status)}::"LinkStatus"[], ${cases.map((c) => c.link.registeredAt)}::timestamptz[],
                               ${cases.map((c) => c.link.changedAt)}::timestamptz[], ${cases.map((c) => c.link.statusChangedAt)}::timestamptz[])`);
        await query(client, sql`
          INSERT INTO case_suspension (case_no, bank_code, quarantine, starts_at, cutoff_at, lifted_at)
          SELECT * FROM unnest(${cases.map((_, i) => i)}::int[], ${cases.map((c) => c.s.bankCode)}::bpchar[], ${cases.map((c) => c.s.quarantine)}::bool[],
                               ${cases.map((c) => c.s.startsAt)}::timestamptz[], ${cases.map((c) => c.s.cutoffAt)}::timestamptz[],
                               ${cases.map((c) => c.s.liftedAt)}::timestamptz[])`);
        const got = await rows<{ case_no: number; m: boolean | null }>(client, sql`
          SELECT l.case_no, ${quarantineMatchSql(sql`l.at`)} AS m
          FROM case_link l JOIN case_suspension s ON s.case_no = l.case_no ORDER BY l.case_no`);
        expect(got).toHaveLength(cases.length);
        for (const r of got) {
          const c = cases[r.case_no];
          expect({ case: c, sql: r.m }).toEqual({ case: c, sql: quarantinesLink(c.link, c.s, c.at) });
        }
      }),
      RUNS,
    );
  });

  it("suspension state (suspensionState ⇔ suspensionStateSql; ACTIVE ⇔ isSuspensionActive)", async () => {
    const caseArb = fc.record({ at: instant, startsAt: instant, liftedAt: maybe(instant) });
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: 1, maxLength: 80 }), async (cases) => {
        await client.query("TRUNCATE case_suspension");
        await query(client, sql`
          INSERT INTO case_suspension (case_no, at, starts_at, lifted_at)
          SELECT * FROM unnest(${cases.map((_, i) => i)}::int[], ${cases.map((c) => c.at)}::timestamptz[],
                               ${cases.map((c) => c.startsAt)}::timestamptz[], ${cases.map((c) => c.liftedAt)}::timestamptz[])`);
        const got = await rows<{ case_no: number; state: string }>(client, sql`
          SELECT s.case_no, ${suspensionStateSql(sql`s.at`)} AS state FROM case_suspension s ORDER BY s.case_no`);
        expect(got).toHaveLength(cases.length);
        for (const r of got) {
          const c = cases[r.case_no];
          expect({ case: c, sql: r.state }).toEqual({ case: c, sql: suspensionState(c, c.at) });
          expect(r.state === "ACTIVE").toBe(isSuspensionActive(c, c.at));
        }
      }),
      RUNS,
    );
  });

  it("JST day and month starts (jstDayStart ⇔ jstDayStartSql, jstMonthStart ⇔ jstMonthStartSql), at the boundaries", async () => {
    // Instants around a JST midnight (15:00 UTC) at month and year ends, a leap day among them.
    const boundary = fc.constantFrom("2020-02-28", "2020-02-29", "2020-09-30", "2020-12-31", "2026-11-30", "2027-01-31").map((d) => Date.parse(`${d}T15:00:00Z`));
    const offset = fc.constantFrom(0, -1, 1, -1_000, 60_000, -9 * 3_600_000, 9 * 3_600_000 - 1, 12 * 3_600_000);
    const caseArb = fc.tuple(boundary, offset).map(([b, o]) => new Date(b + o));
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: 1, maxLength: 60 }), async (ats) => {
        const got = await rows<{ i: number; day: Date; month: Date }>(client, sql`
          SELECT u.i::int AS i, ${jstDayStartSql(sql`u.at`)} AS day, ${jstMonthStartSql(sql`u.at`)} AS month
          FROM unnest(${ats}::timestamptz[]) WITH ORDINALITY AS u(at, i) ORDER BY u.i`);
        expect(got).toHaveLength(ats.length);
        for (const r of got) {
          const at = ats[r.i - 1];
          expect({ at, day: r.day.toISOString(), month: r.month.toISOString() }).toEqual({ at, day: jstDayStart(at).toISOString(), month: jstMonthStart(at).toISOString() });
        }
      }),
      RUNS,
    );
  });

  it("fraudulent wallet (isFraudulentWallet ⇔ fraudulentWalletSql), never NULL", async () => {
    const caseArb = fc.record({
      riskScore: fc.oneof(fc.integer({ min: DEFAULT_FLAG_THRESHOLD - 2, max: DEFAULT_FLAG_THRESHOLD + 2 }), fc.integer({ min: 0, max: 100 })),
      reviewLabel: fc.constantFrom<ReviewLabel | null>(null, null, "CONFIRMED_FRAUD", "LEGITIMATE"),
      threshold: fc.constantFrom(DEFAULT_FLAG_THRESHOLD, DEFAULT_FLAG_THRESHOLD - 1, 50),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: 1, maxLength: 80 }), async (cases) => {
        await client.query("TRUNCATE case_wallet");
        await query(client, sql`
          INSERT INTO case_wallet (case_no, threshold, risk_score, review_label)
          SELECT * FROM unnest(${cases.map((_, i) => i)}::int[], ${cases.map((c) => c.threshold)}::int[], ${cases.map((c) => c.riskScore)}::int[],
                               ${cases.map((c) => c.reviewLabel)}::"ReviewLabel"[])`);
        // The threshold is a value in the fragment: one query per threshold in the batch.
        for (const threshold of new Set(cases.map((c) => c.threshold))) {
          const got = await rows<{ case_no: number; fraudulent: boolean | null }>(client, sql`
            SELECT w.case_no, ${fraudulentWalletSql("w", threshold)} AS fraudulent FROM case_wallet w WHERE w.threshold = ${threshold} ORDER BY w.case_no`);
          for (const r of got) {
            const c = cases[r.case_no];
            expect({ case: c, sql: r.fraudulent }).toEqual({ case: c, sql: isFraudulentWallet(c, threshold) });
          }
        }
      }),
      RUNS,
    );
  });

  it("fraudulent wallet as of a time (isFraudulentWalletAsOf ⇔ fraudulentWalletAsOfSql over wallet_label_change), never NULL", async () => {
    const label = fc.constantFrom<ReviewLabel | null>(null, "CONFIRMED_FRAUD", "LEGITIMATE");
    const caseArb = fc.record({
      riskScore: fc.integer({ min: DEFAULT_FLAG_THRESHOLD - 2, max: DEFAULT_FLAG_THRESHOLD + 2 }),
      flaggedAt: maybe(instant),
      scoredAt: maybe(instant),
      reviewLabel: label,
      labelChanges: fc.array(fc.record({ changedAt: instant, labelBefore: label }), { maxLength: 3 }),
      at: instant,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: 1, maxLength: 30 }), async (cases) => {
        await client.query("TRUNCATE wallet_label_change, wallet_account CASCADE");
        const ids = cases.map((_, i) => `w${i}`);
        await query(client, sql`
          INSERT INTO wallet_account (id, holder_name, holder_name_normalized, carrier_customer, identity_verified, opened_at, risk_score, review_label, flagged_at, scored_at)
          SELECT u.id, 'x', 'x', false, false, now(), u.score, u.label, u.flagged, u.scored
            FROM unnest(${ids}::text[], ${cases.map((c) => c.riskScore)}::int[], ${cases.map((c) => c.reviewLabel)}::"ReviewLabel"[],
                        ${cases.map((c) => c.flaggedAt)}::timestamptz[], ${cases.map((c) => c.scoredAt)}::timestamptz[]) AS u(id, score, label, flagged, scored)`);
        // In id order, the order the pure rule reads them for changes at the same instant.
        const changes = cases.flatMap((c, i) => c.labelChanges.map((ch) => ({ id: ids[i], ...ch })));
        if (changes.length > 0)
          await query(client, sql`
            INSERT INTO wallet_label_change (account_id, label_before, changed_at)
            SELECT u.id, u.label, u.at
              FROM unnest(${changes.map((c) => c.id)}::text[], ${changes.map((c) => c.labelBefore)}::"ReviewLabel"[], ${changes.map((c) => c.changedAt)}::timestamptz[]) WITH ORDINALITY AS u(id, label, at, n)
             ORDER BY u.n`);
        for (const [i, c] of cases.entries()) {
          const [got] = await rows<{ fraudulent: boolean | null }>(client, sql`
            SELECT ${fraudulentWalletAsOfSql("w", sql`${c.at}::timestamptz`)} AS fraudulent FROM wallet_account w WHERE w.id = ${ids[i]}`);
          expect({ case: c, sql: got.fraudulent }).toEqual({ case: c, sql: isFraudulentWalletAsOf(c, c.at) });
        }
      }),
      RUNS,
    );
  });
});

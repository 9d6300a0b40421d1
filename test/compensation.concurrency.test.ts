// Goal: two (or forty) support agents paying the same victim at the same moment never pay a charge
// more than it took; losers get a clear 409 with the amount left, never a 5xx. Method: a real server,
// several signed-in staff sessions (SUPPORT and MANAGER, demo and extra staff), all create requests
// for the same charges fired at once over real HTTP with different idempotency keys; then the lines
// in the database are summed per charge.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCClientError } from "@trpc/client";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { createStaff, fraudScenario, key, withClaim } from "./compensation-fixtures.ts";

type Client = Awaited<ReturnType<typeof signedInAs>>["trpc"];
let t: TestApp;
let sessions: Array<{ label: string; trpc: Client }>;

beforeAll(async () => {
  t = await startTestApp();
  const demo = await Promise.all([
    signedInAs(t.baseUrl, "SUPPORT"),
    signedInAs(t.baseUrl, "SUPPORT"),
    signedInAs(t.baseUrl, "SUPPORT"),
    signedInAs(t.baseUrl, "MANAGER"),
    signedInAs(t.baseUrl, "MANAGER"),
  ]);
  const extra = await Promise.all([createStaff(t.db.prisma, t.baseUrl, "SUPPORT"), createStaff(t.db.prisma, t.baseUrl, "MANAGER")]);
  sessions = [...demo.map((d, i) => ({ label: `${d.user.role}#${i}`, trpc: d.trpc })), ...extra.map((e) => ({ label: e.user.email, trpc: e.trpc }))];
});
afterAll(async () => {
  await t.close();
});

// Small deterministic PRNG so a failure can be replayed.
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Outcome {
  ok: boolean;
  code?: string;
  httpStatus?: number;
  message?: string;
}

async function settle(p: Promise<unknown>): Promise<Outcome> {
  try {
    await p;
    return { ok: true };
  } catch (err) {
    if (err instanceof TRPCClientError) {
      const data = err.data as { code?: string; httpStatus?: number } | undefined;
      return { ok: false, code: data?.code, httpStatus: data?.httpStatus, message: err.message };
    }
    return { ok: false, code: "NETWORK", message: String(err) };
  }
}

async function heldPerCharge(chargeIds: string[]) {
  const { rows } = await t.db.pool.query<{ id: string; amount_yen: number; held_yen: number; line_count: number }>(
    `SELECT c.id, c.amount_yen,
            COALESCE(SUM(l.amount_yen) FILTER (WHERE cc.state NOT IN ('REJECTED', 'CANCELLED')), 0)::int8 AS held_yen,
            COUNT(l.case_id)::int8 AS line_count
       FROM charge c LEFT JOIN compensation_line l ON l.charge_id = c.id LEFT JOIN compensation_case cc ON cc.id = l.case_id
      WHERE c.id = ANY($1) GROUP BY c.id`,
    [chargeIds],
  );
  return rows;
}

describe("concurrent compensation of the same charges", () => {
  it("40 simultaneous full-charge requests from 7 sessions: exactly one wins, 39 get a 409 saying nothing is left", async () => {
    const s = await fraudScenario(t.db.prisma, [100_000]);
    const requests = Array.from({ length: 40 }, (_, i) =>
      settle(
        sessions[i % sessions.length].trpc.compensation.create.mutate(withClaim({
          idempotencyKey: key(),
          holderName: s.victim.holderName,
          lines: [{ chargeId: s.chargeIds[0], amountYen: 100_000 }],
          reason: `Concurrent request ${i}`,
        })),
      ),
    );
    const outcomes = await Promise.all(requests);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    const losers = outcomes.filter((o) => !o.ok);
    expect(losers).toHaveLength(39);
    for (const l of losers) {
      expect(l).toMatchObject({ code: "COMPENSATION_EXCEEDS_CHARGE", httpStatus: 409 });
      expect(l.message).toMatch(/nothing left to pay back/);
    }
    const [held] = await heldPerCharge(s.chargeIds);
    expect(held).toMatchObject({ amount_yen: 100_000, held_yen: 100_000, line_count: 1 });
  });

  it.each([1, 2, 3])("round %i: 48 simultaneous mixed requests (subsets, partial amounts) never exceed any charge", async (seed) => {
    const amounts = [100_000, 60_000, 30_000, 10_000];
    const s = await fraudScenario(t.db.prisma, amounts);
    const rand = prng(seed * 7919);
    const plans = Array.from({ length: 48 }, () => {
      const lines = s.chargeIds
        .map((chargeId, i) => ({ chargeId, amountYen: rand() < 0.5 ? amounts[i] : Math.max(1, Math.round((amounts[i] * (0.2 + 0.6 * rand())) / 100) * 100) }))
        .filter(() => rand() < 0.6);
      return lines.length ? lines : [{ chargeId: s.chargeIds[3], amountYen: 5_000 }];
    });
    const outcomes = await Promise.all(
      plans.map((lines, i) =>
        settle(
          sessions[i % sessions.length].trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: s.victim.holderName, lines, reason: `Mixed request ${seed}-${i}` })),
        ),
      ),
    );
    // No 5xx, no network failures: every refusal is the clear conflict.
    for (const o of outcomes) if (!o.ok) expect(o).toMatchObject({ code: "COMPENSATION_EXCEEDS_CHARGE", httpStatus: 409 });
    const winners = outcomes.filter((o) => o.ok).length;
    expect(winners).toBeGreaterThan(0);
    expect(winners).toBeLessThan(plans.length);

    const held = await heldPerCharge(s.chargeIds);
    for (const h of held) expect(h.held_yen, `charge ${h.id}`).toBeLessThanOrEqual(h.amount_yen);
    // The cases that exist are exactly the winners, and their totals add up to the lines.
    const cases = await t.db.pool.query<{ n: number; total: number; lines_total: number }>(
      `SELECT COUNT(*)::int8 AS n, COALESCE(SUM(total_yen), 0)::int8 AS total,
              (SELECT COALESCE(SUM(l.amount_yen), 0)::int8 FROM compensation_line l WHERE l.charge_id = ANY($1)) AS lines_total
         FROM compensation_case WHERE account_number = $2`,
      [s.chargeIds, s.victim.accountNumber],
    );
    expect(cases.rows[0].n).toBe(winners);
    expect(cases.rows[0].total).toBe(cases.rows[0].lines_total);
    expect(held.reduce((sum, h) => sum + h.held_yen, 0)).toBe(cases.rows[0].total);
  });
});

// Goal (#18): the compensation ledger is double-entry and kept by the database itself, and approving,
// cancelling and paying a case post through it in the same transaction. Method: a real server on its
// own database, staff over HTTP; the guards tried with plain SQL as the database owner.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { fraudScenario, key } from "./compensation-fixtures.ts";

let t: TestApp;
type Agent = Awaited<ReturnType<typeof signedInAs>>;
let support: Agent;
let manager: Agent;
const REASON = "Victim reported withdrawals they did not make";

beforeAll(async () => {
  t = await startTestApp();
  [support, manager] = await Promise.all([signedInAs(t.baseUrl, "SUPPORT"), signedInAs(t.baseUrl, "MANAGER")]);
});
afterAll(async () => {
  await t.close();
});

async function approvedCase(amountsYen: number[], bankCode = "0125") {
  const s = await fraudScenario(t.db.prisma, amountsYen, { bankCode });
  const { caseId } = await support.trpc.compensation.create.mutate({
    idempotencyKey: key(),
    holderName: s.victim.holderName,
    lines: s.chargeIds.map((chargeId, i) => ({ chargeId, amountYen: amountsYen[i] })),
    reason: REASON,
  });
  await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
  return { ...s, caseId, totalYen: amountsYen.reduce((a, b) => a + b, 0) };
}

async function caseLedger(caseId: string) {
  const { rows } = await t.db.pool.query<{ account: string; posted_yen: string; pending_yen: string }>(
    `SELECT account::text AS account, posted_yen, pending_yen FROM ledger_balance WHERE case_id = $1 ORDER BY account`,
    [caseId],
  );
  return Object.fromEntries(rows.map((r) => [r.account, { posted: Number(r.posted_yen), pending: Number(r.pending_yen) }]));
}

describe("the database keeps the ledger", () => {
  it("refuses an unbalanced journal at commit, a journal without postings, and postings on a resolution", async () => {
    const c = await approvedCase([4_000]);
    const client = await t.db.pool.connect();
    try {
      const id = randomUUID();
      await client.query("BEGIN");
      await client.query(`INSERT INTO ledger_journal (id, kind, phase, case_id) VALUES ($1, 'case.approved', 'SINGLE', $2)`, [id, c.caseId]);
      await client.query(`INSERT INTO ledger_posting (journal_id, account, bank_code, case_id, amount_yen) VALUES ($1, 'OPERATOR_LOSS', '0125', $2, 100), ($1, 'VICTIM_PAYABLE', '0125', $2, -99)`, [id, c.caseId]);
      await expect(client.query("COMMIT")).rejects.toThrow(/does not balance: 2 postings summing to 1 yen/);

      await expect(client.query(`INSERT INTO ledger_journal (id, kind, phase, case_id) VALUES ($1, 'case.approved', 'SINGLE', $2)`, [randomUUID(), c.caseId])).rejects.toThrow(/does not balance: 0 postings/);

      const { rows: [pending] } = await client.query(`SELECT id FROM ledger_journal WHERE case_id = $1 AND phase = 'SINGLE' LIMIT 1`, [c.caseId]);
      await client.query("BEGIN");
      const res = randomUUID();
      await client.query(`INSERT INTO ledger_journal (id, kind, phase, pending_id) VALUES ($1, 'payout.settled', 'POST', $2)`, [res, pending.id]);
      await expect(client.query("COMMIT")).rejects.toThrow(/is not a pending journal/);
    } finally {
      await client.query("ROLLBACK").catch(() => {});
      client.release();
    }
    // A balanced one with three legs passes.
    const id = randomUUID();
    await t.db.pool.query(`
      WITH j AS (INSERT INTO ledger_journal (id, kind, phase, case_id) VALUES ($1, 'case.approved', 'SINGLE', $2) RETURNING id)
      INSERT INTO ledger_posting (journal_id, account, bank_code, case_id, amount_yen)
      SELECT j.id, a.account::ledger_account, '0125', $2, a.yen FROM j, (VALUES ('OPERATOR_LOSS', 10), ('VICTIM_PAYABLE', -4), ('VICTIM_PAYABLE', -6)) AS a(account, yen)`, [id, c.caseId]);
  });

  it("refuses UPDATE and DELETE of journals and postings, even for the owner", async () => {
    const c = await approvedCase([5_000]);
    await expect(t.db.pool.query(`UPDATE ledger_posting SET amount_yen = amount_yen * 2 WHERE case_id = $1`, [c.caseId])).rejects.toThrow(/immutable/);
    await expect(t.db.pool.query(`DELETE FROM ledger_posting WHERE case_id = $1`, [c.caseId])).rejects.toThrow(/immutable/);
    await expect(t.db.pool.query(`DELETE FROM ledger_journal WHERE case_id = $1`, [c.caseId])).rejects.toThrow(/immutable/);
    await expect(t.db.pool.query(`UPDATE ledger_journal SET kind = 'x' WHERE case_id = $1`, [c.caseId])).rejects.toThrow(/immutable/);
  });
});

describe("flows post through the ledger", () => {
  it("approving owes the victim; cancelling the approved case reverses it", async () => {
    const c = await approvedCase([7_000, 3_000]);
    expect(await caseLedger(c.caseId)).toEqual({ OPERATOR_LOSS: { posted: 10_000, pending: 0 }, VICTIM_PAYABLE: { posted: -10_000, pending: 0 } });
    await manager.trpc.compensation.cancel.mutate({ caseId: c.caseId, reason: "Bank already refunded" });
    expect(await caseLedger(c.caseId)).toEqual({ OPERATOR_LOSS: { posted: 0, pending: 0 }, VICTIM_PAYABLE: { posted: 0, pending: 0 } });
  });

  it("a requested case that is rejected never touches the ledger", async () => {
    const s = await fraudScenario(t.db.prisma, [2_000]);
    const { caseId } = await support.trpc.compensation.create.mutate({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 2_000 }], reason: REASON });
    await manager.trpc.compensation.reject.mutate({ caseId, reason: "Not fraud" });
    expect(await caseLedger(caseId)).toEqual({});
  });
});

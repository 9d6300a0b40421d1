// Goal (#12 defect 1): the approval threshold holds per victim (bank account), across every case not
// rejected or cancelled, so splitting a sum into small cases, in any order or at the same moment,
// never lets one person approve a total at or above it alone; the payout batch checks it again.
// Method: a real server on its own database, staff signed in over HTTP; cases created and approved
// through the API, sequentially and in parallel; the database read afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCClientError } from "@trpc/client";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { createStaff, fraudScenario, insertCharges, insertWallet, key, withClaim } from "./compensation-fixtures.ts";

let t: TestApp;
type Agent = Awaited<ReturnType<typeof signedInAs>>;
let support: Agent;
let manager: Agent;
let manager2: Awaited<ReturnType<typeof createStaff>>;
let manager3: Awaited<ReturnType<typeof createStaff>>;
const REASON = "Victim reported withdrawals they did not make";
const T = 100_000;

beforeAll(async () => {
  t = await startTestApp();
  [support, manager] = await Promise.all([signedInAs(t.baseUrl, "SUPPORT"), signedInAs(t.baseUrl, "MANAGER")]);
  [manager2, manager3] = await Promise.all([createStaff(t.db.prisma, t.baseUrl, "MANAGER"), createStaff(t.db.prisma, t.baseUrl, "MANAGER")]);
});
afterAll(async () => {
  await t.close();
});

type Trpc = Agent["trpc"];

async function newCase(agent: { trpc: Trpc }, holderName: string, lines: Array<{ chargeId: string; amountYen: number }>) {
  const { caseId } = await agent.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName, lines, reason: REASON }));
  return caseId;
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; httpStatus: number }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCClientError) return { code: err.data.code, message: err.message, httpStatus: err.data.httpStatus };
    throw err;
  }
  throw new Error("expected the call to fail");
}

async function approvedTotal(accountNumber: string) {
  const rows = await t.db.prisma.compensationCase.findMany({ where: { accountNumber, state: { in: ["APPROVED", "PAID"] } }, select: { totalYen: true, decidedById: true, requestedById: true } });
  return { totalYen: rows.reduce((s, r) => s + r.totalYen, 0), rows };
}

describe("one person, one victim, a split sum", () => {
  it("a manager's ¥99,999 + ¥1 for one charge: the second approval is refused in words, another manager may give it", async () => {
    const s = await fraudScenario(t.db.prisma, [T]);
    const first = await newCase(manager, s.victim.holderName, [{ chargeId: s.chargeIds[0], amountYen: T - 1 }]);
    await manager.trpc.compensation.approve.mutate({ caseId: first, reason: "Small, checked the statement" });
    const second = await newCase(manager, s.victim.holderName, [{ chargeId: s.chargeIds[0], amountYen: 1 }]);

    const view = await manager.trpc.compensation.get.query({ caseId: second });
    expect(view.victimTotalYen).toBe(T);
    expect(view.actions.approve).toBe(false);
    expect(view.actions.whyNotApprove).toBe(
      "With this case the victim's account would receive ¥100,000 across 2 cases, at or above the ¥100,000 threshold: a manager other than the one who requested this case must approve it.",
    );
    const refused = await failure(manager.trpc.compensation.approve.mutate({ caseId: second, reason: "The last yen" }));
    expect(refused).toMatchObject({ code: "SELF_APPROVAL_NOT_ALLOWED", httpStatus: 403, message: view.actions.whyNotApprove });
    expect((await approvedTotal(s.victim.accountNumber)).totalYen).toBe(T - 1);

    // In the managers' queue with the victim's total and the same words.
    const queued = (await manager.trpc.compensation.approvalQueue.query()).cases.find((c) => c.id === second);
    expect(queued).toMatchObject({ canDecide: false, victimTotalYen: T, whyNotApprove: view.actions.whyNotApprove });

    await manager2.trpc.compensation.approve.mutate({ caseId: second, reason: "Second pair of eyes on the whole sum" });
    const audit = await t.db.prisma.auditEvent.findFirst({ where: { action: "compensation.approve", targetId: second } });
    expect(audit?.after).toMatchObject({ victimTotalYen: T, needsManagerForVictim: true });
    // Two people stand behind the ¥100,000: it may be paid.
    const batch = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [first, second], reason: "Payout run" });
    expect(batch).toMatchObject({ caseCount: 2, totalYen: T });
  });

  it("the same two cases requested first and approved after: neither by the manager who asked", async () => {
    const s = await fraudScenario(t.db.prisma, [T]);
    const a = await newCase(manager, s.victim.holderName, [{ chargeId: s.chargeIds[0], amountYen: T - 1 }]);
    const b = await newCase(manager, s.victim.holderName, [{ chargeId: s.chargeIds[0], amountYen: 1 }]);
    for (const caseId of [b, a]) expect(await errorCodeOf(manager.trpc.compensation.approve.mutate({ caseId, reason: "Approving my own" }))).toBe("SELF_APPROVAL_NOT_ALLOWED");
    // One other manager approves one; the other then needs someone besides both of them.
    await manager2.trpc.compensation.approve.mutate({ caseId: a, reason: "Checked" });
    expect(await errorCodeOf(manager2.trpc.compensation.approve.mutate({ caseId: b, reason: "And the rest" }))).toBe("OTHER_MANAGER_REQUIRED");
    await manager3.trpc.compensation.approve.mutate({ caseId: b, reason: "Checked the rest" });
    expect((await approvedTotal(s.victim.accountNumber)).totalYen).toBe(T);
  });

  it("support approves ¥99,999 alone, and a second ¥99,999 for the same victim is refused: it needs a manager", async () => {
    const walletId = await insertWallet(t.db.prisma);
    const s = await fraudScenario(t.db.prisma, [T - 1]);
    const [other] = await insertCharges(t.db.prisma, walletId, s.victim, [T - 1]);
    const first = await newCase(support, s.victim.holderName, [{ chargeId: s.chargeIds[0], amountYen: T - 1 }]);
    await support.trpc.compensation.approve.mutate({ caseId: first, reason: "Small, checked" });
    const second = await newCase(support, s.victim.holderName, [{ chargeId: other, amountYen: T - 1 }]);
    expect((await support.trpc.compensation.get.query({ caseId: second })).actions.whyNotApprove).toMatch(/¥199,998 across 2 cases.*a manager must approve it/);
    expect(await failure(support.trpc.compensation.approve.mutate({ caseId: second, reason: "Small too" }))).toMatchObject({ code: "MANAGER_APPROVAL_REQUIRED", httpStatus: 403 });
    expect((await approvedTotal(s.victim.accountNumber)).totalYen).toBe(T - 1);
    // Rejected and cancelled cases do not count: cancel the first, and the second is small again.
    await support.trpc.compensation.cancel.mutate({ caseId: first, reason: "Entered by mistake" });
    await support.trpc.compensation.approve.mutate({ caseId: second, reason: "Alone it is small" });
  });
});

describe("at the same moment", () => {
  it("one manager approving a victim's cases in parallel: only one succeeds, the rest need another manager", async () => {
    for (let round = 0; round < 4; round++) {
      const s = await fraudScenario(t.db.prisma, [40_000, 40_000, 40_000]);
      const ids = [];
      for (const chargeId of s.chargeIds) ids.push(await newCase(support, s.victim.holderName, [{ chargeId, amountYen: 40_000 }]));
      const results = await Promise.allSettled(ids.map((caseId) => manager.trpc.compensation.approve.mutate({ caseId, reason: "Batch of approvals" })));
      const ok = results.filter((r) => r.status === "fulfilled");
      expect(ok).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect((r.reason as TRPCClientError<never>).data).toMatchObject({ code: "OTHER_MANAGER_REQUIRED", httpStatus: 403 });
      const { rows } = await approvedTotal(s.victim.accountNumber);
      expect(rows.map((r) => r.decidedById)).toEqual([expect.any(String)]);
    }
  });

  it("support creating and approving small cases for one victim in parallel never approves the threshold alone", async () => {
    const s = await fraudScenario(t.db.prisma, Array.from({ length: 8 }, () => 30_000));
    const outcomes = await Promise.allSettled(
      s.chargeIds.map(async (chargeId) => {
        const caseId = await newCase(support, s.victim.holderName, [{ chargeId, amountYen: 30_000 }]);
        return support.trpc.compensation.approve.mutate({ caseId, reason: "Small, checked" });
      }),
    );
    for (const r of outcomes) if (r.status === "rejected") expect((r.reason as { data?: { code?: string } }).data?.code).toBe("MANAGER_APPROVAL_REQUIRED");
    const { totalYen } = await approvedTotal(s.victim.accountNumber);
    expect(totalYen).toBeLessThan(T);
    expect(outcomes.filter((r) => r.status === "fulfilled").length).toBeLessThanOrEqual(3);
  });
});

describe("payout batch: the last check before money leaves", () => {
  /** Cases approved by the one who asked for them, written behind the service (as data from before the fix would be). */
  async function approvedAlone(amounts: number[]) {
    const s = await fraudScenario(t.db.prisma, amounts);
    const ids = [];
    for (const [i, chargeId] of s.chargeIds.entries()) ids.push(await newCase(manager, s.victim.holderName, [{ chargeId, amountYen: amounts[i] }]));
    await t.db.pool.query(`UPDATE compensation_case SET state = 'APPROVED', decided_by_id = requested_by_id, decided_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
    return { s, ids };
  }

  it("refuses FOUR_EYES_REQUIRED when one person asked and approved a victim's total at or above the threshold, and pays nothing", async () => {
    const { s, ids } = await approvedAlone([T - 1, 1]);
    const other = await approvedAlone([5_000]);
    const refused = await failure(manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [...ids, ...other.ids], reason: "Payout run" }));
    expect(refused).toMatchObject({ code: "FOUR_EYES_REQUIRED", httpStatus: 409 });
    expect(refused.message).toContain(`0125-100 ****${s.victim.accountNumber.slice(-3)}`);
    expect(await t.db.prisma.compensationCase.count({ where: { id: { in: [...ids, ...other.ids] }, state: "PAID" } })).toBe(0);
    expect(await t.db.prisma.payoutBatch.count({ where: { fileCsv: { contains: ids[0] } } })).toBe(0);
  });

  it("counts what earlier batches paid the victim, and two batches at once cannot each pay half", async () => {
    const { ids } = await approvedAlone([T - 1, 1]);
    await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [ids[0]], reason: "First run" });
    expect(await errorCodeOf(manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [ids[1]], reason: "Second run" }))).toBe("FOUR_EYES_REQUIRED");

    const pair = await approvedAlone([T - 1, 1]);
    const results = await Promise.allSettled(pair.ids.map((id) => manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [id], reason: "Parallel run" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((rejected.reason as { data?: { code?: string } }).data?.code).toBe("FOUR_EYES_REQUIRED");
  });
});

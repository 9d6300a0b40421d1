// Goal (#12): lifting a suspension, raising the compensation approval threshold and granting
// MANAGER or ADMIN take a second person: the requester cannot approve, other roles cannot, an
// approval executes the change exactly once even when several approve at the same moment, a
// rejection changes nothing, and an emergency applies at once, audited as such, and stays listed
// until someone else reviews it. Method: a real server on its own database, staff signed in over
// HTTP with real cookies; the database and the decision API read afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCClientError } from "@trpc/client";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { createStaff } from "./compensation-fixtures.ts";
import { updateSetting } from "../server/features/admin/settings-service.ts";

let t: TestApp;
type Agent = Awaited<ReturnType<typeof signedInAs>>;
let manager: Agent;
let admin: Agent;
let analyst: Agent;
let managers: Array<Awaited<ReturnType<typeof createStaff>>>;
let admin2: Awaited<ReturnType<typeof createStaff>>;
const EMERGENCY = "The bank confirmed the fix by phone and 40,000 honest customers cannot link wallets right now";

beforeAll(async () => {
  t = await startTestApp();
  [manager, admin, analyst] = await Promise.all([signedInAs(t.baseUrl, "MANAGER"), signedInAs(t.baseUrl, "ADMIN"), signedInAs(t.baseUrl, "ANALYST")]);
  managers = await Promise.all(Array.from({ length: 5 }, () => createStaff(t.db.prisma, t.baseUrl, "MANAGER")));
  admin2 = await createStaff(t.db.prisma, t.baseUrl, "ADMIN");
});
afterAll(async () => {
  await t.close();
});

async function suspend(bankCode: string) {
  const r = await manager.trpc.suspensions.suspend.mutate({ bankCodes: [bankCode], scopes: ["REGISTRATION"], reason: "phishing wave through the PIN-only link page" });
  return r.suspensions[0].id;
}

const liftedAt = async (id: string) => (await t.db.prisma.suspension.findUniqueOrThrow({ where: { id } })).liftedAt;
const audits = (targetId: string, action: string) => t.db.prisma.auditEvent.findMany({ where: { targetId, action }, orderBy: { id: "asc" } });

describe("a lift waits for a second manager", () => {
  it("the requester may not approve, other roles may not, a second manager may: the lift runs then, audited", async () => {
    const id = await suspend("0001");
    const asked = await manager.trpc.suspensions.lift.mutate({ suspensionId: id, reason: "bank added a one-time password" });
    expect(asked).toMatchObject({ status: "PENDING", summary: expect.stringMatching(/^Lift the suspension of 0001 /) });
    expect(await liftedAt(id)).toBeNull();

    expect(await errorCodeOf(manager.trpc.approvals.approve.mutate({ requestId: asked.requestId, reason: "approving my own" }))).toBe("SELF_APPROVAL_NOT_ALLOWED");
    expect(await errorCodeOf(admin.trpc.approvals.approve.mutate({ requestId: asked.requestId, reason: "admins do not lift" }))).toBe("APPROVER_ROLE_NOT_ALLOWED");
    expect(await errorCodeOf(analyst.trpc.approvals.approve.mutate({ requestId: asked.requestId, reason: "analysts do not lift" }))).toBe("FORBIDDEN");
    expect(await errorCodeOf(analyst.trpc.approvals.list.query())).toBe("FORBIDDEN");
    expect(await liftedAt(id)).toBeNull();

    // The list says who may decide, in words for the others.
    const mine = (await manager.trpc.approvals.list.query()).open.find((r) => r.id === asked.requestId)!;
    expect(mine).toMatchObject({ canDecide: false, whyNot: expect.stringMatching(/different person/), requestedByEmail: "manager@floodgate.test" });
    expect((await managers[0].trpc.approvals.list.query()).open.find((r) => r.id === asked.requestId)).toMatchObject({ canDecide: true, whyNot: null });
    // One open request per suspension.
    expect(await errorCodeOf(managers[1].trpc.suspensions.lift.mutate({ suspensionId: id, reason: "asking again" }))).toBe("CONFLICT");

    await managers[0].trpc.approvals.approve.mutate({ requestId: asked.requestId, reason: "checked the bank's new link page" });
    expect(await liftedAt(id)).not.toBeNull();
    const [lift] = await audits("0001", "suspension.lift");
    expect(lift).toMatchObject({ actorEmail: managers[0].user.email, reason: "bank added a one-time password", after: { changeRequestId: asked.requestId, emergency: false } });
    const [approval] = await audits(asked.requestId, "change.approve");
    expect(approval).toMatchObject({ actorEmail: managers[0].user.email, reason: "checked the bank's new link page", after: { status: "APPROVED", executed: true } });
    expect((await audits(asked.requestId, "change.request"))[0]).toMatchObject({ actorEmail: "manager@floodgate.test", reason: "bank added a one-time password" });
    expect(approval.id > lift.id).toBe(true); // one transaction: the change, then the approval record
    expect(await errorCodeOf(managers[1].trpc.approvals.approve.mutate({ requestId: asked.requestId, reason: "again" }))).toBe("CHANGE_REQUEST_NOT_PENDING");
  });

  it("five managers approving the same request at the same moment: it executes once", async () => {
    const id = await suspend("0005");
    const asked = await manager.trpc.suspensions.lift.mutate({ suspensionId: id, reason: "bank fixed the link page" });
    const results = await Promise.allSettled(managers.map((m) => m.trpc.approvals.approve.mutate({ requestId: asked.requestId, reason: "approving in a hurry" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as TRPCClientError<never>).data).toMatchObject({ code: "CHANGE_REQUEST_NOT_PENDING", httpStatus: 409 });
    expect(await audits("0005", "suspension.lift")).toHaveLength(1);
    expect(await audits(asked.requestId, "change.approve")).toHaveLength(1);
    // The database holds it too: an approved request cannot be approved (executed) again.
    await expect(t.db.pool.query(`UPDATE change_request SET status = 'APPROVED', executed_at = now() WHERE id = $1`, [asked.requestId])).rejects.toThrow(/change_request_forward_only/);
    await expect(t.db.pool.query(`DELETE FROM change_request WHERE id = $1`, [asked.requestId])).rejects.toThrow(/kept/);
  });

  it("a rejection, with its reason, changes nothing; the lift may be asked for again", async () => {
    const id = await suspend("0009");
    const asked = await manager.trpc.suspensions.lift.mutate({ suspensionId: id, reason: "the wave seems over" });
    expect(await errorCodeOf(manager.trpc.approvals.reject.mutate({ requestId: asked.requestId, reason: "never mind" }))).toBe("SELF_APPROVAL_NOT_ALLOWED");
    await managers[2].trpc.approvals.reject.mutate({ requestId: asked.requestId, reason: "still seeing fraudulent links today" });
    expect(await liftedAt(id)).toBeNull();
    const closed = (await manager.trpc.approvals.list.query()).closed.find((r) => r.id === asked.requestId);
    expect(closed).toMatchObject({ status: "REJECTED", decidedByEmail: managers[2].user.email, decisionReason: "still seeing fraudulent links today" });
    expect(await errorCodeOf(managers[3].trpc.approvals.approve.mutate({ requestId: asked.requestId, reason: "too late" }))).toBe("CHANGE_REQUEST_NOT_PENDING");
    expect((await manager.trpc.suspensions.lift.mutate({ suspensionId: id, reason: "asking again tomorrow" })).status).toBe("PENDING");
  });
});

describe("the emergency path", () => {
  it("needs a long reason, lifts at once, is audited as an emergency and listed until someone else reviews it", async () => {
    const id = await suspend("0010");
    const change = { kind: "LIFT_SUSPENSION" as const, suspensionId: id };
    expect(await errorCodeOf(manager.trpc.approvals.emergency.mutate({ change, reason: "urgent, trust me" }))).toBe("VALIDATION_FAILED");
    expect(await errorCodeOf(admin.trpc.approvals.emergency.mutate({ change, reason: EMERGENCY }))).toBe("APPROVER_ROLE_NOT_ALLOWED");
    expect(await liftedAt(id)).toBeNull();

    const done = await manager.trpc.approvals.emergency.mutate({ change, reason: EMERGENCY });
    expect(done.status).toBe("EMERGENCY_APPLIED");
    expect(await liftedAt(id)).not.toBeNull();
    expect((await audits(done.requestId, "change.emergency"))[0]).toMatchObject({ actorEmail: "manager@floodgate.test", reason: EMERGENCY, after: { emergency: true, executed: true } });
    expect((await audits("0010", "suspension.lift"))[0]).toMatchObject({ after: { emergency: true, changeRequestId: done.requestId } });

    // Everyone sees it on the overview until a second person reviews it.
    const shown = await analyst.trpc.approvals.unreviewedEmergencies.query();
    expect(shown.find((e) => e.id === done.requestId)).toMatchObject({ appliedByEmail: "manager@floodgate.test", reason: EMERGENCY, summary: expect.stringMatching(/0010/) });
    expect((await managers[0].trpc.approvals.list.query()).open.find((r) => r.id === done.requestId)).toMatchObject({ status: "EMERGENCY_APPLIED", emergency: true, canReview: true });

    expect(await errorCodeOf(manager.trpc.approvals.review.mutate({ requestId: done.requestId, reason: "I reviewed myself" }))).toBe("SELF_APPROVAL_NOT_ALLOWED");
    expect(await errorCodeOf(admin.trpc.approvals.review.mutate({ requestId: done.requestId, reason: "admin looks" }))).toBe("APPROVER_ROLE_NOT_ALLOWED");
    await managers[4].trpc.approvals.review.mutate({ requestId: done.requestId, reason: "called the bank back: confirmed" });
    expect((await analyst.trpc.approvals.unreviewedEmergencies.query()).find((e) => e.id === done.requestId)).toBeUndefined();
    expect((await audits(done.requestId, "change.review"))[0]).toMatchObject({ actorEmail: managers[4].user.email, after: { status: "REVIEWED", emergency: true } });
    expect(await errorCodeOf(managers[3].trpc.approvals.review.mutate({ requestId: done.requestId, reason: "twice" }))).toBe("EMERGENCY_NOT_REVIEWABLE");
  });

  it("a pending lift made moot by an emergency lift is closed in the same transaction (SUPERSEDED, audited), not left pending", async () => {
    const id = await suspend("0017");
    const asked = await managers[1].trpc.suspensions.lift.mutate({ suspensionId: id, reason: "bank added a one-time password" });
    const done = await manager.trpc.approvals.emergency.mutate({ change: { kind: "LIFT_SUSPENSION", suspensionId: id }, reason: EMERGENCY });
    const closed = await t.db.prisma.changeRequest.findUniqueOrThrow({ where: { id: asked.requestId } });
    expect(closed).toMatchObject({ status: "SUPERSEDED", supersededById: done.requestId, decidedById: null, executedAt: null, decisionReason: expect.stringMatching(/^Closed without a decision: an emergency change already did this \(Lift the suspension of 0017 /) });
    const [audit] = await audits(asked.requestId, "change.supersede");
    expect(audit).toMatchObject({ actorEmail: "manager@floodgate.test", after: { status: "SUPERSEDED", supersededBy: done.requestId } });
    // In the emergency's transaction: the lift, the emergency and the closing, one after the other.
    const [emergency] = await audits(done.requestId, "change.emergency");
    const [lift] = await audits("0017", "suspension.lift");
    expect([BigInt(lift.id) + 1n, BigInt(lift.id) + 2n]).toEqual([BigInt(emergency.id), BigInt(audit.id)]);
    // Nobody is asked to decide it any more; it is listed as closed, with the words.
    const list = await managers[2].trpc.approvals.list.query();
    expect(list.open.find((r) => r.id === asked.requestId)).toBeUndefined();
    expect(list.closed.find((r) => r.id === asked.requestId)).toMatchObject({ status: "SUPERSEDED", canDecide: false });
    expect(await errorCodeOf(managers[2].trpc.approvals.approve.mutate({ requestId: asked.requestId, reason: "too late" }))).toBe("CHANGE_REQUEST_NOT_PENDING");
    // The table holds it too: a superseded request names what superseded it, and stays final.
    await expect(t.db.prisma.$executeRaw`UPDATE change_request SET status = 'PENDING', superseded_by_id = NULL WHERE id = ${asked.requestId}::uuid`).rejects.toThrow(/forward_only/);
    const other = await managers[1].trpc.suspensions.lift.mutate({ suspensionId: await suspend("0036"), reason: "bank added a one-time password" });
    await expect(t.db.prisma.$executeRaw`UPDATE change_request SET status = 'SUPERSEDED' WHERE id = ${other.requestId}::uuid`).rejects.toThrow(/names the request that superseded it/);
  });

  it("an emergency raise closes a pending raise it covers, and leaves one above it pending; an emergency grant closes the pending grant", async () => {
    const asked = await admin2.trpc.admin.updateSetting.mutate({ key: "compensation.approvalThresholdYen", value: 120_000, reason: "finance asked for a higher bar" });
    await admin.trpc.approvals.emergency.mutate({ change: { kind: "RAISE_APPROVAL_THRESHOLD", valueYen: 110_000 }, reason: EMERGENCY });
    expect(await t.db.prisma.changeRequest.findUniqueOrThrow({ where: { id: asked.pendingRequestId! } })).toMatchObject({ status: "PENDING" });
    const covering = await admin.trpc.approvals.emergency.mutate({ change: { kind: "RAISE_APPROVAL_THRESHOLD", valueYen: 130_000 }, reason: EMERGENCY });
    expect(await t.db.prisma.changeRequest.findUniqueOrThrow({ where: { id: asked.pendingRequestId! } })).toMatchObject({ status: "SUPERSEDED", supersededById: covering.requestId });
    await admin.trpc.admin.updateSetting.mutate({ key: "compensation.approvalThresholdYen", value: 100_000, reason: "back to the default" });

    const person = await createStaff(t.db.prisma, t.baseUrl, "ANALYST");
    const grant = await admin2.trpc.admin.setRole.mutate({ userId: person.user.id, role: "MANAGER", reason: "leads the night shift" });
    const granted = await admin.trpc.approvals.emergency.mutate({ change: { kind: "GRANT_ROLE", userId: person.user.id, role: "MANAGER" }, reason: EMERGENCY });
    expect(await t.db.prisma.changeRequest.findUniqueOrThrow({ where: { id: grant.pendingRequestId! } })).toMatchObject({ status: "SUPERSEDED", supersededById: granted.requestId });
    expect(await audits(grant.pendingRequestId!, "change.supersede")).toHaveLength(1);
  });
});

describe("the threshold and privileged roles", () => {
  it("raising the threshold waits for a second administrator; lowering is one action; no direct raise gets through", async () => {
    const asked = await admin.trpc.admin.updateSetting.mutate({ key: "compensation.approvalThresholdYen", value: 150_000, reason: "finance asked for a higher bar" });
    expect(asked.pendingRequestId).toBeTruthy();
    expect((await admin.trpc.admin.settings.query())[0].value).toBe(100_000);
    // The service refuses a direct raise, whoever calls it.
    await expect(updateSetting(t.db.prisma, { id: null, email: "script", role: "ADMIN" }, { key: "compensation.approvalThresholdYen", value: 150_000, reason: "around the request" })).rejects.toMatchObject({ code: "FOUR_EYES_REQUIRED" });
    expect(await errorCodeOf(manager.trpc.approvals.request.mutate({ change: { kind: "RAISE_APPROVAL_THRESHOLD", valueYen: 200_000 }, reason: "managers may not" }))).toBe("APPROVER_ROLE_NOT_ALLOWED");
    expect(await errorCodeOf(admin.trpc.approvals.approve.mutate({ requestId: asked.pendingRequestId!, reason: "my own" }))).toBe("SELF_APPROVAL_NOT_ALLOWED");
    await admin2.trpc.approvals.approve.mutate({ requestId: asked.pendingRequestId!, reason: "agreed with finance" });
    expect((await admin.trpc.admin.settings.query())[0].value).toBe(150_000);
    const lowered = await admin.trpc.admin.updateSetting.mutate({ key: "compensation.approvalThresholdYen", value: 100_000, reason: "back to the default" });
    expect(lowered).toMatchObject({ value: 100_000, pendingRequestId: null });
  });

  it("granting MANAGER waits for a second administrator; demoting is one action", async () => {
    const person = await createStaff(t.db.prisma, t.baseUrl, "ANALYST");
    const asked = await admin.trpc.admin.setRole.mutate({ userId: person.user.id, role: "MANAGER", reason: "leads the night shift" });
    if (asked.pendingRequestId === null) throw new Error("expected a pending request");
    expect((await t.db.prisma.staffUser.findUniqueOrThrow({ where: { id: person.user.id } })).role).toBe("ANALYST");
    await admin2.trpc.approvals.approve.mutate({ requestId: asked.pendingRequestId, reason: "confirmed with HR" });
    expect((await t.db.prisma.staffUser.findUniqueOrThrow({ where: { id: person.user.id } })).role).toBe("MANAGER");
    const demoted = await admin.trpc.admin.setRole.mutate({ userId: person.user.id, role: "SUPPORT", reason: "night shift over" });
    expect(demoted).toMatchObject({ pendingRequestId: null, role: "SUPPORT" });
  });
});

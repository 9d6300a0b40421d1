// Staff second factor and step-up (issue #12), over real HTTP against a real database: the code
// stage of sign-in, enrolment, wrong codes throttled like passwords, no replay, single-use
// recovery codes, an ADMIN's audited reset, step-up after five minutes (the server's clock is
// injected and moved, nothing sleeps), and a MANAGER without a factor who cannot act until enrolled.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs, signInFully, staffClient } from "./helpers/staff.ts";
import { knownSecret, nextTotpCode, noteStepUsed } from "./helpers/second-factor.ts";
import { DEMO_STAFF, DEMO_TOTP_SECRET } from "../server/features/reference/demo-staff.ts";
import { acceptedStep, timeStepAt, totpCodeForStep } from "../server/features/auth/second-factor/totp.ts";
import { openSecret } from "../server/features/auth/second-factor/secret-box.ts";
import { fraudScenario, key, withClaim } from "./compensation-fixtures.ts";
import { hashPassword } from "../server/features/auth/password.ts";

let t: TestApp;
let clockOffsetMs = 0;
const REASON = "second factor test";
const manager = DEMO_STAFF.find((s) => s.role === "MANAGER")!;

beforeAll(async () => {
  t = await startTestApp({ secondFactor: { now: () => Date.now() + clockOffsetMs } });
});
afterAll(async () => {
  await t?.close();
});
afterEach(async () => {
  clockOffsetMs = 0;
  // Each test starts with no failed attempts counted against this address.
  await t.db.prisma.signInFailure.deleteMany();
});

/** A new staff member without a second factor (a MANAGER straight in the database: granting the
 * role through the console takes a second administrator's approval, not what these tests are about). */
async function newStaff(role: "MANAGER" | "ANALYST", email: string) {
  const admin = await signedInAs(t.baseUrl, "ADMIN");
  const password = "a long enough password";
  const user =
    role === "MANAGER"
      ? await t.db.prisma.staffUser.create({ data: { email, name: `New ${role}`, role, passwordHash: await hashPassword(password) } })
      : await admin.trpc.admin.createStaff.mutate({ email, name: `New ${role}`, role, initialPassword: password, reason: REASON });
  return { id: user.id, email, password, admin };
}

describe("sign-in with a second factor", () => {
  it("asks for the code after the password; until given, the session can call nothing else", async () => {
    const agent = staffClient(t.baseUrl);
    const first = await agent.trpc.auth.signIn.mutate({ email: manager.email, password: manager.password });
    expect(first.stage).toBe("CODE");
    expect(await errorCodeOf(agent.trpc.suspensions.list.query())).toBe("SECOND_FACTOR_REQUIRED");
    expect(await errorCodeOf(agent.trpc.suspensions.lift.mutate({ suspensionId: "00000000-0000-4000-8000-000000000000", reason: REASON } as never))).toBe("SECOND_FACTOR_REQUIRED");
    const csv = await fetch(`${t.baseUrl}/exports/victims.csv?bank=0125`, { headers: { cookie: `fg_session=${agent.jar.get("fg_session")}` } });
    expect(csv.status).toBe(401);
    const me = await agent.trpc.auth.me.query();
    expect(me).toMatchObject({ user: null, pending: { stage: "CODE", email: manager.email } });

    const done = await agent.trpc.auth.verifySecondFactor.mutate({ code: await nextTotpCode(t.baseUrl, manager.email) });
    expect(done.landingPath).toBe("/overview");
    expect(await agent.trpc.suspensions.list.query()).toBeInstanceOf(Array);
    expect((await agent.trpc.auth.me.query()).user?.email).toBe(manager.email);
    const audit = await t.db.prisma.auditEvent.findMany({ where: { actorEmail: manager.email }, orderBy: { id: "asc" }, select: { action: true } });
    expect(audit.map((a) => a.action).slice(-2)).toEqual(["auth.passwordAccepted", "auth.secondFactor"]);
  });

  it("refuses a wrong code (audited), then throttles wrong codes like passwords, even the right one", async () => {
    const agent = staffClient(t.baseUrl);
    await agent.trpc.auth.signIn.mutate({ email: manager.email, password: manager.password });
    expect(await errorCodeOf(agent.trpc.auth.verifySecondFactor.mutate({ code: "000000" }))).toBe("INVALID_CODE");
    expect(await t.db.prisma.auditEvent.count({ where: { action: "auth.secondFactorFailed", actorEmail: manager.email } })).toBe(1);
    for (let i = 1; i < 8; i++) await agent.trpc.auth.verifySecondFactor.mutate({ code: String(100000 + i) }).catch(() => {});
    const err = await agent.trpc.auth.verifySecondFactor.mutate({ code: await nextTotpCode(t.baseUrl, manager.email) }).catch((e) => e);
    expect(err.data.code).toBe("TOO_MANY_ATTEMPTS");
    expect(err.message).toMatch(/Try again in/);
    expect(await errorCodeOf(agent.trpc.suspensions.list.query())).toBe("SECOND_FACTOR_REQUIRED");
  }, 30_000);

  it("accepts a code once: the same code in another session, or an older one, is refused", async () => {
    const a = staffClient(t.baseUrl);
    const b = staffClient(t.baseUrl);
    await a.trpc.auth.signIn.mutate({ email: manager.email, password: manager.password });
    await b.trpc.auth.signIn.mutate({ email: manager.email, password: manager.password });
    const step = timeStepAt(Date.now()) + 1;
    noteStepUsed(t.baseUrl, manager.email, step + 2);
    const code = await totpCodeForStep(DEMO_TOTP_SECRET, step);
    await a.trpc.auth.verifySecondFactor.mutate({ code });
    expect(await errorCodeOf(b.trpc.auth.verifySecondFactor.mutate({ code }))).toBe("INVALID_CODE");
    expect(await errorCodeOf(b.trpc.auth.verifySecondFactor.mutate({ code: await totpCodeForStep(DEMO_TOTP_SECRET, step - 1) }))).toBe("INVALID_CODE");
    expect(await b.trpc.auth.verifySecondFactor.mutate({ code: await totpCodeForStep(DEMO_TOTP_SECRET, step + 1) })).toMatchObject({ usedRecoveryCode: false });
    // Two sessions racing with one fresh code: exactly one wins.
    const c = staffClient(t.baseUrl);
    const d = staffClient(t.baseUrl);
    await c.trpc.auth.signIn.mutate({ email: manager.email, password: manager.password });
    await d.trpc.auth.signIn.mutate({ email: manager.email, password: manager.password });
    const fresh = await totpCodeForStep(DEMO_TOTP_SECRET, step + 2);
    const results = await Promise.all([errorCodeOf(c.trpc.auth.verifySecondFactor.mutate({ code: fresh })), errorCodeOf(d.trpc.auth.verifySecondFactor.mutate({ code: fresh }))]);
    expect(results.sort()).toEqual(["INVALID_CODE", null].sort());
  });

  it("a session waiting for the code ends after 15 minutes", async () => {
    const agent = staffClient(t.baseUrl);
    await agent.trpc.auth.signIn.mutate({ email: manager.email, password: manager.password });
    await t.db.prisma.staffSession.updateMany({ where: { factorPending: "CODE" }, data: { createdAt: new Date(Date.now() - 16 * 60_000) } });
    expect(await agent.trpc.auth.me.query()).toMatchObject({ user: null, pending: null, sessionExpired: true });
    expect(await errorCodeOf(agent.trpc.auth.verifySecondFactor.mutate({ code: await nextTotpCode(t.baseUrl, manager.email) }))).toBe("SESSION_EXPIRED");
  });

  it("accepts codes within one step of now in production, not two", async () => {
    const now = Date.now();
    const clock = { now: () => now, toleranceSteps: 1 };
    const step = timeStepAt(now);
    expect(await acceptedStep(DEMO_TOTP_SECRET, await totpCodeForStep(DEMO_TOTP_SECRET, step - 1), clock, null)).toBe(step - 1);
    expect(await acceptedStep(DEMO_TOTP_SECRET, await totpCodeForStep(DEMO_TOTP_SECRET, step + 1), clock, null)).toBe(step + 1);
    expect(await acceptedStep(DEMO_TOTP_SECRET, await totpCodeForStep(DEMO_TOTP_SECRET, step - 2), clock, null)).toBeNull();
    expect(await acceptedStep(DEMO_TOTP_SECRET, await totpCodeForStep(DEMO_TOTP_SECRET, step), clock, step)).toBeNull();
  });
});

describe("enrolment, recovery codes and reset", () => {
  it("a new MANAGER is led to enrolment and cannot act until enrolled; recovery codes work once; an ADMIN's reset is audited", async () => {
    const { id, email, password, admin } = await newStaff("MANAGER", "new.manager@floodgate.test");
    const agent = staffClient(t.baseUrl);
    const first = await agent.trpc.auth.signIn.mutate({ email, password });
    expect(first.stage).toBe("ENROL");
    expect(await errorCodeOf(agent.trpc.suspensions.list.query())).toBe("ENROLMENT_REQUIRED");
    expect(await errorCodeOf(agent.trpc.auth.verifySecondFactor.mutate({ code: "123456" }))).toBe("UNAUTHENTICATED");

    const enrolment = await agent.trpc.auth.startEnrolment.mutate();
    expect(enrolment.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(enrolment.otpauthUri).toContain(`secret=${enrolment.secret}`);
    expect(await errorCodeOf(agent.trpc.auth.confirmEnrolment.mutate({ code: "000000" }))).toBe("INVALID_CODE");
    expect(await errorCodeOf(agent.trpc.suspensions.list.query())).toBe("ENROLMENT_REQUIRED");
    const { recoveryCodes } = await agent.trpc.auth.confirmEnrolment.mutate({ code: await nextTotpCode(t.baseUrl, email, enrolment.secret) });
    expect(recoveryCodes).toHaveLength(10);
    expect(await agent.trpc.suspensions.list.query()).toBeInstanceOf(Array);

    // At rest: the secret only encrypted, the recovery codes only hashed.
    const row = await t.db.prisma.staffUser.findUniqueOrThrow({ where: { id } });
    expect(row.totpSecret).not.toContain(enrolment.secret);
    expect(openSecret(row.totpSecret!)).toBe(enrolment.secret);
    const stored = await t.db.prisma.staffRecoveryCode.findMany({ where: { userId: id } });
    expect(stored).toHaveLength(10);
    for (const code of recoveryCodes) expect(stored.map((r) => r.codeHash).join()).not.toContain(code.replace(/-/g, ""));

    // A recovery code instead of the app, once.
    const withRecovery = staffClient(t.baseUrl);
    expect((await withRecovery.trpc.auth.signIn.mutate({ email, password })).stage).toBe("CODE");
    expect(await withRecovery.trpc.auth.verifySecondFactor.mutate({ code: recoveryCodes[0].toLowerCase() })).toMatchObject({ usedRecoveryCode: true, recoveryCodesLeft: 9 });
    const again = staffClient(t.baseUrl);
    await again.trpc.auth.signIn.mutate({ email, password });
    expect(await errorCodeOf(again.trpc.auth.verifySecondFactor.mutate({ code: recoveryCodes[0] }))).toBe("INVALID_CODE");
    expect(await again.trpc.auth.verifySecondFactor.mutate({ code: recoveryCodes[1] })).toMatchObject({ recoveryCodesLeft: 8 });

    // Only an ADMIN resets, with a reason; the person's sessions end and the next sign-in enrols again.
    const other = await signedInAs(t.baseUrl, "MANAGER");
    expect(await errorCodeOf(other.trpc.admin.resetSecondFactor.mutate({ userId: id, reason: REASON }))).toBe("FORBIDDEN");
    expect(await errorCodeOf(admin.trpc.admin.resetSecondFactor.mutate({ userId: id, reason: "" }))).toBe("VALIDATION_FAILED");
    await admin.trpc.admin.resetSecondFactor.mutate({ userId: id, reason: "lost phone, confirmed by video call" });
    const record = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "staff.resetSecondFactor", targetId: id } });
    expect(record).toMatchObject({ actorEmail: "admin@floodgate.test", reason: "lost phone, confirmed by video call" });
    expect(record.after).toMatchObject({ recoveryCodesRemoved: 10, sessionsEnded: 3 });
    expect(await errorCodeOf(agent.trpc.suspensions.list.query())).toBe("SESSION_EXPIRED");
    expect(await t.db.prisma.staffRecoveryCode.count({ where: { userId: id } })).toBe(0);
    expect(await errorCodeOf(admin.trpc.admin.resetSecondFactor.mutate({ userId: id, reason: REASON }))).toBe("NO_SECOND_FACTOR");
    expect((await staffClient(t.baseUrl).trpc.auth.signIn.mutate({ email, password })).stage).toBe("ENROL");
  });

  it("an ADMIN can require the factor of every role: a signed-in ANALYST without one is sent to enrol", async () => {
    const { email, password, admin } = await newStaff("ANALYST", "plain.analyst@floodgate.test");
    const analyst = staffClient(t.baseUrl);
    expect((await signInFully(analyst, t.baseUrl, email, password)).stage).toBeNull();
    expect(await analyst.trpc.suspensions.list.query()).toBeInstanceOf(Array);
    await admin.trpc.admin.updateSetting.mutate({ key: "auth.secondFactorForAll", value: 1, reason: REASON });
    expect(await errorCodeOf(analyst.trpc.suspensions.list.query())).toBe("ENROLMENT_REQUIRED");
    expect((await staffClient(t.baseUrl).trpc.auth.signIn.mutate({ email, password })).stage).toBe("ENROL");
    const again = staffClient(t.baseUrl);
    expect((await signInFully(again, t.baseUrl, email, password)).recoveryCodes).toHaveLength(10);
    expect(await again.trpc.suspensions.list.query()).toBeInstanceOf(Array);
    expect(knownSecret(email)).toMatch(/^[A-Z2-7]+$/);
    await admin.trpc.admin.updateSetting.mutate({ key: "auth.secondFactorForAll", value: 0, reason: REASON });
  });
});

describe("step-up", () => {
  it("a suspension and an API key change ask for the code again when it was given more than five minutes ago", async () => {
    const mgr = await signedInAs(t.baseUrl, "MANAGER");
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    clockOffsetMs = 5 * 60_000 + 1_000;
    const suspend = () => mgr.trpc.suspensions.suspend.mutate({ bankCodes: ["0130"], scopes: ["REGISTRATION"], reason: REASON });
    expect(await errorCodeOf(suspend())).toBe("STEP_UP_REQUIRED");
    expect(await t.db.prisma.suspension.count()).toBe(0);
    expect(await errorCodeOf(admin.trpc.admin.createApiKey.mutate({ name: "step-up key", reason: REASON }))).toBe("STEP_UP_REQUIRED");
    expect(await errorCodeOf(admin.trpc.admin.resetSecondFactor.mutate({ userId: mgr.user.email as never, reason: REASON }))).toBe("STEP_UP_REQUIRED");
    // Reading needs no step-up.
    expect(await mgr.trpc.suspensions.list.query()).toBeInstanceOf(Array);

    await mgr.trpc.auth.verifySecondFactor.mutate({ code: await nextTotpCode(t.baseUrl, manager.email) });
    expect((await suspend()).suspensions).toHaveLength(1);
    await admin.trpc.auth.verifySecondFactor.mutate({ code: await nextTotpCode(t.baseUrl, "admin@floodgate.test") });
    expect(await admin.trpc.admin.createApiKey.mutate({ name: "step-up key", reason: REASON })).toMatchObject({ secret: expect.any(String) });
    const stepUps = await t.db.prisma.auditEvent.count({ where: { action: "auth.secondFactor", actorEmail: manager.email } });
    expect(stepUps).toBeGreaterThan(0);
  });

  it("every protected action the issue names asks for the code again after five minutes, and writes nothing", async () => {
    const mgr = await signedInAs(t.baseUrl, "MANAGER");
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    const someone = (await t.db.prisma.staffUser.findFirstOrThrow({ where: { role: "ANALYST" } })).id;
    const nobody = "00000000-0000-4000-8000-000000000000";
    const suspension = (await mgr.trpc.suspensions.suspend.mutate({ bankCodes: ["0001"], scopes: ["REGISTRATION"], reason: REASON })).suspensions[0].id;
    const threshold = { kind: "RAISE_APPROVAL_THRESHOLD" as const, valueYen: 500_000 };
    const long = "a long enough reason for an emergency change, for this test only";
    clockOffsetMs = 5 * 60_000 + 1_000;
    const auditBefore = await t.db.prisma.auditEvent.count({ where: { action: { notIn: ["access.denied", "auth.secondFactor"] } } });
    const protectedCalls: Array<[string, () => Promise<unknown>]> = [
      ["suspend", () => mgr.trpc.suspensions.suspend.mutate({ bankCodes: ["0005"], scopes: ["REGISTRATION"], reason: REASON })],
      ["lift", () => mgr.trpc.suspensions.lift.mutate({ suspensionId: suspension, reason: REASON })],
      ["lift (emergency)", () => mgr.trpc.approvals.emergency.mutate({ change: { kind: "LIFT_SUSPENSION", suspensionId: suspension }, reason: long })],
      ["approve a change", () => mgr.trpc.approvals.approve.mutate({ requestId: nobody, reason: REASON })],
      ["payout batch", () => mgr.trpc.compensation.createPayoutBatch.mutate({ caseIds: [nobody], reason: REASON })],
      ["create staff", () => admin.trpc.admin.createStaff.mutate({ email: "stepup@floodgate.test", name: "Step up", role: "ANALYST", initialPassword: "a long enough password", reason: REASON })],
      ["change role", () => admin.trpc.admin.setRole.mutate({ userId: someone, role: "SUPPORT", reason: REASON })],
      ["deactivate", () => admin.trpc.admin.deactivateStaff.mutate({ userId: someone, reason: REASON })],
      ["reactivate", () => admin.trpc.admin.reactivateStaff.mutate({ userId: someone, reason: REASON })],
      ["reset password", () => admin.trpc.admin.resetPassword.mutate({ userId: someone, newPassword: "another long password", reason: REASON })],
      ["reset second factor", () => admin.trpc.admin.resetSecondFactor.mutate({ userId: someone, reason: REASON })],
      ["create API key", () => admin.trpc.admin.createApiKey.mutate({ name: "step-up key", reason: REASON })],
      ["revoke API key", () => admin.trpc.admin.revokeApiKey.mutate({ keyId: nobody, reason: REASON })],
      ["setting", () => admin.trpc.admin.updateSetting.mutate({ key: "compensation.approvalThresholdYen", value: 90_000, reason: REASON })],
      ["raise threshold (request)", () => admin.trpc.approvals.request.mutate({ change: threshold, reason: REASON })],
      ["raise threshold (emergency)", () => admin.trpc.approvals.emergency.mutate({ change: threshold, reason: long })],
    ];
    const outcomes = Object.fromEntries(await Promise.all(protectedCalls.map(async ([name, call]) => [name, await errorCodeOf(call())] as const)));
    expect(outcomes).toEqual(Object.fromEntries(protectedCalls.map(([name]) => [name, "STEP_UP_REQUIRED"])));
    expect(await t.db.prisma.auditEvent.count({ where: { action: { notIn: ["access.denied", "auth.secondFactor"] } } })).toBe(auditBefore);
    expect(await t.db.prisma.suspension.findUniqueOrThrow({ where: { id: suspension } })).toMatchObject({ liftedAt: null });
  });

  it("approving compensation asks for the code again only at or above the threshold (per victim)", async () => {
    const support = await signedInAs(t.baseUrl, "SUPPORT");
    const mgr = await signedInAs(t.baseUrl, "MANAGER");
    const newCase = async (amounts: number[]) => {
      const s = await fraudScenario(t.db.prisma, amounts);
      const lines = s.chargeIds.map((chargeId, i) => ({ chargeId, amountYen: amounts[i] }));
      return (await support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: key(), holderName: s.victim.holderName, lines, reason: REASON }))).caseId;
    };
    const small = await newCase([20_000]);
    const big = await newCase([60_000, 50_000]);
    clockOffsetMs = 5 * 60_000 + 1_000;
    expect(await mgr.trpc.compensation.approve.mutate({ caseId: small, reason: REASON })).toMatchObject({ state: "APPROVED" });
    expect(await errorCodeOf(mgr.trpc.compensation.approve.mutate({ caseId: big, reason: REASON }))).toBe("STEP_UP_REQUIRED");
    expect((await t.db.prisma.compensationCase.findUniqueOrThrow({ where: { id: big } })).state).toBe("REQUESTED");
    await mgr.trpc.auth.verifySecondFactor.mutate({ code: await nextTotpCode(t.baseUrl, manager.email) });
    expect(await mgr.trpc.compensation.approve.mutate({ caseId: big, reason: REASON })).toMatchObject({ state: "APPROVED" });
  });
});

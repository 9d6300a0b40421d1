// Goal: ADMIN manages staff and platform API keys; every change is audited with its reason, and
// role changes, deactivation and password resets end the person's sessions at once. Method: real
// server and database, called over HTTP with real cookies as each person would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs, signInFully, staffClient } from "./helpers/staff.ts";
import { sha256Hex } from "../server/features/auth/sessions.ts";
import { verifyAuditChain } from "../server/features/audit/verify-chain.ts";
import { createStaff } from "./compensation-fixtures.ts";

let t: TestApp;
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

async function signIn(email: string, password: string) {
  const agent = staffClient(t.baseUrl);
  await signInFully(agent, t.baseUrl, email, password);
  return agent;
}

describe("staff administration", () => {
  it("ADMIN creates a staff member who can then sign in with that role; the record holds no password", async () => {
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    const created = await admin.trpc.admin.createStaff.mutate({ email: "New.Analyst@Floodgate.test", name: "New Analyst", role: "ANALYST", initialPassword: "correct horse battery", reason: "joins the fraud team" });
    expect(created).toMatchObject({ email: "new.analyst@floodgate.test", role: "ANALYST", active: true });
    const analyst = await signIn("new.analyst@floodgate.test", "correct horse battery");
    expect((await analyst.trpc.auth.me.query()).user?.role).toBe("ANALYST");
    expect(await errorCodeOf(analyst.trpc.admin.staffList.query())).toBe("FORBIDDEN");

    const audit = await t.db.prisma.auditEvent.findFirst({ where: { action: "staff.create", targetId: created.id } });
    expect(audit?.reason).toBe("joins the fraud team");
    expect(json(audit)).not.toMatch(/correct horse|argon2|passwordHash/i);

    const again = await admin.trpc.admin.createStaff.mutate({ email: "new.analyst@floodgate.test", name: "Twin", role: "SUPPORT", initialPassword: "another long password", reason: "a duplicate on purpose" }).catch((e) => e);
    expect(again.data.code).toBe("STAFF_EMAIL_TAKEN");
    expect(again.data.httpStatus).toBe(409);
    const weak = await admin.trpc.admin.createStaff.mutate({ email: "weak@floodgate.test", name: "Weak", role: "SUPPORT", initialPassword: "short", reason: "a weak password" }).catch((e) => e);
    expect(weak.data.fieldErrors.initialPassword[0]).toMatch(/at least 12/);
  });

  it("changing a role ends that person's sessions at once; the next sign-in carries the new role", async () => {
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    const u = await admin.trpc.admin.createStaff.mutate({ email: "promote@floodgate.test", name: "P", role: "ANALYST", initialPassword: "promote me please", reason: "new colleague" });
    const first = await signIn("promote@floodgate.test", "promote me please");
    const second = await signIn("promote@floodgate.test", "promote me please");
    // Granting MANAGER waits for a second administrator (#12): nothing changes until approved.
    const asked = await admin.trpc.admin.setRole.mutate({ userId: u.id, role: "MANAGER", reason: "now leads the response" });
    if (asked.pendingRequestId === null) throw new Error("expected a pending request");
    expect((await first.trpc.auth.me.query()).user?.role).toBe("ANALYST");
    const admin2 = await createStaff(t.db.prisma, t.baseUrl, "ADMIN");
    await admin2.trpc.approvals.approve.mutate({ requestId: asked.pendingRequestId, reason: "confirmed with the incident lead" });
    for (const agent of [first, second]) expect(await errorCodeOf(agent.trpc.audit.list.query({ limit: 1 }))).toBe("SESSION_EXPIRED");
    const again = await signIn("promote@floodgate.test", "promote me please");
    expect((await again.trpc.auth.me.query()).user?.role).toBe("MANAGER");
    const audit = await t.db.prisma.auditEvent.findFirst({ where: { action: "staff.setRole", targetId: u.id } });
    expect(audit?.before).toMatchObject({ role: "ANALYST" });
    expect(audit?.after).toMatchObject({ role: "MANAGER", sessionsEnded: 2, changeRequestId: asked.pendingRequestId, emergency: false });
    expect(audit?.actorEmail).toBe(admin2.user.email);
  });

  it("a person cannot remove their own ADMIN role or deactivate themselves; another ADMIN can be demoted", async () => {
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    const me = (await admin.trpc.auth.me.query()).user!;
    const own = await admin.trpc.admin.setRole.mutate({ userId: me.id, role: "ANALYST", reason: "demoting myself" }).catch((e) => e);
    expect(own.data.code).toBe("OWN_ADMIN_ROLE");
    expect(own.message).toMatch(/own ADMIN role/);
    expect(await errorCodeOf(admin.trpc.admin.deactivateStaff.mutate({ userId: me.id, reason: "leaving myself" }))).toBe("OWN_ADMIN_ROLE");
    expect((await t.db.prisma.staffUser.findUnique({ where: { id: me.id } }))?.role).toBe("ADMIN");

    // A new ADMIN is a grant: it takes a second administrator, so it cannot be created in one step.
    expect(await errorCodeOf(admin.trpc.admin.createStaff.mutate({ email: "admin2@floodgate.test", name: "Second", role: "ADMIN", initialPassword: "second admin password", reason: "cover for holidays" }))).toBe("FOUR_EYES_REQUIRED");
    // Another ADMIN's role can be changed (a demotion: one step), and their sessions end.
    const second = await createStaff(t.db.prisma, t.baseUrl, "ADMIN");
    const admin2 = second;
    const demoted = await admin.trpc.admin.setRole.mutate({ userId: second.user.id, role: "SUPPORT", reason: "holidays are over" });
    expect(demoted.pendingRequestId).toBeNull();
    expect(await errorCodeOf(admin2.trpc.admin.staffList.query())).toBe("SESSION_EXPIRED");
  });

  it("deactivation ends sessions at once and refuses sign-in; reactivation allows it again", async () => {
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    const u = await admin.trpc.admin.createStaff.mutate({ email: "leaver@floodgate.test", name: "L", role: "SUPPORT", initialPassword: "leaving the company", reason: "temporary cover" });
    const agent = await signIn("leaver@floodgate.test", "leaving the company");
    const r = await admin.trpc.admin.deactivateStaff.mutate({ userId: u.id, reason: "left the company" });
    expect(r.sessionsEnded).toBe(1);
    expect(await t.db.prisma.staffSession.count({ where: { userId: u.id } })).toBe(0);
    expect(await errorCodeOf(agent.trpc.audit.list.query({ limit: 1 }))).toBe("SESSION_EXPIRED");
    expect(await errorCodeOf(staffClient(t.baseUrl).trpc.auth.signIn.mutate({ email: "leaver@floodgate.test", password: "leaving the company" }))).toBe("INVALID_CREDENTIALS");
    expect(await errorCodeOf(admin.trpc.admin.deactivateStaff.mutate({ userId: u.id, reason: "left the company" }))).toBe("STAFF_ALREADY_INACTIVE");
    await admin.trpc.admin.reactivateStaff.mutate({ userId: u.id, reason: "came back" });
    await signIn("leaver@floodgate.test", "leaving the company");
    const list = await admin.trpc.admin.staffList.query();
    expect(list.find((s) => s.id === u.id)).toMatchObject({ active: true, sessionCount: 1 });
    expect(JSON.stringify(list)).not.toMatch(/passwordHash|argon2/);
  });

  it("a password reset ends sessions; the old password stops working and the new one works", async () => {
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    const u = await admin.trpc.admin.createStaff.mutate({ email: "forgetful@floodgate.test", name: "F", role: "ANALYST", initialPassword: "the first password", reason: "new colleague" });
    const agent = await signIn("forgetful@floodgate.test", "the first password");
    await admin.trpc.admin.resetPassword.mutate({ userId: u.id, newPassword: "the second password", reason: "forgot it" });
    expect(await errorCodeOf(agent.trpc.audit.list.query({ limit: 1 }))).toBe("SESSION_EXPIRED");
    expect(await errorCodeOf(staffClient(t.baseUrl).trpc.auth.signIn.mutate({ email: "forgetful@floodgate.test", password: "the first password" }))).toBe("INVALID_CREDENTIALS");
    await signIn("forgetful@floodgate.test", "the second password");
    await t.db.prisma.signInFailure.deleteMany();
    expect(await errorCodeOf(admin.trpc.admin.resetPassword.mutate({ userId: "00000000-0000-4000-8000-000000000000", newPassword: "whatever whatever", reason: "nobody" }))).toBe("STAFF_NOT_FOUND");
  });

  it("refuses every staff administration procedure to other roles", async () => {
    for (const role of ["ANALYST", "MANAGER", "SUPPORT"] as const) {
      const agent = await signedInAs(t.baseUrl, role);
      expect(await errorCodeOf(agent.trpc.admin.createStaff.mutate({ email: `x-${role}@floodgate.test`, name: "X", role: "ADMIN", initialPassword: "let me in please", reason: "privilege escalation" }))).toBe("FORBIDDEN");
    }
    expect(await t.db.prisma.staffUser.count({ where: { email: { startsWith: "x-" } } })).toBe(0);
  });
});

describe("platform API keys", () => {
  const call = (key: string) => fetch(`${t.baseUrl}/api/v1/no-such-endpoint`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);

  it("creates keys whose secret is shown once and stored only as a hash; two work side by side; revocation is immediate", async () => {
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    const a = await admin.trpc.admin.createApiKey.mutate({ name: "platform (old)", reason: "initial key" });
    const b = await admin.trpc.admin.createApiKey.mutate({ name: "platform (new)", reason: "rotation" });
    expect(a.secret).toMatch(/^fgk_/);
    const row = await t.db.prisma.platformApiKey.findUnique({ where: { id: a.id } });
    expect(row?.keyHash).toBe(sha256Hex(a.secret));
    expect(JSON.stringify(row)).not.toContain(a.secret);
    const list = await admin.trpc.admin.apiKeys.query();
    expect(JSON.stringify(list)).not.toContain(a.secret);
    expect(JSON.stringify(list)).not.toMatch(/keyHash/);
    // Both authenticate (404: authenticated, the path does not exist).
    expect(await call(a.secret)).toBe(404);
    expect(await call(b.secret)).toBe(404);
    expect((await admin.trpc.admin.apiKeys.query()).find((k) => k.id === a.id)?.lastUsedAt).not.toBeNull();

    await admin.trpc.admin.revokeApiKey.mutate({ keyId: a.id, reason: "rotated to the new key" });
    expect(await call(a.secret)).toBe(401);
    expect(await call(b.secret)).toBe(404);
    expect(await errorCodeOf(admin.trpc.admin.revokeApiKey.mutate({ keyId: a.id, reason: "again" }))).toBe("API_KEY_ALREADY_REVOKED");

    const audits = await t.db.prisma.auditEvent.findMany({ where: { targetType: "api_key" }, orderBy: { id: "asc" } });
    expect(audits.map((x) => x.action)).toEqual(["apiKey.create", "apiKey.create", "apiKey.revoke"]);
    expect(audits.map((x) => x.reason)).toEqual(["initial key", "rotation", "rotated to the new key"]);
    expect(json(audits)).not.toContain(a.secret);
    expect((await verifyAuditChain(t.db.pool)).status).toBe("VERIFIED");
  });

  it("other roles can neither list nor create keys", async () => {
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    expect(await errorCodeOf(manager.trpc.admin.apiKeys.query())).toBe("FORBIDDEN");
    expect(await errorCodeOf(manager.trpc.admin.createApiKey.mutate({ name: "mine", reason: "want a key" }))).toBe("FORBIDDEN");
  });
});

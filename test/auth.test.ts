// Goal: staff sign in by role over real HTTP with real cookies, sessions expire, sign-in failures
// are throttled, and every procedure's role check holds. Method: a real Fastify server on its own
// cloned database, called like the browser does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs, signInFully, staffClient } from "./helpers/staff.ts";
import { DEMO_STAFF } from "../server/features/reference/demo-staff.ts";
import { LANDING_PATH } from "../shared/auth/roles.ts";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe("sign-in", () => {
  it.each(DEMO_STAFF.map((s) => [s.role, s] as const))("%s signs in and is told its landing page", async (_role, staff) => {
    const agent = staffClient(t.baseUrl);
    // The demo users have a second factor: the password gives a session that still owes the code.
    const result = await signInFully(agent, t.baseUrl, staff.email, staff.password);
    expect(result.landingPath).toBe(LANDING_PATH[staff.role]);
    expect(result.stage).toBe("CODE");
    const me = await agent.trpc.auth.me.query();
    expect(me.user?.role).toBe(staff.role);
    expect(agent.jar.get("fg_session")).toBeTruthy();
  });

  it("sets an HttpOnly, SameSite session cookie", async () => {
    const res = await fetch(`${t.baseUrl}/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-floodgate-csrf": "1" },
      body: JSON.stringify({ json: { email: DEMO_STAFF[0].email, password: DEMO_STAFF[0].password } }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("fg_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it("refuses a wrong password with a clear message and records the failure", async () => {
    const agent = staffClient(t.baseUrl);
    const err = await agent.trpc.auth.signIn.mutate({ email: "analyst@floodgate.test", password: "wrong" }).catch((e) => e);
    expect(err.data.code).toBe("INVALID_CREDENTIALS");
    expect(err.message).toBe("The email or password is not correct.");
    const failures = await t.db.prisma.auditEvent.count({ where: { action: "auth.signInFailed", actorEmail: "analyst@floodgate.test" } });
    expect(failures).toBeGreaterThan(0);
  });

  it("slows down and then refuses repeated failures for one email with 429 and the time to wait", async () => {
    const email = "support@floodgate.test";
    const agent = staffClient(t.baseUrl);
    for (let i = 0; i < 8; i++) await agent.trpc.auth.signIn.mutate({ email, password: `nope-${i}` }).catch(() => {});
    const res = await fetch(`${t.baseUrl}/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-floodgate-csrf": "1" },
      body: JSON.stringify({ json: { email, password: DEMO_STAFF.find((s) => s.email === email)!.password } }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = await res.json();
    expect(body.error.json.message).toMatch(/Try again in \d+ minutes?/);
    await t.db.prisma.signInFailure.deleteMany(); // the other tests sign in from the same address
  }, 60_000);

  it("signs out: the session no longer works", async () => {
    const agent = await signedInAs(t.baseUrl, "ANALYST");
    const token = agent.jar.get("fg_session")!;
    await agent.trpc.auth.signOut.mutate();
    const replay = staffClient(t.baseUrl);
    replay.jar.set("fg_session", token);
    expect(await errorCodeOf(replay.trpc.audit.list.query({ limit: 1 }))).toBe("SESSION_EXPIRED");
  });

  it("rotates the session at sign-in: the previous token dies", async () => {
    const agent = await signedInAs(t.baseUrl, "MANAGER");
    const first = agent.jar.get("fg_session")!;
    await agent.trpc.auth.signIn.mutate({ email: "manager@floodgate.test", password: "demo-manager-pass" });
    expect(agent.jar.get("fg_session")).not.toBe(first);
    expect(await t.db.prisma.staffSession.count({ where: { tokenHash: { equals: (await import("../server/features/auth/sessions.ts")).sha256Hex(first) } } })).toBe(0);
  });
});

describe("session expiry", () => {
  it("an idle session is refused with SESSION_EXPIRED", async () => {
    const agent = await signedInAs(t.baseUrl, "ANALYST");
    await t.db.prisma.staffSession.updateMany({ data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) } });
    expect(await errorCodeOf(agent.trpc.audit.list.query({ limit: 1 }))).toBe("SESSION_EXPIRED");
    const me = await agent.trpc.auth.me.query();
    expect(me.user).toBeNull();
  });

  it("a session past its absolute expiry is refused", async () => {
    const agent = await signedInAs(t.baseUrl, "ANALYST");
    await t.db.prisma.staffSession.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await errorCodeOf(agent.trpc.audit.list.query({ limit: 1 }))).toBe("SESSION_EXPIRED");
  });
});

describe("roles", () => {
  it("refuses a procedure of another role with FORBIDDEN, changes nothing, and records the refusal", async () => {
    const before = await t.db.prisma.appSetting.count();
    for (const role of ["ANALYST", "MANAGER", "SUPPORT"] as const) {
      const agent = await signedInAs(t.baseUrl, role);
      const code = await errorCodeOf(agent.trpc.admin.updateSetting.mutate({ key: "compensation.approvalThresholdYen", value: 5000, reason: "trying my luck" }));
      expect(code).toBe("FORBIDDEN");
    }
    expect(await t.db.prisma.appSetting.count()).toBe(before);
    expect(await t.db.prisma.auditEvent.count({ where: { action: "access.denied", targetId: "admin.updateSetting" } })).toBe(3);
  });

  it("an anonymous caller is refused staff procedures", async () => {
    expect(await errorCodeOf(staffClient(t.baseUrl).trpc.audit.list.query({ limit: 1 }))).toBe("UNAUTHENTICATED");
  });

  it("ADMIN may change a setting, and it is audited with before/after and reason", async () => {
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    // Lowering tightens, so it is one action (raising takes a second administrator: approvals tests).
    await admin.trpc.admin.updateSetting.mutate({ key: "compensation.approvalThresholdYen", value: 50_000, reason: "finance asked for a lower bar" });
    const audit = await t.db.prisma.auditEvent.findFirst({ where: { action: "setting.update" }, orderBy: { id: "desc" } });
    expect(audit?.reason).toBe("finance asked for a lower bar");
    expect(audit?.before).toEqual({ value: 100_000 });
    expect(audit?.after).toEqual({ value: 50_000 });
    expect(audit?.actorRole).toBe("ADMIN");
  });

  it("validation errors name the field, and a failed mutation leaves no audit row", async () => {
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    const auditBefore = await t.db.prisma.auditEvent.count({ where: { action: "setting.update" } });
    const err = await admin.trpc.admin.updateSetting.mutate({ key: "compensation.approvalThresholdYen", value: -5, reason: "negative on purpose" }).catch((e) => e);
    expect(err.data.code).toBe("VALIDATION_FAILED");
    expect(err.message).toMatch(/value/);
    const err2 = await admin.trpc.admin.updateSetting.mutate({ key: "compensation.approvalThresholdYen", value: 5000, reason: "x" }).catch((e) => e);
    expect(err2.data.fieldErrors.reason[0]).toMatch(/at least 5 characters/);
    expect(await t.db.prisma.auditEvent.count({ where: { action: "setting.update" } })).toBe(auditBefore);
  });
});

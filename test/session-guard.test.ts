// Goal (#12 defect 6): nothing commits for a person after their deactivation, role change or
// password reset commits, even for requests already in flight. Method: a real database; a
// transaction opened under a session that a deactivation races (held open on purpose, so the
// interleaving is certain), a transaction opened after the session ended, and many real HTTP
// freeze/unfreeze calls racing a deactivation, compared by audit id (the audit chain's order).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs, staffClient } from "./helpers/staff.ts";
import { sha256Hex, SESSION_COOKIE } from "../server/features/auth/sessions.ts";
import { runAsSession } from "../server/features/auth/session-guard.ts";
import { withPoolTransaction, withTransaction } from "../server/db/transaction.ts";
import { writeAudit, type Actor } from "../server/features/audit/write-audit.ts";
import { resetPassword, setActive, setRole } from "../server/features/admin/staff-service.ts";
import type { Role } from "../shared/auth/roles.ts";

let t: TestApp;
let admin: Actor;
let n = 0;

beforeAll(async () => {
  t = await startTestApp();
  const a = await t.db.prisma.staffUser.findFirstOrThrow({ where: { role: "ADMIN" } });
  admin = { id: a.id, email: a.email, role: "ADMIN" };
});
afterAll(async () => {
  await t?.close();
});

/** A new ANALYST signed in over HTTP: the agent, its id, and the session it acts under. */
async function newSignedInAnalyst() {
  const adminAgent = await signedInAs(t.baseUrl, "ADMIN");
  const email = `racer${++n}@floodgate.test`;
  const u = await adminAgent.trpc.admin.createStaff.mutate({ email, name: "Racer", role: "ANALYST", initialPassword: "racing the deactivation", reason: "session guard test" });
  const agent = staffClient(t.baseUrl);
  await agent.trpc.auth.signIn.mutate({ email, password: "racing the deactivation" });
  const session = { tokenHash: sha256Hex(agent.jar.get(SESSION_COOKIE)!), staffId: u.id, role: "ANALYST" as Role, idleMinutes: 30 };
  const actor: Actor = { id: u.id, email, role: "ANALYST" };
  return { agent, id: u.id, session, actor };
}

async function auditIdOf(action: string, targetId: string): Promise<bigint> {
  const row = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { action, targetId }, orderBy: { id: "desc" } });
  return row.id;
}

describe("session checked inside the transaction", () => {
  it("a deactivation racing an open transaction waits for it: the person's record comes first", async () => {
    const racer = await newSignedInAnalyst();
    let started!: () => void;
    const isStarted = new Promise<void>((r) => (started = r));
    const inFlight = runAsSession(racer.session, () =>
      withTransaction(t.db.prisma, async (tx) => {
        started();
        await new Promise((r) => setTimeout(r, 400)); // the deactivation is sent meanwhile
        await writeAudit(tx, racer.actor, { action: "test.inFlight", targetType: "test", targetId: racer.id, reason: "in flight" });
      }),
    );
    await isStarted;
    await setActive(t.db.prisma, admin, { userId: racer.id, active: false, reason: "left the company" });
    await inFlight;
    expect(await auditIdOf("test.inFlight", racer.id)).toBeLessThan(await auditIdOf("staff.deactivate", racer.id));
  });

  it.each([
    ["deactivation", (id: string) => setActive(t.db.prisma, admin, { userId: id, active: false, reason: "left the company" })],
    ["role change", (id: string) => setRole(t.db.prisma, admin, { userId: id, role: "SUPPORT", reason: "moved to support" })],
    ["password reset", (id: string) => resetPassword(t.db.prisma, admin, { userId: id, newPassword: "a brand new password", reason: "password leaked" })],
  ])("a transaction opened after the %s commits is refused and writes nothing", async (_name, change) => {
    const racer = await newSignedInAnalyst();
    await change(racer.id);
    const prisma = runAsSession(racer.session, () =>
      withTransaction(t.db.prisma, (tx) => writeAudit(tx, racer.actor, { action: "test.late", targetType: "test", targetId: racer.id })),
    );
    await expect(prisma).rejects.toMatchObject({ code: "SESSION_EXPIRED" });
    const raw = runAsSession(racer.session, () =>
      withPoolTransaction(t.db.pool, (c) => c.query(`INSERT INTO app_setting (key, value) VALUES ('test.late', '1')`)),
    );
    await expect(raw).rejects.toMatchObject({ code: "SESSION_EXPIRED" });
    expect(await t.db.prisma.auditEvent.count({ where: { action: "test.late" } })).toBe(0);
    expect(await t.db.prisma.appSetting.count({ where: { key: "test.late" } })).toBe(0);
  });

  it("concurrent freeze/unfreeze calls racing a deactivation: no record of that person after the deactivation's", async () => {
    const racer = await newSignedInAnalyst();
    const ids = Array.from({ length: 12 }, (_, i) => `guard-race-${i}`);
    await t.db.prisma.walletAccount.createMany({
      data: ids.map((id) => ({ id, holderName: "ヤマダ タロウ", holderNameNormalized: "ヤマダタロウ", carrierCustomer: false, identityVerified: false, openedAt: new Date() })),
    });
    const calls: Promise<string | null>[] = [];
    let stop = false;
    // Calls keep starting until the deactivation has committed, so some are in flight across it.
    const fire = async () => {
      for (let i = 0; !stop; i++) {
        const id = ids[i % ids.length];
        const p = i % 2 ? racer.agent.trpc.accounts.unfreeze.mutate({ accountIds: [id], reason: "racing" }) : racer.agent.trpc.accounts.freeze.mutate({ accountIds: [id], reason: "racing" });
        calls.push(errorCodeOf(p));
        await new Promise((r) => setTimeout(r, 3));
      }
    };
    const firing = Promise.all([fire(), fire(), fire()]);
    await new Promise((r) => setTimeout(r, 300));
    await setActive(t.db.prisma, admin, { userId: racer.id, active: false, reason: "left mid-incident" });
    stop = true;
    await firing;
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((c) => c === null).length).toBeGreaterThan(0); // some committed before
    expect(outcomes.every((c) => c === null || c === "SESSION_EXPIRED")).toBe(true);
    const deactivatedAt = await auditIdOf("staff.deactivate", racer.id);
    const after = await t.db.prisma.auditEvent.count({ where: { actorId: racer.id, id: { gt: deactivatedAt } } });
    expect(after).toBe(0);
    expect(await errorCodeOf(racer.agent.trpc.accounts.freeze.mutate({ accountIds: [ids[0]], reason: "after" }))).toBe("SESSION_EXPIRED");
  });
});

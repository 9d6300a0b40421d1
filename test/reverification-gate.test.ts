// Goal (#17 re-verification gate): while a bank's charges are suspended, a manager opens a gate;
// grandfathered links are refused with REVERIFICATION_REQUIRED until their holder's re-verification
// after the gate's instant arrives as an event, then charge again; links made at or after the
// cutoff stay suspended; the bank page's counts say waiting / re-verified / charging again; a
// charge through the gate is not a policy violation, one without re-verification is; the gate is
// audited and sent as a webhook in the same transaction; only a manager may open it.
// Method: a real server on its own database; data through the real events ingest; staff over tRPC.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { decide } from "./suspensions-fixtures.ts";
import { postEvents, uid } from "./events-fixtures.ts";
import type { PlatformEvent } from "../shared/events/schemas.ts";

let t: TestApp;
let key: string;
let manager: Awaited<ReturnType<typeof signedInAs>>;

beforeAll(async () => {
  t = await startTestApp();
  key = await t.apiKey();
  manager = await signedInAs(t.baseUrl, "MANAGER");
});
afterAll(async () => {
  await t.close();
});

const REASON = "charges resume only for customers who re-verified (2020 playbook)";
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

async function ingest(events: PlatformEvent[]) {
  const res = await postEvents(t.baseUrl, key, { events });
  expect(res.body.rejected, JSON.stringify(res.body)).toEqual([]);
}

async function wallet(bankCode: string, registeredMsAgo: number) {
  const accountId = uid("acc");
  const linkId = uid("lnk");
  await ingest([
    { id: uid("ev"), type: "account.opened", occurredAt: ago(registeredMsAgo + 60_000), account: { id: accountId, holderName: "ヤマダ タロウ", carrierCustomer: false, identityVerified: false } },
    {
      id: uid("ev"),
      type: "link.registered",
      occurredAt: ago(registeredMsAgo),
      link: { id: linkId, accountId, bankCode, branchCode: "101", accountNumber: String(1_000_000 + Math.floor(Math.random() * 8_999_999)), holderName: "ヤマダ タロウ", authMethod: "PIN" },
    },
  ]);
  return { accountId, linkId };
}

const verified = (accountId: string, at: string, passed = true): PlatformEvent => ({ id: uid("ev"), type: "account.verified", occurredAt: at, verification: { accountId, method: "EKYC", passed } });
const charged = (linkId: string, at: string, amountYen = 10_000): PlatformEvent => ({ id: uid("ev"), type: "charge.completed", occurredAt: at, charge: { id: uid("chg"), linkId, amountYen } });

describe("re-verification gate", () => {
  it("grandfathered links charge again once re-verified after the gate's time; the others wait; new links stay suspended; the counts follow", async () => {
    const DAY = 86_400_000;
    const a = await wallet("0125", 100 * DAY);
    const b = await wallet("0125", 50 * DAY);
    const fresh = await wallet("0125", 60_000);
    const cutoff = new Date(Date.now() - DAY);
    const { suspensions } = await manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0125"], scopes: ["CHARGE"], cutoffAt: cutoff, quarantine: false, reason: REASON });
    const sid = suspensions[0].id;
    expect((await decide(t.baseUrl, key, "charge", { linkId: a.linkId, amountYen: 10_000 })).body).toEqual({ decision: "deny", reason: "BANK_CHARGES_SUSPENDED", suspensionId: sid });

    const gateAfter = new Date(Date.now() - 10 * 60_000);
    await manager.trpc.suspensions.openGate.mutate({ suspensionId: sid, verifiedAfter: gateAfter, reason: REASON });
    expect((await decide(t.baseUrl, key, "charge", { linkId: a.linkId, amountYen: 10_000 })).body).toEqual({ decision: "deny", reason: "REVERIFICATION_REQUIRED", suspensionId: sid });

    // a: verified before the gate's time (does not count), then after it; b: a failed verification only
    await ingest([verified(a.accountId, new Date(gateAfter.getTime() - 1).toISOString()), verified(b.accountId, ago(1_000), false)]);
    expect((await decide(t.baseUrl, key, "charge", { linkId: a.linkId, amountYen: 10_000 })).body.reason).toBe("REVERIFICATION_REQUIRED");
    expect(await manager.trpc.suspensions.gates.query({ bankCode: "0125" })).toMatchObject([{ suspensionId: sid, waiting: 2, reverified: 0, chargingAgain: 0, reason: REASON }]);

    await ingest([verified(a.accountId, ago(500))]);
    expect((await decide(t.baseUrl, key, "charge", { linkId: a.linkId, amountYen: 10_000 })).body).toEqual({ decision: "allow", reason: "ALLOWED" });
    expect((await decide(t.baseUrl, key, "charge", { linkId: b.linkId, amountYen: 10_000 })).body.reason).toBe("REVERIFICATION_REQUIRED");
    await ingest([verified(fresh.accountId, ago(400))]);
    expect((await decide(t.baseUrl, key, "charge", { linkId: fresh.linkId, amountYen: 10_000 })).body).toEqual({ decision: "deny", reason: "BANK_CHARGES_SUSPENDED", suspensionId: sid });

    // a charges through the gate (no violation); b charges anyway (a violation, REVERIFICATION_REQUIRED expected)
    await ingest([charged(a.linkId, ago(100)), charged(b.linkId, ago(100))]);
    expect(await manager.trpc.suspensions.gates.query({ bankCode: "0125" })).toMatchObject([{ waiting: 1, reverified: 1, chargingAgain: 1 }]);
    const violations = await t.db.prisma.policyViolation.findMany({ where: { bankCode: "0125", kind: "CHARGE_WHILE_SUSPENDED" } });
    expect(violations.map((v) => [(v.detail as { linkId: string }).linkId, (v.detail as { expectedReason: string }).expectedReason])).toEqual([[b.linkId, "REVERIFICATION_REQUIRED"]]);

    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "suspension.openGate", targetId: "0125" } });
    expect(audit.reason).toBe(REASON);
    const events = await t.db.prisma.webhookEvent.findMany({ where: { type: "suspension.gate_opened", subjectId: sid } });
    expect(events.map((e) => (e.data as { verifiedAfter: string }).verifiedAfter)).toEqual([gateAfter.toISOString()]);
    expect(await errorCodeOf(manager.trpc.suspensions.openGate.mutate({ suspensionId: sid, verifiedAfter: gateAfter, reason: REASON }))).toBe("GATE_ALREADY_OPEN");
  });

  it("opens only on an active charge suspension, and only for a manager", async () => {
    const { suspensions } = await manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0005"], scopes: ["REGISTRATION"], reason: REASON });
    expect(await errorCodeOf(manager.trpc.suspensions.openGate.mutate({ suspensionId: suspensions[0].id, verifiedAfter: new Date(), reason: REASON }))).toBe("GATE_NEEDS_CHARGE_SUSPENSION");
    for (const role of ["ANALYST", "SUPPORT", "ADMIN"] as const) {
      const agent = await signedInAs(t.baseUrl, role);
      expect(await errorCodeOf(agent.trpc.suspensions.openGate.mutate({ suspensionId: suspensions[0].id, verifiedAfter: new Date(), reason: REASON })), role).toBe("FORBIDDEN");
    }
  });
});
